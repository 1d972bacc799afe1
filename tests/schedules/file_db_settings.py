"""Settings for task workers started by the tests: the test settings on a SQLite file.

pytest-django's in-memory database is invisible to another process, so the
worker tests migrate a file (``SCHEDULES_TEST_DATABASE``) and point both the
test process and the worker at it.
"""

import os

from config.settings.test import *  # noqa: F403
from config.settings.test import DATABASES

DATABASES = {
    "default": {**DATABASES["default"], "NAME": os.environ["SCHEDULES_TEST_DATABASE"]},
}
