"""Support for serving the portal from a forked process (browser tests, benchmarks)."""

from __future__ import annotations


def forked_asgi_application():
    """The portal's ASGI application with static files, for a server process forked
    from one that already ran async code (``daphne.testing.DaphneProcess``).

    The child inherits objects whose threads and event loops stayed in the parent:
    asgiref's single thread for database calls (its executor believes the thread exists,
    so work would wait forever) and the channel layers bound to the parent's loops. The
    child makes its own. Module level, so that it can be handed to another process.
    """
    from concurrent.futures import ThreadPoolExecutor

    from asgiref.sync import SyncToAsync
    from channels.layers import channel_layers
    from channels.routing import get_default_application
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    SyncToAsync.single_thread_executor = ThreadPoolExecutor(max_workers=1)
    channel_layers.backends = {}
    return ASGIStaticFilesHandler(get_default_application())
