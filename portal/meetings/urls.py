"""Pages of the meetings section (``/meetings/``), named ``meetings:...``.

The list, a meeting, "my actions" and the decision register (``views``); the calendar
file of a meeting and the personal feed (``calendar_views``).
"""

from django.urls import path

from . import calendar_views, views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/ics", calendar_views.meeting_ics, name="ics"),
    path("<int:pk>/documents/", views.document_add, name="document-add"),
    path("<int:pk>/minutes/", views.minutes_change, name="minutes"),
    path("<int:pk>/attendance/", views.attendance_change, name="attendance"),
    path("feed/", views.feed_manage, name="feed-manage"),
    path("feed/<str:token>.ics", calendar_views.feed_ics, name="feed"),
    path("actions/", views.my_actions, name="actions"),
    path("actions/<int:pk>/status", views.action_status, name="action-status"),
    path("decisions/", views.decision_register, name="decisions"),
]
