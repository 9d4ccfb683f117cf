"""A test-only e-mail backend whose server fails a given number of times.

It stands in for the SMTP transport, not for the portal's code: the task under test calls
Django's mail API as in production, and the "server" answers with the error a real one
gives when it drops the connection (``SMTPServerDisconnected``).
"""

from __future__ import annotations

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class FlakyEmailBackend(EmailBackend):
    """After ``successes_left`` sends, refuses the next ``failures_left``, then delivers
    to ``mail.outbox`` again. ``calls`` counts every send."""

    successes_left = 0
    failures_left = 0
    calls = 0
    #: Addresses the server refuses for good (550), whatever the count.
    refused: frozenset[str] = frozenset()

    @classmethod
    def fail_next(cls, times: int, *, after: int = 0) -> None:
        cls.successes_left = after
        cls.failures_left = times
        cls.calls = 0
        cls.refused = frozenset()

    def send_messages(self, messages):
        cls = type(self)
        cls.calls += 1
        bad = {a for m in messages for a in m.to if a in cls.refused}
        if bad:
            raise smtplib.SMTPRecipientsRefused({a: (550, b"5.1.1 No such mailbox") for a in bad})
        if cls.successes_left > 0:
            cls.successes_left -= 1
        elif cls.failures_left > 0:
            cls.failures_left -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)
