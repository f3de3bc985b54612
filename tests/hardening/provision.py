"""Create the hardening suite's people in the private database (run by conftest.provision
in its own process, with the production settings of the server under test).

Reads JSON from stdin: {"users": [{"email", "password", "display_name", "staff": bool,
"totp_key": hex or null, "accounts": [{"name", "opening_balance"}]}]} and prints one line
"HARDENING-RESULT <json>" with each user's id, stored email and account ids, and the ids of
the default categories. Emails are given in their plain ASCII form.
"""

import json
import sys
from decimal import Decimal

import django

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import transaction  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from apps.transactions.models import Category  # noqa: E402
from apps.transactions.services import account_open  # noqa: E402
from apps.users.models import User  # noqa: E402
from apps.users.roles import CUSTOMER, SUPPORT  # noqa: E402


def main() -> None:
    spec = json.load(sys.stdin)
    hashes: dict[str, str] = {}  # one hash per distinct password: hashing is the slow part
    result = {"users": {}, "categories": {c.name: c.pk for c in Category.objects.filter(owner__isnull=True)}}
    with transaction.atomic():
        for item in spec["users"]:
            user = User.objects.create_user(email=item["email"], password=None,
                                            display_name=item["display_name"], is_staff=bool(item.get("staff")))
            password = item["password"]
            if password not in hashes:
                hashes[password] = make_password(password)
            user.password = hashes[password]
            user.save(update_fields=["password"])
            role = SUPPORT if item.get("staff") else CUSTOMER
            user.groups.add(Group.objects.get_or_create(name=role)[0])
            if item.get("totp_key"):
                TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True, key=item["totp_key"])
            accounts = {}
            for account in item.get("accounts", []):
                opened = account_open(user=user, name=account["name"],
                                      opening_balance=Decimal(account["opening_balance"]))
                accounts[account["name"]] = opened.pk
            result["users"][item["email"]] = {"id": user.pk, "email": user.email, "accounts": accounts}
    print("HARDENING-RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
