"""The German translation is complete and shipped as compiled (issue 16, point 8): every
catalogue (the project's and each app's) translates every message, none is fuzzy, the
placeholders match, and the compiled .mo that Django reads says what the .po says."""

from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CATALOGUES = sorted([*ROOT.glob("apps/*/locale/de/LC_MESSAGES/django.po"),
                     *ROOT.glob("locale/de/LC_MESSAGES/django.po")])
# Apps whose pages or messages customers read: each ships a German catalogue.
APPS_WITH_TEXT = ["accounts", "alerts", "bills", "budgets", "core", "dashboard", "imports", "insights",
                  "notifications", "profile", "rewards", "rules", "transactions", "users"]


def _key(message):
    """A message as Django looks it up: (context, id or plural ids) -> translation(s)."""
    def plain(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value
    return (message.context, plain(message.id)), plain(message.string)


def _read(path: Path):
    with path.open("rb") as handle:
        return read_po(handle, locale="de")


def test_every_app_customers_read_has_a_german_catalogue():
    missing = [app for app in APPS_WITH_TEXT if not (ROOT / f"apps/{app}/locale/de/LC_MESSAGES/django.po").exists()]
    assert not missing, f"no German catalogue for: {missing}"
    assert (ROOT / "locale/de/LC_MESSAGES/django.po").exists()  # the project's templates


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_catalogue_translates_everything_with_matching_placeholders(path):
    catalog = _read(path)
    messages = [m for m in catalog if m.id]
    assert messages, "an empty catalogue"
    untranslated = [m.id for m in messages
                    if not (all(m.string) if isinstance(m.string, tuple) else m.string)]
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert not fuzzy, f"fuzzy (unchecked) translations: {fuzzy[:5]}"
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check() if errors]
    assert not problems, f"placeholders that do not match: {problems[:5]}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_compiled_catalogue_is_up_to_date(path):
    mo = path.with_suffix(".mo")
    assert mo.exists(), f"{mo.relative_to(ROOT)} is missing: run `make messages`"
    with mo.open("rb") as handle:
        compiled = dict(_key(m) for m in read_mo(handle) if m.id)
    source = dict(_key(m) for m in _read(path) if m.id)
    assert compiled == source, f"{mo.relative_to(ROOT)} is older than its .po: run `make messages`"


def test_a_form_error_speaks_to_a_german_customer_as_the_rest_of_bankdash_does():
    """"Please correct the errors below." (the accounts' and the bills' forms) is also a message
    of django_otp, whose German catalogue, listed before the apps, says it with "du": the
    project's catalogue (LOCALE_PATHS, which wins) says it with "Sie", as every other text."""
    from django.utils import translation

    with translation.override("de"):
        assert translation.gettext("Please correct the errors below.") == "Bitte korrigieren Sie die Fehler unten."
