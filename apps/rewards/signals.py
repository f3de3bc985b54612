"""What rewards tell the apps that listen (audit), without importing them.

``points_adjusted``: staff granted or removed points (apps.rewards.services.points_adjust),
sent inside its transaction after the entry is written.
    entry: the PointsEntry (kind staff_grant or staff_removal, with owner, actor, reason)
    actor: the staff user
"""

from django.dispatch import Signal

points_adjusted = Signal()
