"""Wagtail's own e-mail notifications (workflow submitted, approved, rejected) reach only
people who may see the item they are about: the rule filters every notifier's recipients
(``admin_guard.install``), whatever the notifier picked."""

from __future__ import annotations

import pytest
from django.core import mail
from wagtail.admin.mail import (
    WorkflowStateApprovalEmailNotifier,
    WorkflowStateSubmissionEmailNotifier,
)

from portal.access import rule
from portal.access.models import User
from portal.alerts import services
from portal.alerts.models import CountryAlertPolicy

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(users):
    CountryAlertPolicy.objects.create(country_id="THA", requires_review=True)
    for user in users.values():
        user.email = f"{user.username}@example.invalid"
        user.save(update_fields=["email"])
    alert = services.alert_create(
        author=users["expert.tha"],
        distribution={"level": "country"},
        title="Counterfeit THA visa foils",
        summary="No UV fibres.",
    )
    assert alert.current_workflow_state is not None
    return alert


def test_a_recipient_who_may_not_see_the_item_is_left_out(users, in_review):
    state = in_review.current_workflow_state
    outsider = users["officer.fin"]
    assert not rule.can_view(outsider, in_review)
    state.requested_by = outsider
    assert WorkflowStateApprovalEmailNotifier().get_valid_recipients(state) == set()
    state.requested_by = users["expert.tha"]
    assert WorkflowStateApprovalEmailNotifier().get_valid_recipients(state) == {users["expert.tha"]}


def test_submission_mail_goes_to_administrators_who_see_everything(users, in_review):
    admins = set(User.objects.filter(is_superuser=True))
    assert admins
    state = in_review.current_workflow_state
    assert WorkflowStateSubmissionEmailNotifier().get_valid_recipients(state) == admins
    mail.outbox.clear()
    WorkflowStateSubmissionEmailNotifier()(instance=state, user=users["expert.tha"])
    assert sorted(m.to[0] for m in mail.outbox) == sorted(a.email for a in admins)
