"""Demo activities: a year of logged calls, meetings and notes on the demo register, and
follow-ups planned over the coming weeks (some already overdue), for each seller."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from sampo.activities.models import Activity, ActivityType
from sampo.activities.services import activity_log, activity_schedule
from sampo.contacts.models import Organization
from sampo.core.demo import DemoContext, register

SUBJECTS = {
    "call": [
        "Soitto: tarjouksen läpikäynti",
        "Kuulumiset ja kevään tarpeet",
        "Hívás: árajánlat egyeztetése",
    ],
    "meeting": ["Työmaakäynti", "Vuosipalaveri", "Személyes találkozó a telephelyen"],
    "email": ["Hinnasto lähetetty", "Toimitusaikataulu", "Ajánlat elküldve"],
    "note": [
        "Asiakas harkitsee kilpailijaa",
        "Päättäjä vaihtuu keväällä",
        "Megjegyzés: új beszerzési vezető",
    ],
}


@register(30, "activities")
@transaction.atomic
def load_activities(context: DemoContext) -> None:
    if Activity.all_objects.exists():
        context.log("demo: activities are already there")
        return
    rng = context.rng
    types = {t.code: t for t in ActivityType.objects.all()}
    organizations = list(
        Organization.objects.select_related("owner").prefetch_related("memberships__person")[:200]
    )
    now = timezone.now()
    today = timezone.localdate()
    for n, organization in enumerate(organizations):
        people = [m.person for m in organization.memberships.all()][:2]
        # Big customers (the first ten) have a long history; most have a few entries.
        for _ in range(rng.randrange(15, 40) if n < 10 else rng.randrange(0, 5)):
            code = rng.choices(["call", "meeting", "email", "note"], [50, 15, 20, 15])[0]
            activity_log(
                actor=organization.owner,
                type=types[code],
                subject=rng.choice(SUBJECTS[code]),
                when=now
                - datetime.timedelta(days=rng.randrange(1, 365), minutes=rng.randrange(0, 600)),
                duration_minutes=rng.choice([5, 10, 15, 30, 60])
                if code in ("call", "meeting")
                else None,
                organization=organization,
                people=people[:1],
            )
        if n % 3 == 0:
            code = rng.choice(["call", "meeting"])
            activity_schedule(
                actor=organization.owner,
                type=types[code],
                subject=rng.choice(SUBJECTS[code]),
                day=today + datetime.timedelta(days=rng.randrange(-6, 21)),
                time=datetime.time(rng.randrange(8, 16), rng.choice([0, 30])) if n % 2 else None,
                organization=organization,
                people=people[:1],
            )
