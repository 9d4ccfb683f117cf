"""Learners' records: enrolments, attempts, completions and certificates.

None of these is a shared item: a person sees their own (``rule.own_records``), the
trainers who may change a course see its completion report, and anyone holding a
certificate's code may verify it. Written only by ``portal.training.services``.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .courses import CompetencyLevel, Course, Quiz

#: Letters of a certificate code: no 0/O or 1/I/L to misread from paper.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 20


def certificate_code() -> str:
    """An unguessable verification code (20 of 31 letters: about 99 bits)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Enrolment(models.Model):
    """A learner taking a course: by themselves, or enrolled by a trainer with a cohort."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments")
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="unique_enrolment")]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")

    def __str__(self) -> str:
        return f"user {self.user_id} in course {self.course_id}"


class Attempt(models.Model):
    """One go at a quiz: the questions drawn when the learner opened it, then their
    answers, the grade and the result per question (after submission)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    question_ids = models.JSONField(default=list)
    answers = models.JSONField(default=dict, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    results = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["user", "quiz", "submitted_at"])]
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")

    def __str__(self) -> str:
        return f"attempt {self.pk} of user {self.user_id} at quiz {self.quiz_id}"

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None


class Completion(models.Model):
    """A learner completed a course (passed every quiz). Reset when the certificate it
    earned expires (``reset_at``): the learner then passes the quizzes again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_completions"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(default=timezone.now)
    reset_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-completed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"],
                condition=Q(reset_at__isnull=True),
                name="one_current_completion",
            )
        ]
        verbose_name = _("course completion")
        verbose_name_plural = _("course completions")

    def __str__(self) -> str:
        return f"user {self.user_id} completed course {self.course_id}"


class CertificateStatus(models.TextChoices):
    """What a verifier is told about a certificate today."""

    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    SUPERSEDED = "superseded", _("Replaced by a newer certificate")


class Certificate(models.Model):
    """Proof that a learner completed a course at its level, valid until ``expires_at``.

    The holder's name and country are copied when it is issued, so the certificate says
    what it said on the day (a verifier compares them with the PDF: PDFs get edited). An
    expired certificate stays verifiable, as expired.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="certificates")
    completion = models.ForeignKey(
        Completion, on_delete=models.SET_NULL, null=True, blank=True, related_name="certificates"
    )
    level = models.CharField(_("competency level"), max_length=20, choices=CompetencyLevel.choices)
    code = models.CharField(
        _("verification code"), max_length=32, unique=True, default=certificate_code
    )
    holder_name = models.CharField(_("holder"), max_length=300)
    holder_country = models.CharField(_("holder's country"), max_length=200, blank=True)
    holder_country_code = models.CharField(max_length=3, blank=True)
    course_title = models.CharField(_("course"), max_length=200)
    issued_at = models.DateTimeField(_("issued"))
    expires_at = models.DateTimeField(_("expires"), db_index=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return f"{self.course_title} — {self.holder_name}"

    def get_absolute_url(self) -> str:
        """The PDF (the holder's)."""
        return reverse("training:certificate", kwargs={"pk": self.pk})

    def get_verify_url(self) -> str:
        """The public verify page (no sign-in)."""
        return reverse("certificate-verify", kwargs={"code": self.code})

    def status(self, now=None) -> str:
        now = now or timezone.now()
        if self.superseded_at is not None:
            return CertificateStatus.SUPERSEDED
        if self.expires_at <= now:
            return CertificateStatus.EXPIRED
        return CertificateStatus.VALID

    def is_valid(self, now=None) -> bool:
        return self.status(now) == CertificateStatus.VALID
