"""The client's address (apps.users.security.client_ip): REMOTE_ADDR, or behind our proxies
the entry they added to X-Forwarded-For, read as an IP address whatever its dress."""

import pytest
from django.test import RequestFactory

from apps.users.security import client_ip, parse_ip


@pytest.mark.parametrize(("text", "address"), [
    ("1.2.3.4", "1.2.3.4"),
    (" 1.2.3.4 ", "1.2.3.4"),
    ("1.2.3.4:5678", "1.2.3.4"),
    ("2001:db8::1", "2001:db8::1"),
    ("2001:DB8:0:0::1", "2001:db8::1"),
    ("[2001:db8::1]", "2001:db8::1"),
    ("[2001:db8::1]:443", "2001:db8::1"),
    ('"[2001:db8::1]:443"', "2001:db8::1"),
    ("::ffff:1.2.3.4", "::ffff:102:304"),
    ("fe80::1%eth0", "fe80::1"),
    ("unknown", None),
    ("_hidden", None),
    ("", None),
    (None, None),
    ("1.2.3.4.5", None),
    ("1.2.3.4:http", "1.2.3.4"),
    ("[2001:db8::1", "2001:db8::1"),
    ("example.com:80", None),
    ("<script>", None),
])
def test_parse_ip(text, address):
    assert parse_ip(text) == address


def request(remote_addr="10.0.0.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/login/", **extra)


def test_without_a_proxy_the_header_is_ignored(settings):
    settings.BEHIND_PROXY = False
    assert client_ip(request(forwarded="1.2.3.4")) == "10.0.0.1"


@pytest.mark.parametrize(("forwarded", "address"), [
    ("1.2.3.4", "1.2.3.4"),
    ("9.9.9.9, 1.2.3.4:5678", "1.2.3.4"),
    ("9.9.9.9, [2001:db8::1]:443", "2001:db8::1"),
    ("9.9.9.9,2001:db8::2", "2001:db8::2"),
    ("9.9.9.9, unknown", "10.0.0.1"),  # not an address: the peer's
    ("unknown", "10.0.0.1"),
    ("", "10.0.0.1"),
    (None, "10.0.0.1"),
])
def test_behind_one_proxy_its_entry_is_read(settings, forwarded, address):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request(forwarded=forwarded)) == address


def test_behind_two_proxies_the_entry_the_first_one_added(settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request(forwarded="6.6.6.6, 1.2.3.4:80, 10.0.0.2")) == "1.2.3.4"
    assert client_ip(request(forwarded="10.0.0.2")) == "10.0.0.1"  # fewer entries than proxies


def test_a_peer_that_is_not_an_address_is_none(settings):
    settings.BEHIND_PROXY = False
    assert client_ip(request(remote_addr="unix:/run/gunicorn.sock")) is None
