"""The test content type's API, built the way real routers are: thin over the rule."""

from ninja import NinjaAPI, Schema

from portal.access import rule
from portal.api import errors
from portal.api.access import get_visible_or_error
from portal.api.auth import member_auth, member_or_anonymous_auth

from .models import Notice

api = NinjaAPI(urls_namespace="test-api", auth=member_auth, docs_url=None)
errors.install(api)


class NoticeOut(Schema):
    id: int
    title: str


class NoticeList(Schema):
    count: int
    results: list[NoticeOut]


@api.get("/notices", response=NoticeList)
def notices(request):
    items = rule.visible_to(user=request.user, queryset=Notice.objects.order_by("pk"))
    return {"count": items.count(), "results": list(items)}


@api.get("/notices/{pk}", response=NoticeOut, auth=member_or_anonymous_auth)
def notice(request, pk: int):
    return get_visible_or_error(request, Notice.objects.all(), pk=pk)
