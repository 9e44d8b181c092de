"""The control grammar's forms on sentences of our own (not the corpus's wording): lists,
partial control, states, passives and nominals, declarations, hedges, aims, negation, dates."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.claims import Claim
from geo.ingest import ingest_report
from geo.mentions import MentionIndex
from geo.model import Dataset
from geo.reports import parse_report

DAY = dt.date(2018, 3, 22)  # a Thursday


def control(text: str, dataset: Dataset, index: MentionIndex, day: dt.date = DAY
            ) -> list[Claim]:
    report = parse_report(text, path="t.txt", default_date=day)
    return [c for c in ingest_report(report, dataset=dataset, index=index).claims
            if c.type == "control"]


def pairs(claims: list[Claim]) -> set[tuple[str, str]]:
    return {(p, c.detail["holder"]) for c in claims for p in c.localities}


@pytest.mark.parametrize(("text", "expected"), [
    # lists, with unresolved names and class nouns between the places
    ("Troops regained the town of Nashabiyah and the villages and farms of Otaya, Hosh "
     "Kharabo, Beit Naim, and al-Rayhan farms, in addition to two army bases.",
     {("nashabiyah", "saa"), ("otaya", "saa"), ("beit-nayim", "saa"), ("al-rayhan", "saa")}),
    ("The army declared the towns of Zamalka, Erbin, Ein Tarma and Jobar clear of terrorism.",
     {("zamalka", "saa"), ("arbin", "saa"), ("ayn-tarma", "saa"), ("jobar", "saa")}),
    ("The liberated villages are Otaya, Hazrama (near Nashabiyah) and Beit Naim.",
     {("otaya", "saa"), ("hazrama", "saa"), ("beit-nayim", "saa")}),
    # states
    ("Failak Ar-Rahman, controling the Arbin, Ein Tarma and Zamalka suburbs, refused the offer.",
     {("arbin", "faylaq-al-rahman"), ("ayn-tarma", "faylaq-al-rahman"),
      ("zamalka", "faylaq-al-rahman")}),
    ("Only Douma remains under the Islam Army's control.", {("douma", "jaysh-al-islam")}),
    ("Rebel-held Douma was shelled.", {("douma", "opposition")}),
    ("Douma, held by Jaysh al-Islam, is surrounded.", {("douma", "jaysh-al-islam")}),
    ("Residents fled the last rebel pocket of Douma.", {("douma", "opposition")}),
    ("Douma, the enclave's last town that is still under opposition control, was hit.",
     {("douma", "opposition")}),
    ("The group in control of Harasta, Ahrar al-Sham, agreed to leave.",
     {("harasta", "ahrar-al-sham")}),
    ("Zamalka and Arbin came under the control of the Syrian army.",
     {("zamalka", "saa"), ("arbin", "saa")}),
    ("Regime forces now hold about 70 percent of the enclave, including Harasta and Misraba.",
     {("harasta", "saa"), ("misraba", "saa")}),
    # passive and nominal
    ("Harasta fell to the army on Thursday.", {("harasta", "saa")}),
    ("Kafr Batna was retaken by government forces late on Sunday.", {("kafr-batna", "saa")}),
    ("The regime's capture of Misraba cut the enclave in two.", {("misraba", "saa")}),
    ("Rebels lost control of Hammouriyeh to government forces.", {("hammouriyeh", "saa")}),
    # declarations and other verbs
    ("Harasta is now empty of militants.", {("harasta", "saa")}),
    ("The Syrian army restored security and stability to Beit Sawa.", {("beit-sawa", "saa")}),
    ("Loyalists overran the village of Hosh al-Ashari.", {("hawsh-al-ashari", "saa")}),
    ("Government forces have full control of Saqba.", {("saqba", "saa")}),
    ("Harasta returned to government control on Friday.", {("harasta", "saa")}),
    ("The army raised the national flag over Zamalka.", {("zamalka", "saa")}),
    ("Otaya, which the army captured on Sunday, was quiet.", {("otaya", "saa")}),
    ("Faylaq al-Rahman retains control of Arbin.", {("arbin", "faylaq-al-rahman")}),
    ("The town of Harasta is in the hands of the army.", {("harasta", "saa")}),
    # actors: nationality plus force noun, pronouns, generic group nouns
    ("Syrian troops advanced. They entered Hazzeh on Monday.", {("hazzeh", "saa")}),
    ("Jaysh al-Islam said it still holds Douma.", {("douma", "jaysh-al-islam")}),
    # a compound counts after its hyphen, spaced or not ("run" alone is no trigger)
    ("Shelling hit the rebel-run town of Douma.", {("douma", "opposition")}),
    ("Shelling hit the rebel - run town of Douma.", {("douma", "opposition")}),
])
def test_forms_give_their_claims(text: str, expected: set, dataset: Dataset,
                                 index: MentionIndex) -> None:
    assert pairs(control(text, dataset, index)) == expected


@pytest.mark.parametrize("text", [
    "The army will declare Douma free of terrorists in the next few hours.",
    "Government forces are aiming to capture Douma.",
    "Jaysh al-Islam threatened to storm Adra.",
    "The army is preparing to storm Douma.",
    "The army failed to take Arbin.",
    "Government forces have yet to enter Douma.",
    "The army could take Douma within days, analysts said.",
    "It was a matter of hours until Douma was declared empty of terrorism.",
    "Harasta, which rebels had controlled since 2012, is now quiet.",
    "Harasta had been controlled by Ahrar al-Sham.",
    "The abductees held by Jaysh al-Islam in Douma were freed.",
    "The army shelled Douma and Harasta, killing 20 civilians.",
    "Troops captured the area near Hama.",
    "Jaysh al-Islam entered negotiations over prisoners with the army.",
    "Turkish troops took Jarablus in 2016.",
    "Civilians arrived at a government-held checkpoint in Adra.",
    "Food and medicine had run out in Douma.",
    "Shelling hit the rebel run town of Douma.",
])
def test_aims_negations_past_states_and_non_places_give_none(
        text: str, dataset: Dataset, index: MentionIndex) -> None:
    assert control(text, dataset, index) == []


def test_partial_control_carries_the_share_and_less_confidence(
        dataset: Dataset, index: MentionIndex) -> None:
    [half] = control("Government troops seized the eastern half of the key town of "
                     "Hammuriyeh.", dataset, index)
    [forty] = control("Loyalist troops have retaken 40% of Jisreen.", dataset, index)
    [most] = control("Rebels swept through Mesraba and are now controlling most of it.",
                     dataset, index)
    [whole] = control("Loyalist troops have retaken Jisreen.", dataset, index)
    assert (half.detail["partial"], half.detail["share"]) == (True, 0.5)
    assert (forty.detail["partial"], forty.detail["share"]) == (True, 0.4)
    assert most.detail["partial"] is True and most.localities == ("misraba",)
    assert whole.detail["partial"] is False
    assert half.confidence < whole.confidence and forty.confidence < whole.confidence
    assert "40% of" in forty.why.partial


def test_hedges_lower_confidence_and_say_so(dataset: Dataset, index: MentionIndex) -> None:
    [plain] = control("Regime troops took Saqba.", dataset, index)
    [hedged] = control("Regime troops reportedly took Saqba.", dataset, index)
    [own] = control("Faylaq al-Rahman said it had recaptured Zamalka.", dataset, index)
    [advance] = control("Sources said the army was advancing on Kafr Batna.", dataset, index)
    assert hedged.detail["hedged"] is True and hedged.why.hedge == "reportedly"
    assert hedged.confidence < plain.confidence
    assert own.confidence < plain.confidence  # a faction's own claim
    assert advance.confidence < 0.5 and advance.why.pattern == "approach"


@pytest.mark.parametrize(("text", "day", "origin"), [
    ("Government troops seized Saqba on Saturday morning.", dt.date(2018, 3, 17), "weekday"),
    ("The SAA has held Beit Sawa since Sunday.", dt.date(2018, 3, 18), "weekday"),
    ("Syrian troops entered Hazzeh overnight.", DAY, "overnight"),
    ("The fall of Harasta came a week earlier.", dt.date(2018, 3, 15), "relative"),
    ("Following the seizure of Misraba on March 10 - 11, the army split the enclave.",
     dt.date(2018, 3, 11), "explicit"),
    ("A view of Harasta on March 30, a week after regime forces retook the town.",
     dt.date(2018, 3, 23), "relative"),
    ("Syrian forces took Douma, a week earlier than planned.", DAY, "report"),
    # a bracket in the clause, or in the place's own name, does not cut its date off
    ("Syrian forces took Douma (north-east of Damascus) on 20 February 2018.",
     dt.date(2018, 2, 20), "explicit"),
    ("Syrian forces took Armored Vehicles Base (Harasta) on 20 February 2018.",
     dt.date(2018, 2, 20), "explicit"),
    ("Syrian forces took Douma (the enclave's largest town; 140,000 people) on 20 February.",
     dt.date(2018, 2, 20), "explicit"),
])
def test_dates(text: str, day: dt.date, origin: str, dataset: Dataset,
               index: MentionIndex) -> None:
    report_day = dt.date(2018, 4, 1) if "March 30" in text else DAY
    [claim] = control(text, dataset, index, report_day)
    assert (claim.date, claim.date_origin) == (day, origin)


def test_plural_anaphor_takes_the_list_of_the_sentence_before(dataset: Dataset,
                                                              index: MentionIndex) -> None:
    claims = control("Buses left the towns of Zamalka, Ein Tarma and Arbeen. The channel "
                     "said regime troops entered the towns.", dataset, index)
    assert pairs(claims) == {("zamalka", "saa"), ("ayn-tarma", "saa"), ("arbin", "saa")}
    assert "the towns" in claims[0].why.triggers
    assert claims[0].notes.context.startswith("Buses left")


def test_a_named_faction_wins_over_the_unstated_group_of_its_side(
        dataset: Dataset, index: MentionIndex) -> None:
    text = "Rebel-held Douma was shelled. Douma, held by Jaysh al-Islam, is surrounded."
    assert pairs(control(text, dataset, index)) == {("douma", "jaysh-al-islam")}


def test_the_fall_of_a_place_goes_to_the_side_that_did_not_hold_it(
        dataset: Dataset, index: MentionIndex) -> None:
    # the dataset has Harasta opposition-held before 23 March: its fall is the government's
    [claim] = control("The fall of Harasta shocked the rebels.", dataset, index,
                      dt.date(2018, 3, 22))
    assert claim.detail["holder"] == "saa" and claim.detail["inferred"] is True


def test_claims_the_text_dates_outside_the_period_are_left_out(
        dataset: Dataset, index: MentionIndex) -> None:
    assert control("Rebels captured Douma in June 2012.", dataset, index) == []
    assert pairs(control("Rebels captured Douma in March 2018.", dataset, index)) == {
        ("douma", "opposition")}
