"""Sampo settings, read from the environment.

Every variable is documented in README.md ("Configuration"). With nothing set, Sampo runs on
SQLite under ./var with the task queue in the same database: one machine, zero set-up.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, *, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DATA_DIR = Path(env_str("SAMPO_DATA_DIR", str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The key from the environment, else one generated once and kept in the data directory."""
    if key := env_str("SAMPO_SECRET_KEY"):
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("SAMPO_DEBUG")
ALLOWED_HOSTS = env_list("SAMPO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("SAMPO_CSRF_TRUSTED_ORIGINS")
# Public address used in emails (password reset links, later reminders).
SITE_URL = env_str("SAMPO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_q",
    "axes",
    "csp",
    "sampo.core",
    "sampo.accounts",
    "sampo.notifications",
    "sampo.lists",
    "sampo.contacts",
    "sampo.activities",
    "sampo.mail",
    "sampo.sales",
    "sampo.api",
    # Django Ninja: the REST API's framework; listed for its docs page's static files.
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Where the request comes from, for the audit log of whatever it does (core/audit.py).
    "sampo.core.audit.AuditContextMiddleware",
    "sampo.accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "sampo.lib.security_headers.PermissionsPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # After the login check: a user whose role requires two-factor login and who has not set
    # it up yet can use nothing else until they do.
    "sampo.accounts.middleware.TwoFactorEnrolmentMiddleware",
    # Last, so that it sees the final response of a failed login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sampo.urls"
WSGI_APPLICATION = "sampo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "sampo" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "sampo.core.context_processors.navigation_menus",
                "sampo.notifications.context_processors.notifications",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------

DATABASE_URL = env_str("SAMPO_DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "sampo.sqlite3"),
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web and the worker read while one writes; IMMEDIATE takes the write lock at
    # the start of a transaction, so concurrent writers wait (busy_timeout) instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    # A file, not memory, so that a worker process started by a test sees the test data.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-sampo-{os.getpid()}.sqlite3")}
else:
    # One test database per test process, so that two runs on one machine never share one.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and background work --------------------------------------------------------------

REDIS_URL = env_str("SAMPO_REDIS_URL")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "sampo",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# A task that runs longer than TIMEOUT is stopped; one whose worker died is handed out again
# after RETRY seconds. RETRY must exceed TIMEOUT, or a slow task would run twice at once.
WORKER_TASK_TIMEOUT = env_int("SAMPO_WORKER_TASK_TIMEOUT", 300)
WORKER_TASK_RETRY = env_int("SAMPO_WORKER_TASK_RETRY", WORKER_TASK_TIMEOUT + 60)

WORKER_PROCESSES = env_int("SAMPO_WORKER_PROCESSES", 2)
Q_CLUSTER: dict[str, object] = {
    # Also django-q's signing salt: web and workers must use the same name.
    "name": env_str("SAMPO_QUEUE_NAME", "sampo"),
    "workers": WORKER_PROCESSES,
    # No prefetching beyond what the processes can start at once: a task waiting in a local
    # queue longer than RETRY would be handed to a second worker.
    "queue_limit": WORKER_PROCESSES,
    "timeout": WORKER_TASK_TIMEOUT,
    "retry": WORKER_TASK_RETRY,
    "max_attempts": 5,
    "catch_up": False,
    "save_limit": 1000,
    "poll": 0.5,
    "label": _("Background tasks"),
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
    Q_CLUSTER["broker_class"] = "sampo.lib.redis_queue.ReliableRedisBroker"
else:
    Q_CLUSTER["orm"] = "default"

# --- Accounts and authentication ------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Login throttling: after this many failures for one email from one address, that pair is
# locked out for the cool-off time.
AXES_FAILURE_LIMIT = env_int("SAMPO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("SAMPO_LOGIN_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_CALLABLE = "sampo.accounts.views.login_locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Behind a reverse proxy, the client's address is the last of X-Forwarded-For (lib/client_ip.py).
BEHIND_PROXY = env_bool("SAMPO_BEHIND_PROXY")
AXES_CLIENT_IP_CALLABLE = "sampo.lib.client_ip.client_ip"

SESSION_COOKIE_AGE = 60 * 60 * 24 * 14

# Two-factor login: after this many wrong codes in a row the account takes no code for the
# same cool-off time as password failures; a password accepted waits this long for its code.
TWO_FACTOR_FAILURE_LIMIT = env_int("SAMPO_2FA_FAILURE_LIMIT", 5)
TWO_FACTOR_LOGIN_SECONDS = 5 * 60
# The name authenticator apps show beside the account.
TWO_FACTOR_ISSUER = env_str("SAMPO_2FA_ISSUER", "Sampo CRM")

# --- Languages, time zones, formats ---------------------------------------------------------

LANGUAGE_CODE = env_str("SAMPO_LANGUAGE", "en")
LANGUAGES = [("en", "English"), ("fi", "Suomi"), ("hu", "Magyar")]
LOCALE_PATHS = [BASE_DIR / "sampo" / "locale"]
LANGUAGE_COOKIE_NAME = "sampo_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env_str("SAMPO_TIME_ZONE", "Europe/Helsinki")
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["sampo.formats"]
DEFAULT_CURRENCY = env_str("SAMPO_CURRENCY", "EUR")
# Phone numbers typed without a country code are read as numbers of this country.
DEFAULT_PHONE_REGION = env_str("SAMPO_PHONE_REGION", "FI")

# --- Files ----------------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [
    # Installed by npm at set-up (package.json); never copied into the repository.
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/pico", BASE_DIR / "node_modules" / "@picocss" / "pico" / "css"),
    ("vendor/sortablejs", BASE_DIR / "node_modules" / "sortablejs" / "modular"),
]
MEDIA_ROOT = DATA_DIR / "files"
ATTACHMENT_MAX_BYTES = env_int("SAMPO_ATTACHMENT_MAX_MB", 20) * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
BACKUP_DIR = Path(env_str("SAMPO_BACKUP_DIR", str(DATA_DIR / "backups")))

# --- Email ----------------------------------------------------------------------------------

DEFAULT_FROM_EMAIL = env_str("SAMPO_FROM_EMAIL", "Sampo CRM <sampo@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if env_str("SAMPO_SMTP_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env_str("SAMPO_SMTP_HOST")
    EMAIL_PORT = env_int("SAMPO_SMTP_PORT", 25)
    EMAIL_HOST_USER = env_str("SAMPO_SMTP_USER")
    EMAIL_HOST_PASSWORD = env_str("SAMPO_SMTP_PASSWORD")
    EMAIL_USE_TLS = env_bool("SAMPO_SMTP_STARTTLS")
    EMAIL_USE_SSL = env_bool("SAMPO_SMTP_SSL")
    EMAIL_TIMEOUT = 30
else:
    # No relay configured: each message is written as a file under var/mail to read by hand.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"

# Email in and out of customers' timelines (sampo/mail/README.md).
MAIL_INBOUND_TOKEN = env_str("SAMPO_MAIL_INBOUND_TOKEN")
MAIL_MAX_MESSAGE_BYTES = env_int("SAMPO_MAIL_MAX_MESSAGE_BYTES", 25 * 1024 * 1024)
MAIL_MAX_ATTACHMENT_BYTES = env_int("SAMPO_MAIL_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
MAIL_REPLY_TO = env_str("SAMPO_MAIL_REPLY_TO")
IMAP_HOST = env_str("SAMPO_IMAP_HOST")
IMAP_SSL = env_bool("SAMPO_IMAP_SSL", default=True)
IMAP_PORT = env_int("SAMPO_IMAP_PORT", 993 if IMAP_SSL else 143)
IMAP_USER = env_str("SAMPO_IMAP_USER")
IMAP_PASSWORD = env_str("SAMPO_IMAP_PASSWORD")
IMAP_FOLDER = env_str("SAMPO_IMAP_FOLDER", "INBOX")

# --- Records --------------------------------------------------------------------------------

TRASH_RETENTION_DAYS = env_int("SAMPO_TRASH_RETENTION_DAYS", 30)
# Events of the audit log (logins, exports, merges...) older than this are deleted nightly.
AUDIT_KEEP_DAYS = env_int("SAMPO_AUDIT_KEEP_DAYS", 365)
# Imports: the largest file accepted, how long an admin may undo one, and how long an
# uploaded file that was never imported is kept.
IMPORT_MAX_BYTES = env_int("SAMPO_IMPORT_MAX_MB", 50) * 1024 * 1024
IMPORT_UNDO_HOURS = env_int("SAMPO_IMPORT_UNDO_HOURS", 72)
IMPORT_FILE_RETENTION_DAYS = env_int("SAMPO_IMPORT_FILE_RETENTION_DAYS", 7)
# A bulk action on more rows than this runs on the worker, and the user is notified when done.
BULK_INLINE_LIMIT = env_int("SAMPO_BULK_INLINE_LIMIT", 2000)

# --- Reminders ------------------------------------------------------------------------------

# A planned activity this many days past its due time alerts the assignee's team leader.
OVERDUE_ALERT_DAYS = env_int("SAMPO_OVERDUE_ALERT_DAYS", 3)
# The morning digest goes out once a user's local time has passed this hour.
DIGEST_HOUR = env_int("SAMPO_DIGEST_HOUR", 7)
# Read notifications are deleted after this many days; unread ones stay.
NOTIFICATION_RETENTION_DAYS = env_int("SAMPO_NOTIFICATION_RETENTION_DAYS", 90)

# --- Web-to-lead forms ----------------------------------------------------------------------

# Posts accepted per visitor address and per form in a window of seconds (more get a 429), the
# largest request body accepted (more gets a 413), and how soon a new lead is to be contacted.
WEBFORM_POSTS_PER_IP = env_int("SAMPO_WEBFORM_POSTS_PER_IP", 10)
WEBFORM_POSTS_PER_FORM = env_int("SAMPO_WEBFORM_POSTS_PER_FORM", 300)
WEBFORM_RATE_WINDOW = env_int("SAMPO_WEBFORM_RATE_WINDOW_SECONDS", 600)
WEBFORM_MAX_BYTES = env_int("SAMPO_WEBFORM_MAX_BYTES", 16 * 1024)
BEHIND_PROXY = env_bool("SAMPO_BEHIND_PROXY")

# --- REST API -------------------------------------------------------------------------------

# Requests a token may make per minute (more get a 429 with Retry-After); 0 turns it off.
SAMPO_API_RATE_LIMIT_PER_MINUTE = env_int("SAMPO_API_RATE_LIMIT_PER_MINUTE", 1200)
# How far before a sync started the next one should begin: longer than any write transaction,
# so that a row committed late with an earlier `updated_at` is not missed.
SAMPO_API_SYNC_MARGIN_SECONDS = env_int("SAMPO_API_SYNC_MARGIN_SECONDS", 60)

# Outbound webhooks. Private, loopback and link-local addresses are refused unless their host
# is listed here (as written in the webhook's URL: a name, or an address such as 127.0.0.1).
SAMPO_WEBHOOK_ALLOWED_HOSTS = env_list("SAMPO_WEBHOOK_ALLOWED_HOSTS")
# A subscription is switched off after this many failed attempts in a row (admins are told).
SAMPO_WEBHOOK_MAX_FAILURES = env_int("SAMPO_WEBHOOK_MAX_FAILURES", 15)
# Attempts of one delivery before it is given up; waits between them double from the base.
SAMPO_WEBHOOK_MAX_ATTEMPTS = env_int("SAMPO_WEBHOOK_MAX_ATTEMPTS", 8)
SAMPO_WEBHOOK_RETRY_BASE_SECONDS = env_int("SAMPO_WEBHOOK_RETRY_BASE_SECONDS", 60)
# For each connection (and redirect hop); keep it well below SAMPO_WORKER_TASK_TIMEOUT.
SAMPO_WEBHOOK_TIMEOUT_SECONDS = env_int("SAMPO_WEBHOOK_TIMEOUT_SECONDS", 10)
# Events and their delivery log are deleted this long after they were made, once settled.
SAMPO_WEBHOOK_LOG_DAYS = env_int("SAMPO_WEBHOOK_LOG_DAYS", 30)

# --- Security -------------------------------------------------------------------------------

HTTPS = env_bool("SAMPO_HTTPS")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
    SECURE_HSTS_SECONDS = env_int("SAMPO_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SAMPO_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("SAMPO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django_q": {"level": env_str("SAMPO_WORKER_LOG_LEVEL", "INFO"), "propagate": True},
    },
}
