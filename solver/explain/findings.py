"""Findings and suggestions, and how they read in Dutch and in English.

A ``Finding`` holds numbers (pupil-minutes short, what was needed, what the
resource can give at most) and the names a coordinator knows (schools, rooms,
activities, days); ``text(language)`` turns them into one paragraph. Pupil ids
appear only in the findings that are about one pupil (ids are pseudonymous).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from solver.instance import Instance
from solver.times import format_time

LANGUAGES = ("nl", "en")

DAY_NAMES = {
    "nl": {
        "mon": "ma",
        "tue": "di",
        "wed": "wo",
        "thu": "do",
        "fri": "vr",
        "sat": "za",
        "sun": "zo",
    },
    "en": {
        "mon": "Mon",
        "tue": "Tue",
        "wed": "Wed",
        "thu": "Thu",
        "fri": "Fri",
        "sat": "Sat",
        "sun": "Sun",
    },
}

ROOM_KIND_NAMES = {
    "nl": {
        "gym": "gymzaal",
        "field": "sportveld",
        "playroom": "speellokaal",
        "music": "muzieklokaal",
        "aula": "aula",
        "classroom": "lokaal",
        "art": "atelier",
        "library": "bibliotheek",
        "dance": "danszaal",
        "techniek": "technieklokaal",
    },
    "en": {
        "gym": "gym",
        "field": "sports field",
        "playroom": "playroom",
        "music": "music room",
        "aula": "hall",
        "classroom": "classroom",
        "art": "art room",
        "library": "library",
        "dance": "dance studio",
        "techniek": "technology room",
    },
}


def hours(minutes: float, language: str = "nl") -> str:
    """Pupil-minutes as hours: whole hours from 10 up, one decimal below."""
    value = minutes / 60
    if value >= 10 or value == int(value):
        return str(round(value))
    text = f"{value:.1f}"
    return text.replace(".", ",") if language == "nl" else text


def day_list(days: tuple[str, ...] | list[str], language: str = "nl") -> str:
    names = [DAY_NAMES[language].get(d, d) for d in days]
    if not names:
        return "-"
    if len(names) == 1:
        return names[0]
    joiner = " en " if language == "nl" else " and "
    return ", ".join(names[:-1]) + joiner + names[-1]


def name_list(names: list[str], language: str = "nl") -> str:
    names = list(dict.fromkeys(names))
    if len(names) <= 1:
        return "".join(names)
    joiner = " en " if language == "nl" else " and "
    return ", ".join(names[:-1]) + joiner + names[-1]


def span_text(day: str, start: int, end: int, language: str) -> str:
    return f"{DAY_NAMES[language].get(day, day)} {format_time(start)}–{format_time(end)}"


@dataclass
class Suggestion:
    """A concrete change that a coordinator can check, and what it would recover.

    ``recovers`` is measured, not guessed: the change applied to a copy of the
    instance and the capacity analysis run again (pupil-minutes)."""

    # extra_room | open_room | extra_coach | extend_window | check_unavailable | lower_min_group
    # (capacity: measured by re-running it); group_at | swap (after solving: the pupil-minutes
    # the change gives those pupils by the deficit formula, counted only where a room, the
    # coaches and a group are free for it in the timetable)
    kind: str
    params: dict[str, Any]
    recovers: int = 0
    # the change as data (``solver.explain.capacity`` edits): stored, shown, tried as a what-if
    edit: dict[str, Any] | None = None
    change: Callable[[Instance], Instance] | None = field(default=None, repr=False, compare=False)

    def apply(self, instance: Instance) -> Instance:
        """A copy of ``instance`` with the change made (the original is untouched)."""
        if self.change is None:
            return instance
        return self.change(instance)

    def text(self, language: str = "nl") -> str:
        p = self.params
        nl = language == "nl"
        if self.kind == "extra_room":
            kind = ROOM_KIND_NAMES[language].get(p["room_kind"], p["room_kind"])
            when = span_text(p["day"], p["start"], p["end"], language)
            if nl:
                return f"een extra {kind} ({p['capacity']} plaatsen) op {when} bij {p['site']}"
            return f"an extra {kind} ({p['capacity']} places) on {when} at {p['site']}"
        if self.kind == "open_room":
            when = span_text(p["day"], p["start"], p["end"], language)
            if nl:
                return f"{p['room']} van {p['site']} ook op {when} openstellen"
            return f"opening {p['room']} at {p['site']} also on {when}"
        if self.kind == "extra_coach":
            when = span_text(p["day"], p["start"], p["end"], language)
            if nl:
                return f"een extra coach voor {p['activity']} op {when} bij {p['site']}"
            return f"an extra coach for {p['activity']} on {when} at {p['site']}"
        if self.kind == "extend_window":
            day = DAY_NAMES[language].get(p["day"], p["day"])
            if nl:
                return f"het venster van {p['site']} op {day} verlengen tot {format_time(p['end'])}"
            return f"extending the window of {p['site']} on {day} until {format_time(p['end'])}"
        if self.kind == "check_unavailable":
            if nl:
                return f"de afwezigheden van de {p['pupils']} leerlingen nakijken"
            return f"reviewing the unavailability of those {p['pupils']} pupils"
        if self.kind == "group_at":
            when = span_text(p["day"], p["start"], p["end"], language)
            where = _where(p)
            if nl:
                return (
                    f"{p['activity']} op {when}{where} met "
                    f"{_n(p['size'], 'deelnemer', 'deelnemers')} laten doorgaan"
                )
            return (
                f"letting {p['activity']} run on {when}{where} with "
                f"{_n(p['size'], 'participant', 'participants')}"
            )
        if self.kind == "swap":
            if nl:
                return (
                    f"bij {p['pupils']} van hen {p['drop']} ({p['drop_minutes']} min) ruilen "
                    f"voor {p['add']} ({p['add_minutes']} min)"
                )
            return (
                f"swapping {p['drop']} ({p['drop_minutes']} min) for {p['add']} "
                f"({p['add_minutes']} min) for {p['pupils']} of them"
            )
        if self.kind == "lower_min_group":
            if nl:
                return f"{p['activity']} ook met {p['size']} deelnemers laten doorgaan"
            return f"letting {p['activity']} run with {p['size']} participants"
        return self.kind


@dataclass
class Finding:
    """One thing that is short, with numbers, and what would fix it."""

    phase: str  # capacity (proved before solving) | unmet (after) | pins | required
    # room | coach | window | pupil_unavailable | group_minimum | pin_conflict | required |
    # solver | week_full
    kind: str
    short: int  # pupil-minutes a week
    school: str | None = None
    school_name: str = ""
    category: str | None = None
    category_name: str = ""
    days: tuple[str, ...] = ()
    need: int = 0
    supply: int = 0
    pupils: int = 0
    classes: int = 0
    resources: tuple[str, ...] = ()  # names of rooms, activities or pins
    suggestion: Suggestion | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def hours(self) -> float:
        return self.short / 60

    def to_dict(self, language: str = "nl") -> dict[str, Any]:
        data = {
            "phase": self.phase,
            "kind": self.kind,
            "short_minutes": self.short,
            "school": self.school,
            "category": self.category,
            "days": list(self.days),
            "need": self.need,
            "supply": self.supply,
            "pupils": self.pupils,
            "text": self.text(language),
        }
        if self.suggestion is not None:
            data["suggestion"] = {
                "kind": self.suggestion.kind,
                "recovers_minutes": self.suggestion.recovers,
                "text": self.suggestion.text(language),
                "edit": self.suggestion.edit,
            }
        return data

    def text(self, language: str = "nl") -> str:
        if language not in LANGUAGES:
            raise ValueError(f'unknown language "{language}" (use nl or en)')
        body = _BODY[self.kind](self, language)
        if self.suggestion is not None and self.suggestion.recovers > 0:
            s = self.suggestion
            if language == "nl":
                body += (
                    f" {_capital(s.text(language))} dekt {hours(s.recovers, language)} "
                    f"van die {hours(self.short, language)} uur."
                )
            else:
                body += (
                    f" {_capital(s.text(language))} would recover {hours(s.recovers, language)} "
                    f"of those {hours(self.short, language)} hours."
                )
        return body


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _where(d: dict) -> str:
    """ " in Aula", or " in Aula (OBS De Horizon)" when the room is at another site."""
    if not d.get("room"):
        return ""
    return f" in {d['room']} ({d['site_name']})" if d.get("site_name") else f" in {d['room']}"


def _is(count: int, language: str) -> str:
    if language == "nl":
        return "is" if count == 1 else "zijn"
    return "is" if count == 1 else "are"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _who(f: Finding, language: str) -> str:
    if f.school_name:
        return f.school_name
    return "Het district" if language == "nl" else "The district"


def _cat(f: Finding, language: str) -> str:
    return (f.category_name or f.category or "").lower()


def _short_lead(f: Finding, language: str) -> str:
    h = hours(f.short, language)
    cat = _cat(f, language)
    if language == "nl":
        lead = f"{_who(f, language)} mist {h} uur {cat + ' ' if cat else ''}per week"
    else:
        lead = f"{_who(f, language)} is {h} hours {'of ' + cat + ' ' if cat else ''}a week short"
    if f.phase == "unmet" and f.pupils:
        if language == "nl":
            lead += (
                f" ({_n(f.pupils, 'leerling', 'leerlingen')}, {_n(f.classes, 'klas', 'klassen')})"
            )
        else:
            lead += f" ({_n(f.pupils, 'pupil', 'pupils')}, {_n(f.classes, 'class', 'classes')})"
    return lead


def _room_body(f: Finding, language: str) -> str:
    rooms = name_list(list(f.resources), language)
    days = day_list(f.days, language)
    if f.phase == "unmet":
        if language == "nl":
            return f"{_short_lead(f, language)}: {rooms or 'geen geschikte ruimte'} is vol ({days}) op de tijden die nog vrij zijn."
        return f"{_short_lead(f, language)}: {rooms or 'no suitable room'} is full ({days}) at the times still free."
    if not rooms:
        if language == "nl":
            return f"{_short_lead(f, language)}: er is binnen bereik geen ruimte voor {_cat(f, language)}."
        return f"{_short_lead(f, language)}: no room for {_cat(f, language)} is within reach."
    if language == "nl":
        return (
            f"{_short_lead(f, language)}: {rooms} ({days}) biedt binnen het venster hoogstens "
            f"{hours(f.supply, language)} van de {hours(f.need, language)} uur die de "
            f"{f.pupils} leerlingen nodig hebben; {rooms} is dan helemaal vol."
        )
    return (
        f"{_short_lead(f, language)}: {rooms} ({days}) holds at most "
        f"{hours(f.supply, language)} of the {hours(f.need, language)} pupil-hours its "
        f"{f.pupils} pupils need within the window; {rooms} is then completely full."
    )


def _coach_body(f: Finding, language: str) -> str:
    acts = name_list(list(f.resources), language)
    days = day_list(f.days, language)
    if f.phase == "unmet":
        if language == "nl":
            return f"{_short_lead(f, language)}: op de vrije tijden ({days}) is geen coach voor {acts} meer beschikbaar."
        return f"{_short_lead(f, language)}: at the free times ({days}) no coach for {acts} is available."
    when = f" ({days})" if f.days else ""
    if language == "nl":
        return (
            f"{_short_lead(f, language)}: de coaches voor {acts} kunnen binnen het venster"
            f"{when} samen hoogstens {hours(f.supply, language)} van de "
            f"{hours(f.need, language)} uur geven."
        )
    return (
        f"{_short_lead(f, language)}: the coaches for {acts} can give at most "
        f"{hours(f.supply, language)} of the {hours(f.need, language)} pupil-hours "
        f"within the window{when}."
    )


def _window_body(f: Finding, language: str) -> str:
    if language == "nl":
        what = f"{_who(f, language)}: {f.pupils} leerlingen missen samen {hours(f.short, language)} uur per week"
        if f.category:
            what += f" {_cat(f, language)}"
        return f"{what}, omdat het venster ({day_list(f.days, language)}) te kort is voor hun programma."
    what = (
        f"{_who(f, language)}: {f.pupils} pupils are {hours(f.short, language)} hours a week short"
    )
    if f.category:
        what += f" of {_cat(f, language)}"
    return f"{what}, because the window ({day_list(f.days, language)}) is too short for their programme."


def _unavailable_body(f: Finding, language: str) -> str:
    cat = _cat(f, language)
    if language == "nl":
        return (
            f"{_who(f, language)}: {f.pupils} leerlingen zijn zo vaak niet beschikbaar dat ze samen "
            f"{hours(f.short, language)} uur {cat + ' ' if cat else ''}per week missen."
        )
    return (
        f"{_who(f, language)}: {f.pupils} pupils are unavailable so often that together they "
        f"miss {hours(f.short, language)} hours {'of ' + cat + ' ' if cat else ''}a week."
    )


def _group_body(f: Finding, language: str) -> str:
    acts = name_list(list(f.resources), language)
    size = f.details.get("min_group", "?")
    pool = f.details.get("pool", "?")
    d = f.details
    if f.phase == "unmet" and "day" in d:
        when = span_text(d["day"], d["start"], d["end"], language)
        where = _where(d)
        size = d["slot_min_group"]
        if f.pupils == 1:
            if language == "nl":
                return (
                    f"{_short_lead(f, language)}: als er een ruimte en een coach vrij zijn, is "
                    f"de leerling de enige die tekortkomt en vrij is (zoals op {when}, "
                    f"{d['activity']}{where}), minder dan de minimale groep van {size}."
                )
            return (
                f"{_short_lead(f, language)}: when a room and a coach are free, the pupil is "
                f"the only short pupil free (as on {when}, {d['activity']}{where}), fewer than "
                f"the group minimum of {size}."
            )
        if language == "nl":
            return (
                f"{_short_lead(f, language)}: de leerlingen die tekortkomen zijn op verschillende "
                f"tijden vrij: als er een ruimte en een coach vrij zijn, {_is(pool, language)} "
                f"hoogstens {pool} van hen tegelijk vrij (zoals op {when}, {d['activity']}"
                f"{where}), minder dan de minimale groep van {size}."
            )
        return (
            f"{_short_lead(f, language)}: the short pupils are free at different times: when a "
            f"room and a coach are free, at most {pool} of them {_is(pool, language)} free at "
            f"once (as on {when}, {d['activity']}{where}), fewer than the group minimum of "
            f"{size}."
        )
    if language == "nl":
        return (
            f"{_short_lead(f, language)}: voor {acts} zijn minstens {size} deelnemers nodig, "
            f"maar er kunnen er maar {pool} tegelijk meedoen."
        )
    return (
        f"{_short_lead(f, language)}: {acts} needs at least {size} participants, "
        f"but only {pool} can take part at the same time."
    )


def _solver_body(f: Finding, language: str) -> str:
    d = f.details
    nl = language == "nl"
    if "day" in d:
        when = span_text(d["day"], d["start"], d["end"], language)
        where = _where(d)
        if d.get("open") == "seat":
            if nl:
                return (
                    f"{_short_lead(f, language)}: {d['activity']} op {when}{where} heeft nog "
                    f"{_n(d['places'], 'plaats', 'plaatsen')} vrij op een tijd dat "
                    f"{d['together']} van hen vrij {_is(d['together'], language)}; een langere "
                    "rekentijd kan dit verkleinen."
                )
            return (
                f"{_short_lead(f, language)}: {d['activity']} on {when}{where} has "
                f"{_n(d['places'], 'place', 'places')} free at a time {d['together']} of them "
                f"{_is(d['together'], language)} free; a longer solver run may close this gap."
            )
        if nl:
            return (
                f"{_short_lead(f, language)}: er is nog ruimte, een coach en tijd vrij, "
                f"bijvoorbeeld voor {d['activity']} op {when}{where}, waar {d['together']} van "
                f"hen dan vrij {_is(d['together'], language)}; een langere rekentijd kan dit "
                "verkleinen."
            )
        return (
            f"{_short_lead(f, language)}: a room, a coach and time are still free, e.g. for "
            f"{d['activity']} on {when}{where}, when {d['together']} of them "
            f"{_is(d['together'], language)} free; "
            "a longer solver run may close this gap."
        )
    if nl:
        return (
            f"{_short_lead(f, language)}: er is nog ruimte, een coach en tijd vrij; "
            "een langere rekentijd kan dit verkleinen."
        )
    return (
        f"{_short_lead(f, language)}: a room, a coach and time are still free; "
        "a longer solver run may close this gap."
    )


def _full_body(f: Finding, language: str) -> str:
    d = f.details
    nl = language == "nl"
    cat = _cat(f, language)
    if cat:
        session = f"{cat}-sessie" if nl else f"{cat} session"
    else:
        session = "sessie" if nl else "session"
    if d.get("reason") == "week" and not d.get("left"):
        if nl:
            body = (
                f"{_short_lead(f, language)}: hun week is vol (het programmatotaal van "
                f"{d['total']} minuten)"
            )
        else:
            body = (
                f"{_short_lead(f, language)}: their week is full (the programme's total of "
                f"{d['total']} minutes)"
            )
    elif d.get("reason") == "week":
        if nl:
            body = (
                f"{_short_lead(f, language)}: hun week heeft nog maar {d['left']} minuten over "
                f"onder het programmatotaal van {d['total']}, en geen {session} is zo kort "
                f"(de kortste duurt {d['shortest']} minuten)"
            )
        else:
            body = (
                f"{_short_lead(f, language)}: their week has only {d['left']} minutes left under "
                f"the programme's {d['total']}, and no {session} is that short (the shortest "
                f"takes {d['shortest']} minutes)"
            )
    elif nl:
        body = (
            f"{_short_lead(f, language)}: op geen dag past nog een {session} van "
            f"{d.get('shortest', '?')} minuten (hun vrije tijd is bezet of het dagmaximum van "
            f"{d.get('day_max', '?')} minuten is bereikt)"
        )
    else:
        body = (
            f"{_short_lead(f, language)}: no day has room for a {session} of "
            f"{d.get('shortest', '?')} minutes any more (their free time is taken or the day "
            f"maximum of {d.get('day_max', '?')} minutes is reached)"
        )
    if d.get("surplus"):
        name, received, minimum = d["surplus"]
        if nl:
            body += (
                "; er moet een sessie plaatsmaken, bijvoorbeeld van een categorie waarvan ze "
                f"meer dan genoeg hebben ({name.lower()}: {received} van {minimum} minuten)"
            )
        else:
            body += (
                "; a session would have to give way, e.g. of a category they have more than "
                f"enough of ({name.lower()}: {received} of {minimum} minutes)"
            )
    body += "."
    s = f.suggestion
    if s is not None and s.kind == "swap" and s.recovers <= 0:
        p = s.params
        if nl:
            body += (
                f" {_capital(s.text(language))} zou helpen, maar ook dan zijn hoogstens "
                f"{p['together']} van hen tegelijk vrij, minder dan de {p['min_group']} die "
                f"{p['add']} nodig heeft."
            )
        else:
            body += (
                f" {_capital(s.text(language))} would help, but even then at most "
                f"{p['together']} of them are free at once, fewer than the {p['min_group']} "
                f"{p['add']} needs."
            )
    return body


def _pin_body(f: Finding, language: str) -> str:
    pins = name_list(list(f.resources), language)
    reasons = "; ".join(f.details.get("messages", []))
    if language == "nl":
        return f"Deze vastgezette sessies kunnen niet samen blijven staan: {pins} ({reasons})."
    return f"These pinned sessions cannot all be kept: {pins} ({reasons})."


def _required_body(f: Finding, language: str) -> str:
    acts = name_list(list(f.resources), language)
    pupil = f.details.get("pupil", "?")
    reason = f.details.get("reason", "")
    reason_text = _REQUIRED_REASONS.get(reason, {}).get(language, reason)
    if language == "nl":
        return (
            f"Leerling {pupil} ({_who(f, language)}): de verplichte activiteiten {acts} passen niet "
            f"in de week ({reason_text}); minstens {hours(f.short, language)} uur blijft open."
        )
    return (
        f"Pupil {pupil} ({_who(f, language)}): the required activities {acts} do not fit in the "
        f"week ({reason_text}); at least {hours(f.short, language)} hours stay open."
    )


_REQUIRED_REASONS = {
    "grade": {"nl": "de leerling zit niet in de groepen ervan", "en": "not for the pupil's grade"},
    "resource": {
        "nl": "geen ruimte of coach ervoor binnen bereik",
        "en": "no room or coach for it within reach",
    },
    "time": {
        "nl": "te weinig vrije tijd in het venster",
        "en": "too little free time in the window",
    },
}

_BODY = {
    "room": _room_body,
    "coach": _coach_body,
    "window": _window_body,
    "pupil_unavailable": _unavailable_body,
    "group_minimum": _group_body,
    "solver": _solver_body,
    "week_full": _full_body,
    "pin_conflict": _pin_body,
    "required": _required_body,
}
