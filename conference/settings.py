"""Settings for the conference site.

Production differs from the embedded default only by environment variables (see README):
DEBUG, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, CELERY_BROKER_URL, EMAIL_URL, DEFAULT_FROM_EMAIL,
SITE_URL, CACHE_URL (a shared cache for the rate limits) and, behind a reverse proxy,
RATELIMIT_TRUSTED_PROXIES. With nothing set, the site runs on SQLite, with tasks run in-process
after commit and emails written as files under ``data/emails``.
"""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(environ.Env().str("DATA_DIR", default=str(BASE_DIR / "data")))

env = environ.Env()
env.read_env(BASE_DIR / ".env") if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DEBUG", default=False)
# pytest (8.2+) sets PYTEST_VERSION; tests get the development secret and plain static storage.
TESTING = env.bool("TESTING", default=bool(os.environ.get("PYTEST_VERSION")))

_DEV_SECRET = "insecure-development-key-only-for-the-embedded-default"
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = _DEV_SECRET
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (for the embedded default run `make run`, "
            "which sets DEBUG=1)."
        )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "conference.apps.ConferenceAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "conference.apps.AxesConfig",
    "conference",
    "provinces",
    "proposals",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "conference.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "conference.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "conference.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "conference.wsgi.application"

# Database: a SQLite file in the ignored data folder unless DATABASE_URL says otherwise.
DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "conference.User"

# axes first (it refuses locked-out logins); then Django's ModelBackend, whose get_user reads the
# signed-in user with their roles from the shared cache (conference.access, ACCESS_CACHE_SECONDS).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "conference.access.AccessBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "conference:workspace"
LOGOUT_REDIRECT_URL = "conference:home"

# Login protection (django-axes): lock a username+IP pair after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
# The same client address as the rate limits (below), so that behind a reverse proxy a lock
# falls on the visitor's address, not on the proxy's (which would let anyone lock any account).
AXES_CLIENT_IP_CALLABLE = "conference.ratelimit.client_ip"

# Rate limits of the public forms (conference.ratelimit): RATELIMIT_POSTS per client address in
# RATELIMIT_PERIOD seconds. Behind reverse proxies, RATELIMIT_TRUSTED_PROXIES is how many of them
# stand in front of the site (each appends the address it saw to X-Forwarded-For): the client is
# the entry that many places from the right; anything a client writes further left is ignored.
# 0 (the default, no proxy): REMOTE_ADDR, and X-Forwarded-For is ignored. Counters live in the
# cache: with several server processes set CACHE_URL to a shared one (check --deploy warns).
# 30: a department may register its whole delegation from one office address.
RATELIMIT_POSTS = env.int("RATELIMIT_POSTS", default=30)
RATELIMIT_PERIOD = env.int("RATELIMIT_PERIOD", default=600)
RATELIMIT_TRUSTED_PROXIES = env.int("RATELIMIT_TRUSTED_PROXIES", default=0)
# Per client address (conference.views.accounts): failed logins whatever the username (against
# one password tried on many accounts), and password-reset requests per hour.
LOGIN_FAILURES_PER_CLIENT = env.int("LOGIN_FAILURES_PER_CLIENT", default=20)
LOGIN_FAILURES_PERIOD = env.int("LOGIN_FAILURES_PERIOD", default=3600)
PASSWORD_RESET_POSTS = env.int("PASSWORD_RESET_POSTS", default=5)
# A registration holds a seat once its email address is confirmed through the emailed link;
# unconfirmed, it is erased after this many hours (conference.expire_unverified_registrations).
REGISTRATION_VERIFY_HOURS = env.int("REGISTRATION_VERIFY_HOURS", default=24)
# Digests of what waits for a decision (conference.services.messages): beat sends them at
# DIGEST_HOURS (conference/schedule.py, default 07:00); a person never gets two within this time.
DIGEST_MIN_INTERVAL_HOURS = env.float("DIGEST_MIN_INTERVAL_HOURS", default=20.0)
# A delegate's self-service link (and the session it opens) works until this many days after
# the last day of its edition: time to download a badge or ask for erasure, not for ever.
MANAGE_LINK_DAYS = env.int("MANAGE_LINK_DAYS", default=30)
# When the cache cannot be reached, the limits count per process (fail open, logged once) and the
# cache is asked again after this many seconds (conference.ratelimit).
RATELIMIT_CACHE_RETRY = env.float("RATELIMIT_CACHE_RETRY", default=30.0)
if RATELIMIT_POSTS < 1 or RATELIMIT_PERIOD < 1 or RATELIMIT_TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured(
        "RATELIMIT_POSTS and RATELIMIT_PERIOD must be at least 1, RATELIMIT_TRUSTED_PROXIES at "
        "least 0."
    )

# Language and formats: Vietnamese first.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
# One catalogue for the whole project (code and the top-level templates).
LOCALE_PATHS = [BASE_DIR / "conference" / "locale"]
FORMAT_MODULE_PATH = ["conference.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
NUMBER_GROUPING = 3

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not (DEBUG or TESTING)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Tests run without collectstatic: WhiteNoise finds the files through the finders.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"
# Proposals' attachments and answers: outside MEDIA_ROOT and STATIC_ROOT (never served directly;
# downloaded through a view that checks who may see them), under random names.
PROPOSALS_FILES_DIR = Path(env.str("PROPOSALS_FILES_DIR", default=str(DATA_DIR / "private")))
PROPOSAL_FILE_MAX_MB = env.int("PROPOSAL_FILE_MAX_MB", default=10)
PROPOSAL_FILES_TOTAL_MAX_MB = env.int("PROPOSAL_FILES_TOTAL_MAX_MB", default=25)
PROPOSAL_FILES_MAX_COUNT = env.int("PROPOSAL_FILES_MAX_COUNT", default=10)
# Files prepared in the background for the organizers (every badge of an edition as one PDF, the
# registrations as XLSX; conference.services.file_jobs): personal data, so outside MEDIA_ROOT and
# STATIC_ROOT too, downloaded only through a permission-checked view. The web server and the
# Celery worker must see the same directory. Deleted FILE_JOB_HOURS after they are ready (the
# job's row stays as history); a job running longer than FILE_JOB_TIME_LIMIT seconds is stopped.
FILE_JOBS_DIR = Path(env.str("FILE_JOBS_DIR", default=str(DATA_DIR / "private" / "prepared")))
FILE_JOB_HOURS = env.int("FILE_JOB_HOURS", default=24)
FILE_JOB_TIME_LIMIT = env.int("FILE_JOB_TIME_LIMIT", default=1800)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: readable files on disk by default; EMAIL_URL=smtp://user:pass@host:587 in production.
# django-environ reads filemail:///x as the relative path "x": the default leaves the path empty,
# which means the data folder.
vars().update(env.email_url("EMAIL_URL", default="filemail://"))
EMAIL_FILE_PATH = EMAIL_FILE_PATH or str(DATA_DIR / "emails")  # noqa: F821 (set just above)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Hội nghị Công Thương phía Bắc <hoinghi@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# Celery: with no broker, tasks run in-process (after commit, see conference.tasks).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_RETRY = True
# Publishing gives up fast when Redis is down (the outbox's requeue job sends the row later)
# instead of holding the request for several seconds of reconnection attempts.
CELERY_BROKER_CONNECTION_TIMEOUT = 5

# Notification outbox (conference.outbox) and how fast it heals; the README's table "How long
# the outbox takes to heal" explains each delay. Retry delays double from OUTBOX_RETRY_DELAY
# seconds up to OUTBOX_RETRY_DELAY_MAX; a row is failed after OUTBOX_MAX_ATTEMPTS. The requeue
# job (every OUTBOX_REQUEUE_EVERY seconds, conference.schedule) dispatches rows queued and overdue
# for OUTBOX_REQUEUE_AFTER seconds (their task was lost: the broker was down) and requeues rows
# "sending" for longer than OUTBOX_SENDING_TIMEOUT (their worker died). A delivery task is
# stopped softly after half of OUTBOX_SENDING_TIMEOUT and killed after two thirds of it, so a
# row still "sending" after it is surely orphaned: with the defaults an email whose worker died is
# sent again within 90 + 30 = 120 seconds.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_RETRY_DELAY = env.float("OUTBOX_RETRY_DELAY", default=30.0)
OUTBOX_RETRY_DELAY_MAX = env.float("OUTBOX_RETRY_DELAY_MAX", default=1800.0)
OUTBOX_REQUEUE_AFTER = env.float("OUTBOX_REQUEUE_AFTER", default=60.0)
OUTBOX_SENDING_TIMEOUT = env.float("OUTBOX_SENDING_TIMEOUT", default=90.0)
OUTBOX_REQUEUE_EVERY = env.float("OUTBOX_REQUEUE_EVERY", default=30.0)
OUTBOX_TASK_SOFT_TIME_LIMIT = OUTBOX_SENDING_TIMEOUT / 2
OUTBOX_TASK_TIME_LIMIT = OUTBOX_SENDING_TIMEOUT * 2 / 3

# Redis redelivers a task its worker took but never acknowledged after the visibility time-out.
# Healing does not wait for it (the requeue job above is faster), but it must be longer than any
# task may legitimately stay unacknowledged — a retry waits up to OUTBOX_RETRY_DELAY_MAX in the
# worker (countdown) and then runs up to the hard time limit — or a waiting retry is delivered a
# second time (harmless, the claim refuses it, but wasted). `check` warns when it is not.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int(
        "CELERY_VISIBILITY_TIMEOUT", default=int(2 * OUTBOX_RETRY_DELAY_MAX)
    ),
    "socket_timeout": 5,
    "socket_connect_timeout": 5,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# A task running when the broker connection is lost finishes its email (stopping it mid-send
# could send that email twice); its late acknowledgement may be lost with the connection, and the
# redelivered copy finds the row sent and does nothing. Kept on purpose when Celery 6 changes the
# default (Celery warns about that change on every connection loss).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# Keep trying to reach the broker for ever: by default a worker gives up and exits after 100
# attempts (about 45 minutes of Redis outage).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None

# The photo of a host-flag handover: checked by its content (Pillow), at most this many bytes.
HANDOVER_PHOTO_MAX_BYTES = env.int("HANDOVER_PHOTO_MAX_BYTES", default=5_000_000)

# How long a public page may be served from the cache (conference/public_cache.py); changes to
# what it shows invalidate it at once, this covers what moves with the clock alone. 0: no cache.
PUBLIC_CACHE_SECONDS = env.int("PUBLIC_CACHE_SECONDS", default=60)

CACHES = {
    "default": env.cache_url("CACHE_URL", default="locmemcache://"),
}
# An edition's registrations counted by province and state (conference/seat_counts.py), kept
# until one of them changes; on by default only with a shared cache (with a per-process cache
# one server process would not hear of another's changes).
SEAT_COUNTS_CACHE_SECONDS = env.int(
    "SEAT_COUNTS_CACHE_SECONDS",
    default=0 if CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache")) else 600,
)
# Nothing the site needs lives only in the cache (sessions are in the database, messages in the
# session and a cookie, rate limits fail open): a Redis cache that does not answer within half a
# second is treated as down at once (no reconnection attempts) instead of holding the request.
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    CACHES["default"].setdefault("OPTIONS", {})
    CACHES["default"]["OPTIONS"].setdefault("socket_connect_timeout", 0.5)
    CACHES["default"]["OPTIONS"].setdefault("socket_timeout", 0.5)
    CACHES["default"]["OPTIONS"].setdefault("retry", Retry(NoBackoff(), 0))
    # Django's backend with one client object per connection pool instead of one per operation
    # (conference/cache.py: that object cost more than the round trip to Redis).
    CACHES["default"]["BACKEND"] = "conference.cache.RedisCache"
# Whether CACHE_URL names a cache every server process shares (not the per-process default).
SHARED_CACHE = not CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache"))

# Sessions live in the database; with a shared cache they are read through it
# (conference.sessions: Django's cached_db, falling back to the database when the cache is down,
# so a Redis outage logs no one out). A per-process cache would serve one process a session
# another has ended: the default then reads the database alone. Messages live in the session
# (and a cookie).
SESSION_ENGINE = env.str(
    "SESSION_ENGINE",
    default="conference.sessions" if SHARED_CACHE else "django.contrib.sessions.backends.db",
)
# The signed-in user's row, role groups and department, kept as one record per user in the
# shared cache (conference.access): every save of what they are read from invalidates it at once;
# this many seconds is how long a record lives at most (the safety net for changes made without
# save(), e.g. QuerySet.update or raw SQL). 0 turns it off; off by default with a per-process
# cache (a process would not hear of a deactivation made in another).
ACCESS_CACHE_SECONDS = env.int("ACCESS_CACHE_SECONDS", default=300 if SHARED_CACHE else 0)
MESSAGE_STORAGE = "django.contrib.messages.storage.fallback.FallbackStorage"

# Security: production (DEBUG off) gets the settings `manage.py check --deploy` asks for.
SESSION_COOKIE_HTTPONLY = True
# A superuser's session ends sooner than others' (conference.views.accounts).
SUPERUSER_SESSION_SECONDS = env.int("SUPERUSER_SESSION_SECONDS", default=2 * 3600)
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Sent on every response by conference.middleware (no inline script or style anywhere).
CONTENT_SECURITY_POLICY = env.str(
    "CONTENT_SECURITY_POLICY",
    default=(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'; frame-src 'self'"
    ),
)
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

from conference.schedule import CELERY_BEAT_SCHEDULE  # noqa: E402, F401
