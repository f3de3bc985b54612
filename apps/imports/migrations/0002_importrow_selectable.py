"""Which preview rows may be posted is a field, no longer read from the English reason text
(the reason is now written in the customer's language)."""

from django.db import migrations, models
from django.db.models import Q


def mark_unselectable(apps, schema_editor):
    ImportRow = apps.get_model("imports", "ImportRow")
    ImportRow.objects.filter(
        Q(outcome="error")
        | Q(outcome="duplicate", reason__startswith="already imported")
        | Q(outcome="duplicate", reason__startswith="the bank's id")
    ).update(selectable=False, selected=False)


class Migration(migrations.Migration):

    dependencies = [
        ("imports", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="importrow",
            name="selectable",
            field=models.BooleanField(default=True, help_text="False: never posted (it cannot be read, or the bank's id is already in the ledger or earlier in the file)."),
        ),
        migrations.RunPython(mark_unselectable, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="importrow",
            constraint=models.CheckConstraint(condition=models.Q(("selectable", True), ("selected", False), _connector="OR"), name="import_row_unselectable_never_selected"),
        ),
    ]
