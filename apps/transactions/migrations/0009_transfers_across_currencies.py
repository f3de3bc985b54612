"""Transfers between accounts in two currencies: each leg in its own account's currency, what
left one account and what arrived in the other (the bank's rate and fees are the difference).

The constraint trigger of 0004 (transactions_transfer_legs_balanced) refused two currencies;
its function now refuses different amounts only when both accounts are in the same currency.
Everything else it checks is unchanged: exactly one leg out and one in, one owner, one date,
two accounts. The function is 0004's, with the two checks below replaced by the third (the
trigger itself is unchanged).
"""

import importlib

from django.db import migrations

_0004 = importlib.import_module("apps.transactions.migrations.0004_transfer_rules_and_kind_choices")
ONE_CURRENCY = _0004.TRANSFER_LEGS_FORWARD.split("CREATE CONSTRAINT TRIGGER")[0]

AMOUNTS = """        IF legs.n_amounts <> 1 THEN
            RAISE EXCEPTION 'transfer %: its two legs have different amounts', tid
                USING ERRCODE = 'check_violation', CONSTRAINT = 'transactions_transfer_legs_balanced';
        END IF;
"""
CURRENCIES = """        IF legs.n_currencies <> 1 THEN
            RAISE EXCEPTION 'transfer %: its two accounts have different currencies', tid
                USING ERRCODE = 'check_violation', CONSTRAINT = 'transactions_transfer_legs_balanced';
        END IF;
"""
AMOUNTS_IN_ONE_CURRENCY = """        -- Between two currencies each leg is in its own account's currency: what left and what
        -- arrived. In one currency, one amount.
        IF legs.n_currencies = 1 AND legs.n_amounts <> 1 THEN
            RAISE EXCEPTION 'transfer %: its two legs have different amounts', tid
                USING ERRCODE = 'check_violation', CONSTRAINT = 'transactions_transfer_legs_balanced';
        END IF;
"""
assert AMOUNTS in ONE_CURRENCY and CURRENCIES in ONE_CURRENCY
ACROSS_CURRENCIES = ONE_CURRENCY.replace(AMOUNTS, "").replace(CURRENCIES, AMOUNTS_IN_ONE_CURRENCY)


class Migration(migrations.Migration):

    dependencies = [
        ("transactions", "0008_list_index_carries_kind"),
    ]

    operations = [
        migrations.RunSQL(ACROSS_CURRENCIES, ONE_CURRENCY),
    ]
