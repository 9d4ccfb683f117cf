"""Pages of the training section for learners and trainers: the course list, a course, a
lesson, "my training" and a course's completion report (with its CSV export).

Thin: every read is a selector through the access rule, the one write (enrolment) a
service. A course, lesson or report the user may not see is a 404; an anonymous visitor
is sent to sign in unless the course is public (``hidden_asks_login``).
"""

from __future__ import annotations

import csv
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from portal.access import rule
from portal.access.models import Country
from portal.access.views import hidden_asks_login

from . import selectors, services
from .forms import CohortForm
from .models import CompetencyLevel, Course, Enrolment

PAGE_SIZE = 24
#: A valid certificate expiring within this many days is marked "expiring soon" (the
#: holder's reminder e-mail goes out at the same distance).
EXPIRING_SOON_DAYS = services.REMINDER_DAYS


@login_required
@require_safe
def course_list(request):
    """The courses shared with the user, filtered by level; those they take are marked."""
    level = request.GET.get("level", "").strip()
    if level not in CompetencyLevel.values:
        level = ""
    courses = selectors.courses_visible_to(user=request.user).select_related("owner_country")
    if level:
        courses = courses.filter(level=level)
    page = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = [course.pk for course in page.object_list]
    enrolled = set(
        rule.own_records(
            user=request.user, queryset=Enrolment.objects.filter(course__in=shown)
        ).values_list("course_id", flat=True)
    )
    completed = selectors.courses_completed(user=request.user, course_ids=shown)
    return render(
        request,
        "training/course_list.html",
        {
            "page": page,
            "level": level,
            "levels": CompetencyLevel.choices,
            "enrolled": enrolled,
            "completed": completed,
            "query_string": f"level={level}" if level else "",
        },
    )


@require_safe
@hidden_asks_login
def course_detail(request, pk: int):
    """A course: level, validity, its modules' lessons and quizzes, enrolment and progress."""
    course = selectors.course_get_visible_or_404(user=request.user, pk=pk)
    user = request.user
    enrolment = rule.own_records(
        user=user, queryset=Enrolment.objects.filter(course=course)
    ).first()
    progress = None
    if enrolment is not None:
        progress = selectors.courses_progress(user=user, course_ids=[course.pk])[course.pk]
    return render(
        request,
        "training/course_detail.html",
        {
            "course": course,
            "outline": selectors.course_outline(course=course),
            "enrolment": enrolment,
            "progress": progress,
            "can_report": user.is_authenticated and rule.can_change(user, course),
        },
    )


@require_POST
@hidden_asks_login
def course_enrol(request, pk: int):
    """Enrol the signed-in user in a course shared with them, then back to the course."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("training:course", kwargs={"pk": pk}))
    course = selectors.course_get_visible_or_404(user=request.user, pk=pk)
    try:
        services.course_enrol(user=request.user, course=course)
    except PermissionDenied as exc:  # the course stopped being shared meanwhile
        raise Http404 from exc
    messages.success(request, _("You are enrolled in this course."))
    return redirect(course.get_absolute_url())


@require_safe
@hidden_asks_login
def lesson_detail(request, pk: int):
    """A lesson's blocks as the viewer may see them, with the previous and next lesson."""
    lesson = selectors.lesson_get_visible_or_404(user=request.user, pk=pk)
    course = lesson.module.course
    siblings = list(
        selectors.lessons_visible_to(user=request.user)
        .filter(module__course=course)
        .order_by("module__sort_order", "module__pk", "sort_order", "pk")
        .values_list("pk", "title")
    )
    index = next(i for i, (sibling, _title) in enumerate(siblings) if sibling == lesson.pk)
    previous = siblings[index - 1] if index > 0 else None
    following = siblings[index + 1] if index + 1 < len(siblings) else None
    return render(
        request,
        "training/lesson_detail.html",
        {
            "lesson": lesson,
            "course": course,
            "module": lesson.module,
            "previous": {"pk": previous[0], "title": previous[1]} if previous else None,
            "next": {"pk": following[0], "title": following[1]} if following else None,
            "position": index + 1,
            "count": len(siblings),
        },
    )


@login_required
@require_safe
def my_training(request):
    """The user's courses with their progress, completed courses and certificates."""
    data = selectors.my_training_overview(user=request.user)
    now = timezone.now()
    soon = now + timedelta(days=EXPIRING_SOON_DAYS)
    certificates = [
        {
            "certificate": certificate,
            "status": certificate.status(now),
            "expiring_soon": certificate.is_valid(now) and certificate.expires_at <= soon,
        }
        for certificate in data["certificates"]
    ]
    return render(
        request,
        "training/my_training.html",
        {
            "in_progress": [row for row in data["enrolments"] if not row["completed_at"]],
            "completed": [row for row in data["enrolments"] if row["completed_at"]],
            "certificates": certificates,
        },
    )


def _report_or_404(request, pk: int) -> tuple[Course, list[dict]]:
    """The course and its completion report, for those who may change it; 404 for the
    others (a reader of the course is not told that a report exists)."""
    course = selectors.course_get_visible_or_404(user=request.user, pk=pk)
    try:
        rows = selectors.completion_report(user=request.user, course=course)
    except PermissionDenied as exc:
        raise Http404("No such report.") from exc
    names = dict(
        Country.objects.filter(code__in={row["country"] for row in rows}).values_list(
            "code", "name"
        )
    )
    levels = dict(CompetencyLevel.choices)
    for row in rows:
        row["country_name"] = names.get(row["country"], "")
        row["level_label"] = levels.get(row["level"], row["level"])
    return course, rows


@require_http_methods(["GET", "HEAD", "POST"])
@hidden_asks_login
def course_report(request, pk: int):
    """The trainer's view: learners enrolled, completed, certified and expired per
    country and level (counts only, no names), and the form that enrols a cohort (POST).
    ``?format=csv`` is the CSV export."""
    if request.method != "POST" and request.GET.get("format") == "csv":
        return course_report_csv(request, pk)
    course, rows = _report_or_404(request, pk)
    form = CohortForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        made = services.cohort_enrol(
            course=course,
            by=request.user,
            countries=[country.code for country in form.cleaned_data["countries"]],
            networks=[network.slug for network in form.cleaned_data["networks"]],
            users=form.cleaned_data["usernames"],
        )
        messages.success(
            request,
            ngettext(
                "%(count)d learner enrolled. Those who may not see the course, or were "
                "enrolled already, were left out.",
                "%(count)d learners enrolled. Those who may not see the course, or were "
                "enrolled already, were left out.",
                len(made),
            )
            % {"count": len(made)},
        )
        return redirect("training:report", pk=course.pk)
    totals = {
        key: sum(row[key] for row in rows)
        for key in ("enrolled", "completed", "certified", "expired")
    }
    return render(
        request,
        "training/course_report.html",
        {"course": course, "rows": rows, "totals": totals, "cohort_form": form},
        status=400 if form.errors else 200,
    )


@require_safe
@hidden_asks_login
def course_report_csv(request, pk: int):
    """The completion report as CSV: UTF-8 with a byte-order mark, so that Excel reads
    the country names right; counts per country and level, nobody named."""
    course, rows = _report_or_404(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="course-{course.pk}-completion.csv"'
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Country code"),
            _("Country"),
            _("Level"),
            _("Enrolled"),
            _("Completed"),
            _("Certified"),
            _("Expired"),
        ]
    )
    for row in rows:
        writer.writerow(
            [
                row["country"],
                row["country_name"],
                row["level_label"],
                row["enrolled"],
                row["completed"],
                row["certified"],
                row["expired"],
            ]
        )
    return response
