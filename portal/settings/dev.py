"""The embedded defaults of ``make demo``: one process, SQLite, in-memory channel layer."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env_bool

# Off unless asked for (DEBUG=1 make demo): with it on, a 404 lists every URL pattern and
# an error page shows settings, SQL and visibility keys to whoever triggered it.
DEBUG = env_bool("DEBUG", False)
VAR_DIR.mkdir(parents=True, exist_ok=True)
# Serve static files straight from the apps, no collectstatic needed in the demo.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # nothing collected: WhiteNoise serves from the apps
WHITENOISE_AUTOREFRESH = True
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
