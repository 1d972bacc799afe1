"""Settings shared by every environment; ``local``, ``test`` and ``production`` extend them.

Everything that differs per deployment is read from the environment.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"


def env(name: str, default: str | None = None) -> str:
    """The environment variable ``name``; refuses to start without it if there is no default."""
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the environment variable {name}.")
    return value


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


# GENERAL
# ------------------------------------------------------------------------------
DEBUG = env_bool("DJANGO_DEBUG", False)
TIME_ZONE = "Europe/Amsterdam"
LANGUAGE_CODE = "nl"
LANGUAGES = [
    ("nl", _("Dutch")),
    ("en", _("English")),
]
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# DATABASES
# ------------------------------------------------------------------------------
# One SQLite file next to the code: the web server and the task worker share it.
# IMMEDIATE transactions and WAL keep the two from tripping over each other's locks.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "db.sqlite3",
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# URLS
# ------------------------------------------------------------------------------
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# APPS
# ------------------------------------------------------------------------------
DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
THIRD_PARTY_APPS = [
    "import_export",
    "django_tasks",
    "django_tasks_db",
]
LOCAL_APPS = [
    "schools",
    "schedules",
]

# TASKS
# ------------------------------------------------------------------------------
# The database backend runs beside the web server (``manage.py db_worker``);
# TASKS_BACKEND=rq moves the queue to Redis when one machine is not enough.
TASKS_BACKEND = env("TASKS_BACKEND", "db")
REDIS_URL = env("REDIS_URL", "redis://127.0.0.1:6379/0")
if TASKS_BACKEND == "db":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif TASKS_BACKEND == "rq":
    THIRD_PARTY_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    # Workers: manage.py rqworker --job-class django_tasks_rq.Job default
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
else:
    raise ImproperlyConfigured(f'TASKS_BACKEND must be "db" or "rq", not "{TASKS_BACKEND}".')

INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

# SCHEDULES (solve runs; added with issue 5)
# ------------------------------------------------------------------------------
# CP-SAT workers per solve, how often a running solve writes its heartbeat, and
# after how many seconds without one a run counts as lost (its worker died).
SCHEDULES_SOLVER_WORKERS = int(env("SCHEDULES_SOLVER_WORKERS", "2"))
SCHEDULES_HEARTBEAT_SECONDS = float(env("SCHEDULES_HEARTBEAT_SECONDS", "2"))
SCHEDULES_STALE_AFTER_SECONDS = int(env("SCHEDULES_STALE_AFTER_SECONDS", "30"))

# AUTHENTICATION
# ------------------------------------------------------------------------------
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
# Username or e-mail address; failed sign-ins are throttled per username and address.
AUTHENTICATION_BACKENDS = ["schedules.auth.EmailOrUsernameBackend"]
LOGIN_MAX_FAILURES = int(env("LOGIN_MAX_FAILURES", "5"))
LOGIN_LOCKOUT_SECONDS = int(env("LOGIN_LOCKOUT_SECONDS", "900"))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# MIDDLEWARE
# ------------------------------------------------------------------------------
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# STATIC AND MEDIA
# ------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = BASE_DIR / "media"

# TEMPLATES
# ------------------------------------------------------------------------------
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

# SECURITY
# ------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# EMAIL
# ------------------------------------------------------------------------------
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", "Verlengde schooldag <noreply@example.org>")

# ADMIN
# ------------------------------------------------------------------------------
ADMIN_URL = "admin/"

# LOGGING
# ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(asctime)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"level": "INFO", "handlers": ["console"]},
}

# TIMETABLES (issue 6)
# ------------------------------------------------------------------------------
# The school year a coach's calendar repeats in (ISO dates; empty: the running
# Dutch school year, 1 September to 15 July) and the PDF font (DejaVuSans.ttf;
# empty: the system's, package fonts-dejavu-core).
SCHOOL_YEAR_START = env("SCHOOL_YEAR_START", "")
SCHOOL_YEAR_END = env("SCHOOL_YEAR_END", "")
SCHEDULES_PDF_FONT = env("SCHEDULES_PDF_FONT", "")

# ROSTER IMPORT (schools.importing; added with issue 4)
# ------------------------------------------------------------------------------
# Rows per sheet, the unpacked size of a workbook (zip bomb guard), the size of an
# upload, and where uploads wait between preview and confirm (a token per upload).
ROSTER_IMPORT_MAX_ROWS = int(env("ROSTER_IMPORT_MAX_ROWS", "100000"))
ROSTER_IMPORT_MAX_UNCOMPRESSED_BYTES = int(
    env("ROSTER_IMPORT_MAX_UNCOMPRESSED_BYTES", str(300 * 1024 * 1024))
)
ROSTER_IMPORT_MAX_UPLOAD_BYTES = int(env("ROSTER_IMPORT_MAX_UPLOAD_BYTES", str(30 * 1024 * 1024)))
ROSTER_IMPORT_UPLOAD_DIR = Path(env("ROSTER_IMPORT_UPLOAD_DIR", str(VAR_DIR / "imports")))
