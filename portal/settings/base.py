"""Settings shared by every environment; each value can be set from the environment.

The embedded defaults (SQLite under ``var/``, database search, in-memory channel layer)
make ``make demo`` work on a machine with nothing else installed. Production sets
``DATABASE_URL``, ``REDIS_URL``, ``ELASTICSEARCH_URL`` and friends (see production.py).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))
# Uploads: media/public may be served as files, media/private never is (views only).
MEDIA_DIR = Path(os.environ.get("PORTAL_MEDIA_DIR", BASE_DIR / "media"))


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no setting from the environment (1/true/yes/on)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated setting from the environment."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Only the dev and test settings carry a fixed key; production refuses it (production.py).
INSECURE_DEFAULT_SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", INSECURE_DEFAULT_SECRET_KEY)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "portal.access",
    "portal.lifecycle",
    "portal.accounts",
    "portal.api",
    "portal.core",
    "portal.demo",
    "portal.media",
    "portal.specimens",
    "portal.push",
    "portal.alerts",
    "portal.training",
    "portal.meetings",
    "portal.dashboards",
    "search",
    # Not installed: Wagtail's embeds (fetched from outside the portal) and form pages
    # (unused). Wagtail's images and documents stay installed only because the admin's
    # own templates need them; they would be served outside the access rule, so their
    # URLs are switched off (portal/urls.py). Shared files go through the portal's own
    # private, rule-checked views.
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.sites",
    "portal.access.apps.PortalUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v3",
    "wagtail",
    "modelcluster",
    "taggit",
    "guardian",
    "channels",
    "ninja",
    "axes",
    # Background work (portal/core/tasks.py): django-tasks and its database backend.
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Bearer tokens for the files and pages the API links to (not /api/, not /admin/).
    "portal.accounts.middleware.BearerTokenMiddleware",
    # The request, for Wagtail code that loads objects without it (admin_guard, audit).
    "portal.access.request_context.RequestContextMiddleware",
    # The user's language and time zone (their profile, else their country's defaults).
    "portal.accounts.locale.UserLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last: turns a sign-in refused by the throttle into the 429 page (portal/accounts/lockout.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
ASGI_APPLICATION = "portal.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "portal" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.core.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
# PostgreSQL connections come from a pool (psycopg_pool, Django 5.1+): under ASGI every
# database hop of a consumer or view would otherwise open a new connection (about 5 ms
# each), which dominated the alert push to 1,000 sockets (docs/PERFORMANCE.md). Per
# process; size it to the server's threads (DB_POOL_MAX_SIZE).
POSTGRES_POOL = {
    "min_size": 2,
    "max_size": int(os.environ.get("DB_POOL_MAX_SIZE", "10")),
    "timeout": 10,
}
if (
    DATABASES["default"]["ENGINE"].endswith("postgresql")
    and env_bool("DB_POOL", True)
    and not DATABASES["default"].get("CONN_MAX_AGE")
):
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = POSTGRES_POOL
# PostgreSQL statements bound on the server and, once a connection has run one five times,
# prepared (psycopg 3): the server plans the portal's frequent small queries once per
# connection instead of at every call — about a tenth of a publication's time
# (docs/PERFORMANCE.md). DB_SERVER_SIDE_BINDING=0 returns to client-side binding (behind
# a transaction-mode PgBouncer older than 1.21, which cannot keep prepared statements).
POSTGRES_BINDING = {"server_side_binding": True, "prepare_threshold": 5}
if DATABASES["default"]["ENGINE"].endswith("postgresql") and env_bool(
    "DB_SERVER_SIDE_BINDING", True
):
    DATABASES["default"].setdefault("OPTIONS", {}).update(POSTGRES_BINDING)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "access.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username + address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-guardian: per-object exceptions only. Global (model-level) permissions never
# widen an object grant; the access rule reads grants as visibility keys.
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Internationalisation (docs/ARCHITECTURE.md): the languages of the network's countries,
# by Django's names. Each person sees the portal in their own language and time zone
# (Wagtail's UserProfile), or their country's defaults (access.Country), activated by
# portal.accounts.locale.UserLocaleMiddleware on every page and API answer.
LANGUAGES = [
    ("en", _("English")),
    ("da", _("Danish")),
    ("de", _("German")),
    ("es", _("Spanish")),
    ("et", _("Estonian")),
    ("fi", _("Finnish")),
    ("fil", _("Filipino")),
    ("fr", _("French")),
    ("id", _("Indonesian")),
    ("it", _("Italian")),
    ("ja", _("Japanese")),
    ("km", _("Khmer")),
    ("ko", _("Korean")),
    ("lo", _("Lao")),
    ("ms", _("Malay")),
    ("my", _("Burmese")),
    ("nb", _("Norwegian Bokmål")),
    ("nl", _("Dutch")),
    ("pl", _("Polish")),
    ("pt", _("Portuguese")),
    ("sv", _("Swedish")),
    ("th", _("Thai")),
    ("vi", _("Vietnamese")),
    ("zh-hans", _("Simplified Chinese")),
]
# Django ships no locale data for Lao and Filipino: name them for get_language_info().
LANG_INFO.setdefault("lo", {"bidi": False, "code": "lo", "name": "Lao", "name_local": "ພາສາລາວ"})
LANG_INFO.setdefault(
    "fil", {"bidi": False, "code": "fil", "name": "Filipino", "name_local": "Filipino"}
)
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date and time format in every language, pages and admin alike (portal/core/formats):
# "26 Nov 2026, 17:18", with the zone named after it.
# The same values as settings (DATE_FORMAT, DATETIME_FORMAT, SHORT_*, TIME_FORMAT).
FORMAT_MODULE_PATH = ["portal.core.formats"]
from portal.core.formats.common import *  # noqa: E402, F403

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static_collected"))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_DIR / "public", "base_url": "/media/"},
    },
    # Restricted files (specimen images): no URL of their own; served by access-checked views.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_DIR / "private", "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Front-end packages come from the npm registry (package.json; `make` runs `npm ci`).
STATICFILES_DIRS = [
    (
        "vendor/openseadragon",
        BASE_DIR / "node_modules" / "openseadragon" / "build" / "openseadragon",
    ),
    # The searchable country chooser (portal/core/widgets.py).
    ("vendor/tom-select/js", BASE_DIR / "node_modules" / "tom-select" / "dist" / "js"),
    ("vendor/tom-select/css", BASE_DIR / "node_modules" / "tom-select" / "dist" / "css"),
    # Drawing marked regions in the admin (portal/specimens/widgets.py).
    (
        "vendor/annotorious",
        BASE_DIR / "node_modules" / "@annotorious" / "openseadragon" / "dist",
    ),
    # The dashboards' charts (portal/dashboards/static/dashboards/charts.js).
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
]
# Behind nginx, private files leave through an internal location (deploy/nginx.conf):
# the view checks access, then answers with X-Accel-Redirect to this prefix.
PRIVATE_MEDIA_ACCEL_PREFIX = os.environ.get("PRIVATE_MEDIA_ACCEL_PREFIX", "")
# Attached documents (portal/media/documents.py): PDF and office files, metadata removed.
MEDIA_DOCUMENT_MAX_BYTES = int(os.environ.get("MEDIA_DOCUMENT_MAX_BYTES", 50 * 1024 * 1024))
# Videos (portal/media/videos.py): MP4 or WebM by content, stored as sent, served by ranges.
# nginx's client_max_body_size (deploy/nginx.conf) must let this through.
MEDIA_VIDEO_MAX_BYTES = int(os.environ.get("MEDIA_VIDEO_MAX_BYTES", 200 * 1024 * 1024))
# Renditions up to this longest side are made in the request that first asks for them;
# larger ones (the 4096-pixel zoom) by a background task, a smaller one standing in.
MEDIA_RENDITION_INLINE_MAX_SIDE = int(os.environ.get("MEDIA_RENDITION_INLINE_MAX_SIDE", "1600"))
# Specimen image uploads: limits that stop decompression bombs (portal/specimens/imaging.py).
SPECIMEN_IMAGE_MAX_BYTES = int(os.environ.get("SPECIMEN_IMAGE_MAX_BYTES", 40 * 1024 * 1024))
SPECIMEN_IMAGE_MAX_PIXELS = int(os.environ.get("SPECIMEN_IMAGE_MAX_PIXELS", 60_000_000))
# Stored images below this short side (pixels) are refused everywhere: features unreadable.
SPECIMEN_IMAGE_MIN_SIDE = int(os.environ.get("SPECIMEN_IMAGE_MIN_SIDE", "300"))
# The similar-images search (POST /api/v1/specimens/similar) compares a photo and keeps
# nothing: a lower pixel limit (a 12-megapixel phone photo passes), checked before
# decoding, and a per-member budget of searches (<count>/<second|minute|hour|day>, 429 past
# it; counted in the default cache, so shared between processes when that is Redis).
SIMILAR_IMAGE_MAX_PIXELS = int(os.environ.get("SIMILAR_IMAGE_MAX_PIXELS", 16_000_000))
SIMILAR_IMAGE_RATE = os.environ.get("SIMILAR_IMAGE_RATE", "30/minute")
MEDIA_ROOT = MEDIA_DIR / "public"
MEDIA_URL = "/media/"

# Channels: in-memory for the single-process demo, Redis when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
# Capacity, sized so that nothing is dropped (channels-redis drops silently past it): a
# group send puts ONE message per server process in Redis, and each process has one
# member (its push hub, portal/push/hub.py) whatever its number of sockets, so
# the capacity bounds the messages waiting per process — bursts of alerts, not users.
# 1,000 waiting messages per process is far above what a network publishes in the
# seconds a busy process may lag (docs/PERFORMANCE.md).
CHANNEL_CAPACITY = int(os.environ.get("CHANNEL_CAPACITY", "1000"))
# Group membership expires after ``group_expiry`` (a day), so that channels of crashed
# processes leave their groups; each live hub joins its groups again this often.
PUSH_GROUP_REJOIN_SECONDS = int(os.environ.get("PUSH_GROUP_REJOIN_SECONDS", "3600"))
# redis-py 8 reads with a 5 s socket timeout by default, exactly channels-redis' 5 s blocking
# pop: idle consumers then crash every 5 s (django/channels_redis#422). Give reads more time.
CHANNEL_SOCKET_TIMEOUT = 15
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": CHANNEL_SOCKET_TIMEOUT}],
                "capacity": CHANNEL_CAPACITY,
                "expiry": 60,
                "group_expiry": 86400,
                "prefix": os.environ.get("CHANNEL_PREFIX", "portal"),
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
        # The dashboards' protected tables (portal/dashboards/cube.py), built once per
        # dataset version by whichever process gets there first and read by all others.
        "dashboards": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            "CONFIG": {"capacity": CHANNEL_CAPACITY},
        }
    }
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        # On files, not in memory: the demo's server and its task worker are two processes
        # and both must see the tables the other built (seconds of protection each time).
        "dashboards": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache" / "dashboards",
        },
    }

# Dashboards: while a new dataset version's protected tables are being built (seconds of LP
# after an import), answer from the previous version's rather than keep visitors waiting.
DASHBOARDS_SERVE_STALE = True

# Search: the database backend unless an Elasticsearch server is configured.
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
SEARCH_BACKEND = os.environ.get(
    "SEARCH_BACKEND", "elasticsearch" if ELASTICSEARCH_URL else "database"
)
ELASTICSEARCH_INDEX_PREFIX = os.environ.get("ELASTICSEARCH_INDEX_PREFIX", "portal")

# Background work (portal/core/tasks.py): e-mail, search-index writes and large renditions
# run as django-tasks tasks, never in the request. "database": tasks are rows in the
# database and `manage.py db_worker` runs them (production: the `worker` service of
# docker-compose.yml; the demo: `make demo` starts one beside the server). "immediate": a
# task runs as soon as it is enqueued, in the process that enqueued it (the tests; a
# demo started without a worker, TASKS_BACKEND=immediate).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)} (got {TASKS_BACKEND!r})."
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}
# Retries of tasks that talk to outside services (portal.core.tasks.retrying_task): this
# many attempts in all, waiting BACKOFF seconds after the first failure, doubling up to
# MAX_BACKOFF (30 s, 1 min, 2 min, 4 min: a mail server restarted within ~8 minutes loses
# nothing). A backend that cannot defer retries in place, sleeping at most INLINE_MAX.
TASK_RETRY_MAX_ATTEMPTS = int(os.environ.get("TASK_RETRY_MAX_ATTEMPTS", "5"))
TASK_RETRY_BACKOFF_SECONDS = float(os.environ.get("TASK_RETRY_BACKOFF_SECONDS", "30"))
TASK_RETRY_MAX_BACKOFF_SECONDS = float(os.environ.get("TASK_RETRY_MAX_BACKOFF_SECONDS", "3600"))
TASK_RETRY_INLINE_MAX_SECONDS = float(os.environ.get("TASK_RETRY_INLINE_MAX_SECONDS", "2"))

# Wagtail
WAGTAIL_SITE_NAME = "Document Expert Network"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_ENABLE_UPDATE_CHECK = False
# The admin offers the portal's languages, and takes dates as ISO 8601 (unambiguous in
# every language; shown as DATE_FORMAT / DATETIME_FORMAT above).
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_DATE_FORMAT = "%Y-%m-%d"
WAGTAIL_DATETIME_FORMAT = "%Y-%m-%d %H:%M"
WAGTAIL_TIME_FORMAT = "%H:%M"
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# No avatars from gravatar.com: the portal runs on networks with no internet, and an
# avatar request would send a hash of each official's e-mail address to a third party.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# API tokens: only a hash is stored. A token a person gets for themselves (POST
# /api/v1/auth/token, the account page) lives this many hours unless revoked sooner; one an
# administrator issues for a national system (Settings → API tokens) this many days.
API_TOKEN_TTL_HOURS = int(os.environ.get("API_TOKEN_TTL_HOURS", "168"))
API_TOKEN_SYSTEM_TTL_DAYS = int(os.environ.get("API_TOKEN_SYSTEM_TTL_DAYS", "365"))
# Open WebSockets re-check their credential (session or token) this often, besides being
# closed at once when it is revoked, changed or signed out (portal/push/hub.py).
CREDENTIAL_RECHECK_SECONDS = int(os.environ.get("CREDENTIAL_RECHECK_SECONDS", "15"))

# Sign-in throttling (django-axes, portal/accounts/lockout.py). Every way in — the sign-in
# page, the Wagtail admin login, Wagtail's page-privacy login, POST /api/v1/auth/token —
# calls authenticate(request, ...), which axes watches. Failures are counted per username
# AND client address together: officers of one country often share one NAT address, so a
# lock per address would let one attacker lock a whole country out, and a lock per
# username would let anyone lock a colleague out everywhere. LOGIN_FAILURE_LIMIT wrong
# passwords are answered as such; every later attempt of that username from that address,
# the right password included, is refused (429) until LOGIN_LOCKOUT_MINUTES pass without
# one (each refused attempt restarts the wait). Signing in successfully clears the count.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True  # the lockout message says so
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "portal.accounts.lockout.LoginThrottleHandler"
AXES_LOCKOUT_CALLABLE = "portal.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "portal.accounts.lockout.client_ip_address"
# The client address is REMOTE_ADDR here (the demo's daphne faces the browser; the test
# client sets it). Behind proxies that append to X-Forwarded-For, it is the entry this many
# places from the right: see production.py and lockout.client_ip_address.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# Only attempts are kept: a log of every successful sign-in with its address is a separate
# decision (retention, who reads it), not needed to throttle.
AXES_DISABLE_ACCESS_LOG = True

# Demo accounts share one password; production refuses to start while any exist.
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "demo")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Wagtail logs every reference-index task at INFO: too chatty for a console.
        "django_tasks": {"level": "WARNING"},
        # django-axes logs every sign-in at INFO; lockouts are WARNING and stay visible.
        "axes": {"level": "WARNING"},
    },
}
