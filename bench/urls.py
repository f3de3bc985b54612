"""The app's URLs plus the hello-world baselines the benchmark compares against."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import include, path


def hello(request):
    """Logged-in baseline: the same middleware, session and user lookup as the overview."""
    return HttpResponse("Hello, world", content_type="text/plain")


@login_not_required
def hello_anonymous(request):
    """Bare baseline: no session, no database."""
    return HttpResponse("Hello, world", content_type="text/plain")


urlpatterns = [
    path("bench/hello", hello),
    path("bench/hello-anonymous", hello_anonymous),
    path("", include("bankdash.urls")),
]
