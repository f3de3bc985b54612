"""German (locale "de-DE"): core's messages and pages follow the active language and the
locale's decimal separator; English stays as it was."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from apps.core import formats
from apps.core.currencies import clean_currency
from apps.core.dates import parse_month
from apps.core.forms import MoneyField, money_field
from apps.core.money import cents, parse_money
from apps.core.schedules import FREQUENCIES, MONTHLY
from tests.factories import UserFactory


@pytest.fixture
def german():
    with translation.override("de"), formats.use_locale("de-DE"):
        yield


def test_parse_money_messages_are_german_with_a_german_example(german):
    with pytest.raises(ValueError, match=r"^Geben Sie einen Betrag als Zahl ein, zum Beispiel 12,50\.$"):
        parse_money("abc", decimal_separator=",")
    with pytest.raises(ValueError, match=r"^12\.50: Schreiben Sie 12,50\.$"):
        parse_money("12.50", decimal_separator=",")
    with pytest.raises(ValueError, match="ohne Tausendertrennzeichen"):
        parse_money("1.234,50", decimal_separator=",")
    with pytest.raises(ValueError, match="Nachkommastellen"):
        parse_money("1,234", decimal_separator=",")


def test_cents_messages_are_german_with_the_locales_example(german):
    with pytest.raises(ValidationError) as error:
        cents("zwölf")
    assert error.value.message_dict["amount"] == ["Geben Sie einen Betrag als Zahl ein, zum Beispiel 12,50."]
    with pytest.raises(ValidationError) as error:
        cents("0")
    assert error.value.message_dict["amount"] == ["Geben Sie einen Betrag größer als null ein."]


def test_the_english_messages_are_unchanged():
    with translation.override("en"), formats.use_locale("en-US"):
        with pytest.raises(ValidationError) as error:
            cents("twelve")
        assert error.value.message_dict["amount"] == ["Enter an amount as a number, for example 12.50."]
        with pytest.raises(ValueError, match=r"^12,50: use 12\.50\.$"):
            parse_money("12,50")
        assert money_field(label="Opening balance").error_messages["required"] == "Enter the opening balance."


def test_form_fields_and_other_messages_are_german(german):
    field = MoneyField()
    assert field.clean("12,50") == __import__("decimal").Decimal("12.50")
    with pytest.raises(ValidationError) as error:
        field.clean("-1")
    assert error.value.messages == ["Geben Sie einen Betrag größer als null ein."]
    assert str(money_field().error_messages["required"]) == "Bitte füllen Sie „Betrag“ aus."
    with pytest.raises(ValidationError) as error:
        clean_currency("xyz")
    assert "„xyz“ ist kein uns bekannter Währungscode" in error.value.message_dict["currency"][0]
    with pytest.raises(ValueError, match="zwischen"):
        parse_month("1800-01")
    assert str(FREQUENCIES[MONTHLY]) == "Monatlich"


@pytest.mark.django_db
def test_an_error_page_is_german_for_a_german_browser(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="de">' in html
    assert "<title>Seite nicht gefunden · BankDash</title>" in html
    assert "Zurück zu Ihrer Übersicht" in html


@pytest.mark.django_db
def test_a_bad_month_is_explained_in_german(client):
    from tests.factories import UserFactory

    user = UserFactory()
    user.locale = "de-DE"
    user.save(update_fields=["locale"])
    client.force_login(user)
    html = client.get("/?month=2025-13", follow=True).content.decode()
    assert "„2025-13“ ist kein Monat, den wir anzeigen können: Verwenden Sie die Form JJJJ-MM" in html
    assert "Monat wählen" in html and ">Dieser Monat</a>" in html or "Anzeigen</button>" in html


@pytest.mark.django_db
def test_the_json_endpoints_errors_are_in_the_readers_language(client):
    """The JSON endpoints' 4xx messages follow the signed-in customer's language, and a
    signed-out browser's Accept-Language; English stays as it was."""
    anonymous = client.get("/dashboard/overview", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert (anonymous.status_code, anonymous.json()) == (401, {"error": "Anmeldung erforderlich: Melden Sie sich "
                                                                         "zuerst an."})
    ended = client.post("/session/keep-alive/", HTTP_ACCEPT_LANGUAGE="de-DE")
    assert (ended.status_code, ended.json()) == (401, {"error": "Ihre Sitzung ist beendet: Melden Sie sich erneut an."})
    assert client.get("/dashboard/overview").json() == {"error": "Authentication required: log in first."}

    client.force_login(UserFactory(locale="de-DE"))
    wrong_method = client.post("/dashboard/overview")
    assert (wrong_method.status_code, wrong_method.json()) == (405, {"error": "Methode nicht erlaubt: Verwenden Sie "
                                                                              "GET."})
    assert client.get("/forecast").json() == {"error": "Geben Sie das Konto an: ?account=ID."}
    assert client.get("/forecast", {"account": "999999"}).json() == {"error": "Dieses Konto gibt es nicht."}
    keep_alive_get = client.get("/session/keep-alive/")
    assert (keep_alive_get.status_code, keep_alive_get.json()) == (405, {"error": "Methode nicht erlaubt: Verwenden "
                                                                                  "Sie POST."})
