"""Pages of the training section (``/training/``), named ``training:...``.

Two blocks: the course, lesson, "my training" and report pages (``views``), and the
quiz and certificate pages (added by their own block).
"""

from django.urls import path

from . import certificate_views, quiz_views, views  # the first two: the quiz block

app_name = "training"

urlpatterns = [
    # === training: pages ===
    path("", views.course_list, name="courses"),
    path("courses/<int:pk>/", views.course_detail, name="course"),
    path("courses/<int:pk>/enrol/", views.course_enrol, name="enrol"),
    path("courses/<int:pk>/report/", views.course_report, name="report"),
    path("courses/<int:pk>/report.csv", views.course_report_csv, name="report-csv"),
    path("lessons/<int:pk>/", views.lesson_detail, name="lesson"),
    path("me/", views.my_training, name="mine"),
    # === end training: pages ===
    # === training: quiz ===
    path("quizzes/<int:pk>/", quiz_views.quiz_take, name="quiz"),
    path("quizzes/<int:pk>/attempts/<int:attempt>/", quiz_views.quiz_result, name="quiz-result"),
    path("certificates/<int:pk>.pdf", certificate_views.certificate_download, name="certificate"),
    # === end training: quiz ===
]
