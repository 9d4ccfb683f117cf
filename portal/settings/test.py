"""Settings for the test suite: PostgreSQL and Redis as in production, nothing slow.

The suite runs against the PostgreSQL server at 127.0.0.1:5432 (``TEST_DATABASE_URL``
overrides it). When that server is unreachable the suite falls back to SQLite and the
tests marked ``postgres`` skip, except under ``CI=true`` where tests/conftest.py fails
the run instead.
"""

import os
import socket
from urllib.parse import urlparse

import dj_database_url

from .base import *  # noqa: F403
from .base import BASE_DIR, CHANNEL_SOCKET_TIMEOUT

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run as soon as they are enqueued (after commit), so tests see their effects at
# once; retries happen in place without sleeping. tests/core/test_tasks.py runs the
# database backend and its worker explicitly.
TASKS_BACKEND = "immediate"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
TASK_RETRY_INLINE_MAX_SECONDS = 0
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # nothing collected: WhiteNoise serves from the apps
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# The suite reads the portal in its source language (its assertions are English) whatever
# catalogues `make install` compiled into locale/: without a catalogue in LOCALE_PATHS no
# country default applies (accounts.locale.portal_speaks). The tests of the translations
# (tests/core/test_translations.py) compile locale/*.po into a temporary directory and
# point LOCALE_PATHS there.
LOCALE_PATHS = []

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or default_port), 1.0):
            return True
    except OSError:
        return False


POSTGRES_AVAILABLE = _reachable(TEST_DATABASE_URL, 5432)
REDIS_AVAILABLE = _reachable(TEST_REDIS_URL, 6379)

if POSTGRES_AVAILABLE:
    DATABASES = {"default": dj_database_url.parse(TEST_DATABASE_URL)}
    # Production's statement binding (portal/settings/base.py): the suite proves every
    # query works with it.
    DATABASES["default"]["OPTIONS"] = dict(POSTGRES_BINDING)  # noqa: F405
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(BASE_DIR / "var" / "test.sqlite3"),
        }
    }

# The channel layer is Redis, as in production, when the server is there; the prefix is
# per process so that parallel runs never hear each other. Without Redis the layer is in
# memory and the tests marked ``redis`` skip (or fail under CI=true).
if REDIS_AVAILABLE:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": TEST_REDIS_URL, "socket_timeout": CHANNEL_SOCKET_TIMEOUT}],
                "prefix": f"portal-test-{os.getpid()}",
                "capacity": 1000,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# The protected tables stay in the test process (never in a file or Redis shared with a
# demo or another run, where a dataset version number means other data).
CACHES["dashboards"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}  # noqa: F405
MEDIA_ROOT = BASE_DIR / "var" / "test-media" / "public"
STORAGES["default"]["OPTIONS"] = {"location": MEDIA_ROOT, "base_url": "/media/"}  # noqa: F405
STORAGES["private"]["OPTIONS"] = {  # noqa: F405
    "location": BASE_DIR / "var" / "test-media" / "private",
    "base_url": None,
}

# The minimal shared content type that exercises the access matrix harness.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.shareable_app"]  # noqa: F405
ROOT_URLCONF = "tests.urls"
# Answers follow the data at once in tests (the stale path is tested on its own).
DASHBOARDS_SERVE_STALE = False
