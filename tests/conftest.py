"""Shared by the cross-cutting suites: figures the issue asks to report (patterns
covered, hostile inputs tried, simulation size) are collected here, printed in the
terminal summary and written to test-artifacts/figures.txt."""

from __future__ import annotations

from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
_FIGURES: dict[str, object] = {}


def record_figure(name: str, value) -> None:
    _FIGURES[name] = value


def add_to_figure(name: str, amount: int) -> int:
    total = int(_FIGURES.get(name, 0)) + amount
    record_figure(name, total)
    return total


@pytest.fixture(scope="session")
def report_figure():
    return record_figure


HOSTILE_VALUES = "hostile values sent"


def pytest_sessionfinish(session):
    if _FIGURES:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "figures.txt").write_text("".join(f"{k}: {v}\n" for k, v in _FIGURES.items()))
    if HOSTILE_VALUES in _FIGURES:
        (ARTIFACTS / "hostile_inputs.txt").write_text(f"{_FIGURES[HOSTILE_VALUES]}\n")


def pytest_terminal_summary(terminalreporter):
    if _FIGURES:
        terminalreporter.section("BankDash security and reliability figures")
        for name, value in _FIGURES.items():
            terminalreporter.write_line(f"{name}: {value}")
