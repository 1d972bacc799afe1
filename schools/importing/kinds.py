"""The kinds of sheet a district's rosters come in, with their columns and header aliases.

A kind is found by its sheet name (``Leerlingen``, ``Pupils``...) or, failing that,
by its headers. A column is found by any of its aliases, compared without case,
accents of punctuation or surrounding spaces, so ``Roepnaam``, ``Voornaam`` and
``First name`` are all the given name. The first alias is the Dutch header the
template uses; ``examples`` are its two example rows.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property


def normalise(header) -> str:
    """``' E-mail adres '`` -> ``'e mail adres'``: lower case, no accents or punctuation."""
    text = unicodedata.normalize("NFKD", str(header or "")).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


@dataclass(frozen=True)
class Column:
    name: str
    aliases: tuple[str, ...]
    required: bool = True
    examples: tuple = ("", "")
    choices: str = ""  # a template dropdown: "grades", "categories", "weekdays", "site_kinds"
    fallback: str = ""  # another column whose cell serves when this column is absent

    @property
    def header(self) -> str:
        return self.aliases[0]


@dataclass(frozen=True)
class Kind:
    key: str
    sheet: str
    sheet_aliases: tuple[str, ...]
    columns: tuple[Column, ...]
    hint: str = ""

    def column(self, name: str) -> Column:
        return self.columns_by_name[name]

    @cached_property
    def columns_by_name(self) -> dict[str, Column]:
        return {column.name: column for column in self.columns}

    @property
    def required(self) -> list[Column]:
        return [column for column in self.columns if column.required]

    def match_headers(self, headers: list) -> dict[str, int]:
        """``{column name: index}`` of the headers; each header serves one column, first alias wins."""
        normalised = [normalise(h) for h in headers]
        found: dict[str, int] = {}
        taken: set[int] = set()
        for column in self.columns:
            for alias in column.aliases:
                target = normalise(alias)
                index = next(
                    (i for i, h in enumerate(normalised) if h == target and i not in taken), None
                )
                if index is not None:
                    found[column.name] = index
                    taken.add(index)
                    break
        return found


def _c(name, *aliases, required=True, examples=("", ""), choices="", fallback=""):
    return Column(name, aliases, required, examples, choices, fallback)


SCHOOL = ("School", "Schoolcode", "School code", "Brin", "Locatie", "Site")
WEEKDAY = _c(
    "weekday", "Dag", "Weekdag", "Day", "Weekday", examples=("ma", "do"), choices="weekdays"
)
START = _c(
    "start", "Van", "Begin", "Begintijd", "Start", "From", "Vanaf", examples=("14:30", "15:00")
)
END = _c(
    "end", "Tot", "Einde", "Eind", "Eindtijd", "End", "Until", "To", examples=("16:30", "17:00")
)
PUPIL_NUMBER = (
    "Leerlingnummer", "Leerling nummer", "Leerlingnr", "Llnr", "Pupil number", "Student number",
    "Nummer",
)  # fmt: skip

KINDS: list[Kind] = [
    Kind(
        "categories", "Categorieën", ("Categorieen", "Categories", "Categorie"),
        (
            _c("code", "Code", examples=("sport", "cultuur")),
            _c("name", "Naam", "Name", "Categorie", examples=("Sport en bewegen", "Kunst en cultuur")),
            _c("colour", "Kleur", "Colour", "Color", required=False, examples=("#4c78a8", "#f58518")),
        ),
    ),
    Kind(
        "sites", "Scholen", ("Schools", "Locaties", "Sites", "Scholen en locaties"),
        (
            _c("code", "Code", "Schoolcode", "Brin", "Brin nummer", "School code", examples=("12AB", "SPH1")),
            _c("name", "Naam", "Schoolnaam", "Name", examples=("OBS De Regenboog", "Sporthal Zuid")),
            _c("kind", "Soort", "Type", "Kind", required=False, examples=("school", "locatie"), choices="site_kinds"),
            _c("address", "Adres", "Address", required=False, examples=("Dordtselaan 1", "Sportlaan 4")),
            _c("postcode", "Postcode", "Postal code", required=False, examples=("3073 AA", "3074 BC")),
            _c("city", "Plaats", "Woonplaats", "City", required=False, examples=("Rotterdam", "Rotterdam")),
        ),
    ),
    Kind(
        "windows", "Schooltijden", ("Vensters", "Venstertijden", "Windows", "Verlengde dag"),
        (_c("site", *SCHOOL, examples=("12AB", "12AB")), WEEKDAY, START, END),
        hint="One row per school and weekday: the hours of the extended day.",
    ),
    Kind(
        "travel", "Reistijden", ("Travel times", "Reistijd"),
        (
            _c("from", "Van", "Van locatie", "From", examples=("12AB", "SPH1")),
            _c("to", "Naar", "Naar locatie", "To", examples=("SPH1", "12AB")),
            _c("minutes", "Minuten", "Reistijd", "Minutes", examples=(10, 10)),
        ),
    ),
    Kind(
        "organisations", "Organisaties", ("Organisations", "Organizations", "Partners", "Aanbieders"),
        (
            _c("name", "Naam", "Organisatie", "Name", examples=("Sportclub Zuid", "Muziekschool Zuid")),
            _c("kind", "Soort", "Type", "Kind", required=False, examples=("sportclub", "muziekschool")),
        ),
    ),
    Kind(
        "rooms", "Lokalen", ("Rooms", "Ruimtes", "Ruimten"),
        (
            _c("site", *SCHOOL, examples=("12AB", "SPH1")),
            _c("name", "Lokaal", "Ruimte", "Naam", "Room", "Name", examples=("Lokaal 1", "Zaal A")),
            _c("kinds", "Soort", "Soorten", "Type", "Kinds", examples=("classroom", "gym, sports_hall")),
            _c("capacity", "Capaciteit", "Plaatsen", "Capacity", examples=(28, 30)),
        ),
    ),
    Kind(
        "room_availability", "Beschikbaarheid lokalen", ("Room availability", "Lokalen beschikbaar"),
        (
            _c("site", *SCHOOL, examples=("SPH1", "SPH1")),
            _c("room", "Lokaal", "Ruimte", "Room", examples=("Zaal A", "Zaal A")),
            WEEKDAY, START, END,
        ),
    ),
    Kind(
        "coaches", "Coaches", ("Begeleiders", "Trainers", "Coach"),
        (
            _c("code", "Code", "Coachcode", "Coach code", required=False, examples=("C001", "C002")),
            _c("email", "E-mail", "E-mailadres", "Email", "Mail", required=False, examples=("kerem@sportclub.example", "anna@muziek.example")),
            _c("given_name", "Voornaam", "Roepnaam", "First name", "Given name", examples=("Kerem", "Anna")),
            _c("surname", "Achternaam", "Surname", "Last name", examples=("Yılmaz", "de Vries")),
            _c("organisation", "Organisatie", "Organisation", "Organization", "Partner", examples=("Sportclub Zuid", "Muziekschool Zuid")),
            _c("skills", "Vaardigheden", "Vaardigheid", "Skills", required=False, examples=("football, judo", "music")),
            _c("max_day", "Max minuten per dag", "Max per dag", "Max minutes per day", examples=(240, 180)),
            _c("max_week", "Max minuten per week", "Max per week", "Max minutes per week", examples=(600, 480)),
            _c("phone", "Telefoon", "Telefoonnummer", "Phone", required=False, examples=("06-12345678", "")),
            _c("sites", "Locaties", "Scholen", "Sites", required=False, examples=("", "12AB, SPH1")),
        ),
    ),
    Kind(
        "coach_availability", "Beschikbaarheid coaches", ("Coach availability", "Beschikbaarheid"),
        (_c("coach", "Coach", "Coachcode", "Code", "E-mail", "Email", examples=("C001", "C001")), WEEKDAY, START, END),
    ),
    Kind(
        "activities", "Activiteiten", ("Activities", "Aanbod"),
        (
            _c("code", "Code", examples=("voetbal", "muziek")),
            _c("name", "Naam", "Activiteit", "Name", examples=("Voetbal", "Samen muziek maken")),
            _c("category", "Categorie", "Category", examples=("sport", "cultuur"), choices="categories"),
            _c("minutes", "Minuten", "Duur", "Minutes", examples=(60, 45)),
            _c("min_group", "Min groep", "Minimum groepsgrootte", "Min group", examples=(8, 6)),
            _c("max_group", "Max groep", "Maximum groepsgrootte", "Max group", examples=(20, 15)),
            _c("grades", "Groepen", "Leerjaren", "Grades", examples=("3-8", "5-8")),
            _c("room_kinds", "Ruimtesoorten", "Ruimtesoort", "Lokaalsoort", "Room kinds", examples=("gym, sports_hall", "music")),
            _c("skill", "Vaardigheid", "Skill", examples=("football", "music")),
            _c("coaches_needed", "Aantal coaches", "Coaches", required=False, examples=(1, 1)),
            _c("max_per_week", "Max per week", "Max keer per week", required=False, examples=("", 1)),
        ),
    ),
    Kind(
        "programmes", "Programma's", ("Programmas", "Programmes", "Programma"),
        (
            _c("code", "Code", examples=("onderbouw", "bovenbouw")),
            _c("name", "Naam", "Name", required=False, examples=("Onderbouw", "Midden- en bovenbouw")),
            _c("grades", "Groepen", "Leerjaren", "Grades", examples=("1-2", "3-8")),
            _c("total_minutes", "Minuten per week", "Totaal minuten", "Minutes per week", examples=(360, 600)),
            _c("max_day", "Max minuten per dag", "Max per dag", "Max minutes per day", examples=(120, 180)),
            _c("preferred_day", "Voorkeur minuten per dag", "Voorkeur per dag", "Preferred minutes per day", examples=(90, 120)),
        ),
    ),
    Kind(
        "programme_minimums", "Minimum per categorie", ("Minima", "Category minimums", "Programma minima"),
        (
            _c("programme", "Programma", "Programme", examples=("bovenbouw", "bovenbouw")),
            _c("category", "Categorie", "Category", examples=("sport", "cultuur"), choices="categories"),
            _c("minutes", "Minuten", "Minuten per week", "Minutes", examples=(120, 90)),
        ),
    ),
    Kind(
        "classes", "Klassen", ("Classes", "Groepen", "Klas"),
        (
            _c("site", *SCHOOL, examples=("12AB", "12AB")),
            _c("name", "Klas", "Klasnaam", "Class", "Naam", examples=("6A", "5/6B")),
            _c("grades", "Groep", "Jaargroep", "Leerjaar", "Grade", required=False, examples=("6", "5/6"), choices="grades"),
        ),
    ),
    Kind(
        "pupils", "Leerlingen", ("Pupils", "Leerling", "Students"),
        (
            _c("site", *SCHOOL, examples=("12AB", "12AB")),
            _c("pupil_number", *PUPIL_NUMBER, examples=("1001", "1002")),
            _c("given_name", "Roepnaam", "Voornaam", "First name", "Given name", examples=("Zoë", "Yusuf")),
            _c("surname_prefix", "Tussenvoegsel", "Voorvoegsel", "Tussenv", "Prefix", required=False, examples=("de", "")),
            _c("surname", "Achternaam", "Surname", "Last name", examples=("Vries", "Çelik")),
            _c("birth_date", "Geboortedatum", "Geb datum", "Birth date", "Date of birth", required=False, examples=("01-03-2015", "17-11-2016")),
            _c("grade", "Jaargroep", "Leerjaar", "Grade", "Groep", examples=(6, 5), choices="grades"),
            # Without a Klas column, the Groep cell ("6A") names the class and gives the grade.
            _c("class", "Klas", "Klasnaam", "Class", "Groep", examples=("6A", "5/6B"), fallback="grade"),
            _c("family", "Gezin", "Gezinscode", "Family", required=False, examples=("F12", "")),
            _c("required", "Verplichte activiteiten", "Verplicht", "Required", required=False, examples=("", "muziek")),
        ),
    ),
    Kind(
        "preferences", "Voorkeuren", ("Preferences", "Keuzes"),
        (
            _c("site", *SCHOOL, examples=("12AB", "12AB")),
            _c("pupil_number", *PUPIL_NUMBER, examples=("1001", "1001")),
            _c("category", "Categorie", "Category", examples=("sport", "cultuur"), choices="categories"),
            _c("rank", "Keuze", "Rang", "Rank", examples=(1, 1)),
            _c("activity", "Activiteit", "Activity", examples=("voetbal", "muziek")),
        ),
    ),
    Kind(
        "pupil_unavailability", "Afwezigheid leerlingen", ("Afwezigheid", "Pupil unavailability", "Niet beschikbaar"),
        (
            _c("site", *SCHOOL, examples=("12AB", "12AB")),
            _c("pupil_number", *PUPIL_NUMBER, examples=("1002", "1002")),
            WEEKDAY, START, END,
        ),
    ),
]  # fmt: skip
KINDS_BY_KEY = {kind.key: kind for kind in KINDS}
IGNORED_SHEETS = {"toelichting", "instructies", "uitleg", "instructions", "lijsten", "lists"}
BSN_HEADERS = {
    "bsn",
    "burgerservicenummer",
    "burger service nummer",
    "bsn nummer",
    "sofinummer",
    "sofi nummer",
}


def kind_for_sheet(title: str) -> Kind | None:
    wanted = normalise(title)
    for kind in KINDS:
        if wanted in {normalise(kind.sheet), *(normalise(a) for a in kind.sheet_aliases)}:
            return kind
    return None


def kind_for_headers(headers: list) -> Kind | None:
    """The kind whose required columns all appear, the one matching most columns first."""
    best, best_score = None, 0
    for kind in KINDS:
        found = kind.match_headers(headers)
        if all(column.name in found for column in kind.required):
            score = len(found) * 10 - len(kind.columns)
            if score > best_score:
                best, best_score = kind, score
    return best
