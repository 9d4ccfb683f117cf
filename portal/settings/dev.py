"""The embedded defaults of ``make demo``: one process, SQLite, in-memory channel layer."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env_bool

DEBUG = env_bool("DEBUG", True)
VAR_DIR.mkdir(parents=True, exist_ok=True)
# Serve static files straight from the apps, no collectstatic needed in the demo.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # nothing collected: WhiteNoise serves from the apps
WHITENOISE_AUTOREFRESH = True
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
