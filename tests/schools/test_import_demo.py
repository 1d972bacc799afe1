"""The demo through Excel: generator instance -> workbook (XlsxWriter) -> import -> same instance."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

import pytest
from django.core.management import call_command

from schools.importing.services import roster_import
from schools.importing.workbooks import district_workbook
from schools.selectors import district_instance_build
from schools.services import district_load_from_instance
from tests.conftest import REPO
from tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "klein.json"
    subprocess.run(
        [sys.executable, "-m", "solver", "generate", "--scenario", "school", "--seed", "1", "-o", str(path)],
        cwd=REPO, check=True, capture_output=True,
    )  # fmt: skip
    return json.loads(path.read_text())


def shape(data):
    """What must survive the trip, without the ids the database gives."""
    return {
        "sites": sorted((s["id"], s["kind"], json.dumps(s.get("window"), sort_keys=True)) for s in data["sites"]),
        "rooms": sorted((r["site"], r["capacity"], tuple(sorted(r["kinds"])), json.dumps(r.get("available"), sort_keys=True)) for r in data["rooms"]),
        "coaches": sorted((c["organisation"], tuple(sorted(c["skills"])), json.dumps(c["available"], sort_keys=True), c["max_minutes_per_week"]) for c in data["coaches"]),
        "activities": sorted(json.dumps({**a, "room_kinds": sorted(a["room_kinds"])}, sort_keys=True) for a in data["activities"]),
        "programmes": sorted(json.dumps(p, sort_keys=True) for p in data["programmes"]),
        "grades": Counter(p["grade"] for p in data["pupils"]),
        "preferences": Counter(json.dumps(p.get("preferences"), sort_keys=True) for p in data["pupils"]),
        "required": Counter(tuple(p.get("required") or ()) for p in data["pupils"]),
        "unavailable": Counter(json.dumps(p.get("unavailable"), sort_keys=True) for p in data["pupils"]),
        "families": Counter(Counter(p["family"] for p in data["pupils"] if p.get("family")).values()),
        "travel": len(data["travel_minutes"]),
    }  # fmt: skip


def test_demo_workbook_imports_to_the_same_instance(instance, tmp_path):
    source = tmp_path / "klein.json"
    source.write_text(json.dumps(instance))
    workbook = tmp_path / "klein.xlsx"
    call_command("write_demo_workbook", str(source), "-o", str(workbook), "--seed", "klein")
    district = DistrictFactory(
        code="klein", days=instance["days"], slot_minutes=instance["slot_minutes"]
    )
    report = roster_import(files=[workbook], district=district, dry_run=False)
    assert report.ok, [str(p) for p in report.problems][:5]
    assert shape(district_instance_build(district=district)) == shape(instance)

    again = roster_import(files=[workbook], district=district, dry_run=False)
    assert all(c.new == c.updated == c.invalid == c.removed == 0 for c in again.counts.values())


def test_a_generated_district_exported_and_imported_again_is_unchanged(instance, tmp_path):
    district = district_load_from_instance(instance=instance, code="klein", name="Klein", seed=2)
    path = tmp_path / "export.xlsx"
    district_workbook(district=district, target=path)
    expected = district_instance_build(district=district)
    report = roster_import(files=[path], district=district, dry_run=False)
    assert report.ok, [str(p) for p in report.problems][:5]
    assert all(c.new == c.updated == c.invalid == c.removed == 0 for c in report.counts.values())
    assert report.counts["pupils"].unchanged == len(instance["pupils"])
    assert district_instance_build(district=district) == expected
