"""How the API answers: JSON, GET and HEAD only, CORS, ETags, the licence, pagination."""

from collections.abc import Callable, Mapping, Sequence
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt

from letters.page_cache import Scope, named_scopes, revalidated_or_rendered

from .params import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, ApiError, positive_int_parameter
from .records import JsonObject, licence

P = ParamSpec("P")
ApiView = Callable[Concatenate[HttpRequest, P], HttpResponse]
M = TypeVar("M", bound=Model)


def error_response(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": {"status": status, "message": message}}, status=status)


def api_view(*scopes: Scope) -> Callable[[ApiView[P]], ApiView[P]]:
    """GET and HEAD only, JSON errors, CORS for anyone, the licence in a Link header, and
    an ETag from the versions of `scopes` (page_cache.cached_public_page's, the same
    rule as the pages) so that clients can revalidate cheaply.

    CSRF-exempt so that a POST gets this API's 405 rather than the site's CSRF page:
    no method here changes anything.
    """

    def decorator(view: ApiView[P]) -> ApiView[P]:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            response: HttpResponse
            if request.method not in ("GET", "HEAD"):
                response = error_response(
                    405, f"{request.method} is not allowed: this API is read-only (GET, HEAD)."
                )
                response["Allow"] = "GET, HEAD"
            else:

                def answer() -> HttpResponse:
                    try:
                        return view(request, *args, **kwargs)
                    except ApiError as error:
                        return error_response(error.status, error.message)

                named = named_scopes(scopes, kwargs)
                response = revalidated_or_rendered(request, answer, named, "api", keep=False)
                if response.has_header("ETag"):
                    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
            response["Access-Control-Allow-Origin"] = "*"
            response["Link"] = f'<{settings.DATA_LICENCE_URL}>; rel="license"'
            return response

        return wrapper

    return decorator


# ---------------------------------------------------------------------------


def licence_record(request: HttpRequest) -> dict[str, str]:
    return {**licence(), "methodology": request.build_absolute_uri(reverse("methodology"))}


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")[:-1]


def detail_response(request: HttpRequest, data: Mapping[str, Any]) -> JsonResponse:
    return JsonResponse({"licence": licence_record(request), "data": data})


class Page:
    """Which slice of a list a request asks for, validated before any query."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.number = positive_int_parameter(request, "page", 1)
        size = positive_int_parameter(request, "page_size", DEFAULT_PAGE_SIZE)
        self.size = min(size, MAX_PAGE_SIZE)
        self.start = (self.number - 1) * self.size
        self.end = self.start + self.size

    def check_exists(self, count: int) -> None:
        if self.number > 1 and self.start >= count:
            last = max(1, -(-count // self.size))
            raise ApiError(404, f"Page {self.number} does not exist; the last page is {last}.")

    def link(self, number: int) -> str:
        query = self.request.GET.copy()
        query["page"] = str(number)
        return self.request.build_absolute_uri(f"{self.request.path}?{urlencode(query, True)}")

    def response(self, results: Sequence[Mapping[str, Any]], count: int) -> JsonResponse:
        return JsonResponse(
            {
                "licence": licence_record(self.request),
                "count": count,
                "page": self.number,
                "page_size": self.size,
                "next": self.link(self.number + 1) if self.end < count else None,
                "previous": self.link(self.number - 1) if self.number > 1 else None,
                "results": results,
            }
        )


def paginated(
    request: HttpRequest, queryset: QuerySet[M], record: Callable[[M, str], JsonObject]
) -> JsonResponse:
    """COUNT(*) and an OFFSET page: for lists that stay small (letters, signers, sources).

    `record` builds each item's JSON from the item and the site's base URL."""
    page = Page(request)
    count = queryset.count()
    page.check_exists(count)
    base = base_url(request)
    return page.response([record(item, base) for item in queryset[page.start : page.end]], count)
