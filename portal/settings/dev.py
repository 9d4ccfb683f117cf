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
# Background work (portal/core/tasks.py) as in production: tasks are rows in the SQLite
# database and `make demo` starts `manage.py db_worker` beside the server, so e-mail (printed
# on the console here), index writes and renditions stay off the request path.
# TASKS_BACKEND=immediate runs them inside the process that queued them instead (for a
# server started without a worker).
# Two processes write to one SQLite file: write-ahead logging lets pages read while the
# worker writes, transactions take the write lock when they begin (no "database is
# locked" when a reader turns writer), and a busy file is waited for, not refused.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {}).update(  # noqa: F405
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
