"""Settings for a developer's machine and the demo (``make run``)."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = True
SECRET_KEY = env("DJANGO_SECRET_KEY", "local-only-not-secret-5c0f1d1e9a2b4c7d8e6f")  # noqa: S105
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]

# The SQLite file lives in var/ (ignored by git); create the folder on first use.
VAR_DIR.mkdir(exist_ok=True)

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
