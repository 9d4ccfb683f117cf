"""Production: configured by the environment only, and refusing unsafe defaults.

Start-up fails with a default or missing ``SECRET_KEY`` or with ``DEBUG`` on; the
``portal.checks`` system check fails while demo accounts exist (the container runs
``manage.py check --deploy`` before serving).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import INSECURE_DEFAULT_SECRET_KEY, SECRET_KEY, env_bool

PORTAL_PRODUCTION = True

if (
    not os.environ.get("SECRET_KEY")
    or SECRET_KEY == INSECURE_DEFAULT_SECRET_KEY
    or SECRET_KEY.startswith("change-me")  # the placeholder of .env.example
):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a long random value in production "
        "(the development default is refused)."
    )
if len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long in production.")
if env_bool("DEBUG", False):
    raise ImproperlyConfigured("DEBUG must be off in production.")
DEBUG = False
if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured("DATABASE_URL must point at the PostgreSQL database in production.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Background work is stored in the database and run by the `worker` service
# (docker-compose.yml, `manage.py db_worker`): never in the request, retried with backoff.
if TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":  # noqa: F405
    raise ImproperlyConfigured(
        "TASKS_BACKEND must be 'database' in production: the immediate backend would send "
        "e-mail and write the search index inside the officers' requests."
    )
# Private files are handed to nginx by X-Accel-Redirect after the access check.
PRIVATE_MEDIA_ACCEL_PREFIX = os.environ.get("PRIVATE_MEDIA_ACCEL_PREFIX", "/_private/")
# Sign-in throttling counts per client address: the right-most X-Forwarded-For entry,
# written by the last trusted proxy. deploy/nginx.conf replaces the header with the address
# it was reached from; a proxy that appends ($proxy_add_x_forwarded_for) leaves client-sent
# entries on the left, which an attacker chooses freely (a new address per guess would
# escape the lock) — daphne's --proxy-headers takes the LEFT-most one, so REMOTE_ADDR is
# not used here. Set this to the number of proxies that append (2 with a load balancer).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1"))
