"""docs/spec is our copy of the shared contract; it must not drift from the original."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "spec"


@pytest.mark.parametrize("name", ["PROBLEM.md", "example-instance.json", "example-solution.json"])
def test_vendored_spec_matches_the_shared_one(name):
    if not SHARED.exists():
        pytest.skip("no shared spec beside this checkout")
    assert (REPO / "docs" / "spec" / name).read_bytes() == (SHARED / name).read_bytes()
