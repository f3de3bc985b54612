"""Ownership, the other way in: ids in form fields. Every form the customer can post
(discovered, not listed: tests/property/forms.py) gets, in each of its object-choice
fields, the id of another customer's object of that kind. The form must refuse it
(a 404 or a form error, never a success redirect) and nothing may be written."""

from __future__ import annotations

from django import forms
from django.db import transaction

from tests.property.forms import diff_rows, discover_form_pages, snapshot_rows

SUCCESS = (301, 302, 303)


def test_no_form_accepts_another_customers_object(fuzz_world, report_figure):
    client, other = fuzz_world["client"], fuzz_world["other"]
    pages = [p for p in discover_form_pages(fuzz_world["visitor"], client, fuzz_world["customer"], other)
             if p.as_customer]
    before = snapshot_rows()
    problems, tried = [], 0
    for page in pages:
        for name, field in page.fields.items():
            if not isinstance(field, forms.ModelChoiceField) or name not in page.baseline:
                continue
            model = field.queryset.model
            owner_field = "owner" if any(f.name == "owner" for f in model._meta.fields) else None
            assert owner_field, f"{page.label}: {name} chooses {model.__name__}, which has no owner to check"
            for pk in model._base_manager.filter(owner=other).values_list("pk", flat=True):
                tried += 1
                with transaction.atomic():
                    response = client.post(page.url, {**page.baseline, name: str(pk)})
                    changes = diff_rows(before, snapshot_rows())
                    transaction.set_rollback(True)
                if response.status_code in SUCCESS or response.status_code >= 500 or changes:
                    problems.append(f"{page.label}: {name}={pk} (the other customer's {model.__name__}) "
                                    f"answered {response.status_code}; changes: {changes}")
    print(f"\nforeign ids posted in form fields: {tried}")
    report_figure("another customer's ids posted in form fields", tried)
    assert tried > 0
    assert not problems, "\n".join(problems)
