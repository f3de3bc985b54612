"""Statement parsers: pure functions from a file's bytes to a ParsedFile (see ``common``)."""

from __future__ import annotations

from .camt import parse_camt
from .common import MAX_FILE_BYTES, AmbiguousDates, FileRefused, ParsedFile, ParsedRow
from .csv_file import parse_csv
from .ofx import parse_ofx
from .qif import parse_qif

FORMATS = {"csv": "CSV", "ofx": "OFX / QFX", "qif": "QIF", "camt": "CAMT.053"}


def detect_format(data: bytes, file_name: str = "") -> str:
    """The file's format from its first bytes (the name's extension only breaks a tie)."""
    head = data[:8192].lstrip(b"\xef\xbb\xbf \t\r\n")
    upper = head.upper()
    if upper.startswith(b"OFXHEADER") or b"<OFX>" in upper or b"<?OFX" in upper:
        return "ofx"
    if head.startswith(b"<"):
        return "camt"  # any other XML: the CAMT parser says clearly when it is not a statement
    if head.startswith(b"!"):
        return "qif"
    if file_name.lower().endswith((".ofx", ".qfx")):
        return "ofx"
    return "csv"


__all__ = ["FORMATS", "MAX_FILE_BYTES", "AmbiguousDates", "FileRefused", "ParsedFile", "ParsedRow", "detect_format",
           "parse_camt", "parse_csv", "parse_ofx", "parse_qif"]
