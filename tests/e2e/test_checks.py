"""The checks every browser test relies on do catch what they are for: a test that passes
because its checks are blind would prove nothing."""

import pytest

from .support import axe_violations, unlabelled_fields

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_browser_checks_catch_csp_violations_missing_files_errors_and_unlabelled_fields(app, axe_source):
    page = app.page
    app.goto("/login/")

    page.evaluate("""() => {
        const script = document.createElement('script');           // refused by the CSP
        script.textContent = 'window.inlineRan = true';
        document.body.appendChild(script);
        const sheet = document.createElement('link');              // a static file that is not there
        sheet.rel = 'stylesheet';
        sheet.href = '/static/css/not-there.css';
        document.head.appendChild(sheet);
        setTimeout(() => { throw new Error('boom from the page'); });  // an uncaught exception
        console.error('a console error');
    }""")
    for _ in range(50):  # the reports arrive asynchronously
        found = "\n".join(app.problems.problems)
        if "not-there.css" in found and "boom" in found:
            break
        page.wait_for_timeout(100)
    found = "\n".join(app.problems.take())
    assert "Content Security Policy" in found
    assert not page.evaluate("() => window.inlineRan === true")
    assert "HTTP 404: GET" in found and "/static/css/not-there.css" in found
    assert "boom from the page" in found
    assert "a console error" in found

    page.evaluate("() => document.querySelector('main').insertAdjacentHTML('beforeend', '<input id=\"orphan\">')")
    assert any('id="orphan"' in field for field in unlabelled_fields(page))
    assert any(v["id"] == "label" and v["impact"] == "critical" for v in axe_violations(page, axe_source))
