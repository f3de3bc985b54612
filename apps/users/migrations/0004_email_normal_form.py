"""Every stored email in its normal form (UserManager.normalize_email: NFKC, stripped,
lower-cased by Python), since logins now look it up exactly; then a check keeps it so.

If two accounts would end up with the same address (say "Dana@x" and "dana@x", or
"ſam@x" and "sam@x"), the migration stops and names them, for a person to decide which
account keeps the address: merging or renaming someone's login is not a migration's call.
"""

from collections import defaultdict

from django.db import migrations, models


def normalize_stored_emails(apps, schema_editor):
    User = apps.get_model("users", "User")
    normalize = User.objects.normalize_email  # the manager is used in migrations
    rows = list(User.objects.values_list("pk", "email"))
    owners = defaultdict(list)
    for pk, email in rows:
        owners[normalize(email)].append((pk, email))
    clashes = {normal: found for normal, found in owners.items() if len(found) > 1}
    if clashes:
        listed = "; ".join(f"{normal!r}: " + ", ".join(f"user {pk} ({email!r})" for pk, email in found)
                           for normal, found in sorted(clashes.items()))
        raise RuntimeError(
            "Cannot normalise the stored emails: these accounts would share one address. "
            f"Change or merge them, then migrate again. {listed}"
        )
    for pk, email in rows:
        if normalize(email) != email:
            User.objects.filter(pk=pk).update(email=normalize(email))


class Migration(migrations.Migration):

    dependencies = [
        ("users", "0003_time_zone_without_choices_and_currency_code"),
    ]

    operations = [
        migrations.RunPython(normalize_stored_emails, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(("email__regex", "[A-Z]|^\\s|\\s$"), _negated=True),
                name="users_user_email_normal_form",
            ),
        ),
    ]
