"""``roster_import``: a district's rosters from Excel workbooks, all or nothing.

Why not django-import-export's ``ModelResource`` here: a roster workbook is one
unit of many sheets that refer to each other (a pupil's class, a room's school, a
coach's organisation may be new rows of the same upload), sheets come with title
rows, Dutch header aliases and multi-row kinds (availability, windows, category
minimums, preferences) that replace a row's set rather than update one row, and
10,000 pupils must import in seconds. So the importer keeps import-export's
model (natural keys, a dry run first, per-row errors, new/updated/unchanged
counts) but is a plain reader, one ``_import_<kind>`` method per sheet kind,
writing in bulk inside one transaction:

* every kind is imported in dependency order (schools before classes before
  pupils), each row looked up by its natural key (school code; school + class
  name; school + pupil number; coach code or e-mail; activity, programme and
  category codes; organisation name), so a re-import updates in place;
* multi-row kinds replace the set of their owner: the windows of every school in
  the sheet are the rows the sheet gives for it (others are removed);
* every problem is recorded with file, sheet, row, column and a plain message and
  the import goes on to find the rest; at the end a dry run, or any problem,
  rolls the whole transaction back. So the preview shows exactly what the
  import would do, and one bad row changes nothing.

Room kinds and skills are a district's free vocabulary: an unknown one is added.
Schools, classes, categories, organisations, programmes and activities are
references: an unknown one is a problem naming the value and the row.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schools.importing import values
from schools.importing.kinds import KINDS, normalise
from schools.importing.reading import FileRefused, Row, Sheet, read_workbook
from schools.importing.report import Counts, ImportReport, Problem
from schools.models import (
    Activity,
    Category,
    ClassGroup,
    Coach,
    CoachAvailability,
    District,
    Family,
    Organisation,
    Programme,
    ProgrammeCategoryMinimum,
    Pupil,
    PupilPreference,
    PupilUnavailability,
    Room,
    RoomAvailability,
    RoomKind,
    Site,
    SiteWindow,
    Skill,
    TravelTime,
    minutes_of,
)
from schools.services import ROOM_KIND_NAMES, _humanise, _organisation_kind

CODE_RE = re.compile(r"^[A-Za-z0-9_.-]+$")
POSTCODE_RE = re.compile(r"^[1-9][0-9]{3} ?[A-Za-z]{2}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SITE_KINDS = {
    "school": Site.Kind.SCHOOL, "basisschool": Site.Kind.SCHOOL,
    "locatie": Site.Kind.VENUE, "venue": Site.Kind.VENUE, "sporthal": Site.Kind.VENUE,
    "gymzaal": Site.Kind.VENUE, "accommodatie": Site.Kind.VENUE, "wijklocatie": Site.Kind.VENUE,
}  # fmt: skip


@dataclass(frozen=True)
class RosterFile:
    """An uploaded workbook: where it is now and the name its owner knows it by."""

    path: Path
    name: str


class _RollBack(Exception):
    pass


def roster_import(
    *, files: Iterable[RosterFile | Path | str], district: District, dry_run: bool = True
) -> ImportReport:
    """Imports workbooks (a whole district template, or one sheet/file per kind) into ``district``.

    With ``dry_run`` (the preview) nothing is kept. Without it, everything is
    saved in one transaction, or, if any row has a problem, nothing.
    """
    report = ImportReport(dry_run=dry_run)
    sheets: list[Sheet] = []
    found: list[tuple] = []
    for item in files:
        upload = item if isinstance(item, RosterFile) else RosterFile(Path(item), Path(item).name)
        try:
            sheets += read_workbook(upload.path, upload.name, found)
        except FileRefused as error:
            report.problems.append(Problem(upload.name, None, None, str(error)))
    report.problems += [Problem(*problem) for problem in found]
    if report.problems:
        return report
    if not sheets:
        report.problems.append(
            Problem(
                ", ".join(Path(str(getattr(f, "name", f))).name for f in files),
                None,
                None,
                _("No sheet with rosters was found; use the district template's sheets."),
            )
        )
        return report
    try:
        with transaction.atomic():
            _Importer(district, report, sheets).run()
            if dry_run or report.problems:
                raise _RollBack
    except _RollBack:
        pass
    except IntegrityError as error:  # a rule only the database knows; its text names no person
        report.problems.append(
            Problem(
                _("database"),
                None,
                None,
                _("The import could not be saved (%(error)s); nothing was changed.")
                % {"error": error},
            )
        )
    else:
        report.applied = True
    return report


class _Cells:
    """One row being read: each cell parsed, each problem recorded with its column."""

    def __init__(self, report: ImportReport, sheet: Sheet, row: Row):
        self.report, self.sheet, self.row = report, sheet, row
        self.invalid = False

    def get(self, name: str, parse=values.text, *, required: bool | None = None):
        column = self.sheet.kind.column(name)
        required = column.required if required is None else required
        raw = self.row.cells.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if required:
                self.error(
                    name,
                    _("This cell is empty; %(column)s is required.") % {"column": column.header},
                )
            return None
        try:
            return parse(raw)
        except values.CellError as error:
            self.error(name, str(error))
            return None

    def error(self, name: str | None, message: str) -> None:
        header = None
        if name is not None:
            header = self.sheet.columns.get(name) or self.sheet.kind.column(name).header
        self.report.problems.append(Problem(self.sheet.source, self.row.number, header, message))
        self.invalid = True


class _Batch:
    """New and changed rows of one model, counted and written in bulk."""

    def __init__(self, model, counts: Counts):
        self.model, self.counts = model, counts
        self.new: list = []
        self.changed: dict[int, object] = {}
        self.fields: set[str] = set()
        self.m2m: dict[str, list[tuple[object, set[int]]]] = defaultdict(list)

    def put(self, existing: dict, key, data: dict, m2m: dict | None = None, current=None):
        obj = existing.get(key)
        if obj is None:
            obj = self.model(**data)
            self.new.append(obj)
            existing[key] = obj
            self.counts.new += 1
            for name, ids in (m2m or {}).items():
                self.m2m[name].append((obj, ids))
            return obj
        changed = [name for name, value in data.items() if getattr(obj, name) != value]
        for name in changed:
            setattr(obj, name, data[name])
        m2m_changed = False
        for name, ids in (m2m or {}).items():
            if current[name].get(obj.pk, set()) != ids:
                self.m2m[name].append((obj, ids))
                m2m_changed = True
        if changed and obj.pk:
            self.changed[obj.pk] = obj
            self.fields.update(changed)
        if obj.pk is None or (not changed and not m2m_changed):
            self.counts.unchanged += obj.pk is not None
        else:
            self.counts.updated += 1
        return obj

    def save(self) -> None:
        self.model.objects.bulk_create(self.new, batch_size=1000)
        if self.changed:
            self.model.objects.bulk_update(
                list(self.changed.values()), sorted(self.fields), batch_size=500
            )
        for name, wanted in self.m2m.items():
            field = self.model._meta.get_field(name)
            through = field.remote_field.through
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            pks = [obj.pk for obj, _ids in wanted]
            for start in range(0, len(pks), 500):
                through.objects.filter(**{f"{source}_id__in": pks[start : start + 500]}).delete()
            through.objects.bulk_create(
                (
                    through(**{f"{source}_id": obj.pk, f"{target}_id": pk})
                    for obj, ids in wanted
                    for pk in sorted(ids)
                ),
                batch_size=1000,
            )


def _m2m_sets(model, name: str, **lookup) -> dict[int, set[int]]:
    field = model._meta.get_field(name)
    through = field.remote_field.through
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    sets: dict[int, set[int]] = defaultdict(set)
    for owner, other in through.objects.filter(**lookup).values_list(
        f"{source}_id", f"{target}_id"
    ):
        sets[owner].add(other)
    return sets


class _Importer:
    def __init__(self, district: District, report: ImportReport, sheets: list[Sheet]):
        self.district, self.report = district, report
        self.sheets: dict[str, list[Sheet]] = defaultdict(list)
        for sheet in sheets:
            self.sheets[sheet.kind.key].append(sheet)

    def run(self) -> None:
        for kind in KINDS:  # in dependency order
            if kind.key in self.sheets:
                self.report.count(kind.key, kind.sheet)
                getattr(self, f"_import_{kind.key}")()

    # -- helpers -------------------------------------------------------------

    def rows(self, key: str) -> Iterator[_Cells]:
        counts = self.report.counts[key]
        for sheet in self.sheets[key]:
            for row in sheet.rows:
                cells = _Cells(self.report, sheet, row)
                yield cells
                if cells.invalid:
                    counts.invalid += 1

    def once(self, seen: dict, key, cells: _Cells, column: str, what: str) -> bool:
        """False (and a problem) when ``key`` appeared on an earlier row of the file."""
        if key in seen:
            cells.error(
                column,
                _("%(what)s appears twice in the file (also on row %(row)s).")
                % {"what": what, "row": seen[key]},
            )
            return False
        seen[key] = cells.row.number
        return True

    def on_grid(self, cells: _Cells, name: str, time) -> bool:
        slot = self.district.slot_minutes
        if time is not None and minutes_of(time) % slot:
            cells.error(
                name,
                _("Times are on a %(slot)s-minute grid; %(time)s is not.")
                % {"slot": slot, "time": f"{time:%H:%M}"},
            )
            return False
        return True

    def span(self, cells: _Cells):
        day = cells.get("weekday", values.weekday)
        start, end = cells.get("start", values.clock), cells.get("end", values.clock)
        if start is not None and end is not None and end <= start:
            cells.error(
                "end",
                _("The end (%(end)s) must be after the start (%(start)s).")
                % {"end": f"{end:%H:%M}", "start": f"{start:%H:%M}"},
            )
        self.on_grid(cells, "start", start)
        self.on_grid(cells, "end", end)
        return day, start, end

    def code(self, cells: _Cells, name: str = "code") -> str | None:
        code = cells.get(name)
        if code is not None and not CODE_RE.match(code):
            cells.error(
                name,
                _("“%(code)s” is not a code: use letters, digits, dots, hyphens, underscores.")
                % {"code": code},
            )
            return None
        return code

    def lookup(self, cells: _Cells, name: str, table: dict, what: str, where: str):
        value = cells.get(name)
        if value is None:
            return None
        found = table.get(value.lower())
        if found is None:
            cells.error(
                name,
                _("%(what)s “%(value)s” is not known in %(district)s; add it to the sheet "
                  "%(where)s or correct it.")
                % {"what": what, "value": value, "district": self.district.name, "where": where},
            )  # fmt: skip
        return found

    def vocabulary(self, model, names: list[str], table: dict, display: dict | None = None):
        """Ids of room kinds or skills by code or name; unknown ones are added to the district."""
        ids = set()
        for name in names:
            found = table.get(name.lower())
            if found is None:
                code = slugify(name).replace("-", "_")[:40] or "x"
                found = model.objects.create(
                    district=self.district,
                    code=code,
                    name=(display or {}).get(code, _humanise(name)),
                )
                table[code.lower()] = table[found.name.lower()] = found
                table[name.lower()] = found
            ids.add(found.pk)
        return ids

    def _by_code_or_name(self, queryset) -> dict:
        table = {}
        for obj in queryset:
            table[obj.name.lower()] = obj
        for obj in queryset:
            table[obj.code.lower()] = obj
        return table

    def sites(self) -> dict:
        return self._by_code_or_name(Site.objects.filter(district=self.district))

    def replace_sets(self, key: str, model, owner_field: str, wanted: dict, existing_rows) -> None:
        """Makes each owner's rows the ones the file gives: ``wanted[owner][key] = data``."""
        counts = self.report.counts[key]
        existing: dict[int, dict] = defaultdict(dict)
        for pk, owner, row_key, data in existing_rows:
            existing[owner][row_key] = (pk, data)
        remove, create = [], []
        for owner, rows in wanted.items():
            for row_key, data in rows.items():
                old = existing[owner].pop(row_key, None)
                if old is not None and old[1] == data:
                    counts.unchanged += 1
                    continue
                if old is not None:
                    remove.append(old[0])
                    counts.updated += 1
                else:
                    counts.new += 1
                create.append(
                    model(
                        **{f"{owner_field}_id": owner},
                        **dict(zip(*row_key_fields(model, row_key, data), strict=True)),
                    )
                )
            for pk, _data in existing[owner].values():
                remove.append(pk)
                counts.removed += 1
        for start in range(0, len(remove), 500):
            model.objects.filter(pk__in=remove[start : start + 500]).delete()
        model.objects.bulk_create(create, batch_size=1000)

    # -- kinds, in dependency order -------------------------------------------

    def _import_categories(self) -> None:
        existing = {c.code: c for c in Category.objects.filter(district=self.district)}
        batch, seen = _Batch(Category, self.report.counts["categories"]), {}
        for cells in self.rows("categories"):
            code, name = self.code(cells), cells.get("name")
            colour = cells.get("colour")
            if colour is not None and not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
                cells.error(
                    "colour", _("Write a colour as # and six hexadecimal digits, like #1f77b4.")
                )
            if cells.invalid or not self.once(seen, code, cells, "code", code):
                continue
            data = {"district_id": self.district.pk, "code": code, "name": name}
            if colour:
                data["colour"] = colour
            batch.put(existing, code, data)
        batch.save()

    def _import_sites(self) -> None:
        existing = {s.code: s for s in Site.objects.filter(district=self.district)}
        batch, seen = _Batch(Site, self.report.counts["sites"]), {}
        for cells in self.rows("sites"):
            code, name = self.code(cells), cells.get("name")
            kind = cells.get("kind") or "school"
            if normalise(kind) not in SITE_KINDS:
                cells.error(
                    "kind",
                    _("“%(value)s” is not a kind of site; write school or locatie.")
                    % {"value": kind},
                )
            postcode = cells.get("postcode") or ""
            if postcode and not POSTCODE_RE.match(postcode):
                cells.error(
                    "postcode",
                    _("“%(value)s” is not a Dutch postcode, like 3072 AB.") % {"value": postcode},
                )
            if cells.invalid or not self.once(seen, code, cells, "code", code):
                continue
            batch.put(existing, code, {
                "district_id": self.district.pk, "code": code, "name": name,
                "kind": SITE_KINDS[normalise(kind)], "address": cells.get("address") or "",
                "postcode": postcode, "city": cells.get("city") or "",
            })  # fmt: skip
        batch.save()

    def _import_windows(self) -> None:
        sites, wanted = self.sites(), defaultdict(dict)
        for cells in self.rows("windows"):
            site = self.lookup(
                cells, "site", sites, gettext_lazy("School"), gettext_lazy("Scholen")
            )
            day, start, end = self.span(cells)
            if site is not None and site.kind != Site.Kind.SCHOOL:
                cells.error(
                    "site",
                    _("Only a school has an extended-day window; %(site)s is a venue.")
                    % {"site": site.name},
                )
            if cells.invalid:
                continue
            if day in wanted[site.pk]:
                cells.error(
                    "weekday", _("%(site)s has two windows on this day.") % {"site": site.name}
                )
                continue
            wanted[site.pk][day] = (start, end)
        self.replace_sets(
            "windows", SiteWindow, "site", wanted,
            ((w.pk, w.site_id, w.weekday, (w.start, w.end))
             for w in SiteWindow.objects.filter(site__district=self.district)),
        )  # fmt: skip

    def _import_travel(self) -> None:
        sites = self.sites()
        existing = {
            (t.site_a_id, t.site_b_id): t for t in TravelTime.objects.filter(district=self.district)
        }
        batch, seen = _Batch(TravelTime, self.report.counts["travel"]), {}
        minutes_by_pair: dict = {}
        for cells in self.rows("travel"):
            a = self.lookup(cells, "from", sites, gettext_lazy("Site"), gettext_lazy("Scholen"))
            b = self.lookup(cells, "to", sites, gettext_lazy("Site"), gettext_lazy("Scholen"))
            minutes = cells.get("minutes", values.integer)
            if a is not None and a == b:
                cells.error("to", _("Travel goes between two different sites."))
            if cells.invalid:
                continue
            pair = (min(a.pk, b.pk), max(a.pk, b.pk))
            if pair in minutes_by_pair and minutes_by_pair[pair] == minutes:
                continue  # the same pair listed both ways, as a matrix does
            minutes_by_pair[pair] = minutes
            if self.once(seen, pair, cells, "to", f"{a.code} – {b.code}"):
                batch.put(
                    existing,
                    pair,
                    {
                        "district_id": self.district.pk,
                        "site_a_id": pair[0],
                        "site_b_id": pair[1],
                        "minutes": minutes,
                    },
                )
        batch.save()

    def _import_organisations(self) -> None:
        existing = {o.name.lower(): o for o in Organisation.objects.filter(district=self.district)}
        batch, seen = _Batch(Organisation, self.report.counts["organisations"]), {}
        for cells in self.rows("organisations"):
            name, kind = cells.get("name"), cells.get("kind")
            if cells.invalid or not self.once(seen, name.lower(), cells, "name", name):
                continue
            data = {
                "district_id": self.district.pk,
                "name": name,
                "kind": _organisation_kind(kind or name),
            }
            if kind in Organisation.Kind.values:
                data["kind"] = kind
            batch.put(existing, name.lower(), data)
        batch.save()

    def _import_rooms(self) -> None:
        sites = self.sites()
        kinds = self._by_code_or_name(RoomKind.objects.filter(district=self.district))
        existing = {
            (r.site_id, r.name.lower()): r
            for r in Room.objects.filter(site__district=self.district)
        }
        current = {"kinds": _m2m_sets(Room, "kinds", room__site__district=self.district)}
        batch, seen = _Batch(Room, self.report.counts["rooms"]), {}
        for cells in self.rows("rooms"):
            site = self.lookup(
                cells, "site", sites, gettext_lazy("School"), gettext_lazy("Scholen")
            )
            name, capacity = (
                cells.get("name"),
                cells.get("capacity", lambda v: values.integer(v, minimum=1)),
            )
            room_kinds = cells.get("kinds", values.items)
            if cells.invalid or not self.once(seen, (site.pk, name.lower()), cells, "name", name):
                continue
            ids = self.vocabulary(RoomKind, room_kinds, kinds, ROOM_KIND_NAMES)
            batch.put(
                existing,
                (site.pk, name.lower()),
                {"site_id": site.pk, "name": name, "capacity": capacity},
                {"kinds": ids},
                current,
            )
        batch.save()

    def _import_room_availability(self) -> None:
        sites = self.sites()
        rooms = {
            (r.site_id, r.name.lower()): r
            for r in Room.objects.filter(site__district=self.district)
        }
        wanted = defaultdict(dict)
        for cells in self.rows("room_availability"):
            site = self.lookup(
                cells, "site", sites, gettext_lazy("School"), gettext_lazy("Scholen")
            )
            name = cells.get("room")
            day, start, end = self.span(cells)
            room = rooms.get((site.pk, name.lower())) if site and name else None
            if site and name and room is None:
                cells.error(
                    "room",
                    _("Room “%(room)s” of %(site)s is not known; add it to the sheet Lokalen.")
                    % {"room": name, "site": site.name},
                )
            if not cells.invalid:
                wanted[room.pk][(day, start, end)] = ()
        self.replace_sets(
            "room_availability", RoomAvailability, "room", wanted,
            ((a.pk, a.room_id, (a.weekday, a.start, a.end), ())
             for a in RoomAvailability.objects.filter(room__site__district=self.district)),
        )  # fmt: skip

    def coaches_table(self) -> dict:
        table = {}
        for coach in Coach.objects.filter(district=self.district):
            if coach.email:
                table[coach.email.lower()] = coach
        for coach in Coach.objects.filter(district=self.district):
            table[coach.code.lower()] = coach
        return table

    def _import_coaches(self) -> None:
        district, sites = self.district, self.sites()
        organisations = {o.name.lower(): o for o in Organisation.objects.filter(district=district)}
        skills = self._by_code_or_name(Skill.objects.filter(district=district))
        existing = self.coaches_table()
        current = {
            "skills": _m2m_sets(Coach, "skills", coach__district=district),
            "allowed_sites": _m2m_sets(Coach, "allowed_sites", coach__district=district),
        }
        batch, seen = _Batch(Coach, self.report.counts["coaches"]), {}
        codes = {c.code.lower() for c in Coach.objects.filter(district=district)}
        for cells in self.rows("coaches"):
            code, email = self.code(cells), cells.get("email")
            if email is not None and not EMAIL_RE.match(email):
                cells.error("email", _("“%(value)s” is not an e-mail address.") % {"value": email})
            if code is None and email is None and not cells.invalid:
                cells.error(
                    "code",
                    _("Give the coach a code or an e-mail address, to recognise them next time."),
                )
            organisation = self.lookup(
                cells,
                "organisation",
                organisations,
                gettext_lazy("Organisation"),
                gettext_lazy("Organisaties"),
            )
            given, surname = cells.get("given_name"), cells.get("surname")
            per_day, per_week = (
                cells.get("max_day", values.integer),
                cells.get("max_week", values.integer),
            )
            allowed = [
                self.lookup_value(cells, "sites", s, sites, _("Site"))
                for s in (cells.get("sites", values.items) or [])
            ]
            skill_names = cells.get("skills", values.items) or []
            if cells.invalid:
                continue
            key = (code or email).lower()
            if not self.once(seen, key, cells, "code" if code else "email", code or email):
                continue
            coach = existing.get(key) or (existing.get(email.lower()) if email else None)
            if code is None:
                code = coach.code if coach else self.new_code(email, codes)
            existing[key] = coach if coach else existing.get(key)
            data = {
                "district_id": district.pk, "organisation_id": organisation.pk, "code": code,
                "given_name": given, "surname": surname, "email": email or (coach.email if coach else ""),
                "phone": cells.get("phone") or "", "max_minutes_per_day": per_day,
                "max_minutes_per_week": per_week,
            }  # fmt: skip
            m2m = {
                "skills": self.vocabulary(Skill, skill_names, skills),
                "allowed_sites": {s.pk for s in allowed},
            }
            batch.put(existing, key, data, m2m, current)
        batch.save()

    def lookup_value(self, cells, name, value, table, what):
        found = table.get(value.lower())
        if found is None:
            cells.error(
                name,
                _("%(what)s “%(value)s” is not known in %(district)s.")
                % {"what": what, "value": value, "district": self.district.name},
            )
        return found

    def new_code(self, email: str, codes: set) -> str:
        base = slugify(email.split("@")[0])[:36] or "coach"
        code, n = base, 1
        while code.lower() in codes:
            n += 1
            code = f"{base}-{n}"
        codes.add(code.lower())
        return code

    def _import_coach_availability(self) -> None:
        coaches, wanted = self.coaches_table(), defaultdict(dict)
        for cells in self.rows("coach_availability"):
            coach = self.lookup(
                cells, "coach", coaches, gettext_lazy("Coach"), gettext_lazy("Coaches")
            )
            day, start, end = self.span(cells)
            if not cells.invalid:
                wanted[coach.pk][(day, start, end)] = ()
        self.replace_sets(
            "coach_availability", CoachAvailability, "coach", wanted,
            ((a.pk, a.coach_id, (a.weekday, a.start, a.end), ())
             for a in CoachAvailability.objects.filter(coach__district=self.district)),
        )  # fmt: skip

    def grade_range(self, cells, name="grades"):
        return cells.get(name, values.grades)

    def _import_activities(self) -> None:
        district = self.district
        categories = self._by_code_or_name(Category.objects.filter(district=district))
        skills = self._by_code_or_name(Skill.objects.filter(district=district))
        kinds = self._by_code_or_name(RoomKind.objects.filter(district=district))
        existing = {a.code: a for a in Activity.objects.filter(district=district)}
        current = {"room_kinds": _m2m_sets(Activity, "room_kinds", activity__district=district)}
        batch, seen = _Batch(Activity, self.report.counts["activities"]), {}
        positive = lambda v: values.integer(v, minimum=1)  # noqa: E731
        for cells in self.rows("activities"):
            code, name = self.code(cells), cells.get("name")
            category = self.lookup(
                cells, "category", categories, gettext_lazy("Category"), gettext_lazy("Categorieën")
            )
            minutes = cells.get("minutes", positive)
            if minutes and minutes % district.slot_minutes:
                cells.error(
                    "minutes",
                    _("The length must be a multiple of %(slot)s minutes; %(minutes)s is not.")
                    % {"slot": district.slot_minutes, "minutes": minutes},
                )
            low, high = cells.get("min_group", positive), cells.get("max_group", positive)
            if low and high and high < low:
                cells.error(
                    "max_group",
                    _("The largest group (%(max)s) is smaller than the smallest (%(min)s).")
                    % {"max": high, "min": low},
                )
            grades = self.grade_range(cells)
            room_kinds = cells.get("room_kinds", values.items)
            skill = cells.get("skill")
            needed = cells.get("coaches_needed", positive) or 1
            per_week = cells.get("max_per_week", positive)
            if cells.invalid or not self.once(seen, code, cells, "code", code):
                continue
            data = {
                "district_id": district.pk, "code": code, "name": name, "category_id": category.pk,
                "minutes": minutes, "min_group": low, "max_group": high, "grade_min": grades[0],
                "grade_max": grades[1], "coaches_needed": needed, "max_per_week": per_week,
                "skill_id": min(self.vocabulary(Skill, [skill], skills)),
            }  # fmt: skip
            m2m = {"room_kinds": self.vocabulary(RoomKind, room_kinds, kinds, ROOM_KIND_NAMES)}
            batch.put(existing, code, data, m2m, current)
        batch.save()

    def _import_programmes(self) -> None:
        existing = {p.code: p for p in Programme.objects.filter(district=self.district)}
        batch, seen, rows = _Batch(Programme, self.report.counts["programmes"]), {}, {}
        for cells in self.rows("programmes"):
            code, grades = self.code(cells), self.grade_range(cells)
            total = cells.get("total_minutes", values.integer)
            per_day, preferred = (
                cells.get("max_day", values.integer),
                cells.get("preferred_day", values.integer),
            )
            if per_day is not None and preferred is not None and preferred > per_day:
                cells.error(
                    "preferred_day", _("The preferred minutes per day exceed the maximum per day.")
                )
            if cells.invalid or not self.once(seen, code, cells, "code", code):
                continue
            rows[code] = cells
            batch.put(existing, code, {
                "district_id": self.district.pk, "code": code, "name": cells.get("name") or _humanise(code),
                "grade_min": grades[0], "grade_max": grades[1], "total_minutes": total,
                "max_minutes_per_day": per_day, "preferred_minutes_per_day": preferred,
            })  # fmt: skip
        programmes = sorted(existing.values(), key=lambda p: (p.grade_min, p.code))
        for first, second in zip(programmes, programmes[1:], strict=False):
            if second.grade_min <= first.grade_max:
                cells = rows.get(second.code) or rows.get(first.code)
                if cells is not None:
                    cells.error(
                        "grades",
                        _(
                            "Grades %(lo)s-%(hi)s overlap programme %(other)s; a grade belongs to one programme."
                        )
                        % {"lo": second.grade_min, "hi": second.grade_max, "other": first.code},
                    )
                    self.report.counts["programmes"].invalid += 1
        batch.save()

    def _import_programme_minimums(self) -> None:
        programmes = {p.code.lower(): p for p in Programme.objects.filter(district=self.district)}
        categories = self._by_code_or_name(Category.objects.filter(district=self.district))
        wanted = defaultdict(dict)
        for cells in self.rows("programme_minimums"):
            programme = self.lookup(
                cells,
                "programme",
                programmes,
                gettext_lazy("Programme"),
                gettext_lazy("Programma's"),
            )
            category = self.lookup(
                cells, "category", categories, gettext_lazy("Category"), gettext_lazy("Categorieën")
            )
            minutes = cells.get("minutes", values.integer)
            if cells.invalid:
                continue
            if category.pk in wanted[programme.pk]:
                cells.error(
                    "category",
                    _("%(category)s appears twice for this programme.")
                    % {"category": category.code},
                )
                continue
            wanted[programme.pk][category.pk] = (minutes,)
        self.replace_sets(
            "programme_minimums", ProgrammeCategoryMinimum, "programme", wanted,
            ((m.pk, m.programme_id, m.category_id, (m.minutes,))
             for m in ProgrammeCategoryMinimum.objects.filter(programme__district=self.district)),
        )  # fmt: skip

    def _import_classes(self) -> None:
        sites = self.sites()
        existing = {
            (c.site_id, c.name.lower()): c
            for c in ClassGroup.objects.filter(site__district=self.district)
        }
        batch, seen = _Batch(ClassGroup, self.report.counts["classes"]), {}
        for cells in self.rows("classes"):
            site = self.lookup(
                cells, "site", sites, gettext_lazy("School"), gettext_lazy("Scholen")
            )
            name = cells.get("name")
            self.grade_range(cells)
            if site is not None and site.kind != Site.Kind.SCHOOL:
                cells.error(
                    "site",
                    _("Classes belong to a school; %(site)s is a venue.") % {"site": site.name},
                )
            if cells.invalid or not self.once(seen, (site.pk, name.lower()), cells, "name", name):
                continue
            batch.put(existing, (site.pk, name.lower()), {"site_id": site.pk, "name": name})
        batch.save()

    def pupils_table(self) -> dict:
        return {
            (school, number): pk
            for pk, school, number in Pupil.objects.filter(
                school__district=self.district
            ).values_list("pk", "school_id", "pupil_number")
        }

    def _import_pupils(self) -> None:
        district, sites = self.district, self.sites()
        classes = {
            (c.site_id, c.name.lower()): c
            for c in ClassGroup.objects.filter(site__district=district)
        }
        families = {f.code.lower(): f for f in Family.objects.filter(district=district)}
        activities = {a.code.lower(): a for a in Activity.objects.filter(district=district)}
        existing = {
            (p.school_id, p.pupil_number): p
            for p in Pupil.objects.filter(school__district=district)
        }
        current = {
            "required_activities": _m2m_sets(
                Pupil, "required_activities", pupil__school__district=district
            )
        }
        batch, seen = _Batch(Pupil, self.report.counts["pupils"]), {}
        for cells in self.rows("pupils"):
            site = self.lookup(
                cells, "site", sites, gettext_lazy("School"), gettext_lazy("Scholen")
            )
            number = cells.get("pupil_number")
            grade = cells.get("grade", values.grade)
            class_name = cells.get("class")
            group = classes.get((site.pk, class_name.lower())) if site and class_name else None
            if site and class_name and group is None:
                cells.error(
                    "class",
                    _(
                        "Class “%(value)s” of %(school)s is not known; add it to the sheet Klassen or correct it."
                    )
                    % {"value": class_name, "school": site.name},
                )
            birth = cells.get("birth_date", values.date)
            required = []
            for code in cells.get("required", values.items) or []:
                activity = activities.get(code.lower())
                if activity is None:
                    cells.error(
                        "required",
                        _(
                            "Activity “%(value)s” is not known in %(district)s; add it to the sheet Activiteiten or correct it."
                        )
                        % {"value": code, "district": district.name},
                    )
                required.append(activity)
            data = {
                "given_name": cells.get("given_name"),
                "surname_prefix": cells.get("surname_prefix") or "",
                "surname": cells.get("surname"),
            }
            family_code = self.code(cells, "family")
            if cells.invalid or site is None:
                continue
            if not self.once(
                seen,
                (site.pk, number),
                cells,
                "pupil_number",
                _("Pupil number %(number)s of %(school)s")
                % {"number": number, "school": site.name},
            ):
                continue
            family = None
            if family_code:
                family = families.get(family_code.lower())
                if family is None:
                    family = Family.objects.create(district=district, code=family_code)
                    families[family_code.lower()] = family
            data.update(
                class_group_id=group.pk, school_id=site.pk, grade=grade, pupil_number=number,
                birth_date=birth, family_id=family.pk if family else None,
            )  # fmt: skip
            batch.put(
                existing,
                (site.pk, number),
                data,
                {"required_activities": {a.pk for a in required}},
                current,
            )
        batch.save()

    def pupil_rows(self, key: str):
        sites, pupils = self.sites(), self.pupils_table()
        for cells in self.rows(key):
            site = self.lookup(
                cells, "site", sites, gettext_lazy("School"), gettext_lazy("Scholen")
            )
            number = cells.get("pupil_number")
            pupil = pupils.get((site.pk, number)) if site and number else None
            if site and number and pupil is None:
                cells.error(
                    "pupil_number",
                    _(
                        "Pupil number %(number)s of %(school)s is not known; add the pupil to the sheet Leerlingen."
                    )
                    % {"number": number, "school": site.name},
                )
            yield cells, pupil

    def _import_preferences(self) -> None:
        categories = self._by_code_or_name(Category.objects.filter(district=self.district))
        activities = {a.code.lower(): a for a in Activity.objects.filter(district=self.district)}
        wanted = defaultdict(dict)
        taken = defaultdict(set)
        for cells, pupil in self.pupil_rows("preferences"):
            category = self.lookup(
                cells, "category", categories, gettext_lazy("Category"), gettext_lazy("Categorieën")
            )
            rank = cells.get("rank", lambda v: values.integer(v, minimum=1))
            activity = self.lookup(
                cells,
                "activity",
                activities,
                gettext_lazy("Activity"),
                gettext_lazy("Activiteiten"),
            )
            if category and activity and activity.category_id != category.pk:
                cells.error(
                    "activity",
                    _("%(activity)s is not in category %(category)s.")
                    % {"activity": activity.code, "category": category.code},
                )
            if cells.invalid:
                continue
            if (category.pk, rank) in wanted[pupil] or activity.pk in taken[pupil]:
                cells.error("rank", _("This pupil has this choice or this rank twice."))
                continue
            taken[pupil].add(activity.pk)
            wanted[pupil][(category.pk, rank)] = (activity.pk,)
        self.replace_sets(
            "preferences", PupilPreference, "pupil", wanted,
            ((p.pk, p.pupil_id, (p.category_id, p.rank), (p.activity_id,))
             for p in PupilPreference.objects.filter(pupil__school__district=self.district)),
        )  # fmt: skip

    def _import_pupil_unavailability(self) -> None:
        wanted = defaultdict(dict)
        for cells, pupil in self.pupil_rows("pupil_unavailability"):
            day, start, end = self.span(cells)
            if not cells.invalid:
                wanted[pupil][(day, start, end)] = ()
        self.replace_sets(
            "pupil_unavailability", PupilUnavailability, "pupil", wanted,
            ((a.pk, a.pupil_id, (a.weekday, a.start, a.end), ())
             for a in PupilUnavailability.objects.filter(pupil__school__district=self.district)),
        )  # fmt: skip


# The fields of each multi-row kind: its key fields, then its data fields.
ROW_FIELDS = {
    SiteWindow: (("weekday",), ("start", "end")),
    RoomAvailability: (("weekday", "start", "end"), ()),
    CoachAvailability: (("weekday", "start", "end"), ()),
    PupilUnavailability: (("weekday", "start", "end"), ()),
    ProgrammeCategoryMinimum: (("category_id",), ("minutes",)),
    PupilPreference: (("category_id", "rank"), ("activity_id",)),
}


def row_key_fields(model, row_key, data):
    keys, fields = ROW_FIELDS[model]
    row_key = row_key if isinstance(row_key, tuple) else (row_key,)
    return (*keys, *fields), (*row_key, *data)
