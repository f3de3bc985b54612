"""The payee: who was paid (or who paid), one field of the ledger entry that bills, import,
categorisation rules and insights all read (../shared/ARCHITECTURE.md: "one field, one home").

``normalise_payee`` turns what a bank or a customer writes into one name per merchant:
"AMZN Mktp US*2K4", "Amazon.com" and "AMAZON MARKETPLACE" are all "Amazon"; "STARBUCKS #1234"
and "Starbucks" are "Starbucks". It is the default when no payee is given; a customer (or a
rule) may set any other name. Written here rather than taken from a library: none on PyPI
cleans card-statement merchant strings without a paid API behind it, and the rules are short.
"""

from __future__ import annotations

import re

PAYEE_MAX_LENGTH = 100

# Card processors and payment services put their name in front of the merchant's.
_PREFIXES = re.compile(
    r"^(?:(?:sq|tst|sp|pp|paypal|zettle|sumup|iz|izettle|pos|card|debit card|visa|mc|purchase|"
    r"card purchase|contactless|direct debit|dd|so|standing order)\s*[*:\-]\s*|"
    r"(?:pos|card purchase|debit card purchase|contactless|direct debit|standing order)\s+)",
    re.IGNORECASE,
)
# After these, the rest is a reference, a store number or a location code.
_CUT = re.compile(r"\s*[*#]")
_DOMAIN = re.compile(r"\.(?:com|co\.uk|co|de|fr|nl|net|org|io|eu)\b", re.IGNORECASE)
_HAS_DIGIT = re.compile(r"\d")
_SPACES = re.compile(r"\s+")
_EDGE_PUNCTUATION = " .,;:-_/\\|'\"()[]{}"

# A few well-known abbreviations (the first word decides).
_ALIASES = {
    "amzn": "Amazon",
    "amazon": "Amazon",
    "amznmktplace": "Amazon",
    "wal-mart": "Walmart",
    "wm": "Walmart",
    "mcdonald's": "McDonald's",
    "mcdonalds": "McDonald's",
    "uber": "Uber",
    "netflix": "Netflix",
    "spotify": "Spotify",
    "starbucks": "Starbucks",
}


def _title(word: str) -> str:
    return word if any(c.isupper() for c in word[1:]) and not word.isupper() else word.capitalize()


def normalise_payee(text: str) -> str:
    """One name per merchant from a statement line or a description; "" when nothing is left."""
    text = _SPACES.sub(" ", (text or "").strip())
    for _ in range(2):  # "SQ * POS ..." has two prefixes
        text = _PREFIXES.sub("", text)
    text = _CUT.split(text, maxsplit=1)[0]
    text = _DOMAIN.sub("", text)
    words = [w.strip(_EDGE_PUNCTUATION) for w in text.split(" ")]
    words = [w for w in words if w and not _HAS_DIGIT.search(w)]
    if not words:
        return ""
    alias = _ALIASES.get(words[0].lower())
    if alias:
        return alias
    # Shouting statements ("TESCO STORES") and lower-case typing read the same; "eBay" stays.
    if all(w.isupper() or w.islower() for w in words):
        words = [_title(w.lower()) for w in words]
    return " ".join(words)[:PAYEE_MAX_LENGTH].strip()


def clean_payee(payee: str | None, *, description: str = "") -> str:
    """The payee to store: what was given (trimmed, whitespace collapsed), or, when nothing
    was, the normalised description."""
    given = _SPACES.sub(" ", (payee or "").strip())[:PAYEE_MAX_LENGTH].strip()
    return given or normalise_payee(description)
