"""Place names that name a region, a landform or a facility are not mentions of the place."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.ingest import ingest_report
from geo.mentions import MentionIndex
from geo.model import Dataset
from geo.reports import parse_report


def mentioned(text: str, dataset: Dataset, index: MentionIndex) -> list[tuple[str, str]]:
    report = parse_report(text, path="t.txt", default_date=dt.date(2018, 3, 22))
    return [(m.locality_id, m.surface)
            for m in ingest_report(report, dataset=dataset, index=index).mentions]


@pytest.mark.parametrize("text", [
    "Shelling hit Rural Damascus.",
    "Aid reached Rif Dimashq on Monday.",
    "Fighters left for Idlib province.",
    "Fighters left for the province of Idlib.",
    "Evacuees went to Idleb and Aleppo governorates.",
    "Troops advanced in Wadi Ein Tarma.",
    "Troops advanced in the Ein Tarma valley.",
    "Clashes in the Damascus countryside continued.",
    "Fighting spread to the Hama countryside.",
    "Families sheltered in Adra School and the Adra Electricity Complex.",
    "A Russian State Duma deputy spoke.",
])
def test_regions_landforms_and_facilities_are_not_the_place(text: str, dataset: Dataset,
                                                             index: MentionIndex) -> None:
    assert mentioned(text, dataset, index) == []


@pytest.mark.parametrize(("text", "ids"), [
    ("Fighters left for Idlib.", ["idlib"]),
    ("The rebel-held Douma district was shelled.", ["douma"]),
    ("Troops entered the Arbin, Ein Tarma and Zamalka suburbs.",
     ["arbin", "ayn-tarma", "zamalka"]),  # suburbs of a town are towns
    ("Evacuees arrived in Damascus City.", ["damascus"]),
    ("They reached Ein Tarma, then Douma.", ["ayn-tarma", "douma"]),
    ("Prisoners were held in Adra prison.", ["adra-prison"]),
])
def test_the_places_themselves_stay(text: str, ids: list[str], dataset: Dataset,
                                    index: MentionIndex) -> None:
    assert [i for i, _s in mentioned(text, dataset, index)] == ids
