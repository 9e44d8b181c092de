"""The claims reports make, one rule family per module.

Families: control, ceasefire and corridor, evacuation, agreement and negotiation,
withdrawal, run by ``extract_claims``; each says what an accepted claim writes
(``rule_for(kind).rows``). The control family is a grammar over marked spans whose words live
in the lexicon (``lexicon.csv``, plus a dataset's own).
"""

from geo.claims.core import (
    CLAIM_TYPES,
    AgreementDetail,
    CeasefireDetail,
    Claim,
    ClaimKind,
    ControlDetail,
    CorridorDetail,
    Detail,
    EvacuationDetail,
    Explanation,
    NegotiationDetail,
    Notes,
    WithdrawalDetail,
)
from geo.claims.dates import resolve_date, time_expressions
from geo.claims.extract import RULES, extract_claims, rule_for
from geo.claims.lexicon import Lexicon, LexiconEntry, lexicon_for
from geo.claims.rule import ClaimRule, Row, confidence_level

__all__ = [
    "CLAIM_TYPES", "RULES", "AgreementDetail", "CeasefireDetail", "Claim", "ClaimKind",
    "ClaimRule", "ControlDetail", "CorridorDetail", "Detail", "EvacuationDetail", "Explanation",
    "Lexicon", "LexiconEntry", "NegotiationDetail", "Notes", "Row", "WithdrawalDetail",
    "confidence_level", "extract_claims", "lexicon_for", "resolve_date", "rule_for",
    "time_expressions",
]
