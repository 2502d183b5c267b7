"""Demo users and teams of "Kallio Rakennustarvike Oy", a building-supplies wholesaler."""

from __future__ import annotations

from django.db import transaction

from sampo.accounts import services
from sampo.accounts.models import Role, Team, User
from sampo.core import records
from sampo.core.demo import DEMO_PASSWORD, DemoContext, register

DEMO_DOMAIN = "kallio.example"

# key, name, role, teams, language
DEMO_USERS = [
    ("admin", "Anna Kallio", Role.ADMIN, [], "fi"),
    ("manager_south", "Maija Lehtonen", Role.SALES_MANAGER, ["south"], "fi"),
    ("seller_mikko", "Mikko Virtanen", Role.SALESPERSON, ["south"], "fi"),
    ("seller_laura", "Laura Nieminen", Role.SALESPERSON, ["south"], "en"),
    ("manager_export", "Tamás Kovács", Role.SALES_MANAGER, ["export"], "hu"),
    ("seller_eszter", "Eszter Nagy", Role.SALESPERSON, ["export"], "hu"),
    ("seller_jukka", "Jukka Mäkinen", Role.SALESPERSON, ["export"], "fi"),
    ("support", "Sanna Heikkinen", Role.SUPPORT, [], "fi"),
    ("marketing", "Oskari Laine", Role.MARKETING, [], "fi"),
    ("viewer", "Pekka Salo", Role.READ_ONLY, [], "fi"),
]

DEMO_TEAMS = {
    "south": ("Myynti Etelä-Suomi", "Sales to builders and retailers in Uusimaa and Pirkanmaa."),
    "export": ("Export Hungary", "Distributors and builders in Hungary and Central Europe."),
}

LEADERS = {"south": "manager_south", "export": "manager_export"}


def demo_email(key: str, name: str) -> str:
    local = ".".join(name.lower().split())
    for accented, plain in {"ä": "a", "ö": "o", "å": "a", "á": "a", "é": "e"}.items():
        local = local.replace(accented, plain)
    return f"{local}@{DEMO_DOMAIN}"


@register(10, "users and teams")
@transaction.atomic
def load_users_and_teams(context: DemoContext) -> None:
    roles = {role.code: role for role in Role.objects.all()}
    users: dict[str, User] = {}
    for key, name, role_code, _teams, language in DEMO_USERS:
        email = demo_email(key, name)
        user = User.objects.filter(email=email).first()
        if user is None:
            user = services.user_create(
                actor=None,
                email=email,
                name=name,
                role=roles[role_code],
                language=language,
                password=DEMO_PASSWORD,
            )
        users[key] = user
    admin = users["admin"]
    teams: dict[str, Team] = {}
    for key, (name, description) in DEMO_TEAMS.items():
        members = [users[k] for k, _name, _role, team_keys, _lang in DEMO_USERS if key in team_keys]
        team = Team.objects.filter(name=name).first()
        if team is None:
            team = records.record_create(
                Team(name=name, description=description, leader=users[LEADERS[key]]),
                actor=admin,
                m2m={"members": members},
            )
        teams[key] = team
    context.objects["users"] = users
    context.objects["teams"] = teams
