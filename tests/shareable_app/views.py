from portal.access.views import ShareableDetailView, ShareableListView

from .models import Notice


class NoticeList(ShareableListView):
    model = Notice
    template_name = "shareable_app/notice_list.html"
    ordering = ["pk"]


class NoticeDetail(ShareableDetailView):
    model = Notice
    template_name = "shareable_app/notice_detail.html"
