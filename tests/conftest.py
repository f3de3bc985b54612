"""Shared by the cross-cutting suites: figures worth reporting (patterns
covered, hostile inputs tried, simulation size) are collected here, printed in the
terminal summary and written to test-artifacts/figures.txt."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

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


def _merge(name: str, value) -> None:
    """A figure of a pytest-xdist worker into the controller's: counts add up, the rest is kept."""
    if isinstance(value, int) and isinstance(_FIGURES.get(name), int):
        value += _FIGURES[name]
    _FIGURES[name] = value


def pytest_testnodedown(node, error):
    """pytest-xdist, on the controller: a worker's figures (sent in its workeroutput)."""
    for name, value in getattr(node, "workeroutput", {}).get("bankdash_figures", {}).items():
        _merge(name, value)


def pytest_sessionfinish(session):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # a pytest-xdist worker: the controller reports
        workeroutput["bankdash_figures"] = dict(_FIGURES)
        return
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


FUZZ_PASSWORD = "Fuzz-Horse-Battery-417"


@pytest.fixture
def fuzz_world(db, frozen_now):
    """A customer (password known, one object of every kind), another customer, and
    clients: a visitor and the logged-in customer. Requests may raise nothing: a view's
    exception becomes the 500 the tests look for. The clock is at tests.clock.NOW."""
    from tests.factories import UserFactory, customer_with_everything

    customer = UserFactory(email="fuzz-customer@example.com")
    customer.set_password(FUZZ_PASSWORD)
    customer.save(update_fields=["password"])
    other = UserFactory(email="fuzz-other@example.com")
    holdings = customer_with_everything(customer)
    customer_with_everything(other)
    visitor, logged_in = Client(raise_request_exception=False), Client(raise_request_exception=False)
    logged_in.force_login(customer)
    return {"customer": customer, "other": other, "holdings": holdings, "visitor": visitor, "client": logged_in}
