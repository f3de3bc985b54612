from django import template

register = template.Library()


@register.filter
def absolute(value):
    """|x| for "120.00 more/less than last month" and "over budget by 30.00"."""
    try:
        return abs(value)
    except TypeError:
        return value
