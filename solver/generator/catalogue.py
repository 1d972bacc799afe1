"""What every generated district is made of: activities, partners, names and places.

All names are fictional but shaped like the real thing (a school called
"OBS De Horizon", a partner called "Muziekschool Zuid"). Nothing here is
random; the scenarios draw from these lists with their own seeded generator.
"""

from __future__ import annotations

from dataclasses import dataclass

from solver.instance import Activity

CATEGORIES: tuple[tuple[str, str], ...] = (
    ("sport", "Sport"),
    ("culture", "Cultuur"),
    ("tutoring", "Bijles"),
    ("career", "Oriëntatie op beroepen"),
)

WEIGHTS = {
    "preference": 1,
    "mixed_classes": 2,
    "day_load": 1,
    "siblings": 1,
    "coach_site_changes": 3,
    "coach_idle": 1,
    "stability": 5,
}


def _a(*args, **kwargs) -> Activity:
    return Activity(*args, **kwargs)


# Room kinds: classroom, gym, field (schoolplein, Cruyff Court), playroom (speellokaal),
# music, art, aula, dance, library, techniek. Sport needs gym, field or playroom only.
ACTIVITIES: tuple[Activity, ...] = (
    # sport
    _a("voetbal", "Voetbal", "sport", 60, 8, 30, (3, 8), ("field", "gym"), "voetbal"),
    _a("turnen", "Turnen", "sport", 60, 8, 30, (3, 8), ("gym",), "turnen"),
    _a("judo", "Judo", "sport", 60, 6, 20, (3, 8), ("gym", "playroom"), "judo"),
    _a("basketbal", "Basketbal", "sport", 60, 8, 24, (5, 8), ("gym",), "basketbal"),
    _a("bewegen", "Bewegen en spel", "sport", 60, 6, 30, (1, 3), ("playroom", "gym"), "bewegen"),
    _a("atletiek", "Atletiek", "sport", 90, 10, 30, (4, 8), ("field", "gym"), "atletiek", 2),
    _a("multisport", "Sportproeverij", "sport", 90, 8, 30, (3, 8), ("gym",), "multisport"),
    _a("zaalvoetbal", "Zaalvoetbal", "sport", 75, 8, 30, (4, 8), ("gym",), "voetbal"),
    # culture
    _a("muziek", "Muziek", "culture", 60, 6, 30, (1, 8), ("music",), "muziek"),
    _a("zingen", "Zingen en koor", "culture", 45, 10, 30, (1, 8), ("music", "aula"), "muziek"),
    _a("dans", "Dans", "culture", 60, 8, 30, (1, 8), ("dance", "aula"), "dans"),
    _a("theater", "Theater", "culture", 90, 8, 30, (3, 8), ("aula", "classroom"), "theater"),
    _a(
        "beeldend",
        "Beeldende vorming",
        "culture",
        90,
        6,
        30,
        (3, 8),
        ("art", "classroom"),
        "beeldend",
    ),
    _a("atelier", "Kinderatelier", "culture", 60, 6, 30, (1, 4), ("art", "classroom"), "beeldend"),
    _a("media", "Film en media", "culture", 60, 6, 24, (5, 8), ("classroom", "library"), "media"),
    # tutoring
    _a(
        "huiswerk",
        "Huiswerkbegeleiding",
        "tutoring",
        60,
        4,
        12,
        (5, 8),
        ("classroom", "library"),
        "huiswerk",
    ),
    _a(
        "rekenen-extra",
        "Rekenen extra",
        "tutoring",
        60,
        4,
        10,
        (3, 8),
        ("classroom",),
        "rekenen",
        max_per_week=2,
    ),
    _a(
        "taal-extra",
        "Taal extra",
        "tutoring",
        60,
        4,
        10,
        (3, 8),
        ("classroom", "library"),
        "taal",
        max_per_week=2,
    ),
    _a("leesclub", "Leesclub", "tutoring", 45, 4, 15, (1, 4), ("library", "classroom"), "lezen"),
    # career orientation
    _a(
        "beroepen",
        "Beroepenoriëntatie",
        "career",
        90,
        8,
        30,
        (7, 8),
        ("classroom", "aula"),
        "beroepen",
    ),
    _a("techniek", "Techniek", "career", 90, 6, 24, (6, 8), ("techniek", "art"), "techniek"),
    _a("ondernemen", "Jong ondernemen", "career", 60, 8, 30, (7, 8), ("classroom",), "beroepen"),
)

# The activities a pupil may be told to attend (``required``), as extra tutoring.
REQUIRED_ACTIVITIES = ("rekenen-extra", "taal-extra")

# The tiny scenario keeps to three hour-long activities so a test can reason about it.
TINY_ACTIVITIES: tuple[Activity, ...] = (
    _a("voetbal", "Voetbal", "sport", 60, 3, 12, (3, 8), ("gym", "field"), "voetbal"),
    _a("muziek", "Muziek", "culture", 60, 3, 12, (1, 8), ("music",), "muziek"),
    _a("dans", "Dans", "culture", 60, 3, 12, (1, 8), ("dance", "music"), "dans"),
    _a(
        "huiswerk",
        "Huiswerkbegeleiding",
        "tutoring",
        60,
        3,
        10,
        (1, 8),
        ("classroom",),
        "huiswerk",
        max_per_week=2,
    ),
    _a("rekenen-extra", "Rekenen extra", "tutoring", 60, 2, 10, (3, 8), ("classroom",), "rekenen"),
)

# Partner organisations and the skills their coaches bring.
ORGANISATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Sportclub Feijenoord", ("voetbal", "atletiek", "multisport", "bewegen")),
    ("SportMix Zuid", ("turnen", "bewegen", "basketbal", "multisport", "voetbal", "atletiek")),
    ("Budo Centrum Maasoever", ("judo", "turnen", "bewegen", "multisport")),
    ("Muziekschool Zuid", ("muziek", "dans")),
    ("Kunstwerkplaats Zuid", ("beeldend", "media", "theater", "muziek", "dans")),
    ("Jeugdtheater De Maasbühne", ("theater", "dans", "muziek")),
    ("Atelier Kunstkids", ("beeldend", "media", "theater")),
    ("Huiswerkhulp Rotterdam", ("huiswerk", "rekenen", "taal", "lezen")),
    ("Bibliotheek Rotterdam", ("lezen", "taal", "media", "huiswerk")),
    ("Bijlesbureau Slimmer", ("rekenen", "taal", "huiswerk", "lezen")),
    ("Techniek Talent", ("techniek", "beroepen")),
    ("Toekomstlab Zuid", ("beroepen", "techniek", "media")),
)

# Rooms of a school building: (name, kinds, capacity). Classrooms come on top.
SCHOOL_SPECIAL_ROOMS: tuple[tuple[str, tuple[str, ...], int], ...] = (
    ("Gymzaal", ("gym",), 30),
    ("Schoolplein (Cruyff Court)", ("field",), 30),
    ("Speellokaal", ("playroom", "dance"), 30),
    ("Muzieklokaal", ("music", "classroom"), 30),
    ("Atelier", ("art", "classroom"), 30),
    ("Aula", ("aula", "dance"), 60),
    ("Schoolbibliotheek", ("library", "classroom"), 30),
    ("Technieklokaal", ("techniek",), 24),
)

SCHOOL_NAMES: tuple[str, ...] = (
    "OBS De Horizon",
    "CBS De Regenboog",
    "Al Ghazali-school",
    "Kindcentrum De Wereldster",
    "IKC Het Kompas",
    "OBS De Globetrotter",
    "CBS De Fontein",
    "RKBS Sint Franciscus",
    "Kindcentrum De Schatkist",
    "OBS De Vuurtoren",
    "IKC De Kameleon",
    "CBS Het Anker",
    "Ibn Battuta-school",
    "OBS De Windroos",
    "Daltonschool De Bolder",
    "IKC De Sterrenkijker",
    "CBS De Boomgaard",
    "OBS Het Open Venster",
    "Kindcentrum De Duizendpoot",
    "RKBS De Springplank",
    "OBS De Zeester",
    "IKC De Brug",
    "CBS De Pelikaan",
    "Montessorischool Zuid",
    "OBS Het Palet",
    "Kindcentrum De Uitkijk",
    "IKC De Zonnewijzer",
    "CBS De Klimop",
    "Dar al Ilm-school",
    "OBS De Notenboom",
    "RKBS Don Bosco",
    "IKC De Havenmeester",
    "OBS De Toermalijn",
    "CBS De Morgenster",
    "Kindcentrum Het Mozaïek",
    "OBS De Paperclip",
    "IKC De Kade",
    "CBS De Wegwijzer",
    "OBS De Bron",
    "Kindcentrum De Vlinderboom",
)


@dataclass(frozen=True)
class Neighbourhood:
    name: str
    x: float  # kilometres east of an arbitrary origin
    y: float  # kilometres north


@dataclass(frozen=True)
class VenueSpec:
    name: str
    x: float
    y: float
    # (room name, kinds, capacity)
    rooms: tuple[tuple[str, tuple[str, ...], int], ...]


@dataclass(frozen=True)
class DistrictGeography:
    name: str
    neighbourhoods: tuple[Neighbourhood, ...]
    venues: tuple[VenueSpec, ...]


def _sporthal(name: str, x: float, y: float, halls: int) -> VenueSpec:
    rooms = tuple((f"Zaal {'ABCDEF'[i]}", ("gym",), 30) for i in range(halls))
    return VenueSpec(name, x, y, rooms)


_LIBRARY_ROOMS = (
    ("Leeszaal", ("library", "classroom"), 30),
    ("Studieruimte 1", ("classroom",), 16),
    ("Studieruimte 2", ("classroom",), 16),
)
_CULTURE_ROOMS = (
    ("Theaterzaal", ("aula", "dance"), 60),
    ("Dansstudio", ("dance",), 26),
    ("Muziekstudio", ("music",), 24),
    ("Atelier", ("art",), 24),
)

# The seven focus neighbourhoods of the Nationaal Programma Rotterdam-Zuid, placed
# roughly where they lie (km); travel minutes follow from the distances.
ROTTERDAM_ZUID = DistrictGeography(
    "Rotterdam-Zuid",
    (
        Neighbourhood("Feijenoord", 1.3, 0.2),
        Neighbourhood("Afrikaanderwijk", 0.6, -0.6),
        Neighbourhood("Hillesluis", 2.1, -1.3),
        Neighbourhood("Bloemhof", 1.2, -1.7),
        Neighbourhood("Tarwewijk", -0.6, -1.3),
        Neighbourhood("Carnisse", -0.7, -2.6),
        Neighbourhood("Oud-Charlois", -2.0, -1.1),
    ),
    (
        _sporthal("Sporthal Zuid", 1.7, -1.6, 4),
        _sporthal("Sportcentrum Maashaven", -0.6, -1.8, 4),
        VenueSpec("Bibliotheek Afrikaanderwijk", 0.7, -0.4, _LIBRARY_ROOMS),
        VenueSpec("Cultuurhuis Charlois", -1.4, -1.5, _CULTURE_ROOMS),
    ),
)

# Further districts for the ``city`` scenario.
CITY_DISTRICTS: tuple[DistrictGeography, ...] = (
    ROTTERDAM_ZUID,
    DistrictGeography(
        "Rotterdam-Noord",
        (
            Neighbourhood("Oude Noorden", 0.5, 0.6),
            Neighbourhood("Agniesebuurt", -0.4, 0.0),
            Neighbourhood("Provenierswijk", -0.8, 0.9),
            Neighbourhood("Bergpolder", -0.2, 1.6),
            Neighbourhood("Liskwartier", 0.9, 1.7),
        ),
        (
            _sporthal("Sporthal Noord", 0.2, 1.0, 3),
            VenueSpec("Bibliotheek Noord", -0.3, 0.6, _LIBRARY_ROOMS),
        ),
    ),
    DistrictGeography(
        "Den Haag Zuidwest",
        (
            Neighbourhood("Moerwijk", 0.0, 0.0),
            Neighbourhood("Morgenstond", -1.2, -0.4),
            Neighbourhood("Bouwlust", -2.0, -1.0),
            Neighbourhood("Vrederust", -1.4, -1.6),
            Neighbourhood("Zuiderpark", 0.8, 0.6),
        ),
        (
            _sporthal("Sportcampus Zuiderpark", 0.6, 0.2, 4),
            _sporthal("Sporthal Escamp", -1.5, -1.0, 3),
            VenueSpec("Cultuurhuis Moerwijk", -0.4, -0.3, _CULTURE_ROOMS),
        ),
    ),
    DistrictGeography(
        "Amsterdam Nieuw-West",
        (
            Neighbourhood("Slotervaart", 0.0, 0.0),
            Neighbourhood("Geuzenveld", -0.6, 2.0),
            Neighbourhood("Osdorp", -2.0, 0.4),
            Neighbourhood("De Baarsjes", 1.6, 0.9),
            Neighbourhood("Slotermeer", -0.4, 1.1),
        ),
        (
            _sporthal("Sporthal Nieuw-West", -0.6, 0.8, 4),
            VenueSpec("Bibliotheek Osdorp", -1.6, 0.5, _LIBRARY_ROOMS),
            VenueSpec("Cultuurhuis Slotervaart", 0.3, 0.3, _CULTURE_ROOMS),
        ),
    ),
    DistrictGeography(
        "Utrecht Overvecht",
        (
            Neighbourhood("Overvecht-Noord", 0.0, 1.0),
            Neighbourhood("Overvecht-Zuid", 0.2, -0.2),
            Neighbourhood("Tigris", -0.7, 0.4),
            Neighbourhood("Zambesi", 0.9, 0.5),
        ),
        (
            _sporthal("Sporthal Overvecht", 0.1, 0.4, 3),
            VenueSpec("Wijkcultuurhuis De Dreef", 0.5, 0.0, _CULTURE_ROOMS),
        ),
    ),
)

# An isolated spot for the ``short`` scenario: across the water, no venue near.
ISOLATED_NEIGHBOURHOOD = Neighbourhood("Heijplaat", -6.5, 1.5)
ISOLATED_SCHOOL_NAME = "OBS De Werf (Heijplaat)"
