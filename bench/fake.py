"""Realistic Finnish and Hungarian register data from a seeded random generator: names,
addresses, E.164 phone numbers and business IDs whose check digits are valid."""

from __future__ import annotations

import random
from dataclasses import dataclass

FI_FIRST = [
    "Aino",
    "Anna",
    "Eeva",
    "Elina",
    "Emilia",
    "Hanna",
    "Helmi",
    "Johanna",
    "Katja",
    "Kaisa",
    "Laura",
    "Liisa",
    "Maria",
    "Minna",
    "Noora",
    "Päivi",
    "Riikka",
    "Sanna",
    "Satu",
    "Sofia",
    "Tiina",
    "Tuula",
    "Venla",
    "Ülla",
    "Aleksi",
    "Antti",
    "Eero",
    "Heikki",
    "Ilkka",
    "Jari",
    "Juha",
    "Jukka",
    "Kalle",
    "Lauri",
    "Markku",
    "Matti",
    "Mikko",
    "Olli",
    "Pekka",
    "Petri",
    "Sami",
    "Timo",
    "Tuomas",
    "Väinö",
    "Ville",
    "Jyrki",
    "Kari",
    "Äijö",
]
FI_LAST = [
    "Virtanen",
    "Korhonen",
    "Mäkinen",
    "Nieminen",
    "Mäkelä",
    "Hämäläinen",
    "Laine",
    "Heikkinen",
    "Koskinen",
    "Järvinen",
    "Lehtonen",
    "Lehtinen",
    "Saarinen",
    "Salminen",
    "Heinonen",
    "Niemi",
    "Heikkilä",
    "Kinnunen",
    "Salonen",
    "Turunen",
    "Salo",
    "Laitinen",
    "Tuominen",
    "Rantanen",
    "Karjalainen",
    "Jokinen",
    "Mattila",
    "Savolainen",
    "Lahtinen",
    "Ahonen",
    "Kallio",
    "Lindqvist",
    "Söderberg",
    "Väisänen",
    "Pöyhönen",
    "Ylönen",
    "Äikäs",
    "Öhman",
]
HU_FIRST = [
    "Anna",
    "Eszter",
    "Zsófia",
    "Katalin",
    "Erzsébet",
    "Ildikó",
    "Judit",
    "Krisztina",
    "Réka",
    "Noémi",
    "Dóra",
    "Lilla",
    "Ágnes",
    "Éva",
    "Orsolya",
    "Zsuzsanna",
    "Tünde",
    "Enikő",
    "László",
    "István",
    "József",
    "Zoltán",
    "Sándor",
    "Gábor",
    "Péter",
    "Attila",
    "Tamás",
    "Balázs",
    "Gergő",
    "Ádám",
    "Dávid",
    "Bence",
    "Levente",
    "Máté",
    "Ödön",
    "Győző",
    "Csaba",
    "Imre",
]
HU_LAST = [
    "Nagy",
    "Kovács",
    "Tóth",
    "Szabó",
    "Horváth",
    "Varga",
    "Kiss",
    "Molnár",
    "Németh",
    "Farkas",
    "Balogh",
    "Papp",
    "Takács",
    "Juhász",
    "Lakatos",
    "Mészáros",
    "Oláh",
    "Simon",
    "Rácz",
    "Fekete",
    "Szűcs",
    "Szilágyi",
    "Török",
    "Fehér",
    "Balázs",
    "Gál",
    "Kis",
    "Pintér",
    "Vörös",
    "Fülöp",
    "Bíró",
    "Hegedűs",
    "Győri",
    "Pásztor",
    "Sárközi",
    "Csonka",
    "Lengyel",
    "Bálint",
    "Szőke",
]
FI_CITIES = [
    ("Helsinki", "00100", "9"),
    ("Espoo", "02100", "9"),
    ("Vantaa", "01300", "9"),
    ("Tampere", "33100", "3"),
    ("Turku", "20100", "2"),
    ("Oulu", "90100", "8"),
    ("Jyväskylä", "40100", "14"),
    ("Kuopio", "70100", "17"),
    ("Lahti", "15100", "3"),
    ("Pori", "28100", "2"),
    ("Joensuu", "80100", "13"),
    ("Seinäjoki", "60100", "6"),
    ("Rovaniemi", "96100", "16"),
    ("Vaasa", "65100", "6"),
    ("Hämeenlinna", "13100", "3"),
]
HU_CITIES = [
    ("Budapest", "1052", "1"),
    ("Debrecen", "4024", "52"),
    ("Szeged", "6720", "62"),
    ("Miskolc", "3525", "46"),
    ("Pécs", "7621", "72"),
    ("Győr", "9021", "96"),
    ("Nyíregyháza", "4400", "42"),
    ("Kecskemét", "6000", "76"),
    ("Székesfehérvár", "8000", "22"),
    ("Szombathely", "9700", "94"),
    ("Eger", "3300", "36"),
    ("Sopron", "9400", "99"),
]
FI_STREETS = [
    "Mannerheimintie",
    "Aleksanterinkatu",
    "Hämeenkatu",
    "Kauppakatu",
    "Rantatie",
    "Koulukatu",
    "Puistokatu",
    "Teollisuustie",
    "Kirkkokatu",
    "Satamakatu",
    "Asemakatu",
    "Yliopistonkatu",
    "Sähkötie",
    "Pajatie",
]
HU_STREETS = [
    "Kossuth Lajos utca",
    "Petőfi Sándor utca",
    "Rákóczi út",
    "Széchenyi tér",
    "Váci út",
    "Ady Endre utca",
    "Dózsa György út",
    "Fő utca",
    "Bajcsy-Zsilinszky út",
    "Arany János utca",
]
FI_SUFFIXES = ["Oy", "Oy", "Oy", "Oyj", "Ky", "Tmi", "Ab"]
HU_SUFFIXES = ["Kft.", "Kft.", "Kft.", "Zrt.", "Bt.", "Nyrt."]
FI_TRADES = [
    "Rakennus",
    "Kuljetus",
    "Konepaja",
    "Sähkö",
    "Puutarha",
    "Tilitoimisto",
    "Ohjelmistot",
    "Metalli",
    "Kiinteistöt",
    "Logistiikka",
    "Catering",
    "Lvi",
    "Mainos",
    "Energia",
    "Puu",
    "Tekstiili",
]
HU_TRADES = [
    "Építő",
    "Szállítmányozó",
    "Gépgyártó",
    "Villamossági",
    "Kertészeti",
    "Könyvelő",
    "Szoftver",
    "Fémipari",
    "Ingatlan",
    "Logisztikai",
    "Vendéglátó",
    "Reklám",
    "Energetikai",
    "Faipari",
    "Textil",
]
FI_TITLES = [
    "toimitusjohtaja",
    "myyntipäällikkö",
    "talouspäällikkö",
    "ostopäällikkö",
    "tuotantopäällikkö",
    "asiakkuuspäällikkö",
    "IT-päällikkö",
    "hallituksen puheenjohtaja",
]
HU_TITLES = [
    "ügyvezető igazgató",
    "értékesítési vezető",
    "pénzügyi vezető",
    "beszerzési vezető",
    "termelési vezető",
    "ügyfélkapcsolati vezető",
    "informatikai vezető",
]
# Hungarian county codes of a tax number (the last two digits).
HU_COUNTY_CODES = [*range(2, 21), *range(22, 45), 51]
YTUNNUS_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)
ANUM_WEIGHTS = (9, 7, 3, 1, 9, 7, 3)


def ytunnus(rng: random.Random) -> str:
    """A Finnish business ID (Y-tunnus) with a valid check digit: 1234567-8."""
    while True:
        digits = [rng.randrange(10) for _ in range(7)]
        digits[0] = rng.randrange(1, 4)  # real ones start 0-3; avoid leading zeros for reading
        remainder = sum(d * w for d, w in zip(digits, YTUNNUS_WEIGHTS, strict=True)) % 11
        if remainder == 1:  # no valid check digit: the ID is never issued
            continue
        check = 0 if remainder == 0 else 11 - remainder
        return "".join(map(str, digits)) + f"-{check}"


def hu_tax_number(rng: random.Random) -> str:
    """A Hungarian tax number (adószám) 12345678-2-41: a valid check digit in the eighth place,
    a VAT code and a county code."""
    digits = [rng.randrange(1, 10)] + [rng.randrange(10) for _ in range(6)]
    check = (10 - sum(d * w for d, w in zip(digits, ANUM_WEIGHTS, strict=True)) % 10) % 10
    base = "".join(map(str, digits)) + str(check)
    return f"{base}-{rng.choice((1, 2, 2, 3))}-{rng.choice(HU_COUNTY_CODES):02d}"


def phone(rng: random.Random, country: str, *, mobile: bool) -> str:
    """A phone number in E.164, as the product stores it."""
    if country == "HU":
        if mobile:
            return f"+36{rng.choice((20, 30, 70))}{rng.randrange(1_000_000, 10_000_000)}"
        return f"+361{rng.randrange(2_000_000, 9_000_000)}"
    if mobile:
        return f"+358{rng.choice((40, 44, 45, 50))}{rng.randrange(1_000_000, 10_000_000)}"
    return f"+3589{rng.randrange(2_000_000, 9_000_000)}"


@dataclass(frozen=True)
class Place:
    street: str
    postal_code: str
    city: str


def place(rng: random.Random, country: str) -> Place:
    if country == "HU":
        city, postal, _ = rng.choice(HU_CITIES)
        return Place(f"{rng.choice(HU_STREETS)} {rng.randrange(1, 120)}.", postal, city)
    city, postal, _ = rng.choice(FI_CITIES)
    return Place(f"{rng.choice(FI_STREETS)} {rng.randrange(1, 80)}", postal, city)


def company_name(rng: random.Random, country: str, number: int) -> str:
    # The number keeps names mostly distinct, as in a real register, while names still repeat
    # often enough for the duplicate scan to have work.
    if country == "HU":
        last, trade, suffix = rng.choice(HU_LAST), rng.choice(HU_TRADES), rng.choice(HU_SUFFIXES)
    else:
        last, trade, suffix = rng.choice(FI_LAST), rng.choice(FI_TRADES), rng.choice(FI_SUFFIXES)
    return f"{last} {trade} {number % 997} {suffix}"


def person_name(rng: random.Random, country: str) -> tuple[str, str]:
    if country == "HU":
        return rng.choice(HU_FIRST), rng.choice(HU_LAST)
    return rng.choice(FI_FIRST), rng.choice(FI_LAST)


def job_title(rng: random.Random, country: str) -> str:
    return rng.choice(HU_TITLES if country == "HU" else FI_TITLES)


_ASCII = str.maketrans("äöåüõáéíóúűőÄÖÅÜÁÉÍÓÚŰŐ", "aoauoaeiouuoAOAUAEIOUUO")


def email_local(first: str, last: str) -> str:
    return f"{first}.{last}".lower().translate(_ASCII).replace(" ", "")
