from wagtail.snippets.models import register_snippet

from portal.access.viewsets import ShareableSnippetViewSet

from .models import Notice


class NoticeViewSet(ShareableSnippetViewSet):
    model = Notice
    list_display = ["title", "owner_country", "distribution_level"]


register_snippet(NoticeViewSet)
