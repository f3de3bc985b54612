"""``{{ alert.kind|alert_link }}``: where an alert of that kind is acted on (apps.alerts.links),
for the alert list, without the view changing the alerts it lists."""

from django import template

from ..links import AlertLink
from ..links import alert_link as _alert_link

register = template.Library()


@register.filter
def alert_link(kind: str) -> AlertLink | None:
    return _alert_link(kind)
