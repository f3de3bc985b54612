"""Reading the Insights page as a customer would: its linked figures (``data-figure``,
``data-currency``, ``data-total``) and what the transactions list says those links add up to."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser

from django.test import override_settings


@dataclass(frozen=True)
class FigureLink:
    href: str
    figure: Decimal
    currency: str
    total: str  # "in", "out" or "net": the list's total that must equal the figure


class _FigureLinks(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[FigureLink] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and "data-figure" in a:
            self.links.append(FigureLink(href=a["href"], figure=Decimal(a["data-figure"]),
                                         currency=a["data-currency"], total=a["data-total"]))


def figure_links(html: str) -> list[FigureLink]:
    parser = _FigureLinks()
    parser.feed(html)
    return parser.links


def list_total(client, link: FigureLink) -> Decimal | None:
    """The transactions list's total (in, out or net) in the link's currency; None when the list
    shows no entry in that currency."""
    with override_settings(PAGE_CACHE=False):  # the context of a page perhaps already kept
        response = client.get(link.href)
    assert response.status_code == 200, link.href
    for totals in response.context["totals"]:
        if totals.currency == link.currency:
            return {"in": totals.money_in, "out": totals.money_out, "net": totals.net}[link.total]
    return None
