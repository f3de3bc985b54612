"""Small helpers shared by the test modules."""

from django.contrib.messages import get_messages


def messages_of(response):
    """The texts of the Django messages a response carries."""
    return [str(m) for m in get_messages(response.wsgi_request)]
