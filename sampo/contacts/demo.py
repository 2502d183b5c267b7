"""Demo register: about 200 organizations (Finnish and Hungarian builders, retailers and
suppliers) and 500 people, owned by the demo sellers, with valid business IDs and phones."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from stdnum.fi import ytunnus
from stdnum.hu import anum

from sampo.contacts import services
from sampo.contacts.models import Industry, KeyFigure, Organization, RelationshipType, Tag
from sampo.core.demo import DemoContext, register

ORGANIZATIONS = 200
PEOPLE = 500

FI_CITIES = [
    ("Helsinki", "00100"),
    ("Espoo", "02100"),
    ("Vantaa", "01300"),
    ("Tampere", "33100"),
    ("Turku", "20100"),
    ("Oulu", "90100"),
    ("Jyväskylä", "40100"),
    ("Lahti", "15110"),
    ("Kuopio", "70100"),
    ("Pori", "28100"),
    ("Hämeenlinna", "13100"),
    ("Seinäjoki", "60100"),
]
HU_CITIES = [
    ("Budapest", "1051"),
    ("Debrecen", "4024"),
    ("Szeged", "6720"),
    ("Pécs", "7621"),
    ("Győr", "9021"),
    ("Miskolc", "3525"),
    ("Kecskemét", "6000"),
    ("Székesfehérvár", "8000"),
]
FI_STREETS = [
    "Mannerheimintie",
    "Hämeenkatu",
    "Teollisuustie",
    "Rautatienkatu",
    "Kauppakatu",
    "Satamakatu",
    "Puistotie",
    "Koivukuja",
    "Tehtaankatu",
    "Asemakatu",
]
HU_STREETS = [
    "Andrássy út",
    "Kossuth Lajos utca",
    "Petőfi Sándor utca",
    "Rákóczi út",
    "Ipar utca",
    "Szabadság tér",
    "Dózsa György út",
    "Arany János utca",
]
FI_NAME_PARTS = [
    "Rakennus",
    "Kiinteistö",
    "Sähkö",
    "Putki",
    "Puu",
    "Kivi",
    "Lasi",
    "Kone",
    "Maalaus",
    "Kattotyö",
    "Betoni",
    "Pelti",
    "Teräs",
    "Talo",
    "Piha",
]
FI_FAMILY = [
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
    "Saarinen",
    "Salminen",
    "Heinonen",
    "Niemi",
    "Kinnunen",
    "Pörssi",
    "Salonen",
    "Turunen",
    "Lindqvist",
]
FI_FIRST = [
    "Matti",
    "Timo",
    "Juha",
    "Mikko",
    "Kari",
    "Antti",
    "Jari",
    "Sari",
    "Anne",
    "Päivi",
    "Tiina",
    "Minna",
    "Laura",
    "Johanna",
    "Hanna",
    "Ville",
    "Eveliina",
    "Aino",
    "Eero",
]
HU_FAMILY = [
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
    "Szűcs",
    "Takács",
    "Juhász",
    "Lakatos",
]
HU_FIRST = [
    "László",
    "István",
    "József",
    "Zoltán",
    "Gábor",
    "Péter",
    "Katalin",
    "Erzsébet",
    "Ildikó",
    "Zsófia",
    "Eszter",
    "Anikó",
    "Judit",
    "Ágnes",
    "Balázs",
    "Réka",
]
FI_TITLES = [
    "Toimitusjohtaja",
    "Hankintapäällikkö",
    "Ostaja",
    "Työmaapäällikkö",
    "Talousjohtaja",
    "Myyntipäällikkö",
    "Projektipäällikkö",
    "Varastopäällikkö",
]
HU_TITLES = [
    "Ügyvezető",
    "Beszerzési vezető",
    "Beszerző",
    "Építésvezető",
    "Gazdasági igazgató",
    "Projektvezető",
]
TAGS = ["VIP", "Messut 2026", "Uutiskirje", "Export", "Julkinen sektori"]
INDUSTRIES = ["41", "42", "43", "46", "47", "68", "71", "16", "23", "25"]


def _with_check_digit(is_valid, base: int) -> str:
    """The first number from `base` up that a valid check digit completes."""
    for candidate in range(base, base + 100):
        for digit in "0123456789":
            if is_valid(f"{candidate:07d}{digit}"):
                return f"{candidate:07d}{digit}"
    raise ValueError(base)


def _fi_business_id(n: int) -> str:
    number = _with_check_digit(ytunnus.is_valid, 2800000 + n * 37)
    return f"{number[:7]}-{number[7]}"


def _hu_tax_number(n: int) -> str:
    return f"{_with_check_digit(anum.is_valid, 1430000 + n * 41)}-2-{(n % 20) + 1:02d}"


def _fi_phone(rng) -> str:
    return f"+35840{rng.randrange(1000000, 9999999)}"


def _hu_phone(rng) -> str:
    return f"+3630{rng.randrange(1000000, 9999999)}"


@register(20, "organizations and people")
@transaction.atomic
def load_register(context: DemoContext) -> None:
    if Organization.all_objects.filter(email__endswith="@demo.example").exists():
        context.log("demo: the register is already there")
        return
    rng = context.rng
    users = context.objects["users"]
    south = [users[k] for k in ("manager_south", "seller_mikko", "seller_laura")]
    export = [users[k] for k in ("manager_export", "seller_eszter", "seller_jukka")]
    types = {t.code: t for t in RelationshipType.objects.all()}
    industries = {i.code: i for i in Industry.objects.filter(code__in=INDUSTRIES)}
    tags = [Tag.objects.get_or_create(name=name)[0] for name in TAGS]
    organizations = []
    for n in range(ORGANIZATIONS):
        hungarian = n % 4 == 3
        if hungarian:
            city, postal = rng.choice(HU_CITIES)
            name = (
                f"{rng.choice(HU_FAMILY)} és Társa Építő Kft."
                if n % 3
                else f"{city}i Építőanyag Zrt."
            )
            values = {
                "business_id": _hu_tax_number(n),
                "country": "HU",
                "phone": _hu_phone(rng),
                "street": f"{rng.choice(HU_STREETS)} {rng.randrange(1, 120)}.",
                "owner": rng.choice(export),
            }
        else:
            city, postal = rng.choice(FI_CITIES)
            name = f"{rng.choice(FI_NAME_PARTS)} {rng.choice(FI_FAMILY)} Oy"
            values = {
                "business_id": _fi_business_id(n),
                "country": "FI",
                "phone": _fi_phone(rng),
                "street": f"{rng.choice(FI_STREETS)} {rng.randrange(1, 80)}",
                "owner": rng.choice(south),
            }
        relationship = rng.choices(
            ["customer", "prospect", "supplier", "partner", "competitor"], [50, 30, 10, 6, 4]
        )[0]
        values.update(
            name=name,
            city=city,
            postal_code=postal,
            email=f"info{n}@demo.example",
            website=f"https://www.org{n}.demo.example",
            industry=industries.get(rng.choice(INDUSTRIES)),
            relationship_types=[types[relationship]],
            tags=rng.sample(tags, rng.choice([0, 0, 1, 2])),
        )
        created = services.organization_create(actor=None, values=values, allow_duplicate=True)
        organizations.append(created)
        _key_figures(created, rng, big=n < 10)
    for n in range(PEOPLE):
        organization: Organization | None = organizations[n % ORGANIZATIONS] if n % 25 else None
        hungarian = organization.country == "HU" if organization else n % 4 == 0
        first = rng.choice(HU_FIRST if hungarian else FI_FIRST)
        last = rng.choice(HU_FAMILY if hungarian else FI_FAMILY)
        services.person_create(
            actor=None,
            values={
                "first_name": first,
                "last_name": last,
                "job_title": rng.choice(HU_TITLES if hungarian else FI_TITLES)
                if organization
                else "",
                "email": f"person{n}@demo.example",
                "mobile": _hu_phone(rng) if hungarian else _fi_phone(rng),
                "country": "HU" if hungarian else "FI",
                "preferred_language": "hu" if hungarian else "fi",
                "owner": organization.owner if organization else rng.choice(south),
                # Some have a second address, as real people do.
                "contact_details": [
                    {"kind": "email", "label": "home", "value": f"person{n}.home@demo.example"}
                ]
                if n % 5 == 0
                else None,
            },
            organization=organization,
            role="",
            allow_duplicate=True,
        )
    context.objects["organizations"] = organizations


def _key_figures(organization: Organization, rng, *, big: bool) -> None:
    revenue = Decimal(
        rng.randrange(5_000_000, 80_000_000) if big else rng.randrange(200_000, 5_000_000)
    )
    employees = rng.randrange(50, 400) if big else rng.randrange(2, 40)
    this_year = timezone.localdate().year
    for year in range(this_year - 3, this_year):
        KeyFigure.objects.create(
            organization=organization,
            year=year,
            revenue=revenue,
            operating_profit=(revenue * Decimal(rng.randrange(-5, 15)) / 100).quantize(
                Decimal("1")
            ),
            employees=employees,
        )
        revenue = (revenue * Decimal(rng.randrange(90, 125)) / 100).quantize(Decimal("1"))
        employees = max(1, employees + rng.randrange(-2, 5))
