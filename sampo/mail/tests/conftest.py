from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sampo.accounts.models import User
from sampo.contacts import services as contacts
from sampo.contacts.models import Organization, Person
from sampo.mail.tests.dovecot import Dovecot

# The worker tests' real components: an SMTP server (aiosmtpd), the test database as a URL, the
# task queue on both backends and `sampo worker` as a separate process.
from tests.worker.conftest import (  # noqa: F401
    database_url,
    inbox,
    queue,
    redis_url,
    sampo,
    smtp_server,
)


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Path) -> None:
    """Attachments are written to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture
def organization(seller: User) -> Organization:
    return contacts.organization_create(actor=seller, values={"name": "Rakennus Virtanen Oy"})


@pytest.fixture
def customer(seller: User, organization: Organization) -> Person:
    return contacts.person_create(
        actor=seller,
        values={
            "first_name": "Maija",
            "last_name": "Lehtonen",
            "email": "Maija.Lehtonen@Virtanen.example",
            "preferred_language": "fi",
        },
        organization=organization,
    )


@pytest.fixture
def dovecot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dovecot]:
    server = Dovecot.start()
    yield server
    server.stop()
