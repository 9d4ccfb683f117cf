"""Signals of the accounts app."""

from django.dispatch import Signal

#: Sent after commit when a credential stops working, with ``user_id``, ``reason`` and
#: ``session_key`` (one browser session), ``token_id`` (one API token) or neither (every
#: credential of the user). Whatever holds a connection opened with it closes it (the
#: alert sockets: ``portal.alerts.signal_handlers``).
credentials_ended = Signal()
