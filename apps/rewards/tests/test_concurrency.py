"""Real concurrent connections: staff removing points at the same moment never take the
total below zero, and each refusal is a message, not a database error."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from apps.rewards import services
from apps.rewards.selectors import points_total
from tests.factories import SupportFactory, UserFactory

THREADS = 8


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_removals_stop_at_zero():
    customer, staff = UserFactory(), SupportFactory()
    services.points_adjust(actor=staff, owner_id=customer.pk, points=40, reason="Starting balance")
    barrier = threading.Barrier(THREADS)
    done, refused, errors = [], [], []

    def remove(i):
        try:
            barrier.wait(timeout=10)
            services.points_adjust(actor=staff, owner_id=customer.pk, points=-15, reason=f"Removal number {i}")
            done.append(i)
        except ValidationError:
            refused.append(i)
        except Exception as error:  # reported below, with the thread that failed
            errors.append((i, repr(error)))
        finally:
            connection.close()

    threads = [threading.Thread(target=remove, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert (len(done), len(refused)) == (2, THREADS - 2)
    assert points_total(user=customer) == 10
