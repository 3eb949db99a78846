"""One settings module, configured by environment variables (see docs/deployment.md).

With no variables set, Hallway runs embedded: SQLite in WAL mode under ``HALLWAY_DATA_DIR``
(``./var``), mail written to the console, a file cache, the built-in task worker.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("HALLWAY_DATA_DIR", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data dir."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("HALLWAY_DEBUG")
TESTING = _env_bool("HALLWAY_TESTING")

HALLWAY_BASE_URL = os.environ.get("HALLWAY_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
_base = urlsplit(HALLWAY_BASE_URL)
ALLOWED_HOSTS = sorted(
    {_base.hostname or "127.0.0.1", "127.0.0.1", "localhost", "testserver"}
    | {h.strip() for h in os.environ.get("HALLWAY_ALLOWED_HOSTS", "").split(",") if h.strip()}
)
CSRF_TRUSTED_ORIGINS = [f"{_base.scheme}://{_base.netloc}"]
HALLWAY_NETWORK_NAME = os.environ.get("HALLWAY_NETWORK_NAME", "Hallway")
# Email digests go out from this hour (server time): daily, and on Mondays for weekly ones.
HALLWAY_DIGEST_HOUR = int(os.environ.get("HALLWAY_DIGEST_HOUR", "8"))
# Search shows content with no activity for this many days as stale (issue 5, ADR 0009).
HALLWAY_STALE_AFTER_DAYS = int(os.environ.get("HALLWAY_STALE_AFTER_DAYS", "365"))

if _base.scheme == "https":
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("HALLWAY_HSTS_SECONDS", "31536000"))
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # serves the API docs' Swagger UI from our static files, not a CDN
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "allauth.mfa",
    "hallway.core",
    "hallway.companies",
    "hallway.accounts",
    "hallway.profiles",
    "hallway.groups",
    "hallway.posts",
    "hallway.feed",
    "hallway.search",
    "hallway.notifications",
    "hallway.policy",
    "hallway.scim",
    "hallway.sso",
    "hallway.directory",
    "hallway.webhooks",
    "hallway.retention",
    "hallway.moderation",
    "hallway.labels",
    "oauth2_provider",
    "hallway.oauth",
    "hallway.api",
    "hallway.demo",
]

MIDDLEWARE = [
    "hallway.core.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hallway.accounts.middleware.SessionTrackingMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "hallway.sso.middleware.GuestMfaRequiredMiddleware",
]

ROOT_URLCONF = "hallway.urls"
WSGI_APPLICATION = "hallway.wsgi.application"

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
                "hallway.core.context_processors.hallway",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'hallway.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Keep the connection (and SQLite's page cache) across requests of one worker.
    DATABASES["default"]["CONN_MAX_AGE"] = 600
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside the one writer; IMMEDIATE avoids upgrade deadlocks.
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=10000;"
            "PRAGMA foreign_keys=ON;PRAGMA cache_size=-32000;PRAGMA temp_store=MEMORY;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("HALLWAY_TEST_SQLITE_NAME")}
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
elif TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    # Shared by every web process of one machine, so rate limits hold across workers.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

# --- Auth ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "hallway.accounts.adapter.HallwayAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{HALLWAY_NETWORK_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = _base.scheme or "http"
ACCOUNT_PREVENT_ENUMERATION = True
# Sign-in rate limiting: failures per IP and per account (allauth, backed by the cache).
ACCOUNT_RATE_LIMITS = {
    "login_failed": os.environ.get("HALLWAY_LOGIN_FAILED_RATE", "10/m/ip,5/5m/key"),
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
# Single sign-on (OpenID Connect) and two-factor authentication (ADR 0013). Providers are
# configured by network admins in the UI (hallway.sso), not here.
SOCIALACCOUNT_ADAPTER = "hallway.sso.adapter.HallwaySocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {"provider_class": "hallway.sso.oidc.HallwayOidcProvider"},
    "saml": {"provider_class": "hallway.sso.saml.HallwaySamlProvider"},
}
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # linking is decided in hallway.sso, not by email
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_QUERY_EMAIL = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = HALLWAY_NETWORK_NAME

# --- Email --------------------------------------------------------------------------------
EMAIL_URL = os.environ.get("EMAIL_URL", "console://")


def _email_settings(url: str) -> dict[str, object]:
    parts = urlsplit(url)
    scheme = parts.scheme
    if scheme in {"", "console"}:
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "memory":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme in {"smtp", "smtps", "smtp+tls", "submission"}:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname or "localhost",
            "EMAIL_PORT": parts.port or (465 if scheme == "smtps" else 587),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_SSL": scheme == "smtps",
            "EMAIL_USE_TLS": scheme in {"smtp+tls", "submission"} or parts.port == 587,
            "EMAIL_TIMEOUT": 20,
        }
    raise ValueError(
        f"EMAIL_URL: unsupported scheme {scheme!r} (use smtp://, smtps://, console://)"
    )


globals().update(_email_settings(EMAIL_URL))
DEFAULT_FROM_EMAIL = os.environ.get(
    "HALLWAY_FROM_EMAIL", f"{HALLWAY_NETWORK_NAME} <noreply@{_base.hostname or 'localhost'}>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Tasks --------------------------------------------------------------------------------
# Eager: tasks run in-process right after commit (tests). Otherwise the worker runs them.
HALLWAY_TASKS_EAGER = _env_bool("HALLWAY_TASKS_EAGER", default=TESTING)
# Production queue (DESIGN §6): Celery on Redis when a broker URL is given; else the database.
TASK_BROKER_URL = os.environ.get("TASK_BROKER_URL", "")
HALLWAY_TASK_BACKEND = os.environ.get(
    "HALLWAY_TASK_BACKEND", "celery" if TASK_BROKER_URL.startswith("redis") else "database"
).lower()
if HALLWAY_TASK_BACKEND in {"redis", "celery"} and not TASK_BROKER_URL:
    TASK_BROKER_URL = REDIS_URL or "redis://127.0.0.1:6379/0"
HALLWAY_TASK_LEASE_SECONDS = int(os.environ.get("HALLWAY_TASK_LEASE_SECONDS", "300"))
HALLWAY_TASK_VISIBILITY_TIMEOUT = int(os.environ.get("HALLWAY_TASK_VISIBILITY_TIMEOUT", "3600"))
HALLWAY_TASK_RETENTION_DAYS = int(os.environ.get("HALLWAY_TASK_RETENTION_DAYS", "7"))
# Content retention (hallway.retention, docs/adr/0015-retention-and-export.md): posts deleted
# per batch, and batches per daily run (the next run continues).
HALLWAY_RETENTION_BATCH = int(os.environ.get("HALLWAY_RETENTION_BATCH", "500"))
HALLWAY_RETENTION_MAX_BATCHES = int(os.environ.get("HALLWAY_RETENTION_MAX_BATCHES", "200"))
# Data exports (GDPR and eDiscovery ZIPs): stored outside MEDIA_ROOT, downloadable for 7 days.
HALLWAY_EXPORT_ROOT = Path(os.environ.get("HALLWAY_EXPORT_ROOT", DATA_DIR / "exports"))
HALLWAY_EXPORT_DAYS = int(os.environ.get("HALLWAY_EXPORT_DAYS", "7"))

# --- Live events (server-sent events) ----------------------------------------------------------
HALLWAY_EVENTS_BACKEND = os.environ.get(
    "HALLWAY_EVENTS_BACKEND", "memory" if TESTING else ("redis" if REDIS_URL else "database")
).lower()
HALLWAY_EVENTS_REDIS_URL = os.environ.get("HALLWAY_EVENTS_REDIS_URL", REDIS_URL)
HALLWAY_EVENTS_HEARTBEAT_SECONDS = float(os.environ.get("HALLWAY_EVENTS_HEARTBEAT_SECONDS", "15"))
HALLWAY_EVENTS_RETRY_MS = int(os.environ.get("HALLWAY_EVENTS_RETRY_MS", "3000"))

# --- Files --------------------------------------------------------------------------------
MEDIA_ROOT = Path(os.environ.get("HALLWAY_MEDIA_ROOT", DATA_DIR / "media"))
MEDIA_URL = "/media/"
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
HALLWAY_MAX_PHOTO_BYTES = 5 * 1024 * 1024
HALLWAY_MAX_ATTACHMENT_BYTES = int(os.environ.get("HALLWAY_MAX_ATTACHMENT_MB", "20")) * 1024 * 1024
# Link previews are fetched server-side after a post is saved (posts/previews.py): never
# from loopback, private, link-local or metadata addresses. Off in tests (no network).
HALLWAY_LINK_PREVIEWS = _env_bool("HALLWAY_LINK_PREVIEWS", default=not TESTING)
HALLWAY_PREVIEW_ALLOW_LOOPBACK = False  # tests only: lets a fetch reach a local test server
# Outgoing webhooks (hallway.webhooks, docs/adr/0010-webhooks.md): the same SSRF rules as
# link previews; a hook is disabled after this many failed attempts in a row.
HALLWAY_WEBHOOKS_ALLOW_LOOPBACK = False  # tests and benchmarks only: a receiver on 127.0.0.1
HALLWAY_WEBHOOK_MAX_FAILURES = int(os.environ.get("HALLWAY_WEBHOOK_MAX_FAILURES", "10"))
HALLWAY_WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("HALLWAY_WEBHOOK_MAX_ATTEMPTS", "6"))
HALLWAY_INCOMING_WEBHOOK_RATE = int(os.environ.get("HALLWAY_INCOMING_WEBHOOK_RATE", "30"))  # /min
# OAuth 2.0 apps (hallway.oauth, docs/adr/0016-oauth-apps.md): authorization code with PKCE
# only; tokens carry the user's permissions narrowed by their scopes; refresh tokens rotate.
OAUTH2_PROVIDER = {
    "SCOPES": {
        "read": "Read what you can read",
        "write": "Post, comment and change things as you",
        "admin": "Use your network-admin powers (only if you are an admin)",
    },
    "DEFAULT_SCOPES": ["read"],
    "PKCE_REQUIRED": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 60 * 60 * 24 * 30,
    "ROTATE_REFRESH_TOKEN": True,
    "REQUEST_APPROVAL_PROMPT": "force",
    "ACCESS_TOKEN_GENERATOR": "hallway.oauth.tokens.access_token",
    "REFRESH_TOKEN_GENERATOR": "hallway.oauth.tokens.refresh_token",
    "OIDC_ENABLED": False,
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- i18n ---------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Logging ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HALLWAY_LOG_LEVEL", "WARNING")},
    "loggers": {"hallway": {"level": os.environ.get("HALLWAY_LOG_LEVEL", "INFO")}},
}

NINJA_PAGINATION_MAX_LIMIT = 100
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
