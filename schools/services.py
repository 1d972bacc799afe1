"""Writes to the master data: one ``<entity>_<action>`` function per change, keyword-only.

Reads live in :mod:`schools.selectors`.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from schools.models import (
    WEEKDAY_ORDER,
    Activity,
    Category,
    ClassGroup,
    Coach,
    CoachAvailability,
    District,
    Family,
    Membership,
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
)
from schools.names import NameMaker, ascii_slug, school_year_start

# -- roles ------------------------------------------------------------------

ROLE_GROUPS = {
    Membership.Role.COORDINATOR: "Coordinator",
    Membership.Role.PRINCIPAL: "Principal",
    Membership.Role.COACH: "Coach",
}


def role_groups_ensure() -> dict[str, Group]:
    """Creates the groups Coordinator, Principal and Coach; coordinators may edit master data."""
    groups = {role: Group.objects.get_or_create(name=name)[0] for role, name in ROLE_GROUPS.items()}
    groups[Membership.Role.COORDINATOR].permissions.add(
        *Permission.objects.filter(content_type__app_label="schools")
    )
    return groups


def membership_grant(
    *, user, role: str, district: District, site: Site | None = None
) -> Membership:
    """Gives ``user`` a role in a district (a principal: at one school) and its group."""
    membership = Membership(user=user, role=role, district=district, site=site)
    membership.full_clean(validate_unique=False, validate_constraints=False)
    membership, _created = Membership.objects.get_or_create(
        user=user, role=role, district=district, site=site
    )
    user.groups.add(role_groups_ensure()[role])
    return membership


# -- sites ------------------------------------------------------------------


def site_delete(*, site: Site) -> None:
    """Deletes a site that nothing uses any more; otherwise says what still uses it."""
    rooms, classes = site.rooms.count(), site.class_groups.count()
    if rooms or classes:
        raise ValidationError(
            _(
                "%(site)s cannot be deleted: it still has %(rooms)s room(s) and %(classes)s "
                "class(es). Move or delete those first."
            )
            % {"site": site.name, "rooms": rooms, "classes": classes}
        )
    try:
        site.delete()
    except ProtectedError as error:
        raise ValidationError(
            _("%(site)s cannot be deleted: %(count)s record(s) still refer to it.")
            % {"site": site.name, "count": len(error.protected_objects)}
        ) from error


def travel_time_set(*, site_a: Site, site_b: Site, minutes: int) -> TravelTime:
    """Records the minutes between two sites of one district (the same both ways)."""
    if site_a.pk > site_b.pk:
        site_a, site_b = site_b, site_a
    travel = TravelTime.objects.filter(site_a=site_a, site_b=site_b).first() or TravelTime(
        district_id=site_a.district_id, site_a=site_a, site_b=site_b
    )
    travel.minutes = minutes
    travel.full_clean()
    travel.save()
    return travel


# -- districts --------------------------------------------------------------


@transaction.atomic
def district_delete(*, district: District) -> None:
    """Deletes a district with all its master data, leaves first (protections stay for others)."""
    in_district = {
        Pupil: {"school__district": district},
        Family: {"district": district},
        ClassGroup: {"site__district": district},
        Coach: {"district": district},
        Organisation: {"district": district},
        Programme: {"district": district},
        Activity: {"district": district},
        Room: {"site__district": district},
        TravelTime: {"district": district},
        Site: {"district": district},
        Category: {"district": district},
        Skill: {"district": district},
        RoomKind: {"district": district},
    }
    Membership.objects.filter(district=district).delete()
    PupilPreference.objects.filter(pupil__school__district=district).delete()
    for model, lookup in in_district.items():
        model.objects.filter(**lookup).delete()
    district.delete()


# -- loading an instance (the demo) -----------------------------------------

CATEGORY_COLOURS = [
    "#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2",
    "#eeca3b", "#b279a2", "#ff9da6", "#9d755d", "#bab0ac",
]  # fmt: skip
ROOM_KIND_NAMES = {
    "classroom": "Lokaal",
    "gym": "Gymzaal",
    "sports_hall": "Sporthal",
    "music": "Muzieklokaal",
    "art": "Handvaardigheidslokaal",
    "drama": "Dramalokaal",
    "playroom": "Speellokaal",
    "aula": "Aula",
    "techniek": "Techniekruimte",
    "dance": "Danszaal",
    "kitchen": "Keuken",
    "library": "Bibliotheek",
    "computer": "Computerlokaal",
    "outdoor": "Schoolplein",
    "field": "Sportveld",
    "pool": "Zwembad",
}
# First match wins: "Kunstwerkplaats" is culture, "Huiswerkhulp" tutoring.
ORGANISATION_KEYWORDS = [
    (Organisation.Kind.LIBRARY, ("bibliotheek", "bieb", "library")),
    (Organisation.Kind.TUTORING_AGENCY, ("huiswerk", "bijles", "tutor", "leer", "taal", "reken")),
    (
        Organisation.Kind.CULTURE,
        ("cultuur", "theater", "dans", "kunst", "atelier", "museum", "film", "circus", "creatief"),
    ),
    (
        Organisation.Kind.CAREER,
        ("loopbaan", "beroep", "career", "techniek", "talent", "toekomst"),
    ),
    (Organisation.Kind.MUSIC_SCHOOL, ("muziek", "music")),
    (
        Organisation.Kind.SPORTS_CLUB,
        (
            "sport",
            "voetbal",
            "judo",
            "budo",
            "zwem",
            "basket",
            "turn",
            "hockey",
            "vv ",
            "fc ",
            "club",
        ),
    ),
]
PUPIL_NUMBER_START = 1000


@transaction.atomic
def district_load_from_instance(
    *,
    instance: dict[str, Any],
    code: str,
    name: str,
    seed: int | str | None = None,
    today: datetime.date | None = None,
) -> District:
    """Creates a whole district from a PROBLEM.md instance, in one transaction.

    The instance's ids become codes where a model has codes (sites, categories,
    activities, programmes, coaches, families, skills, room kinds). Pupils and
    coaches get fictional names, e-mails, pupil numbers and birth dates drawn
    from ``seed`` (default: the district code), so a reload gives the same people.
    Sites, rooms, classes, activities and organisations keep the instance's names.
    """
    if District.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A district with code %(code)s exists.") % {"code": code}})
    names = NameMaker(seed if seed is not None else code)
    return _InstanceLoader(instance, names, school_year_start(today or datetime.date.today())).load(
        code=code, name=name
    )


def _clock(text: str) -> datetime.time:
    if text == "24:00":
        raise ValidationError(_("A time of 24:00 cannot be stored; end the day at 23:45."))
    hours, minutes = text.split(":")
    return datetime.time(int(hours), int(minutes))


def _humanise(code: str) -> str:
    text = code.replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


def _organisation_kind(name: str) -> str:
    lowered = f"{name.lower()} "
    for kind, words in ORGANISATION_KEYWORDS:
        if any(word in lowered for word in words):
            return kind
    return Organisation.Kind.OTHER


def _unique_names(names: list[str]) -> list[str]:
    """The names, with " (2)", " (3)"... added to repeats."""
    seen: Counter[str] = Counter()
    unique = []
    for name in names:
        seen[name] += 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return unique


class _InstanceLoader:
    """Creates the rows of one instance with bulk inserts, section by section."""

    def __init__(self, data: dict[str, Any], names: NameMaker, school_year: datetime.date):
        self.data = data
        self.names = names
        self.school_year = school_year

    def load(self, *, code: str, name: str) -> District:
        data = self.data
        weights = data.get("weights") or {}
        self.district = District.objects.create(
            code=code,
            name=name,
            days=sorted(data.get("days", []), key=WEEKDAY_ORDER.__getitem__),
            slot_minutes=data.get("slot_minutes", 15),
            max_pupil_travel_minutes=data.get("max_pupil_travel_minutes", 0),
            **{field: weights.get(term, 0) for term, field in District.WEIGHT_FIELDS.items()},
        )
        self.load_vocabulary()
        self.load_sites()
        self.load_rooms()
        self.load_coaches()
        self.load_activities()
        self.load_programmes()
        self.load_classes()
        self.load_pupils()
        return self.district

    def spans(self, model, owner_field: str, owner_id: int, by_day: dict[str, list]) -> list:
        return [
            model(**{owner_field: owner_id}, weekday=day, start=_clock(a), end=_clock(b))
            for day, intervals in by_day.items()
            for a, b in intervals
        ]

    def load_vocabulary(self) -> None:
        data, district = self.data, self.district
        categories = Category.objects.bulk_create(
            Category(
                district=district,
                code=c["id"],
                name=c["name"],
                colour=CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)],
            )
            for i, c in enumerate(data.get("categories", []))
        )
        self.categories = {c.code: c for c in categories}

        activity_names = defaultdict(list)
        for activity in data.get("activities", []):
            activity_names[activity["skill"]].append(activity["name"])
        skill_codes = list(
            dict.fromkeys(
                [s for coach in data.get("coaches", []) for s in coach.get("skills", [])]
                + [a["skill"] for a in data.get("activities", [])]
            )
        )
        skills = Skill.objects.bulk_create(
            Skill(
                district=district,
                code=skill,
                name=activity_names[skill][0]
                if len(activity_names[skill]) == 1
                else _humanise(skill),
            )
            for skill in skill_codes
        )
        self.skills = {s.code: s for s in skills}

        kind_codes = list(
            dict.fromkeys(
                [k for room in data.get("rooms", []) for k in room.get("kinds", [])]
                + [k for a in data.get("activities", []) for k in a.get("room_kinds", [])]
            )
        )
        kinds = RoomKind.objects.bulk_create(
            RoomKind(district=district, code=kind, name=ROOM_KIND_NAMES.get(kind, _humanise(kind)))
            for kind in kind_codes
        )
        self.room_kinds = {k.code: k for k in kinds}

    def load_sites(self) -> None:
        data, district = self.data, self.district
        sites = Site.objects.bulk_create(
            Site(district=district, code=s["id"], name=s["name"], kind=s.get("kind", "school"))
            for s in data.get("sites", [])
        )
        self.sites = {s.code: s for s in sites}
        SiteWindow.objects.bulk_create(
            SiteWindow(site=self.sites[s["id"]], weekday=day, start=_clock(a), end=_clock(b))
            for s in data.get("sites", [])
            for day, (a, b) in (s.get("window") or {}).items()
        )
        pairs: dict[tuple[int, int], int] = {}
        for entry in data.get("travel_minutes", []):
            a, b = self.sites[entry["from"]].pk, self.sites[entry["to"]].pk
            pairs[(min(a, b), max(a, b))] = entry["minutes"]
        TravelTime.objects.bulk_create(
            TravelTime(district=district, site_a_id=a, site_b_id=b, minutes=minutes)
            for (a, b), minutes in pairs.items()
        )

    def load_rooms(self) -> None:
        raw = self.data.get("rooms", [])
        by_site = defaultdict(list)
        for index, room in enumerate(raw):
            by_site[room["site"]].append(index)
        names = [room["name"] for room in raw]
        for indexes in by_site.values():
            for index, unique in zip(
                indexes, _unique_names([names[i] for i in indexes]), strict=True
            ):
                names[index] = unique
        rooms = Room.objects.bulk_create(
            Room(site=self.sites[r["site"]], name=names[i], capacity=r["capacity"])
            for i, r in enumerate(raw)
        )
        self.rooms = {r["id"]: room for r, room in zip(raw, rooms, strict=True)}
        Room.kinds.through.objects.bulk_create(
            Room.kinds.through(room_id=self.rooms[r["id"]].pk, roomkind_id=self.room_kinds[k].pk)
            for r in raw
            for k in dict.fromkeys(r.get("kinds", []))
        )
        RoomAvailability.objects.bulk_create(
            span
            for r in raw
            if r.get("available")
            for span in self.spans(
                RoomAvailability, "room_id", self.rooms[r["id"]].pk, r["available"]
            )
        )

    def load_coaches(self) -> None:
        raw, district, names = self.data.get("coaches", []), self.district, self.names
        organisation_names = list(dict.fromkeys(c.get("organisation") or "—" for c in raw))
        organisations = Organisation.objects.bulk_create(
            Organisation(district=district, name=o, kind=_organisation_kind(o))
            for o in organisation_names
        )
        by_name = {o.name: o for o in organisations}
        coaches = []
        for c in raw:
            organisation = by_name[c.get("organisation") or "—"]
            person = names.person()
            surname = " ".join(p for p in (person.surname_prefix, person.surname) if p)
            domain = ascii_slug(slugify(organisation.name)).replace("-", "") or "partner"
            coaches.append(
                Coach(
                    district=district,
                    organisation=organisation,
                    code=c["id"],
                    given_name=person.given_name,
                    surname=surname,
                    email=f"{ascii_slug(person.given_name)}.{ascii_slug(surname)}@{domain}.example",
                    phone=names.phone(),
                    max_minutes_per_day=c["max_minutes_per_day"],
                    max_minutes_per_week=c["max_minutes_per_week"],
                )
            )
        coaches = Coach.objects.bulk_create(coaches)
        self.coaches = {c.code: c for c in coaches}
        Coach.skills.through.objects.bulk_create(
            Coach.skills.through(coach_id=self.coaches[c["id"]].pk, skill_id=self.skills[s].pk)
            for c in raw
            for s in dict.fromkeys(c.get("skills", []))
        )
        Coach.allowed_sites.through.objects.bulk_create(
            Coach.allowed_sites.through(coach_id=self.coaches[c["id"]].pk, site_id=self.sites[s].pk)
            for c in raw
            for s in dict.fromkeys(c.get("sites") or [])
        )
        CoachAvailability.objects.bulk_create(
            span
            for c in raw
            for span in self.spans(
                CoachAvailability, "coach_id", self.coaches[c["id"]].pk, c.get("available", {})
            )
        )

    def load_activities(self) -> None:
        raw = self.data.get("activities", [])
        activities = Activity.objects.bulk_create(
            Activity(
                district=self.district,
                code=a["id"],
                name=a["name"],
                category=self.categories[a["category"]],
                minutes=a["minutes"],
                min_group=a["min_group"],
                max_group=a["max_group"],
                grade_min=a["grades"][0],
                grade_max=a["grades"][1],
                skill=self.skills[a["skill"]],
                coaches_needed=a.get("coaches", 1),
                max_per_week=a.get("max_per_week"),
            )
            for a in raw
        )
        self.activities = {a.code: a for a in activities}
        Activity.room_kinds.through.objects.bulk_create(
            Activity.room_kinds.through(
                activity_id=self.activities[a["id"]].pk, roomkind_id=self.room_kinds[k].pk
            )
            for a in raw
            for k in dict.fromkeys(a.get("room_kinds", []))
        )

    def load_programmes(self) -> None:
        raw = self.data.get("programmes", [])
        programmes = Programme.objects.bulk_create(
            Programme(
                district=self.district,
                code=p["id"],
                name=_humanise(p["id"]),
                grade_min=p["grades"][0],
                grade_max=p["grades"][1],
                total_minutes=p["total_minutes"],
                max_minutes_per_day=p["max_minutes_per_day"],
                preferred_minutes_per_day=p["preferred_minutes_per_day"],
            )
            for p in raw
        )
        ProgrammeCategoryMinimum.objects.bulk_create(
            ProgrammeCategoryMinimum(
                programme=programme, category=self.categories[category], minutes=minutes
            )
            for p, programme in zip(raw, programmes, strict=True)
            for category, minutes in (p.get("category_minutes") or {}).items()
        )

    def load_classes(self) -> None:
        raw = self.data.get("classes", [])
        classes = ClassGroup.objects.bulk_create(
            ClassGroup(site=self.sites[c["site"]], name=c["name"]) for c in raw
        )
        self.classes = {c["id"]: group for c, group in zip(raw, classes, strict=True)}

    def load_pupils(self) -> None:
        raw, names = self.data.get("pupils", []), self.names
        families = Family.objects.bulk_create(
            Family(district=self.district, code=code)
            for code in dict.fromkeys(p["family"] for p in raw if p.get("family"))
        )
        self.families = {f.code: f for f in families}
        family_names = {code: names.family_name() for code in self.families}
        numbers: dict[int, int] = {}
        pupils = []
        for p in raw:
            group = self.classes[p["class"]]
            school_id = group.site_id
            numbers[school_id] = numbers.get(school_id, PUPIL_NUMBER_START) + names.random.randint(
                1, 3
            )
            family = p.get("family")
            person = names.person(family_names[family] if family else None)
            pupils.append(
                Pupil(
                    class_group=group,
                    school_id=school_id,
                    grade=p["grade"],
                    pupil_number=str(numbers[school_id]),
                    given_name=person.given_name,
                    surname_prefix=person.surname_prefix,
                    surname=person.surname,
                    birth_date=names.birth_date(
                        grade=p["grade"], school_year_start=self.school_year
                    ),
                    family=self.families[family] if family else None,
                )
            )
        pupils = Pupil.objects.bulk_create(pupils, batch_size=2000)
        by_id = {p["id"]: pupil.pk for p, pupil in zip(raw, pupils, strict=True)}
        Pupil.required_activities.through.objects.bulk_create(
            (
                Pupil.required_activities.through(
                    pupil_id=by_id[p["id"]], activity_id=self.activities[a].pk
                )
                for p in raw
                for a in dict.fromkeys(p.get("required") or [])
            ),
            batch_size=2000,
        )
        PupilPreference.objects.bulk_create(
            (
                PupilPreference(
                    pupil_id=by_id[p["id"]],
                    category_id=self.categories[category].pk,
                    activity_id=self.activities[activity].pk,
                    rank=rank,
                )
                for p in raw
                for category, ranked in (p.get("preferences") or {}).items()
                for rank, activity in enumerate(ranked, start=1)
            ),
            batch_size=2000,
        )
        PupilUnavailability.objects.bulk_create(
            (
                span
                for p in raw
                if p.get("unavailable")
                for span in self.spans(
                    PupilUnavailability, "pupil_id", by_id[p["id"]], p["unavailable"]
                )
            ),
            batch_size=2000,
        )


# -- demo users -------------------------------------------------------------

DEMO_PASSWORD = "demo-zuid-2025"  # noqa: S105 - published in the README, demo only


def demo_users_ensure(*, district: District, password: str = DEMO_PASSWORD) -> list[dict[str, str]]:
    """Creates (or resets) the demo logins: a coordinator, a principal and a coach.

    The principal gets the first school of the district, the coach account is
    linked to the district's first coach. Returns what to print.
    """
    User = get_user_model()  # noqa: N806
    school = Site.objects.filter(district=district, kind=Site.Kind.SCHOOL).order_by("code").first()
    coach = Coach.objects.filter(district=district).order_by("code").first()
    people = [
        ("coordinator", Membership.Role.COORDINATOR, None, ("Noor", "Benali"), True),
        ("directeur", Membership.Role.PRINCIPAL, school, ("Marieke", "van den Berg"), False),
        ("coach", Membership.Role.COACH, None, None, False),
    ]
    logins = []
    for username, role, site, full_name, staff in people:
        if role == Membership.Role.PRINCIPAL and site is None:
            continue
        if role == Membership.Role.COACH and coach is None:
            continue
        given, surname = full_name or (coach.given_name, coach.surname)
        user, _created = User.objects.get_or_create(username=username)
        user.first_name, user.last_name = given, surname
        user.email = coach.email if role == Membership.Role.COACH else f"{username}@example.org"
        user.is_staff = user.is_superuser = staff
        user.set_password(password)
        user.save()
        membership_grant(user=user, role=role, district=district, site=site)
        if role == Membership.Role.COACH:
            Coach.objects.filter(user=user).exclude(pk=coach.pk).update(user=None)
            coach.user = user
            coach.save(update_fields=["user"])
        where = site.name if site else district.name
        logins.append(
            {
                "username": username,
                "password": password,
                "role": str(Membership.Role(role).label),
                "where": where if role != Membership.Role.COACH else f"{coach.full_name}, {where}",
            }
        )
    return logins
