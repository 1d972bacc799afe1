"""Without Chromium the browser tests skip, or fail when REQUIRE_SERVICES=1 asks for it."""

from __future__ import annotations

import pytest

from tests.browser import conftest


def test_a_missing_chromium_skips(monkeypatch, tmp_path):
    monkeypatch.setattr(conftest, "CHROMIUM", tmp_path / "chromium")
    monkeypatch.delenv("REQUIRE_SERVICES", raising=False)
    with pytest.raises(pytest.skip.Exception, match="install-browser.sh"):
        conftest.require_chromium()


def test_a_missing_chromium_fails_when_required(monkeypatch, tmp_path):
    monkeypatch.setattr(conftest, "CHROMIUM", tmp_path / "chromium")
    monkeypatch.setenv("REQUIRE_SERVICES", "1")
    with pytest.raises(pytest.fail.Exception, match="REQUIRE_SERVICES=1 requires it"):
        conftest.require_chromium()
