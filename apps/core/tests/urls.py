"""The project's URLs and handlers, plus views that fail on purpose (for the error tests)."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import connection
from django.http import HttpResponse
from django.urls import path

from apps.core.api import json_endpoint
from apps.core.errors import too_many_requests
from bankdash import urls as project

handler400, handler403 = project.handler400, project.handler403
handler404, handler500 = project.handler404, project.handler500


def boom(request):
    raise RuntimeError("a bug")


@json_endpoint
def boom_json(request):
    raise RuntimeError("a bug")


def forbidden(request):
    raise PermissionDenied


def suspicious(request):
    raise SuspiciousOperation("a strange request")


def throttled(request):
    return too_many_requests(request, retry_after=60)


def slow(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(3)")
    return HttpResponse("done")


urlpatterns = [
    path("test/boom/", boom),
    path("test/boom.json", boom_json),
    path("test/forbidden/", forbidden),
    path("test/suspicious/", suspicious),
    path("test/throttled/", throttled),
    path("test/slow/", slow),
    *project.urlpatterns,
]
