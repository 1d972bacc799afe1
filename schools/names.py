"""Fictional but realistic personal names for demo districts, drawn deterministically.

The pools reflect the neighbourhoods of Rotterdam-Zuid: Dutch, Turkish, Moroccan,
Surinamese (Hindustani, Creole, Javanese), Antillean, Cape Verdean, Polish,
Bulgarian, Czech and Syrian families, with their diacritics (Şeyma Çelik,
Zoë de Vries, Jiří Dvořák, Wiktoria Kowalczyk). Any likeness to a real pupil or
coach is chance: every name is a common one, combined at random.
"""

from __future__ import annotations

import datetime
import random
import re
import unicodedata
from dataclasses import dataclass

# Each origin: (weight, girls' names, boys' names, surnames), comma-separated.
# A Dutch surname starts with its prefix (tussenvoegsel) in lower case ("van der
# Berg"); "Kamiński/Kamińska" gives the masculine and the feminine form.
ORIGINS_TEXT: dict[str, tuple[int, str, str, str]] = {
    "dutch": (
        28,
        "Zoë, Emma, Julia, Sophie, Tess, Noor, Fenna, Lieke, Sanne, Anouk, Chloë, Isa, Lotte, "
        "Fleur, Mila, Saar, Evi, Roos, Maud, Femke, Noëlle, Jasmijn, Floor, Elin",
        "Daan, Sem, Lucas, Levi, Finn, Milan, Bram, Thijs, Jesse, Ruben, Sven, Joep, Teun, Luuk, "
        "Stijn, Gijs, Jurriën, Niels, Mees, Siem, Boaz, Joël",
        "de Vries, van Dijk, van der Berg, de Jong, Jansen, Bakker, van den Broek, Visser, Smit, "
        "Meijer, de Boer, Mulder, de Groot, Bos, Vos, Peters, Hendriks, van Leeuwen, Dekker, "
        "Brouwer, de Wit, Dijkstra, de Graaf, van der Meer, van der Linden, Kok, Jacobs, de Haan, "
        "Vermeulen, van den Heuvel, van der Veen, van den Bosch, van Beek, Verhoeven, "
        "in 't Veld, van 't Hof, Koster, ter Horst",
    ),
    "turkish": (
        15,
        "Şeyma, Elif, Zeynep, Ayşe, Büşra, Ecrin, Eylül, Meryem, Yağmur, Hatice, Esra, Gülsüm, "
        "Irmak, Defne, Nisanur, Öykü, Sümeyye",
        "Yusuf, Emir, Ömer, Mehmet, Mustafa, Burak, Yiğit, Kerem, Eren, Efe, Çağan, Hüseyin, "
        "İbrahim, Berat, Alperen, Enes, Furkan",
        "Çelik, Yılmaz, Kaya, Demir, Şahin, Yıldız, Öztürk, Aydın, Arslan, Doğan, Kılıç, Aslan, "
        "Çetin, Koç, Kurt, Özdemir, Güneş, Aksoy, Korkmaz, Erdem, Polat, Uçar",
    ),
    "moroccan": (
        16,
        "Fatima, Khadija, Aya, Salma, Yasmina, Nour, Hiba, Imane, Soumaya, Malak, Ikram, Rania, "
        "Douae, Sara, Hafsa, Ilham, Meryam",
        "Mohamed, Adam, Ayoub, Bilal, Yassin, Rayan, Ilias, Amine, Hamza, Zakaria, Anas, "
        "Soufiane, Nabil, Mourad, Youssef, Ismaïl, Redouan",
        "El Amrani, Bouzid, El Idrissi, Benali, Aït Ouahmane, El Khatib, Azzouzi, Bakkali, "
        "Ouali, Tahiri, El Ouardi, Boukhari, Chaoui, El Haddouchi, Ziani, Lahlou, Essafi, "
        "Mansouri, Oulad Ali, Belhaj",
    ),
    "hindustani": (
        8,
        "Priscilla, Anjali, Shanti, Sarita, Reshma, Kavita, Varsha, Radha, Nirmala, Sunita, "
        "Anisha, Roshni",
        "Ravi, Sanjay, Vikash, Rishi, Anand, Rajesh, Krishna, Dinesh, Shivam, Amar, Navin, Rohit",
        "Sanchit, Ramdin, Jagesar, Mohan, Bhagwandin, Ramlal, Sewdien, Baldew, Kalka, Ramautar, "
        "Soekhai, Jhinkoe, Lachman, Mahabier, Biharie, Kanhai",
    ),
    "creole": (
        8,
        "Shanice, Denise, Chantal, Gianny, Naomi, Shania, Romy, Jaïra, Jennifer, Priscilla, "
        "Kimberly, Esmeralda",
        "Jermaine, Roy, Clarence, Dwayne, Xavier, Jaydon, Quincy, Gregory, Sheldon, Romano, "
        "Dylano, Giovanni",
        "Doelwijt, Pinas, Kross, Vlijter, Zeegelaar, Wijngaarde, Landveld, Kensmil, Lieveld, "
        "Pengel, Amania, Eersel, Sabajo, Tjon A Fat, Fraenk",
    ),
    "javanese": (
        2,
        "Sri, Dewi, Wulan, Ratna, Indah",
        "Wiwin, Budi, Sarmo, Joko, Agus",
        "Wongsoredjo, Karijo, Sadikin, Pawiro, Kromodikoro, Wongsodikromo",
    ),
    "antillean": (
        5,
        "Giselle, Ruthsela, Jurmaily, Zuleika, Jaïda, Shaira",
        "Shurendy, Jurick, Giandro, Ryan, Jeffrey, Rigino",
        "Martina, Statia, Isenia, Rosaria, Francisca, Maduro, Rojer, Leito, Pieternella, Zimmerman",
    ),
    "cape_verdean": (
        5,
        "Yara, Kátia, Jéssica, Ana, Edna, Luana",
        "João, Nelson, Ailton, Djason, Wilson, Élio",
        "Tavares, Fernandes, Lopes, Gomes, Monteiro, Andrade, Semedo, Brito, Dos Santos, Évora",
    ),
    "polish": (
        7,
        "Wiktoria, Zofia, Zuzanna, Julia, Maja, Hanna, Łucja, Oliwia, Natalia, Amelia, "
        "Agnieszka, Małgosia",
        "Jakub, Mateusz, Łukasz, Kacper, Szymon, Filip, Bartosz, Michał, Paweł, Wojciech, "
        "Antoni, Jędrzej",
        "Kowalczyk, Nowak, Wiśniewski/Wiśniewska, Wójcik, Kamiński/Kamińska, "
        "Lewandowski/Lewandowska, Zieliński/Zielińska, Woźniak, Dąbrowski/Dąbrowska, "
        "Kozłowski/Kozłowska, Mazur, Krawczyk, Piotrowski/Piotrowska, Grabowski/Grabowska",
    ),
    "bulgarian": (
        3,
        "Ivana, Mariya, Desislava, Gergana, Yoana, Radostina",
        "Georgi, Ivan, Dimitar, Nikolay, Stoyan, Kaloyan",
        "Ivanov/Ivanova, Petrov/Petrova, Georgiev/Georgieva, Dimitrov/Dimitrova, "
        "Stoyanov/Stoyanova, Kolev/Koleva",
    ),
    "czech": (
        1,
        "Kateřina, Lucie, Tereza, Anežka, Eliška",
        "Jiří, Tomáš, Ondřej, Vojtěch, Matěj",
        "Dvořák/Dvořáková, Novák/Nováková, Černý/Černá, Procházka/Procházková, Svoboda/Svobodová",
    ),
    "syrian": (
        2,
        "Lana, Rama, Sidra, Joud, Maya, Raghad",
        "Omar, Ahmad, Karam, Majd, Tarek, Hadi",
        "Al-Hassan, Haddad, Khalil, Al-Masri, Alhamwi, Darwish, Sabbagh",
    ),
}


def _split(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


ORIGINS: dict[str, tuple[int, list[str], list[str], list[str]]] = {
    origin: (weight, _split(girls), _split(boys), _split(surnames))
    for origin, (weight, girls, boys, surnames) in ORIGINS_TEXT.items()
}

# Given names heard in every community; a few children of each origin carry one.
SHARED_GIRLS = ["Sara", "Lina", "Mila", "Sofia", "Nina", "Amira", "Lisa", "Hanna"]
SHARED_BOYS = ["Noah", "Adam", "Liam", "Amir", "Milan", "Jayden", "Elias", "David"]

# Age on 1 October of a pupil in grade g is g + AGE_IN_GRADE_ZERO (grades are Dutch groepen).
AGE_IN_GRADE_ZERO = 3

_ASCII = str.maketrans({"ł": "l", "Ł": "L", "ı": "i", "İ": "I", "ß": "ss", "'": "", " ": ""})


@dataclass(frozen=True)
class Surname:
    prefix: str
    surname: str


@dataclass(frozen=True)
class Person:
    given_name: str
    surname_prefix: str
    surname: str


class NameMaker:
    """Draws names from a seeded random source: the same seed gives the same district."""

    def __init__(self, seed: int | str):
        self.random = random.Random(seed)
        self.origins = list(ORIGINS)
        self.weights = [ORIGINS[o][0] for o in self.origins]

    def origin(self) -> str:
        return self.random.choices(self.origins, weights=self.weights)[0]

    def family_name(self, origin: str | None = None) -> tuple[str, str]:
        """An origin and a surname entry that siblings share."""
        origin = origin or self.origin()
        return (origin, self.random.choice(ORIGINS[origin][3]))

    def person(self, family: tuple[str, str] | None = None) -> Person:
        """A person, of a family (same origin and surname) when one is given."""
        origin, entry = family if family is not None else self.family_name()
        girl = self.random.random() < 0.5
        _, girls, boys, _ = ORIGINS[origin]
        if self.random.random() < 0.1:
            given = self.random.choice(SHARED_GIRLS if girl else SHARED_BOYS)
        else:
            given = self.random.choice(girls if girl else boys)
        surname = _surname(entry, girl)
        return Person(given, surname.prefix, surname.surname)

    def birth_date(self, *, grade: int, school_year_start: datetime.date) -> datetime.date:
        """A birth date for a pupil in ``grade`` (a Dutch *groep*).

        On 1 October a pupil of groep g is g + 3 years old: groep 1 holds four- and
        five-year-olds, groep 3 children who turn seven that school year, groep 8
        those who turn twelve.
        """
        age = grade + AGE_IN_GRADE_ZERO
        oldest = school_year_start.replace(year=school_year_start.year - age - 1)
        return oldest + datetime.timedelta(days=self.random.randrange(1, 366))

    def phone(self) -> str:
        return f"06-{self.random.randrange(10_000_000, 100_000_000)}"


def _surname(entry: str, girl: bool) -> Surname:
    """The surname of an entry: its lower-case prefix split off, its form for a girl or boy."""
    if "/" in entry:
        masculine, feminine = entry.split("/")
        return Surname("", feminine if girl else masculine)
    words = entry.split(" ")
    prefix = []
    while len(words) > 1 and (words[0][0].islower() or words[0][0] == "'"):
        prefix.append(words.pop(0))
    return Surname(" ".join(prefix), " ".join(words))


def ascii_slug(text: str) -> str:
    """Lower-case ASCII for e-mail addresses: "Şeyma Çelik" -> "seymacelik"."""
    folded = unicodedata.normalize("NFKD", text.translate(_ASCII))
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9.-]", "", plain.lower())


def school_year_start(today: datetime.date) -> datetime.date:
    """1 October of the running school year (which starts in August or September)."""
    year = today.year if today.month >= 8 else today.year - 1
    return datetime.date(year, 10, 1)
