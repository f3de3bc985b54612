"""The navigation's cached fragments (templates/base.html): one copy serves every customer,
and each page still shows its own customer's name (issue 17: a key per name made every
customer's first visit render the whole menu)."""

import re

import pytest
from django.core.cache import caches
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The name in the menu's toggle, and whole in its title (the bar cuts a long one short).
USER_MENU = re.compile(r'id="userMenu"[^>]*><span class="nav-user-name" title="([^"]*)">([^<]*)</span></a>', re.S)


def menu_name(html: str) -> str:
    title, name = USER_MENU.search(html).groups()
    assert title == name
    return name


def fragment_keys() -> set[str]:
    return {key for key in caches["template_fragments"]._cache if "template.cache.base_nav_user" in key}


def test_each_customer_sees_their_own_name_from_one_cached_menu(client):
    caches["template_fragments"].clear()
    names = ["Ann <b>Bold</b>", "Bob & Co", "Chloé"]
    pages = []
    for name in names:
        client.force_login(UserFactory(display_name=name))
        html = client.get(reverse("accounts:list")).content.decode()
        pages.append(html)
        # Their own name, escaped, in the user menu; the menu's items after it.
        assert menu_name(html) == name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert 'href="/settings/"' in html and 'action="/logout/"' in html
    assert "Ann" not in pages[1] and "Bob" not in pages[2]
    # Two fragments (before and after the name) for this section and language: not one per customer.
    assert len(fragment_keys()) == 2


def test_a_new_name_shows_on_the_next_page(client):
    user = UserFactory(display_name="Old name")
    client.force_login(user)
    assert menu_name(client.get(reverse("accounts:list")).content.decode()) == "Old name"
    user.display_name = "New name"
    user.save(update_fields=["display_name"])
    assert menu_name(client.get(reverse("accounts:list")).content.decode()) == "New name"
