from pathlib import Path

import pytest

from apps.transactions.tests.ledger_checks import ledger_stays_consistent  # noqa: F401  (autouse)

FILES = Path(__file__).parent / "files"


@pytest.fixture
def read_file():
    def read(name: str) -> bytes:
        return (FILES / name).read_bytes()

    return read
