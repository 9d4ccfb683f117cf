"""Writes of the training domain: enrolment, quiz attempts, completion, certificates.

Every function is keyword-only and asks ``portal.access.rule`` who may act; views, the
API and the admin call these and nothing else. Grading is ``grading.grade`` (pure); the
answer keys it needs are built here from the database and never leave the server.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.access import rule
from portal.access.models import DistributionLevel, User

from . import grading
from .models import (
    Attempt,
    Certificate,
    Completion,
    Course,
    Enrolment,
    Question,
    QuestionKind,
    Quiz,
)

#: Days before expiry that the holder is reminded (once).
REMINDER_DAYS = 30


class CourseTooWide(ValidationError):
    """A course would be seen by someone who may not see a specimen image it uses.

    ``specimens``: the titles of those specimens."""

    def __init__(self, messages: list[str], specimens: list[str]):
        super().__init__(messages, code="course_too_wide")
        self.specimens = specimens


class AnswersInvalid(Exception):
    """A submission with answers that cannot be understood; nothing was stored.

    ``errors``: ``{question id (or "answers"): message}`` — the API's 400 per field."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(_("Some answers could not be understood."))
        self.errors = errors


# --- width: a course is never shared wider than its specimen images ---------------------


def _course_distribution(course: Course) -> tuple[str, str, list[str], list[str]]:
    """(owner, level, countries, networks) of the course's latest version: its newest
    revision (a draft about to be published) or its row."""
    revision = course.latest_revision if course.pk else None
    if revision is not None:
        draft = revision.as_object()
        m2m = getattr(draft, "_lifecycle_m2m", None) or {}
        from portal.access.models import Network

        networks = list(
            Network.objects.filter(pk__in=m2m.get("shared_networks") or []).values_list(
                "slug", flat=True
            )
        )
        return (
            draft.owner_country_id,
            draft.distribution_level,
            list(m2m.get("shared_countries") or []),
            networks,
        )
    if not course.pk:
        return course.owner_country_id, course.distribution_level, [], []
    return (
        course.owner_country_id,
        course.distribution_level,
        list(course.shared_countries.values_list("pk", flat=True)),
        list(course.shared_networks.values_list("slug", flat=True)),
    )


def _shared_words(specimen) -> str:
    """How far a specimen is shared, in words ("shared with THA only")."""
    level = specimen.distribution_level
    owner = specimen.owner_country_id
    if level == DistributionLevel.COUNTRIES:
        codes = sorted({owner, *specimen.shared_countries.values_list("pk", flat=True)})
        return _("shared with %(codes)s only") % {"codes": ", ".join(codes)}
    if level == DistributionLevel.NETWORKS:
        slugs = sorted(specimen.shared_networks.values_list("slug", flat=True))
        return _("shared with %(owner)s and the networks %(networks)s only") % {
            "owner": owner,
            "networks": ", ".join(slugs),
        }
    if level == DistributionLevel.MEMBERS:
        return _("shared with signed-in members only")
    if level == DistributionLevel.PUBLIC and specimen.is_released():
        return _("public")
    return _("shared with %(codes)s only") % {"codes": owner}


def course_width_check(
    *,
    course: Course,
    owner: str | None = None,
    level: str | None = None,
    countries: Iterable[str] | None = None,
    networks: Iterable[str] | None = None,
    extra_images: Iterable[Any] = (),
) -> None:
    """Refuse (``CourseTooWide``) a course distribution wider than a specimen image that
    its questions use (and ``extra_images``, about to be chosen).

    Without ``level`` the course's latest version is checked. "Wider" is the rule's
    (``rule.keys_not_covered``): every key of the course, guardian grants included, must
    be held only by people who may see the specimen.
    """
    from portal.specimens.models import Specimen

    if level is None:
        owner, level, countries, networks = _course_distribution(course)
    owner = owner or course.owner_country_id
    keys = rule.distribution_view_keys(
        model=Course,
        owner=owner,
        level=level,
        countries=list(countries or ()),
        networks=list(networks or ()),
    )
    if course.pk:
        keys |= {k for k in rule.item_keys(course) if k.startswith(("user:", "group:"))}
    specimen_ids = set()
    if course.pk:
        specimen_ids.update(
            Question.objects.filter(quiz__module__course=course, specimen_image__isnull=False)
            .values_list("specimen_image__specimen_id", flat=True)
            .distinct()
        )
    specimen_ids.update(image.specimen_id for image in extra_images)
    messages, titles = [], []
    for specimen in Specimen.objects.filter(pk__in=specimen_ids).order_by("title"):
        if rule.keys_not_covered(keys, rule.item_keys(specimen)):
            titles.append(specimen.title)
            messages.append(
                _(
                    "This course would be seen by countries that may not see specimen "
                    "'%(title)s' (%(shared)s). Narrow the distribution or choose another image."
                )
                % {"title": specimen.title, "shared": _shared_words(specimen)}
            )
    if messages:
        raise CourseTooWide(messages, titles)


# --- enrolment ----------------------------------------------------------------------------


def course_enrol(*, user: Any, course: Course, by: Any = None) -> Enrolment:
    """Enrol ``user`` in ``course`` (idempotent). Refused (``PermissionDenied``) unless the
    user may see the course."""
    if not rule.can_view(user, course):
        raise PermissionDenied(_("This course is not shared with you."))
    enrolment, _created = Enrolment.objects.get_or_create(
        user=user, course=course, defaults={"enrolled_by": by or user}
    )
    return enrolment


def cohort_enrol(
    *,
    course: Course,
    by: Any,
    countries: Iterable[str] = (),
    networks: Iterable[str] = (),
    users: Iterable[Any] = (),
) -> list[Enrolment]:
    """Enrol a cohort: the users of ``countries`` (codes), of the member countries of
    ``networks`` (slugs) today, and ``users`` (users or ids) — those who may see the
    course; the others are left out. ``by`` must be able to change the course.

    :returns: the enrolments made now (those already enrolled are not repeated).
    """
    if not rule.can_change(by, course):
        raise PermissionDenied(_("Only the course's trainers enrol cohorts."))
    ids = [getattr(u, "pk", u) for u in users]
    wanted = Q(pk__in=ids)
    if countries:
        wanted |= Q(country_id__in=list(countries))
    if networks:
        wanted |= Q(country__memberships__network__slug__in=list(networks))
    candidates = User.objects.filter(wanted).distinct()
    allowed = rule.users_who_may_view(item=course, users=candidates)
    already = set(
        Enrolment.objects.filter(course=course, user__in=[u.pk for u in allowed]).values_list(
            "user_id", flat=True
        )
    )
    made = [
        Enrolment(user=u, course=course, enrolled_by=by) for u in allowed if u.pk not in already
    ]
    Enrolment.objects.bulk_create(made, ignore_conflicts=True)
    return made


# --- quiz attempts ------------------------------------------------------------------------


def _quiz_visible(user: Any, quiz: Quiz) -> bool:
    return rule.visible_through(
        user=user, queryset=Quiz.objects.filter(pk=quiz.pk), lookup="module__course", model=Course
    ).exists()


def _draw(quiz: Quiz) -> list[int]:
    """The questions of a new attempt: ``draw_count`` of the bank at random (all when 0
    or more than the bank), in the bank's order."""
    bank = list(quiz.questions.order_by("sort_order", "pk").values_list("pk", flat=True))
    if 0 < quiz.draw_count < len(bank):
        chosen = set(random.SystemRandom().sample(bank, quiz.draw_count))
        bank = [pk for pk in bank if pk in chosen]
    return bank


def quiz_attempt_start(*, user: Any, quiz: Quiz) -> Attempt:
    """The learner's open attempt at ``quiz`` (its questions drawn once, when first
    opened), or a new one. Opening a quiz enrols the learner in its course. Refused
    (``PermissionDenied``) unless the user may see the quiz's course."""
    if not user.is_authenticated or not _quiz_visible(user, quiz):
        raise PermissionDenied(_("This quiz is not shared with you."))
    with transaction.atomic():
        course_enrol(user=user, course=quiz.module.course)
        attempt = (
            Attempt.objects.select_for_update()
            .filter(user=user, quiz=quiz, submitted_at__isnull=True)
            .order_by("-started_at", "-pk")
            .first()
        )
        if attempt is not None:
            existing = set(quiz.questions.values_list("pk", flat=True))
            if attempt.question_ids and set(attempt.question_ids) <= existing:
                return attempt
            attempt.question_ids = _draw(quiz)
            attempt.save(update_fields=["question_ids"])
            return attempt
        return Attempt.objects.create(user=user, quiz=quiz, question_ids=_draw(quiz))


def question_key(question: Question) -> grading.QuestionKey:
    """The answer key of a question, for ``grading.grade`` (server side only)."""
    choices = list(question.choices.all())
    by_text = {}
    for choice in choices:
        if not choice.match_target:
            by_text.setdefault(choice.text.strip(), str(choice.pk))
    pairs = {}
    if question.kind == QuestionKind.MATCH:
        for choice in choices:
            if choice.match_target and choice.match_target.strip() in by_text:
                pairs[str(choice.pk)] = by_text[choice.match_target.strip()]
    return grading.QuestionKey(
        id=str(question.pk),
        kind=question.kind,
        correct_choice_ids=frozenset(str(c.pk) for c in choices if c.correct),
        multiple=question.multiple,
        genuine=question.genuine if question.kind == QuestionKind.GENUINE_OR_FORGED else None,
        zones=list(question.zones or []),
        match_pairs=pairs,
        feedback_correct=question.feedback_correct,
        feedback_wrong=question.feedback_wrong,
        choice_feedback={str(c.pk): c.feedback for c in choices if c.feedback},
        choice_ids=frozenset(str(c.pk) for c in choices),
    )


def quiz_attempt_submit(*, user: Any, quiz: Quiz, answers: Any) -> Attempt:
    """Grade ``answers`` (``{"<question id>": answer}``, CONTRACT.md) against the
    questions drawn for the learner's open attempt, and record it.

    Raises ``AnswersInvalid`` (nothing stored) for answers that cannot be understood and
    ``PermissionDenied`` if the quiz is not shared with the user. When this pass means
    every quiz of the course is passed, the course is completed and a certificate issued.
    """
    attempt = quiz_attempt_start(user=user, quiz=quiz)
    questions = {
        q.pk: q
        for q in Question.objects.filter(pk__in=attempt.question_ids).prefetch_related("choices")
    }
    keys = [question_key(questions[pk]) for pk in attempt.question_ids if pk in questions]
    grade = grading.grade(keys, answers)
    if grade.errors:
        raise AnswersInvalid(grade.errors)
    now = timezone.now()
    with transaction.atomic():
        attempt.answers = answers
        attempt.score = grade.score
        attempt.passed = grade.score >= quiz.pass_mark
        attempt.results = grade.results
        attempt.submitted_at = now
        attempt.save(update_fields=["answers", "score", "passed", "results", "submitted_at"])
        if attempt.passed:
            course_completion_check(user=user, course=quiz.module.course, now=now)
    return attempt


# --- completion and certificates ------------------------------------------------------------


def cycle_start(*, user: Any, course: Course) -> datetime | None:
    """When the learner's current round of a course began: the last reset of a completion
    (recertification), or ``None`` (from the start)."""
    return (
        Completion.objects.filter(user=user, course=course, reset_at__isnull=False)
        .order_by("-reset_at")
        .values_list("reset_at", flat=True)
        .first()
    )


def quizzes_passed(*, user: Any, course: Course) -> tuple[int, int]:
    """(quizzes passed in the current round, quizzes of the course)."""
    quiz_ids = set(Quiz.objects.filter(module__course=course).values_list("pk", flat=True))
    passed = Attempt.objects.filter(user=user, quiz_id__in=quiz_ids, passed=True)
    start = cycle_start(user=user, course=course)
    if start is not None:
        passed = passed.filter(submitted_at__gt=start)
    return len(set(passed.values_list("quiz_id", flat=True))), len(quiz_ids)


def course_completion_check(
    *, user: Any, course: Course, now: datetime | None = None
) -> Certificate | None:
    """Complete the course and issue its certificate if every quiz is passed in the
    current round and it is not completed already; the new certificate, or ``None``."""
    passed, total = quizzes_passed(user=user, course=course)
    if total == 0 or passed < total:
        return None
    if Completion.objects.filter(user=user, course=course, reset_at__isnull=True).exists():
        return None
    now = now or timezone.now()
    try:
        with transaction.atomic():
            completion = Completion.objects.create(user=user, course=course, completed_at=now)
            return certificate_issue(user=user, course=course, completion=completion, now=now)
    except IntegrityError:  # completed meanwhile by a concurrent submission
        return None


def add_months(moment: datetime, months: int) -> datetime:
    """``moment`` plus whole calendar months (the 31st becomes the month's last day)."""
    import calendar

    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def certificate_issue(
    *, user: Any, course: Course, completion: Completion | None = None, now: datetime | None = None
) -> Certificate:
    """Award a certificate of ``course`` to ``user`` now, valid ``validity_months`` from
    this award date; earlier certificates of the course still valid are superseded."""
    now = now or timezone.now()
    Certificate.objects.filter(
        user=user, course=course, superseded_at__isnull=True, expires_at__gt=now
    ).update(superseded_at=now)
    country = user.country if user.country_id else None
    return Certificate.objects.create(
        user=user,
        course=course,
        completion=completion,
        level=course.level,
        holder_name=user.get_full_name() or user.get_username(),
        holder_country=country.name if country is not None else "",
        holder_country_code=country.pk if country is not None else "",
        course_title=course.title,
        issued_at=now,
        expires_at=add_months(now, course.validity_months),
    )


def certificates_expire_and_remind(*, now: datetime | None = None) -> dict[str, int]:
    """The daily round (``tasks.certificates_expire_and_remind_task``):

    - e-mail each holder whose certificate expires within ``REMINDER_DAYS`` (once:
      ``reminded_at``);
    - reset the completion behind each certificate that has expired (the learner passes
      the quizzes again; attempts are kept; the certificate stays verifiable, expired).

    :returns: ``{"reminded": n, "reset": n}``.
    """
    from .emails import certificate_reminder_send

    now = now or timezone.now()
    reminded = 0
    due = Certificate.objects.filter(
        superseded_at__isnull=True,
        reminded_at__isnull=True,
        expires_at__gt=now,
        expires_at__lte=now + timedelta(days=REMINDER_DAYS),
    ).select_related("user", "course")
    for certificate in due:
        # Claimed before sending: a retry after a failure elsewhere never mails twice.
        claimed = Certificate.objects.filter(pk=certificate.pk, reminded_at__isnull=True).update(
            reminded_at=now
        )
        if not claimed:
            continue
        try:
            certificate_reminder_send(certificate=certificate)
        except Exception:
            Certificate.objects.filter(pk=certificate.pk).update(reminded_at=None)
            raise
        reminded += 1
    expired = set(
        Completion.objects.filter(
            reset_at__isnull=True,
            certificates__expires_at__lte=now,
            certificates__superseded_at__isnull=True,
        ).values_list("pk", flat=True)
    )
    reset = Completion.objects.filter(pk__in=expired).update(reset_at=now)
    return {"reminded": reminded, "reset": reset}
