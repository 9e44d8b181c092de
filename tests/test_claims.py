"""Claims a report makes: the seed's exact list, the patterns, dates, hours, faction aliases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from geo.claims import Claim, resolve_date
from geo.factions_text import find_factions
from geo.ingest import ingest_report
from geo.mentions import MentionIndex
from geo.model import Dataset
from geo.reports import parse_report, read_report

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_253ffc8c63ac3726.txt"
REPORT_DAY = dt.date(2018, 3, 22)  # a Thursday


def claims_of(text: str, dataset: Dataset, index: MentionIndex,
              day: dt.date = REPORT_DAY) -> list[Claim]:
    report = parse_report(text, path="test.txt", default_date=day)
    return list(ingest_report(report, dataset=dataset, index=index).claims)


def summary(claims: list[Claim]) -> set[tuple]:
    return {(c.type, c.localities, c.detail.get("holder")) for c in claims}


def test_seed_yields_exactly_the_issue_claims(dataset: Dataset, index: MentionIndex) -> None:
    report = read_report(SEED)
    claims = ingest_report(report, dataset=dataset, index=index).claims
    got = {(c.type, c.localities, c.detail.get("holder"), c.evidence[:30]) for c in claims}
    # The issue's list, exactly. Deliberately absent: the opening "entered negotiations"
    # (no place is the subject of the talks), the Douma elders' ceasefire agreement (Douma
    # qualifies people there), the Saqba agreement (folded into Saqba's handover claim) and
    # the evacuation from Hazrama and Nashabiya (no destination: a route needs one).
    # The Harasta safe passage is an agreement: its destination is not a place.
    assert got == {
        ("control", ("douma",), "jaysh-al-islam", "In recent days, the Syrian tro"),
        ("control", ("harasta",), "ahrar-al-sham", "In recent days, the Syrian tro"),
        ("control", ("hazrama", "nashabiyah"), "saa", "Previously, the SAA began to e"),
        ("control", ("saqba",), "saa", "According to the deal, reached"),
        ("ceasefire", (), None, "To ensure the security of civi"),
        ("corridor", (), None, "To ensure the security of civi"),
        ("evacuation", ("saqba", "zamalka", "ayn-tarma"), None,
         "Those who choose to leave were"),
        ("agreement", ("harasta",), None, "In turn, Ahrar Al-Sham fighter"),
    }
    assert len(claims) == 8
    for claim in claims:
        assert claim.evidence == report.sentences[claim.sentence_index].text
        assert 0 < claim.confidence <= 1
    by_type = {c.type: c for c in claims}
    assert by_type["ceasefire"].detail["hours"] == "09:00-14:00"
    assert by_type["ceasefire"].detail["daily"] is True
    assert by_type["corridor"].detail["hours"] == "09:00-14:00"
    evac = by_type["evacuation"].detail
    assert (evac["from"], evac["to"], evac["who"]) == ("saqba", ("zamalka", "ayn-tarma"),
                                                      "civilians")
    assert by_type["agreement"].factions == ("ahrar-al-sham",)
    assert "safe passage" in by_type["agreement"].detail["terms"]
    saqba = next(c for c in claims if c.localities == ("saqba",))
    assert saqba.detail["verb"] == "left_before_entry" and saqba.detail["by_agreement"]
    assert "Saqba town a few days earlier" in saqba.detail["context"]
    assert saqba.date_origin == "vague" and "a few days earlier" in saqba.detail["date_note"]
    assert saqba.date == REPORT_DAY and saqba.confidence < 0.6


@pytest.mark.parametrize(("text", "expected"), [
    ("Syrian troops captured the villages of Otaya, Hazrama and Beit Naim, while rebels fled.",
     {("control", ("otaya", "hazrama", "beit-nayim"), "saa")}),
    ("Loyalist forces seized Mesraba, cutting the road to Douma.",
     {("control", ("misraba",), "saa")}),
    ("The Tiger Forces regained control over Hosh al-Dawahira and the entrance of "
     "al-Shifuniyah.", {("control", ("hawsh-al-dawahira", "al-shifuniyah"), "saa")}),
    ("Government forces entered Saqba.", {("control", ("saqba",), "saa")}),
    ("Jaysh al-Islam entered negotiations over prisoners with the army.", set()),
    ("Kafr Batna was captured by the al-Rahman Legion.",
     {("control", ("kafr-batna",), "faylaq-al-rahman")}),
    ("Harasta remains under the control of Ahrar al-Sham.",
     {("control", ("harasta",), "ahrar-al-sham")}),
    ("Aftris was liberated from the militants.", {("control", ("eftris",), "saa")}),
    ("The militants left Jisrin before the entrance of the Syrian army.",
     {("control", ("jisreen",), "saa")}),
])
def test_control_patterns(text: str, expected: set, dataset: Dataset,
                          index: MentionIndex) -> None:
    assert {c for c in summary(claims_of(text, dataset, index))
            if c[0] == "control"} == expected


def test_places_that_only_give_a_bearing_or_qualify_people_are_not_claimed(
        dataset: Dataset, index: MentionIndex) -> None:
    claims = claims_of("A humanitarian corridor was opened at the Wafideen camp north-east "
                       "of Damascus.", dataset, index)
    assert [(c.type, c.localities) for c in claims] == [("corridor", ("wafideen-camp",))]
    assert claims_of("Douma elders agreed on a prisoner exchange.", dataset, index) == []


def test_evacuation_with_counts_and_route(dataset: Dataset, index: MentionIndex) -> None:
    text = ("On Thursday 1,580 civilians and 413 fighters left Harasta for Idlib in "
            "27 buses.")
    [claim] = [c for c in claims_of(text, dataset, index) if c.type == "evacuation"]
    assert claim.detail["from"] == "harasta" and claim.detail["to"] == ("idlib",)
    assert claim.detail["people"] == 1580 and claim.detail["buses"] == 27
    assert claim.date == REPORT_DAY  # "On Thursday" in a Thursday's report: that day


def test_evacuations_phrased_with_head(dataset: Dataset, index: MentionIndex) -> None:
    text = ("Buses carrying fighters will head to Idlib from Harasta. "
            "Hundreds of civilians were heading towards Hosh Nasri from Douma.")
    evac = [c.detail for c in claims_of(text, dataset, index) if c.type == "evacuation"]
    assert [(d["from"], d["to"]) for d in evac] == [("harasta", ("idlib",)),
                                                    ("douma", ("hawsh-nasri",))]
    # the noun is not a movement
    noun = "The head of the Douma council travelled to Damascus for talks."
    assert [c for c in claims_of(noun, dataset, index) if c.type == "evacuation"] == []


def test_withdrawal_is_proposed_without_inventing_a_new_holder(dataset: Dataset,
                                                               index: MentionIndex) -> None:
    text = ("Faylaq al-Rahman fighters withdrew from Ayn Tarma and Zamalka on Tuesday. "
            "Jaysh al-Islam pulled out of the town of Douma.")
    found = [c for c in claims_of(text, dataset, index) if c.type == "withdrawal"]
    assert [(c.localities, c.factions) for c in found] == [
        (("ayn-tarma", "zamalka"), ("faylaq-al-rahman",)), (("douma",), ("jaysh-al-islam",))]
    assert found[0].date == REPORT_DAY - dt.timedelta(days=2)  # "on Tuesday", a Thursday report
    assert not [c for c in claims_of(text, dataset, index) if c.type == "control"]


def test_withdrawal_needs_a_place_and_yields_to_a_named_successor(
        dataset: Dataset, index: MentionIndex) -> None:
    talks = "Rebel negotiators withdrew from the talks in Douma."
    assert [c for c in claims_of(talks, dataset, index) if c.type == "withdrawal"] == []
    handed = "Faylaq al-Rahman withdrew from Saqba before the entrance of the Syrian troops."
    claims = claims_of(handed, dataset, index)
    assert [c.type for c in claims] == ["control"]
    assert claims[0].localities == ("saqba",) and claims[0].detail["holder"] == "saa"


def test_evacuation_needs_a_destination(dataset: Dataset, index: MentionIndex) -> None:
    text = "The army began to evacuate civilians from Hazrama."
    assert [c for c in claims_of(text, dataset, index) if c.type == "evacuation"] == []


def test_ceasefire_needs_to_be_put_in_place(dataset: Dataset, index: MentionIndex) -> None:
    mentioned = "Residents hoped for a ceasefire in Douma."
    assert [c for c in claims_of(mentioned, dataset, index) if c.type == "ceasefire"] == []
    declared = "A ceasefire was declared in Douma from 8 a.m. until 4 p.m. on 13 March."
    [claim] = [c for c in claims_of(declared, dataset, index) if c.type == "ceasefire"]
    assert claim.localities == ("douma",)
    assert claim.detail["hours"] == "08:00-16:00"
    assert claim.date == dt.date(2018, 3, 13) and claim.date_origin == "explicit"


def test_negotiation_needs_a_place_as_subject(dataset: Dataset, index: MentionIndex) -> None:
    claims = claims_of("Negotiations on Douma resumed with the Russian side.", dataset, index)
    assert [(c.type, c.localities) for c in claims] == [("negotiation", ("douma",))]


@pytest.mark.parametrize(("text", "day", "origin"), [
    ("Troops entered the town on March 3.", dt.date(2018, 3, 3), "explicit"),
    ("Troops entered the town on 3 March.", dt.date(2018, 3, 3), "explicit"),
    ("Troops entered the town on Dec. 30.", dt.date(2017, 12, 30), "explicit"),
    ("Troops entered the town yesterday.", dt.date(2018, 3, 21), "yesterday"),
    ("Troops entered the town on Saturday.", dt.date(2018, 3, 17), "weekday"),
    ("Troops entered the town on Thursday.", dt.date(2018, 3, 22), "weekday"),
    ("Troops entered the town a few days earlier.", REPORT_DAY, "vague"),
    ("Troops entered the town.", REPORT_DAY, "report"),
    ("Troops entered the town on 31 February.", REPORT_DAY, "report"),
])
def test_resolve_date(text: str, day: dt.date, origin: str) -> None:
    assert resolve_date(text, REPORT_DAY)[:2] == (day, origin)


def test_vague_date_lowers_confidence(dataset: Dataset, index: MentionIndex) -> None:
    [plain] = claims_of("Government forces entered Saqba.", dataset, index)
    [vague] = claims_of("Government forces entered Saqba a few days earlier.", dataset, index)
    assert vague.confidence < plain.confidence
    assert vague.date == plain.date == REPORT_DAY
    assert "a few days earlier" in vague.detail["date_note"]


@pytest.mark.parametrize(("surface", "faction"), [
    ("Faylak al-Rahman", "faylaq-al-rahman"), ("al-Rahman Legion", "faylaq-al-rahman"),
    ("Faylaq Al-Rahman", "faylaq-al-rahman"), ("loyalist forces", "saa"),
    ("regime forces", "saa"), ("Tiger Forces", "saa"), ("Syrian troops", "saa"),
    ("SAA", "saa"), ("government forces", "saa"), ("Jaish al-Islam", "jaysh-al-islam"),
    ("HTS", "hts"), ("rebels", "opposition"), ("militants", "opposition"),
    # spellings no alias lists: the loose key, then a bounded fuzzy match
    ("Failak Ar-Rahman", "faylaq-al-rahman"), ("Islam Army", "jaysh-al-islam"),
    ("Faylak al-Rahmen", "faylaq-al-rahman"), ("Jaysh al-Islaam", "jaysh-al-islam"),
    ("Free Syrian Army", "opposition"),  # not the government's "Syrian Army"
])
def test_faction_aliases(surface: str, faction: str, dataset: Dataset) -> None:
    text = f"Yesterday {surface} moved."
    [mention] = find_factions(text, dataset.factions)
    assert (mention.faction_id, mention.surface) == (faction, surface)
    assert text[mention.start:mention.end] == surface


@pytest.mark.parametrize("other", ["Ahrar al-Sharqiya", "Syrian Arab Red Crescent",
                                   "Syrian Observatory for Human Rights", "Jaysh al-Fustat",
                                   "Islamic State"])
def test_other_organisations_are_no_faction(other: str, dataset: Dataset) -> None:
    assert find_factions(f"Yesterday {other} spoke.", dataset.factions) == []


def test_acronyms_match_only_in_capitals(dataset: Dataset) -> None:
    assert find_factions("It has saa and hts in lower case.", dataset.factions) == []


@pytest.mark.parametrize("odd", ["on ſaturday", "on SATURDAY", "on ſunday", "last \u212aonday"])
def test_weekday_look_alikes_never_crash(odd: str) -> None:
    day, origin, _ = resolve_date(f"Troops entered the town {odd}.", dt.date(2018, 3, 22))
    assert day <= dt.date(2018, 3, 22) and origin in ("weekday", "report")


@pytest.mark.parametrize("text", [
    "Jaysh al-Islam CAPTURED Douma.",
    "Jaysh al-Islam Captured Douma. İdlib was quiet.",  # İ changes the length in lower case
    "Jaysh al-Islam captured Douma.\n\nThe ceasefire was quiet.",
])
def test_trigger_words_are_found_in_any_case_in_every_sentence(dataset: Dataset,
                                                                index: MentionIndex,
                                                                text: str) -> None:
    assert ("control", ("douma",), "jaysh-al-islam") in summary(claims_of(text, dataset, index))


def test_a_sentence_without_trigger_words_makes_no_claim(dataset: Dataset,
                                                          index: MentionIndex) -> None:
    text = "Residents of Douma and Harasta said food had run out. Jaysh al-Islam took Saqba."
    claims = claims_of(text, dataset, index)
    assert [(c.sentence_index, c.type, c.localities) for c in claims] == [
        (1, "control", ("saqba",))]
