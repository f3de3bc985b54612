"""The dependency arrows run one way (../shared/ARCHITECTURE.md): an app imports only the
apps below it. Read from the source with ast, so a lazy import inside a function counts too."""

import ast
from pathlib import Path

import pytest

APPS = Path(__file__).resolve().parent.parent / "apps"

# Each app and the apps it may import. audit listens to signals and nothing imports it;
# demo seeds every app and nothing imports it; dashboard and insights read and nothing imports them.
ALLOWED = {
    "core": set(),
    "users": {"core"},
    "accounts": {"core", "users"},
    "transactions": {"core", "users", "accounts"},
    "alerts": {"core", "users"},
    "budgets": {"core", "users", "accounts", "transactions", "alerts"},
    "bills": {"core", "users", "accounts", "transactions", "alerts"},
    "rewards": {"core", "users", "accounts", "transactions", "alerts", "bills"},
    # Categorisation rules read and recategorise ledger entries; the import applies them.
    "rules": {"core", "users", "accounts", "transactions"},
    "imports": {"core", "users", "accounts", "transactions", "rules"},
    "dashboard": {"core", "users", "accounts", "transactions", "alerts", "budgets", "bills", "rewards"},
    "insights": {"core", "users", "accounts", "transactions", "alerts", "budgets", "bills", "rewards"},
    # Notifications deliver alerts and run the worker's periodic jobs (bills, budgets, clean-ups); nothing imports it.
    "notifications": {"core", "users", "accounts", "transactions", "alerts", "budgets", "bills", "imports"},
    # The settings pages that reach every app a customer owns something in (export all my data,
    # close my profile); nothing imports it.
    "profile": {"core", "users", "accounts", "transactions", "alerts", "budgets", "bills", "rewards", "rules",
                "imports", "notifications"},
    "audit": {"core", "users", "accounts", "transactions", "rewards", "rules", "imports"},
    "demo": {"core", "users", "accounts", "transactions", "alerts", "budgets", "bills", "rewards", "rules",
             "imports"},
}


def imported_apps(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
        for name in names:
            parts = name.split(".")
            if len(parts) > 1 and parts[0] == "apps":
                found.add(parts[1])
    return found


def test_every_app_is_in_the_map():
    apps = {p.name for p in APPS.iterdir() if (p / "apps.py").exists()}
    assert apps == set(ALLOWED)


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_no_upward_import(app):
    wrong = {}
    for path in sorted((APPS / app).rglob("*.py")):
        if "tests" in path.relative_to(APPS / app).parts or "migrations" in path.parts:
            continue
        upward = imported_apps(path) - ALLOWED[app] - {app}
        if upward:
            wrong[str(path.relative_to(APPS.parent))] = sorted(upward)
    assert not wrong, f"imports against the arrows: {wrong}"


def test_templates_do_not_reach_into_apps_above():
    """accounts' templates include no ledger template (the account page with its entries
    lives in transactions)."""
    for path in (APPS / "accounts" / "templates").rglob("*.html"):
        assert "transactions/" not in path.read_text(), path
