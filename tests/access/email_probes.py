"""E-mail as a channel of the matrix: an item's e-mail reaches only those who may see it.

Alerts are mailed to their subscribers (``portal.alerts.emails``, a background task). The
probe makes the user a subscriber to every high and critical alert, with an address, runs
the real task for the item (the tests' task backend runs it at once) and looks in the
outbox for a message to that address about the item. Anonymous visitors have no address.
Added to the types listed in ``SENDERS`` when this module is imported, after
``content_types`` registered them (training reminders and meeting invitations join here).
"""

from __future__ import annotations

from django.core import mail

from .matrix import REGISTRY, Probe, signed_in


def _alert_mailed(item, user) -> bool:
    from portal.alerts.emails import alert_emails_task
    from portal.alerts.models import AlertSubscription

    user.email = f"{user.username}@matrix.invalid"
    user.save(update_fields=["email"])
    AlertSubscription.objects.update_or_create(user=user, defaults={"high_and_critical": True})
    mail.outbox.clear()
    alert_emails_task.enqueue(item.pk, [])
    return any(message.to == [user.email] and item.title in message.body for message in mail.outbox)


#: Content type name -> mailed(item, user): the type's mail, sent for real, reached them.
SENDERS = {"alert": _alert_mailed}


# === meetings: api-search ===
def _meeting_mailed(item, user) -> bool:
    """Invite the user's country to the meeting and run the real invitation task: the
    message (with its calendar file) reaches them exactly when they may see it."""
    from portal.meetings.invitations import meeting_emails_task
    from portal.meetings.models import Attendance

    user.email = f"{user.username}@matrix.invalid"
    user.save(update_fields=["email"])
    Attendance.objects.get_or_create(meeting=item, country_id=user.country_id)
    mail.outbox.clear()
    meeting_emails_task.enqueue(item.pk, "scheduled")
    return any(message.to == [user.email] and item.title in message.body for message in mail.outbox)


def _has_country(username: str) -> bool:
    """Invitations go to the people of the invited countries: a superuser with no
    country is in none (signed in or not)."""
    return signed_in(username) and username != "admin"


SENDERS["meeting"] = _meeting_mailed
REACHES = {"meeting": _has_country}
# === end meetings: api-search ===


def email_probe(mailed, reaches=signed_in) -> Probe:
    def see(client, item, user):
        if user.is_anonymous or not reaches(user.username):
            return False
        return mailed(item, user)

    # Only published items are mailed (a draft is mailed to nobody: tests/alerts).
    return Probe("email", see, reaches=reaches, applies=lambda item: item.is_released())


def _add() -> None:
    for content_type in REGISTRY:
        mailed = SENDERS.get(content_type.name)
        if mailed and not any(p.name == "email" for p in content_type.probes):
            reaches = REACHES.get(content_type.name, signed_in)
            content_type.probes.append(email_probe(mailed, reaches))


_add()
