from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from sampo.api.main import api
from sampo.lib.rest.problems import problem

# The API authenticates each request itself (token or session) and answers 401 as a problem
# document, so the login-required middleware must let its routes through.
_patterns, _app, _namespace = api.urls
for _pattern in _patterns:
    _pattern.callback.login_required = False  # type: ignore[union-attr]


@login_not_required
@csrf_exempt
def api_not_found(request: HttpRequest, rest: str) -> HttpResponse:
    """A path under /api/v1/ that names no operation (`/organizations/abc`) gets a problem
    document like every other API error, not the site's HTML page."""
    return problem(404, _("Not found"), kind="not-found")


urlpatterns = [
    path("api/v1/", (_patterns, _app, _namespace)),
    re_path(r"^api/v1/(?P<rest>.*)$", api_not_found, name="api_not_found"),
    path("", include("sampo.api.webhooks.urls")),
]
