"""The shared store of apps.users.throttle when REDIS_URL is not set: one row per
(scope, hashed key) and window, updated by one atomic upsert. A table without a model, like
Django's cache table: nothing reads it but that module."""

from django.db import migrations

CREATE = """
CREATE TABLE users_throttle_counter (
    key varchar(200) PRIMARY KEY,
    hits integer NOT NULL CHECK (hits > 0),
    window_ends timestamptz NOT NULL
);
CREATE INDEX users_throttle_counter_window_ends ON users_throttle_counter (window_ends);
"""


class Migration(migrations.Migration):

    dependencies = [
        ("users", "0004_email_normal_form"),
    ]

    operations = [
        migrations.RunSQL(CREATE, "DROP TABLE users_throttle_counter;"),
    ]
