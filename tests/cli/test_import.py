"""`sampo import organizations|people|opportunities FILE`: the wizard's import, on the
command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.support import sampo, sampo_python

pytestmark = pytest.mark.slow

ORGANIZATIONS = "Asiakasnumero;Nimi;Y-tunnus;Kaupunki\nA-1;Pörssi Oy;0112038-9;Jyväskylä\n"
PEOPLE = (
    "Tunnus;Etunimi;Sukunimi;Sähköposti;Yritys ID\n"
    "H-1;Matti;Virtanen;matti@porssi.fi;A-1\n"
    "H-2;Liisa;;liisa@porssi.fi;A-1\n"
)
COUNTS = (
    "from sampo.contacts.models import Organization, Person; import json; "
    "print(json.dumps([Organization.objects.count(), Person.objects.count(), "
    "[str(m.organization) for m in Person.objects.get(email='matti@porssi.fi').memberships.all()]"
    " if Person.objects.exists() else []]))"
)


@pytest.fixture
def operator_env(migrated_env: dict[str, str]) -> dict[str, str]:
    sampo(
        "createuser",
        "anna@kallio.example",
        "--name",
        "Anna Kallio",
        "--role",
        "admin",
        "--password-stdin",
        env=migrated_env,
        stdin="Kallio-Rakennus-2026\n",
    )
    return migrated_env


def test_it_imports_organizations_then_people_linked_by_source_id(
    operator_env: dict[str, str], tmp_path: Path
) -> None:
    organizations = tmp_path / "yritykset.csv"
    organizations.write_bytes(ORGANIZATIONS.encode("cp1252"))
    people = tmp_path / "henkilot.csv"
    people.write_text(PEOPLE, encoding="utf-8")
    failed = tmp_path / "failed.csv"

    first = sampo(
        "import",
        "organizations",
        str(organizations),
        "--as",
        "anna@kallio.example",
        env=operator_env,
    )
    second = sampo(
        "import",
        "people",
        str(people),
        "--as",
        "anna@kallio.example",
        "--mapping",
        "Yritys ID=organization_source_id",
        "--failed-rows",
        str(failed),
        env=operator_env,
        check=False,
    )

    assert "created:              1" in first.stdout
    assert "1/1 rows" in first.stderr  # the progress bar
    assert second.returncode == 2, second.stderr
    assert "created:              1" in second.stdout
    assert "failed:               1" in second.stdout
    assert "row 3: Failed: Last name" in second.stdout
    assert "liisa@porssi.fi" in failed.read_text(encoding="utf-8-sig")
    assert sampo_python(COUNTS, env=operator_env) == [1, 1, ["Pörssi Oy"]]


def test_a_dry_run_changes_nothing_and_a_json_mapping_is_read(
    operator_env: dict[str, str], tmp_path: Path
) -> None:
    people = tmp_path / "people.csv"
    people.write_text("Who;Mail\nVirtanen;m@x.fi\n", encoding="utf-8")
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"Who": "last_name", "Mail": "email"}))

    result = sampo(
        "import",
        "people",
        str(people),
        "--as",
        "anna@kallio.example",
        "--mapping",
        str(mapping),
        "--dry-run",
        env=operator_env,
    )

    assert "Dry run, nothing saved" in result.stdout
    assert "created:              1" in result.stdout
    assert sampo_python(COUNTS, env=operator_env) == [0, 0, []]


def test_it_refuses_an_unreadable_file_and_an_unknown_user_without_a_traceback(
    operator_env: dict[str, str], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook")

    unreadable = sampo(
        "import",
        "people",
        str(broken),
        "--as",
        "anna@kallio.example",
        env=operator_env,
        check=False,
    )
    nobody = sampo(
        "import", "people", str(broken), "--as", "nobody@x.fi", env=operator_env, check=False
    )

    assert unreadable.returncode == 1
    assert "not an Excel workbook" in unreadable.stderr
    assert nobody.returncode == 1
    assert "No active user" in nobody.stderr
    assert "Traceback" not in unreadable.stderr + nobody.stderr


DEALS = (
    "Tunniste;Otsikko;Y-tunnus;Vaihe;Arvo;Tila;Suljettu;Häviön syy\n"
    "D-1;Katon uusinta;0112038-9;Tarjous;12 500 €;;;\n"
    "D-2;Menetetty;0112038-9;Neuvottelu;800;menetetty;1.3.2026;Hinta\n"
    "D-3;Ei syytä;;;;lost;;\n"
)
DEAL_FACTS = (
    "from sampo.sales.models import Opportunity; import json; "
    "print(json.dumps(sorted([o.title, o.organization.name if o.organization else '', "
    "str(o.stage.name), o.status, str(o.closed_on), "
    "o.lost_reason.code if o.lost_reason else ''] for o in Opportunity.objects.all())))"
)


def test_it_imports_opportunities_linked_to_the_imported_organizations_and_again_unchanged(
    operator_env: dict[str, str], tmp_path: Path
) -> None:
    organizations = tmp_path / "yritykset.csv"
    organizations.write_bytes(ORGANIZATIONS.encode("cp1252"))
    deals = tmp_path / "kaupat.csv"
    deals.write_text(DEALS, encoding="utf-8")
    sampo(
        "import",
        "organizations",
        str(organizations),
        "--as",
        "anna@kallio.example",
        env=operator_env,
    )

    first = sampo(
        "import",
        "opportunities",
        str(deals),
        "--as",
        "anna@kallio.example",
        env=operator_env,
        check=False,
    )
    again = sampo(
        "import",
        "opportunities",
        str(deals),
        "--as",
        "anna@kallio.example",
        env=operator_env,
        check=False,
    )

    assert first.returncode == 2, first.stderr
    assert "3 rows of opportunities" in first.stdout
    assert "created:              2" in first.stdout
    assert "row 4: Failed: A lost opportunity needs a lost reason." in first.stdout
    assert "3/3 rows" in first.stderr
    assert "unchanged:            2" in again.stdout
    assert sampo_python(DEAL_FACTS, env=operator_env) == [
        ["Katon uusinta", "Pörssi Oy", "Proposal", "open", "None", ""],
        ["Menetetty", "Pörssi Oy", "Negotiation", "lost", "2026-03-01", "price"],
    ]
