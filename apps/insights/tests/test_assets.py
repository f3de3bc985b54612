"""The page's scripts: Chart.js, the Sankey plugin from the npm registry (chartjs-chart-sankey,
pinned in package.json) and static/js/insights.js, all served from our own origin."""

from __future__ import annotations

import json

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders

SANKEY = "vendor/chartjs-sankey/chartjs-chart-sankey.min.js"
SANKEY_DIR = ("vendor/chartjs-sankey", django_settings.BASE_DIR / "node_modules" / "chartjs-chart-sankey" / "dist")


def test_the_sankey_plugin_is_pinned_and_installed():
    package = json.loads((django_settings.BASE_DIR / "package.json").read_text())
    assert package["dependencies"]["chartjs-chart-sankey"] == "0.19.1"
    installed = json.loads((django_settings.BASE_DIR / "node_modules" / "chartjs-chart-sankey" / "package.json")
                           .read_text())
    assert installed["version"] == "0.19.1"
    assert installed["peerDependencies"]["chart.js"] == ">=3.3.0"  # chart.js 4.6.1 fits


def test_the_plugin_is_found_once_its_directory_is_mapped(settings):
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, SANKEY_DIR]
    assert finders.find(SANKEY)
    assert finders.find("js/insights.js")


@pytest.mark.django_db
def test_the_page_loads_the_scripts_deferred(client, now, user_factory):
    client.force_login(user_factory(time_zone="UTC"))
    html = client.get("/insights/").content.decode()
    for script in ("vendor/chartjs/chart.umd.min.js", SANKEY, "js/insights.js"):
        assert f'{script}" defer></script>' in html
    assert 'id="insights-data" type="application/json"' in html
    assert "<script>" not in html  # no inline script for the CSP to refuse
