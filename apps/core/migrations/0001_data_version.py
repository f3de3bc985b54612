"""``DataVersion`` and the sequence its numbers come from. The function the tracking
triggers call and the triggers themselves are (re)installed after every ``migrate`` by
apps.core.versions.install_triggers, on every table that belongs to a user, whichever app
adds it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("scope", models.BigIntegerField(primary_key=True, serialize=False)),
                ("version", models.BigIntegerField()),
            ],
        ),
        migrations.RunSQL("CREATE SEQUENCE core_dataversion_seq",
                          "DROP SEQUENCE IF EXISTS core_dataversion_seq"),
    ]
