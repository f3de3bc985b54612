"""Known devices (apps.users.devices, services.known_device_record): every sign-in through the
real login page is noted by browser family, system and IP network; a device new to a user who
had one already raises one ``new_sign_in`` alert (apps.alerts.receivers)."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from apps.alerts.models import Alert, AlertKind
from apps.users import services
from apps.users.devices import browser_and_os, fingerprints, network_of
from apps.users.models import KnownDevice
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
FIREFOX_LINUX_NEWER = "Mozilla/5.0 (X11; Linux x86_64; rv:134.0) Gecko/20100101 Firefox/134.0"
SAFARI_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                 "Version/17.5 Mobile/15E148 Safari/604.1")
EDGE_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0")
CHROME_ANDROID = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/131.0.0.0 Mobile Safari/537.36")


@pytest.mark.parametrize(("user_agent", "expected"), [
    (FIREFOX_LINUX, ("Firefox", "Linux")),
    (SAFARI_IPHONE, ("Safari", "iOS")),
    (EDGE_WINDOWS, ("Edge", "Windows")),
    (CHROME_ANDROID, ("Chrome", "Android")),
    ("", ("an unknown browser", "an unknown system")),
])
def test_the_browser_family_and_system_are_read_from_the_user_agent(user_agent, expected):
    assert browser_and_os(user_agent) == expected


@pytest.mark.parametrize(("ip", "network"), [
    ("203.0.113.77", "203.0.113.0/24"),
    ("2001:db8:aa:bb::1", "2001:db8:aa::/48"),
    ("::ffff:198.51.100.9", "198.51.100.0/24"),
])
def test_the_network_is_a_24_for_ipv4_and_a_48_for_ipv6(ip, network):
    assert network_of(ip) == network


def sign_in(client, user, *, user_agent, ip):
    client.logout()
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD},
                           REMOTE_ADDR=ip, HTTP_USER_AGENT=user_agent)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def new_sign_ins(user):
    return list(Alert.objects.filter(owner=user, kind=AlertKind.NEW_SIGN_IN).order_by("pk")
                .values_list("dedupe_key", "message"))


def test_a_sign_in_from_a_new_browser_or_network_is_told_once_per_device(client):
    user = UserFactory()

    sign_in(client, user, user_agent=FIREFOX_LINUX, ip="203.0.113.7")  # the first device: how an account starts
    sign_in(client, user, user_agent=FIREFOX_LINUX_NEWER, ip="203.0.113.200")  # same family, same /24
    assert new_sign_ins(user) == []
    [first] = KnownDevice.objects.filter(user=user)
    assert (first.browser, first.os) == ("Firefox", "Linux")
    assert first.last_seen > first.first_seen

    sign_in(client, user, user_agent=SAFARI_IPHONE, ip="203.0.113.7")  # another browser
    sign_in(client, user, user_agent=SAFARI_IPHONE, ip="203.0.113.8")  # the same one again: known now
    sign_in(client, user, user_agent=FIREFOX_LINUX, ip="2001:db8:aa:bb::1")  # the first browser, another network
    phone, elsewhere = KnownDevice.objects.filter(user=user).exclude(pk=first.pk).order_by("pk")
    assert new_sign_ins(user) == [
        (f"new_sign_in:{phone.pk}", "New sign-in to your account from Safari on iOS, from the network "
                                    "203.0.113.0/24 (the network, not an exact place). If it was not you, change "
                                    "your password now and contact support."),
        (f"new_sign_in:{elsewhere.pk}", "New sign-in to your account from Firefox on Linux, from the network "
                                        "2001:db8:aa::/48 (the network, not an exact place). If it was not you, "
                                        "change your password now and contact support."),
    ]
    # No address is stored: only the keyed hash.
    row = KnownDevice.objects.filter(pk=phone.pk).values().get()
    assert not any("203.0.113" in str(value) for value in row.values())
    assert phone.fingerprint == fingerprints(user_id=user.pk, browser="Safari", os="iOS",
                                             network="203.0.113.0/24")[0]


def test_devices_are_per_user(client):
    first, second = UserFactory(), UserFactory()
    sign_in(client, first, user_agent=FIREFOX_LINUX, ip="203.0.113.7")
    sign_in(client, second, user_agent=SAFARI_IPHONE, ip="198.51.100.1")
    sign_in(client, second, user_agent=FIREFOX_LINUX, ip="203.0.113.7")  # first's device, new to second
    assert new_sign_ins(first) == []
    assert [key for key, _ in new_sign_ins(second)] == [
        f"new_sign_in:{KnownDevice.objects.get(user=second, browser='Firefox').pk}"]


def test_a_rotated_secret_key_still_recognises_the_device_and_rekeys_it(client, settings):
    user = UserFactory()
    sign_in(client, user, user_agent=FIREFOX_LINUX, ip="203.0.113.7")
    sign_in(client, user, user_agent=SAFARI_IPHONE, ip="203.0.113.7")
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-secret-key-" + "x" * 40, [old_key]

    sign_in(client, user, user_agent=SAFARI_IPHONE, ip="203.0.113.7")

    assert KnownDevice.objects.filter(user=user).count() == 2
    assert len(new_sign_ins(user)) == 1
    phone = KnownDevice.objects.get(user=user, browser="Safari")
    assert phone.fingerprint == fingerprints(user_id=user.pk, browser="Safari", os="iOS",
                                             network="203.0.113.0/24")[0]


def test_a_login_without_an_address_records_nothing(client, user):
    client.force_login(user)  # the test client's login carries no REMOTE_ADDR
    assert services.known_device_record(user=user, user_agent=FIREFOX_LINUX, ip=None) == (None, False)
    assert not KnownDevice.objects.filter(user=user).exists()


def test_the_same_device_recorded_twice_is_one_row_and_one_alert(user):
    services.known_device_record(user=user, user_agent=FIREFOX_LINUX, ip="203.0.113.7")
    device, created = services.known_device_record(user=user, user_agent=EDGE_WINDOWS, ip="203.0.113.7")
    again, created_again = services.known_device_record(user=user, user_agent=EDGE_WINDOWS, ip="203.0.113.9")
    assert (created, created_again, again.pk) == (True, False, device.pk)
    assert KnownDevice.objects.filter(user=user).count() == 2
    assert len(new_sign_ins(user)) == 1
    assert KnownDevice.objects.get(pk=device.pk).last_seen <= timezone.now()
