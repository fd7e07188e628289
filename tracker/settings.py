"""The one settings module, read from environment variables.

Development defaults make `make run` work with nothing set. `DJANGO_ENV=production`
switches DEBUG off, requires a real SECRET_KEY, two-factor admin logins and JSON logs;
`HTTPS=true` adds the HTTPS-only settings; `DATABASE_URL` switches the database to
PostgreSQL; `REDIS_URL` moves the cache and the job queue to Redis, for several machines.
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import overload

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


# With a default the value is always a string; without one it may be missing.
@overload
def env(name: str) -> str | None: ...
@overload
def env(name: str, default: str) -> str: ...
def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


DJANGO_ENV = env("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG cannot be on when DJANGO_ENV=production")

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY is required when DJANGO_ENV=production")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if PRODUCTION else "*")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # The admin site checks a TOTP token at login when REQUIRE_2FA is on.
    "tracker.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # intcomma: figures grouped as each language writes them (1,234 and 1 234).
    "django.contrib.humanize",
    # sitemap.xml's templates (letters/opendata/sitemaps.py).
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "csp",
    # Country names and their translations (letters/lib/countries.py).
    "django_countries",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "simple_history",
    # Django's tasks API (the backport of Django 6's django.tasks) and its database
    # backend, whose tables exist whichever backend runs the jobs.
    "django_tasks",
    "django_tasks_db",
    "letters",
    # Demo and benchmark tooling: build_fixtures, load_demo, make_synthetic_letter.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before whitenoise, so static files (SVG included) carry the policy too.
    "tracker.security.ContentSecurityPolicyMiddleware",
    "tracker.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before CommonMiddleware (Django's documented place): the language
    # comes from the URL's /fr/ prefix only, so a cached page depends on its URL alone.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A page asked for under an old slug (corrected, or a merged record) answers 301.
    "letters.old_slugs.OldSlugRedirectMiddleware",
    # Records which staff user made each admin change in the history tables.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as axes requires: it turns a locked-out login attempt into its 429 response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                # LANGUAGE_CODE for <html lang>, and the page in each language.
                "django.template.context_processors.i18n",
                "tracker.i18n.language_links",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Connections persist on SQLite too (conn_max_age above): a new connection pays about
    # 25 ms to open the search index, as much as rendering a whole page.
    # Concurrent writers wait for the lock instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Axes first: it refuses a locked-out (username, IP) before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The interface in English (unprefixed URLs) and French (under /fr/): see README,
# "Languages". Python strings are translated in letters/locale, templates in locale/.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates and numbers as in Britain (13 March 2025, 24-hour clock), as before.
FORMAT_MODULE_PATH = ["tracker.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Development and tests serve static files straight from the finders; production
# serves the collected, hashed and compressed copies.
STATIC_ROOT = BASE_DIR / "staticfiles" if PRODUCTION else None
WHITENOISE_USE_FINDERS = not PRODUCTION
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Large admin pages (a letter with its inlines) stay under Django's limit; the
# signature list itself is paginated rather than inlined.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

# Security headers, in development too. No page may be framed (frame-ancestors 'none' and
# X-Frame-Options DENY) except views wrapped in tracker.security.embeddable.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# HTTPS-only settings, for a site served over HTTPS (directly or behind a proxy).
# Browsers refuse Secure and __Host- cookies over plain http, so `make serve` on
# http://127.0.0.1 leaves them off.
HTTPS = env_bool("HTTPS", default=False)
if HTTPS:
    SECURE_SSL_REDIRECT = True
    # Load balancers probe the health endpoint over plain http.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# Behind a TLS-terminating proxy: the header it sets to "https" (e.g. X-Forwarded-Proto).
# Set only when the proxy always sets or overwrites that header.
if proxy_ssl_header := env("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + proxy_ssl_header.upper().replace("-", "_"), "https")

# The client IP (tracker.client_ip) comes from REMOTE_ADDR unless proxies are trusted:
# TRUSTED_PROXY_HEADER names the header they append to (e.g. X-Forwarded-For) and
# TRUSTED_PROXY_COUNT how many of them stand in front of the application.
TRUSTED_PROXY_HEADER = env("TRUSTED_PROXY_HEADER", "")
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if TRUSTED_PROXY_HEADER else 0)
if TRUSTED_PROXY_COUNT < 0 or bool(TRUSTED_PROXY_COUNT) != bool(TRUSTED_PROXY_HEADER):
    raise ImproperlyConfigured(
        "TRUSTED_PROXY_COUNT (1 or more) needs TRUSTED_PROXY_HEADER, and the reverse"
    )

# Public pages: nothing inline, nothing from elsewhere. htmx comes from our static files
# and is configured in base.html not to inject its indicator <style>.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "upgrade-insecure-requests": HTTPS,
    },
}
# The admin's own policy (tracker.security picks it for admin URLs). Django's admin and
# django-otp's templates need no inline script; inline styles are allowed so that
# third-party admin widgets that set style attributes keep working.
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "style-src": [SELF, UNSAFE_INLINE],
    },
}

# Staff accounts. Brute force: an address is locked out for a while after too many failed
# logins for one username, or for any usernames (tracker/login_limits.py); no other
# address is, so an attacker cannot lock the real staff out.
AXES_USER_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_IP_FAILURE_LIMIT = env_int("AXES_IP_FAILURE_LIMIT", 20)
AXES_FAILURE_LIMIT = "tracker.login_limits.failure_limit"
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_CLIENT_IP_CALLABLE = "tracker.client_ip.client_ip"
AXES_RESET_ON_SUCCESS = True

# Two-factor authentication: staff give a TOTP token at the admin login. Enrol with
# `manage.py add_totp_device <username>`.
REQUIRE_2FA = env_bool("REQUIRE_2FA", default=PRODUCTION)
OTP_TOTP_ISSUER = "Open Letter Tracker"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Plain text in development; one JSON object per line on stderr in production.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "tracker.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if PRODUCTION else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Its start-up banner in every command's output; lockouts and logins still log.
        "axes.apps": {"level": "WARNING"},
    },
}

# Where the demo fixtures are built from (see `manage.py build_fixtures`).
SHARED_DATA_DIR = Path(env("SHARED_DATA_DIR", str(BASE_DIR.parent / "shared" / "data")))

LETTER_SIGNATORIES_PER_PAGE = 50
INDEX_PAGE_SIZE = 50

# Redis, when several machines serve the site: the cache (pages and their content
# versions) and the job queue live there, so every node shares them. Sessions and rate
# limits are in the database either way.
REDIS_URL = env("REDIS_URL", "")

# The page cache is shared by every server worker, so one worker's render serves all of
# them, and a public change invalidates it everywhere (see letters/page_cache.py): files
# under CACHE_DIR on one machine, Redis across several. PAGE_CACHE_SECONDS=0 turns it off;
# ETags work either way.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "tracker",
            # A Redis that stops answering makes a request fail in seconds, not hang.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "tracker.cache.FileCache",
            "LOCATION": env("CACHE_DIR", str(BASE_DIR / "var" / "cache")),
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
PAGE_CACHE_SECONDS = int(env("PAGE_CACHE_SECONDS", "300"))

# A burst of changes to one letter makes at most one new version of its pages per this
# many seconds; the first change after a quiet spell shows at once, the last one of a
# burst at the end of its window (letters/page_cache.py). 0 publishes every change.
PAGE_CACHE_COALESCE_SECONDS = env_int("PAGE_CACHE_COALESCE_SECONDS", 5)

# Email: the console by default; SMTP when EMAIL_HOST is set.
EMAIL_HOST = env("EMAIL_HOST", "")
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=bool(EMAIL_HOST))
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Open Letter Tracker <noreply@localhost>")
# A mail server that stops answering holds a worker this long, never for ever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
# The site's address, for the links in emails a worker writes (no request to ask).
SITE_URL = env("SITE_URL", "http://localhost:8000").rstrip("/")

# Background jobs (letters/jobs/): emails, bulk actions, link checks, imports and the
# schedule run in a worker (`manage.py worker`, started by `make run` and `make serve`).
# The queue is the database (nothing else to run) or, with REDIS_URL, Redis through RQ.
if REDIS_URL:
    INSTALLED_APPS.append("django_rq")
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    # RQ stops a job after DEFAULT_TIMEOUT seconds; our jobs report their progress and
    # are resumed by the sweep if a worker dies (JOB_STALLED_MINUTES), so RQ's limit is
    # only a backstop against a job that hangs for a day.
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 24 * 60 * 60}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# How often an email is tried before it is shown as failed (waits double from a minute,
# up to an hour), and how long a running job may go without reporting progress before
# the sweep takes it for dead and resumes it.
EMAIL_MAX_ATTEMPTS = env_int("EMAIL_MAX_ATTEMPTS", 8)
JOB_STALLED_MINUTES = env_int("JOB_STALLED_MINUTES", 10)
# Admin bulk actions on more rows than this run as a background job.
BULK_ACTION_JOB_THRESHOLD = env_int("BULK_ACTION_JOB_THRESHOLD", 500)
# Every source link is checked this often (0: only when a curator or cron asks).
LINK_CHECK_EVERY_DAYS = env_int("LINK_CHECK_EVERY_DAYS", 7)

# Public sign-ups: how long a confirmation link lives, the least time a person takes to
# fill the form, and how long contact emails and IP addresses are kept.
SIGNUP_CONFIRMATION_HOURS = env_int("SIGNUP_CONFIRMATION_HOURS", 48)
SIGNUP_MIN_SECONDS = env_int("SIGNUP_MIN_SECONDS", 3)
SIGNUP_RETENTION_DAYS = env_int("SIGNUP_RETENTION_DAYS", 90)

# The licence our data is published under: named on the methodology page and in every
# download and API answer.
DATA_LICENCE_NAME = env("DATA_LICENCE_NAME", "Creative Commons Attribution 4.0 (CC BY 4.0)")
DATA_LICENCE_URL = env("DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/")
