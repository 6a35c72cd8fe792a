from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpResponseRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from catalog.models import Organisation
from portal.context_processors import DISPLAY_COOKIES

ONE_YEAR = 365 * 24 * 3600


@never_cache
def healthz(request):
    """200 when the database answers, 503 when it does not (for the load balancer)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def county_home(request):
    county = Organisation.objects.filter(kind=Organisation.Kind.COUNTY, is_active=True).first()
    townships = (
        Organisation.objects.active().townships().filter(parent=county).order_by("order", "name")
        if county
        else Organisation.objects.none()
    )
    return render(request, "portal/county_home.html", {"county": county, "townships": townships})


def township_home(request, slug):
    township = get_object_or_404(
        Organisation.objects.select_related("parent"),
        slug=slug,
        is_active=True,
        kind__in=[Organisation.Kind.TOWNSHIP, Organisation.Kind.DEPARTMENT],
    )
    return render(request, "portal/township_home.html", {"township": township})


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors: the database may be what failed.
    return HttpResponseServerError(loader.get_template("500.html").render())


def display(request):
    """Switch large text / high contrast on or off and go back to the page (no JavaScript needed)."""
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    for key, cookie in DISPLAY_COOKIES.items():
        value = request.GET.get(key)
        if value == "1":
            response.set_cookie(cookie, "1", max_age=ONE_YEAR, samesite="Lax")
        elif value == "0":
            response.delete_cookie(cookie, samesite="Lax")
    return response
