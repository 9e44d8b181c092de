"""Locality fixtures for the gazetteer and mention tests: reference spellings, shipped data."""

from __future__ import annotations

import csv
from pathlib import Path

from geo.model import Locality

DATA = Path(__file__).resolve().parent.parent / "data"
SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_253ffc8c63ac3726.txt"

# id, name, alt_names as listed in ../shared/reference/localities.csv (the spellings only; the
# points below are a fixed placeholder near Eastern Ghouta, matching never looks at them).
REFERENCE = [
    ("damascus", "Damascus", ("Dimashq",)),
    ("douma", "Douma", ("Duma",)),
    ("harasta", "Harasta", ("Harastah",)),
    ("arbin", "Arbin", ("Irbin",)),
    ("kafr-batna", "Kafr Batna", ("Kafar Batna",)),
    ("jaramana", "Jaramana", ("Jaramanah",)),
    ("mleiha", "Mleiha", ("al-Malihah", "Al Mulayhah")),
    ("nashabiyah", "Nashabiyah", ("An Nashabiyah",)),
    ("deir-al-asafir", "Deir al-Asafir", ("Dayr al-Asafir",)),
    ("al-dumayr", "al-Dumayr", ("Ad Dumayr",)),
    ("adra", "Adra", ("'Adra",)),
    ("jarablus", "Jarablus", ("Jarabulus",)),
    ("idlib", "Idlib city", ("Idleb",)),
    ("qalaat-al-madiq", "Qalaat al-Madiq", ("Qal'at al Madiq",)),
    ("al-bab", "al-Bab", ("Al Bab",)),
    ("hama", "Hama city", ("Hamah",)),
    ("zamalka", "Zamalka", ()),
    ("saqba", "Saqba", ()),
    ("beit-sawa", "Beit Sawa", ("Bayt Sawa",)),
    ("jobar", "Jobar", ("Jawbar",)),
    ("ayn-tarma", "Ayn Tarma", ("Ein Tarma", "Ain Tarma")),
    ("hammouriyeh", "Hammouriyeh", ("Hamouriyeh",)),
    ("misraba", "Misraba", ()),
    ("mudayra", "Mudayra", ("Mudayrah",)),
    ("otaya", "Otaya", ()),
    ("hazrama", "Hazrama", ()),
    ("al-shifuniyah", "al-Shifuniyah", ("Shifuniyah",)),
    ("hawsh-al-dawahira", "Hawsh al-Dawahira", ("Hawsh Dawahira",)),
    ("al-rayhan", "al-Rayhan", ("Rayhan",)),
    ("hawsh-al-ashari", "Hawsh al-Ash'ari", ("Hawsh al-Ashari",)),
    ("beit-nayim", "Beit Nayim", ()),
    ("al-muhammadiyah", "al-Muhammadiyah", ()),
    ("jisreen", "Jisreen", ("Jisrin",)),
    ("hazzeh", "Hazzeh", ("Hizzah",)),
    ("eftris", "Eftris", ("Aftris",)),
    ("wafideen-camp", "Wafideen camp", ("al-Wafideen",)),
    ("qaboun", "Qaboun", ("Qabun",)),
    ("barzeh", "Barzeh", ("Barzah",)),
    ("zebdin", "Zebdin", ("Zabdin",)),
    ("hawsh-al-zarqiyah", "Hawsh al-Zarqiyah", ()),
    ("hawsh-qubaybat", "Hawsh Qubaybat", ()),
    ("dweir-shelter", "Dweir shelter", ("al-Duweir",)),
    ("herjelleh-shelter", "Herjelleh shelter", ("Harjalleh",)),
    ("adra-prison", "Adra Prison", ("Damascus Central Prison",)),
    ("armored-vehicles-base", "Armored Vehicles Base (Harasta)", ("Vehicle Management Base",)),
]


def reference_localities() -> list[Locality]:
    """The reference places as Locality records (placeholder points)."""
    return [
        Locality(lid, name, alts, "town", 33.5, 36.4, 1000.0, "estimated", True, "test fixture")
        for lid, name, alts in REFERENCE
    ]


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(";") if part.strip())


def shipped_localities() -> list[Locality]:
    """``data/localities.csv`` read with the csv module (columns of docs/data-model.md)."""
    with (DATA / "localities.csv").open(encoding="utf-8", newline="") as fh:
        return [
            Locality(row["id"], row["name"], _split(row["alt_names"]), row["kind"],
                     float(row["lat"]), float(row["lon"]), float(row["precision_m"]),
                     row["placement"], row["territory"] == "1", row["source"], row["note"], line)
            for line, row in enumerate(csv.DictReader(fh), start=2)
        ]


def shipped_faction_phrases() -> list[str]:
    """Every faction name and alias of ``data/factions.csv`` (stop phrases for mentions)."""
    with (DATA / "factions.csv").open(encoding="utf-8", newline="") as fh:
        return [p for row in csv.DictReader(fh) for p in (row["name"], *_split(row["aliases"]))]
