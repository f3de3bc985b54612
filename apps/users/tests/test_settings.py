"""Production settings and security headers.

The production checks run in a subprocess: settings are read once per process."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import UserFactory

BASE_DIR = Path(settings.BASE_DIR)


def production_env(**overrides):
    env = {key: value for key, value in os.environ.items()
           if key not in ("SECRET_KEY", "DEBUG", "SECURE_SSL_REDIRECT", "STAFF_REQUIRE_TWO_FACTOR")}
    env.update(
        DJANGO_SETTINGS_MODULE="bankdash.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="bankdash.example.com",
        # The checks do not connect: any well-formed URL will do when none is set.
        DATABASE_URL=os.environ.get("DATABASE_URL") or "postgres://bankdash@127.0.0.1:5432/bankdash",
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run(args, env):
    return subprocess.run([sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True,
                          timeout=120)


def test_check_deploy_reports_no_warning():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())
    print(result.stdout, result.stderr)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_fails_on_a_weak_setting():
    """The test above would catch a regression: switching HTTPS off is a warning."""
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                 production_env(SECURE_SSL_REDIRECT="false"))
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout


@pytest.mark.parametrize(("missing", "message"), [
    ("SECRET_KEY", "Set the SECRET_KEY environment variable"),
    ("DATABASE_URL", "Set the DATABASE_URL environment variable"),
])
def test_production_refuses_to_start_without(missing, message):
    if (BASE_DIR / ".env").exists() and f"{missing}=" in (BASE_DIR / ".env").read_text():
        pytest.skip(f"a local .env sets {missing}")
    result = run(["-c", "import django; django.setup()"], production_env(**{missing: None}))
    assert result.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_values():
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
        " s.SECURE_HSTS_PRELOAD, s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_SECURE,"
        " s.CSRF_COOKIE_HTTPONLY, s.X_FRAME_OPTIONS, s.SECURE_REFERRER_POLICY, s.SESSION_COOKIE_AGE,"
        " s.SESSION_SAVE_EVERY_REQUEST, s.SECURE_PROXY_SSL_HEADER)"
    )
    result = run(["-c", f"import django; django.setup(); {code}"], production_env(BEHIND_PROXY="true"))
    assert result.stdout.split(" ", 13) == [
        "False", "True", "31536000", "True", "True", "True", "True", "True", "True", "DENY", "same-origin", "900",
        "False", "('HTTP_X_FORWARDED_PROTO', 'https')\n",
    ], result.stderr
    # Without a proxy, X-Forwarded-Proto is not trusted.
    result = run(["-c", f"import django; django.setup(); {code}"], production_env())
    assert result.stdout.strip().endswith("None"), result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/login/", "/register/", "/dashboard/"])
def test_pages_carry_a_strict_content_security_policy(client, path):
    client.force_login(UserFactory())
    response = client.get(path) if path == "/dashboard/" else client.__class__().get(path)
    assert response.status_code == 200
    policy = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in response.headers["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_our_pages_have_no_inline_script_or_style(client):
    """What the policy would block in a browser: inline <script> code and style attributes."""
    import re

    user = UserFactory()
    pages = ["/login/", "/register/", "/password_reset/"]
    anonymous = client.__class__()
    bodies = [anonymous.get(path).content.decode() for path in pages]
    client.force_login(user)
    bodies += [client.get(path).content.decode() for path in
               ["/dashboard/", reverse("two_factor"), reverse("password_change")]]
    for body in bodies:
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", body)
        assert " style=" not in body
        assert not re.search(r"\son[a-z]+=", body)  # onclick= and friends
