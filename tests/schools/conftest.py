"""The schools tests read messages in English, the source language; the Dutch
catalogue is exercised in tests/schools/test_translations.py."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
