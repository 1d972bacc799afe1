"""The interface speaks Dutch by default: the schools catalogue is complete."""

import pytest
from django.utils import translation

from schools.models import Pupil, Room, Site


@pytest.fixture(autouse=True)
def english():
    """Overrides the package's English default: these tests speak Dutch."""
    yield


def test_model_names_are_dutch():
    with translation.override("nl"):
        assert str(Pupil._meta.verbose_name) == "leerling"
        assert str(Site._meta.verbose_name) == "locatie"
        assert str(Room._meta.verbose_name_plural) == "lokalen"


def test_import_texts_are_dutch():
    with translation.override("nl"):
        assert translation.gettext("Import rosters") != "Import rosters"
