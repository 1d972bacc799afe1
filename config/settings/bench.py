"""Settings for the coach-week load benchmark (``scripts/bench_coach_week.py``).

The demo on its own SQLite file (``BENCH_DATABASE``), served as a deployment would
serve it: DEBUG off, persistent connections, a multi-process server in front.
"""

from .base import *  # noqa: F403
from .base import DATABASES, MIDDLEWARE, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY", "bench-only-not-secret-7e1c2a9b")  # noqa: S105
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

DATABASES = {
    "default": {
        **DATABASES["default"],
        "NAME": env("BENCH_DATABASE", "/tmp/bench-coach-week.sqlite3"),  # noqa: S108
        "CONN_MAX_AGE": None,
    }
}

# Every response says how long the server spent on it (Server-Timing: app;dur=...).
MIDDLEWARE = ["schedules.middleware.ServerTimingMiddleware", *MIDDLEWARE]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"level": "WARNING", "handlers": ["console"]},
}
