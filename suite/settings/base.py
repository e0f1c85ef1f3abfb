"""Settings shared by every environment. Values come from the environment."""

import json
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from suite.embedded_db import database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("SUITE_VAR_DIR", BASE_DIR / "var"))

DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
DEBUG = os.environ.get("DEBUG", "0").lower() in ("1", "true", "yes", "on")

# The apex host serves the portal and the platform console; institutions live
# on <slug>.<SUITE_DOMAIN> or on a custom domain.
SUITE_DOMAIN = os.environ.get("SUITE_DOMAIN", "localhost")
SUITE_PORT = os.environ.get("SUITE_PORT", "8000")
SUITE_SCHEME = os.environ.get("SUITE_SCHEME", "http")
# Extra names that also reach the apex (load balancer health checks, 127.0.0.1).
SUITE_APEX_ALIASES = [
    h for h in os.environ.get("SUITE_APEX_ALIASES", "127.0.0.1,testserver").split(",") if h
]
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "*").split(",")

SHARED_APPS = [
    # tenants before django_tenants: its migrate_schemas (template first, parallel,
    # progress) overrides django-tenants' own — the first app listed wins.
    "tenants",
    "django_tenants",
    "accounts",
    "portal",
    "api",
    "notifications",  # one outbox, channel choices, verified phones (people are platform-wide)
    "payments.sandbox",  # the sandbox payment gateway's own books ("another company")
    "groupware.exchange.relay",  # 문서유통 envelopes between institutions (public schema)
    "privacy",  # also a tenant app: each institution's policy, access records, retention
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # suite before django_tasks_db: its db_worker (reconnects after an outage, requeues
    # tasks a dead worker left running) overrides the package's — the first app listed wins.
    "suite",
    "django_tasks",
    "django_tasks_db",
    "django_htmx",
]
TENANT_APPS = [
    "institution",
    "groupware",  # org chart, directory, absences, the staff dashboard
    "groupware.approval",  # 전자결재
    "groupware.exchange",  # 문서유통: the institution's received copies (접수·배부)
    "groupware.boards",  # 게시판
    "groupware.schedule",  # 일정 (shared calendar)
    "facility_booking",
    "payments",  # orders, the ledger and refunds of the institution's own money
    "privacy",  # 개인정보: the institution's 처리방침, 접속기록, retention, destruction records
    "website",  # the institution's public site: pages, jobs, disclosures, open documents
    "programs",  # 강좌·프로그램·행사 and residents' applications
]
INSTALLED_APPS = SHARED_APPS + [a for a in TENANT_APPS if a not in SHARED_APPS]

TENANT_MODEL = "tenants.Institution"
TENANT_DOMAIN_MODEL = "tenants.Domain"
# New institutions are cloned from this schema instead of migrated from zero.
TENANT_BASE_SCHEMA = "_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
# SET search_path once per connection and schema, not before every statement; safe with
# savepoint rollbacks and pooled connections (suite/postgresql_backend, docs/scaling.md).
TENANT_LIMIT_SET_CALLS = True
# Spare clones of the template kept ready, so a burst of onboardings renames one each
# instead of cloning in the request (tenants/provisioning.py); 0 turns the pool off.
TENANT_SPARE_SCHEMAS = int(os.environ.get("TENANT_SPARE_SCHEMAS", 5))
PUBLIC_SCHEMA_URLCONF = "suite.urls_public"
ROOT_URLCONF = "suite.urls_tenant"
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "accounts.security.SecurityHeadersMiddleware",  # CSP (no inline script), Permissions-Policy
    "suite.outage.DatabaseFailureMiddleware",  # database down → 503, deadlock → 409, never 500
    "api.middleware.ApiExceptionMiddleware",  # error shape on /api/, whatever answers
    "suite.files.FileOffloadMiddleware",  # X-Accel-Redirect / X-Sendfile when configured
    "suite.input.RequestContractMiddleware",  # 413/414 limits, the text contract (suite/text.py)
    "suite.middleware.InstitutionMiddleware",
    "suite.request_cache.RequestCacheMiddleware",  # GET/HEAD: read-once answers (org, offices)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.SignInHopMiddleware",  # one sign-in/sign-out across hosts (browser id)
    "suite.locale.KoreanFirstLocaleMiddleware",
    "suite.middleware.InstitutionStatusMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionSecurityMiddleware",  # idle/absolute session limits, 2FA
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "api.idempotency.IdempotencyMiddleware",  # Idempotency-Key on API writes (last: wraps the view)
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "suite.context_processors.suite",
            ],
        },
    },
]

WSGI_APPLICATION = "suite.wsgi.application"
ASGI_APPLICATION = "suite.asgi.application"

DATABASES = {
    "default": {
        **dj_database_url.parse(database_url(), conn_max_age=0),
        # django-tenants' backend that also resets the search_path on every new connection.
        "ENGINE": "suite.postgresql_backend",
    }
}
# Connections come from a psycopg pool per process (docs/deployment.md, "Database
# connections"): at most DB_POOL_MAX_SIZE per process, handed back after each request, so a
# burst on the threaded dev server or a gunicorn worker never holds more than that, and an
# idle pool shrinks back to DB_POOL_MIN_SIZE. Waiting longer than DB_POOL_TIMEOUT seconds for
# one answers 503. DB_POOL=0: no pool, a new connection per request (CONN_MAX_AGE=0).
# An unreachable database answers 503 within seconds, not after DB_POOL_TIMEOUT: a request
# that waited SUITE_DB_OUTAGE_CHECK seconds checks whether the server answers at all (a
# connection attempt bounded by DB_CONNECT_TIMEOUT); the pool retries a failed connection
# for DB_POOL_RECONNECT_TIMEOUT seconds only, so it is ready again as soon as the database
# is (suite/dbpool.py). Forked children never share the parent's pool.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
    "connect_timeout", int(os.environ.get("DB_CONNECT_TIMEOUT", 2))
)
SUITE_DB_OUTAGE_CHECK = float(os.environ.get("DB_OUTAGE_CHECK", 1))
if os.environ.get("DB_POOL", "1").lower() not in ("0", "false", "no", "off"):
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": int(os.environ.get("DB_POOL_MIN_SIZE", 1)),
        "max_size": int(os.environ.get("DB_POOL_MAX_SIZE", 10)),
        "timeout": float(os.environ.get("DB_POOL_TIMEOUT", 5)),
        "max_idle": float(os.environ.get("DB_POOL_MAX_IDLE", 120)),
        "reconnect_timeout": float(os.environ.get("DB_POOL_RECONNECT_TIMEOUT", 2)),
    }
    # A pooled connection is checked (one empty statement) when handed out: one the server
    # dropped meanwhile (a restart, an idle timeout) is replaced, not given to a request.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "accounts.passwords.CommonPasswordPatternValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# One sign-in for the portal and every institution host: the session lives in
# the public schema and the cookie is set on the parent domain. Custom domains
# that do not share the parent get the same session through the sign-in hop
# (accounts.views.sso_*).
SESSION_COOKIE_DOMAIN = os.environ.get("SESSION_COOKIE_DOMAIN") or (
    None if SUITE_DOMAIN in ("localhost",) else "." + SUITE_DOMAIN
)
CSRF_COOKIE_DOMAIN = SESSION_COOKIE_DOMAIN
SESSION_COOKIE_NAME = "suite_session"
CSRF_COOKIE_NAME = "suite_csrftoken"
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("한국어")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
# 2026. 11. 25. / 15:20 — Korean public-body formats (suite/formats/ko, suite/dates.py)
FORMAT_MODULE_PATH = ["suite.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Files uploaded inside an institution land under MEDIA_ROOT/<schema>/.
STORAGES = {
    # TenantFileSystemStorage (MEDIA_ROOT/<schema>/) that names new private files unguessably.
    "default": {"BACKEND": "suite.storage.PrivateNamingStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
# The only folders /media/<schema or public>/… serves to anyone (suite/files.py): logos and
# facility photos. Everything else — private/ above all — goes through views that check
# permission. An app adding public uploads adds its upload folder here.
SUITE_PUBLIC_MEDIA_FOLDERS = ("logo", "facilities")
# Let the web server send media files once the app allowed them: "x-accel-redirect" (nginx,
# with an internal location at SUITE_FILE_OFFLOAD_PREFIX aliasing MEDIA_ROOT) or
# "x-sendfile" (Apache mod_xsendfile, lighttpd); empty: Python streams them.
SUITE_FILE_OFFLOAD = os.environ.get("FILE_OFFLOAD", "")
SUITE_FILE_OFFLOAD_PREFIX = os.environ.get("FILE_OFFLOAD_PREFIX", "/_protected/")

# Request limits (suite/input.py, api/parsers.py): a body other than a file upload (JSON,
# forms) up to DATA_UPLOAD_MAX_MEMORY_SIZE, uploads up to SUITE_MAX_UPLOAD_BYTES (ten 20 MB
# attachments and the form), query strings up to SUITE_MAX_QUERY_STRING bytes, JSON nested
# up to API_JSON_MAX_DEPTH levels. Beyond: 413 / 414 / 400 in the error shape.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440))
SUITE_MAX_UPLOAD_BYTES = int(os.environ.get("SUITE_MAX_UPLOAD_BYTES", 210 * 1024 * 1024))
SUITE_MAX_QUERY_STRING = int(os.environ.get("SUITE_MAX_QUERY_STRING", 4096))
API_JSON_MAX_DEPTH = 32
# Seconds a client is told to wait (Retry-After) when the database is unreachable (503).
SUITE_OUTAGE_RETRY_AFTER = int(os.environ.get("SUITE_OUTAGE_RETRY_AFTER", 5))
# How long an Idempotency-Key's first answer is kept (api/idempotency.py).
API_IDEMPOTENCY_TTL = 24 * 60 * 60
FONT_DIR = BASE_DIR / "suite" / "fonts"


# The database and in-process caches cull when they hold more than CACHE_MAX_ENTRIES
# entries (Django's default, 300, is far too few for one table shared by host lookups,
# sign-in tickets and rate-limit counters: under load every write would cull a third of
# it, live counters included); a cull first drops the expired entries, then
# 1/CACHE_CULL_FREQUENCY of the rest. Redis and memcached evict by their own memory limit.
CACHE_MAX_ENTRIES = int(os.environ.get("CACHE_MAX_ENTRIES", "100000"))
CACHE_CULL_FREQUENCY = int(os.environ.get("CACHE_CULL_FREQUENCY", "10"))
if CACHE_MAX_ENTRIES < 1000 or CACHE_CULL_FREQUENCY < 2:
    raise ValueError("CACHE_MAX_ENTRIES must be at least 1000 and CACHE_CULL_FREQUENCY at least 2")
CULLED_CACHE_OPTIONS = {"MAX_ENTRIES": CACHE_MAX_ENTRIES, "CULL_FREQUENCY": CACHE_CULL_FREQUENCY}


def cache_backend(url: str, *, alias: str) -> dict:
    """``CACHE_URL`` → a CACHES entry. ``locmem://`` (per process, the default), ``db://<table>``
    (PostgreSQL's DatabaseCache, no other service; ``setup_suite`` creates the table),
    ``redis://…`` / ``rediss://…``, ``memcached://host:port``. The database and in-process
    caches get CACHE_MAX_ENTRIES / CACHE_CULL_FREQUENCY."""
    scheme, _sep, rest = url.partition("://")
    if scheme in ("", "locmem"):
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": alias,
            "OPTIONS": dict(CULLED_CACHE_OPTIONS),
        }
    if scheme == "db":
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": rest,
            "OPTIONS": dict(CULLED_CACHE_OPTIONS),
        }
    if scheme in ("redis", "rediss"):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "memcached":
        return {"BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache", "LOCATION": rest}
    raise ValueError(f"CACHE_URL: unknown cache {scheme!r} (locmem, db, redis, memcached)")


# One cache for the whole platform in production (CACHE_URL, docs/configuration.md): rate
# limits, sign-in tickets and cached lookups must be shared by every web process.
CACHE_URL = os.environ.get("CACHE_URL", "locmem://")
CACHES = {
    "default": {
        **cache_backend(CACHE_URL, alias="default"),
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    },
    # API rate-limit counters: platform-wide keys (no schema), see api/throttling.py.
    "throttle": {**cache_backend(CACHE_URL, alias="throttle"), "KEY_PREFIX": "throttle"},
    # Platform-wide lookups whatever the schema: host → institution (tenants/hosts.py).
    "platform": {**cache_backend(CACHE_URL, alias="platform"), "KEY_PREFIX": "platform"},
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"
# A stalled SMTP server must not hold a worker (and its outbox lease) for ever; shorter
# than NOTIFY_LEASE_SECONDS, so a live sender is never taken for a dead one.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "60"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "no-reply@suite.localhost")

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# The task worker (suite/worker.py): a worker silent for SUITE_WORKER_DEAD_AFTER seconds is
# dead and its RUNNING tasks are queued again (SUITE_TASK_MAX_ATTEMPTS times at most); it
# beats every SUITE_WORKER_BEAT seconds, tidies up every SUITE_WORKER_HOUSEKEEPING seconds
# and waits at most SUITE_WORKER_MAX_BACKOFF seconds between reconnection attempts.
SUITE_WORKER_DEAD_AFTER = int(os.environ.get("SUITE_WORKER_DEAD_AFTER", 60))
SUITE_WORKER_BEAT = float(os.environ.get("SUITE_WORKER_BEAT", 5))
SUITE_WORKER_HOUSEKEEPING = float(os.environ.get("SUITE_WORKER_HOUSEKEEPING", 30))
SUITE_WORKER_MAX_BACKOFF = float(os.environ.get("SUITE_WORKER_MAX_BACKOFF", 30))
SUITE_TASK_MAX_ATTEMPTS = int(os.environ.get("SUITE_TASK_MAX_ATTEMPTS", 5))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    # Size and depth limits, and the text contract (suite/text.py), for every body.
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.JSONParser",
        "api.parsers.FormParser",
        "api.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.UserRateThrottle",
        "api.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": os.environ.get("API_RATE_USER", "1000/min"),
        "anon": os.environ.get("API_RATE_ANON", "120/min"),
        "login": os.environ.get("API_RATE_LOGIN", "10/min"),
        "booking": os.environ.get("API_RATE_BOOKING", "60/min"),
        # Booking and application writes, web forms and API together (suite/ratelimit.py):
        # per account "booking" above, per IP address this one.
        "booking_ip": os.environ.get("API_RATE_BOOKING_IP", "300/min"),
    },
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
    # Proxies in front of the app whose X-Forwarded-For is trusted for the client IP.
    "NUM_PROXIES": int(os.environ.get("API_NUM_PROXIES", "0")),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Agency Cloud Suite API",
    "DESCRIPTION": "Groupware and facility booking for public institutions.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ApprovalStateEnum": "groupware.approval.models.State",
        "ApprovalStepStatusEnum": "groupware.approval.models.StepStatus",
        "LeaveKindEnum": "groupware.approval.models.LeaveKind",
        "AbsenceKindEnum": "groupware.models.Absence.Kind",
        "DepartmentKindEnum": "groupware.models.Department.Kind",
        "ReceivedStateEnum": "groupware.exchange.models.ReceivedState",
        # 감면 구분: one name whether a field is called category or discount_categories.
        "DiscountCategoryEnum": "facility_booking.models.DiscountCategory.values",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.postprocess_error_responses",
    ],
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": True},
}

# Notifications (notifications/): a provider per channel. "local" keeps every message in
# the outbox only (readable at /dev/outbox/); real ones: e-mail "django" (EMAIL_BACKEND),
# SMS and 카카오 알림톡 "nhn" (NHN Cloud Notification). Text messages that can wait are held
# during quiet hours (21:00–08:00, local time).
NOTIFY_EMAIL_PROVIDER = os.environ.get("NOTIFY_EMAIL_PROVIDER", "django")
NOTIFY_SMS_PROVIDER = os.environ.get("NOTIFY_SMS_PROVIDER", "local")
NOTIFY_ALIMTALK_PROVIDER = os.environ.get("NOTIFY_ALIMTALK_PROVIDER", "local")
NOTIFY_NHN_SECRET_KEY = os.environ.get("NOTIFY_NHN_SECRET_KEY", "")
NOTIFY_NHN_SMS_APP_KEY = os.environ.get("NOTIFY_NHN_SMS_APP_KEY", "")
NOTIFY_NHN_SENDER_NO = os.environ.get("NOTIFY_NHN_SENDER_NO", "")
NOTIFY_NHN_ALIMTALK_APP_KEY = os.environ.get("NOTIFY_NHN_ALIMTALK_APP_KEY", "")
NOTIFY_NHN_SENDER_KEY = os.environ.get("NOTIFY_NHN_SENDER_KEY", "")
NOTIFY_QUIET_HOURS = (21, 8)
# A worker's claim on an outbox row; a claim older than this is a dead worker's and the
# row is sent again (docs/deployment.md "E-mail").
NOTIFY_LEASE_SECONDS = int(os.environ.get("NOTIFY_LEASE_SECONDS", "300"))

# Payments (payments/): "sandbox" is the built-in gateway answering Toss Payments' API
# (its payment window at /sandbox-pg/checkout/); "toss" talks to api.tosspayments.com
# with each institution's keys (PAYMENTS_TOSS_KEYS = JSON {"<slug>": {"client_key",
# "secret_key", "webhook_secret"}}, the single PAYMENTS_TOSS_* keys otherwise).
PAYMENTS_GATEWAY = os.environ.get("PAYMENTS_GATEWAY", "sandbox")
PAYMENTS_TOSS_API_BASE = os.environ.get("PAYMENTS_TOSS_API_BASE", "https://api.tosspayments.com")
PAYMENTS_TOSS_CLIENT_KEY = os.environ.get("PAYMENTS_TOSS_CLIENT_KEY", "")
PAYMENTS_TOSS_SECRET_KEY = os.environ.get("PAYMENTS_TOSS_SECRET_KEY", "")
PAYMENTS_TOSS_WEBHOOK_SECRET = os.environ.get("PAYMENTS_TOSS_WEBHOOK_SECRET", "")
PAYMENTS_TOSS_KEYS = json.loads(os.environ.get("PAYMENTS_TOSS_KEYS", "{}") or "{}")
# The sandbox posts its webhooks over HTTP when "http" (make run); tests deliver them.
PAYMENTS_SANDBOX_WEBHOOKS = os.environ.get("PAYMENTS_SANDBOX_WEBHOOKS", "http" if DEBUG else "")
# 감면 proofs: size limit, and how long after the booking ends the file is deleted.
DISCOUNT_PROOF_MAX_BYTES = 5 * 1024 * 1024
DISCOUNT_PROOF_RETENTION_DAYS = int(os.environ.get("DISCOUNT_PROOF_RETENTION_DAYS", "30"))

# Failed log-ins (accounts/throttle.py): LOGIN_RATE_LIMIT per account and LOGIN_IP_RATE_LIMIT
# per client IP within LOGIN_RATE_WINDOW seconds lock that account / IP for
# LOGIN_LOCKOUT_SECONDS. Counted in the "security" cache, shared by all processes and hosts.
LOGIN_RATE_LIMIT = int(os.environ.get("LOGIN_RATE_LIMIT", "10"))
LOGIN_IP_RATE_LIMIT = int(os.environ.get("LOGIN_IP_RATE_LIMIT", "50"))
LOGIN_RATE_WINDOW = int(os.environ.get("LOGIN_RATE_WINDOW", "900"))
LOGIN_LOCKOUT_SECONDS = int(os.environ.get("LOGIN_LOCKOUT_SECONDS", "900"))
_SECURITY_CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES["security"] = (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _SECURITY_CACHE_URL}
    if _SECURITY_CACHE_URL.startswith(("redis://", "rediss://"))
    # PostgreSQL (accounts/migrations/0005 creates the table): shared without another service.
    else {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "suite_security_cache",
        "OPTIONS": dict(CULLED_CACHE_OPTIONS),
    }
)
CACHES["security"]["KEY_PREFIX"] = "security"
# Sessions (accounts/middleware.py): staff and operators are signed out after
# SESSION_IDLE_SECONDS without a request; everyone after SESSION_ABSOLUTE_SECONDS.
SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_SECONDS", str(12 * 60 * 60)))
# 접속기록: an export or search touching this many rows or more is flagged for review.
PRIVACY_LARGE_EXPORT_ROWS = int(os.environ.get("PRIVACY_LARGE_EXPORT_ROWS", "1000"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
FORMS_URLFIELD_ASSUME_HTTPS = True
