"""One home per claim kind: each family is a rule that extracts its claims and says what an
accepted claim writes; claims carry a typed detail and why they were proposed."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from geo.claims import RULES, CeasefireDetail, ClaimKind, ControlDetail, rule_for
from geo.ingest import claim_document, ingest_report, ingest_reports
from geo.mentions import MentionIndex
from geo.model import Dataset
from geo.reports import parse_report
from views.reports_view import claim_explanation, written_rows

DAY = dt.date(2018, 3, 22)


def claims_of(text: str, dataset: Dataset, index: MentionIndex):
    report = parse_report(text, path="t.txt", default_date=DAY)
    return report, ingest_report(report, dataset=dataset, index=index).claims


def test_every_kind_has_exactly_one_rule() -> None:
    owners = {kind: [r.name for r in RULES if kind in r.kinds] for kind in ClaimKind}
    assert all(len(names) == 1 for names in owners.values()), owners
    assert rule_for("ceasefire") is rule_for(ClaimKind.CORRIDOR)
    with pytest.raises(KeyError):
        rule_for("coup")


def test_details_are_typed_and_read_as_mappings(dataset: Dataset, index: MentionIndex) -> None:
    _, [claim] = claims_of("Loyalist troops have retaken 40% of Jisreen.", dataset, index)
    assert isinstance(claim.info, ControlDetail)
    assert claim.info.holder == claim.detail["holder"] == "saa"
    assert claim.info.share == 0.4 and claim.detail["partial"] is True
    doc = claim_document(claim)
    assert doc["detail"]["holder"] == "saa" and doc["detail"]["partial"] is True
    assert doc["why"] == {"rule": "control", "pattern": "active", "triggers": ["retaken"],
                          "hedge": "", "partial": "40% of"}
    assert "inferred" not in doc["detail"]  # only the fields that say something


def test_the_rule_says_which_rows_an_accepted_claim_becomes(dataset: Dataset,
                                                           index: MentionIndex) -> None:
    report, claims = claims_of("Government forces captured Zamalka and Arbin. A daily "
                               "ceasefire from 9:00 to 14:00 was declared in Douma.",
                               dataset, index)
    control, ceasefire = claims
    rows = written_rows(control, report, dataset)
    assert [(r["file"], r["locality"], r["faction"]) for r in rows] == [
        ("control.csv", "zamalka", "saa"), ("control.csv", "arbin", "saa")]
    assert isinstance(ceasefire.info, CeasefireDetail)
    [event] = written_rows(ceasefire, report, dataset)
    assert (event["file"], event["type"], event["localities"]) == ("events.csv", "ceasefire",
                                                                  "douma")


def test_the_reports_page_says_why_a_claim_was_proposed(dataset: Dataset,
                                                        index: MentionIndex) -> None:
    _, [claim] = claims_of("Regime troops reportedly seized half of Hammuriyeh.", dataset,
                           index)
    why = claim_explanation(claim)
    assert "rule **control**" in why and "pattern *active*" in why
    assert "triggered by “seized”" in why and "hedged by “reportedly”" in why
    assert "partial: “half of”" in why and "share 50%" in why


@pytest.mark.parametrize("make", [
    lambda n: "The army captured " + ", ".join(["Douma"] * n) + ".",
    lambda n: " ".join(["the army captured Douma and"] * n) + ".",
    lambda n: "until " * n + "the army captured Douma.",
    lambda n: " ".join(["Douma held by the rebels,"] * n) + ".",
    lambda n: "Regime forces entered Douma. " + " ".join(["They entered the towns and"] * n),
    lambda n: "Civilians left " + " and ".join(["Douma"] * n) + " for Harasta and Saqba.",
    lambda n: "Rebels withdrew from " * n + "Douma.",
    lambda n: " ".join(["fighters in Douma agreed to leave Harasta for Idlib, and"] * n),
    lambda n: "A ceasefire from 9" + " " * (40 * n) + "x.",
], ids=["list", "events", "until", "held-by", "anaphors", "evacuation", "withdrawal",
        "agreement", "hours"])
def test_claims_take_time_linear_in_the_text(make, dataset: Dataset,
                                             index: MentionIndex) -> None:
    """A generous ceiling against quadratic blow-ups (the benchmark measures the ratio)."""
    report = parse_report(make(2000), path="t.txt", default_date=DAY)
    start = time.process_time()
    ingest_reports([report], dataset=dataset, index=index)
    assert time.process_time() - start < 20.0


def test_a_cue_in_letters_that_fold_to_ascii_is_read_as_the_search_reads_it(
        dataset: Dataset, index: MentionIndex) -> None:
    # a sentence is searched for "set up" only when its lower case holds a cue word, unless a
    # letter of it is an ASCII one to a case-insensitive search ("ſ" is an "s") but not in
    # lower case: the corridor is opened all the same
    _, claims = claims_of("A humanitarian corridor to Douma was ſet up.", dataset, index)
    assert [(c.type, c.localities, c.detail["status"]) for c in claims] == [
        (ClaimKind.CORRIDOR, ("douma",), "open")]
