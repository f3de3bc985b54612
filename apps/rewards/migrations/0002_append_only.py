"""The points ledger's rules in the database itself, whatever the client (ORM, raw SQL, a
psql session):

- append-only: a trigger refuses every UPDATE and DELETE (like the audit trail);
- on INSERT, a trigger locks the customer's user row (``FOR NO KEY UPDATE``, the lock
  apps.rewards.services takes first), then refuses an entry that would take the customer's
  total below zero, and a bill's reversal that takes back more than that bill earned.

TRUNCATE is not guarded (nor is a superuser's session_replication_role = replica, which the
test database's flush uses between transactional tests: tests/postgresql). In production, the application's database role should also lack the TRUNCATE
privilege on rewards_pointsentry.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION rewards_entry_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'rewards_pointsentry is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER rewards_entry_append_only
BEFORE UPDATE OR DELETE ON rewards_pointsentry
FOR EACH ROW EXECUTE FUNCTION rewards_entry_append_only();

CREATE OR REPLACE FUNCTION rewards_entry_check_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    total bigint;
    earned integer;
BEGIN
    -- One writer per customer: after this lock, the sum below sees every committed entry.
    PERFORM 1 FROM users_user WHERE id = NEW.owner_id FOR NO KEY UPDATE;
    SELECT COALESCE(SUM(points), 0) INTO total FROM rewards_pointsentry WHERE owner_id = NEW.owner_id;
    IF total + NEW.points < 0 THEN
        RAISE EXCEPTION 'rewards_pointsentry: the points of user % cannot go below zero (% and %)',
            NEW.owner_id, total, NEW.points USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.kind = 'bill_on_time_reversed' THEN
        SELECT points INTO earned FROM rewards_pointsentry
            WHERE occurrence_id = NEW.occurrence_id AND kind = 'bill_on_time' AND owner_id = NEW.owner_id;
        IF earned IS NULL OR -NEW.points > earned THEN
            RAISE EXCEPTION 'rewards_pointsentry: a reversal takes back at most what occurrence % earned',
                NEW.occurrence_id USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER rewards_entry_check_insert
BEFORE INSERT ON rewards_pointsentry
FOR EACH ROW EXECUTE FUNCTION rewards_entry_check_insert();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS rewards_entry_check_insert ON rewards_pointsentry;
DROP FUNCTION IF EXISTS rewards_entry_check_insert();
DROP TRIGGER IF EXISTS rewards_entry_append_only ON rewards_pointsentry;
DROP FUNCTION IF EXISTS rewards_entry_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("rewards", "0001_initial"), ("users", "0001_initial")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
