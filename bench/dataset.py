"""The benchmark company: users and teams, three pipelines, and a register skewed the way
real ones are (a few big customers with thousands of activities, many small ones), written
with bulk inserts into the database Django is configured for, and the same rows as CSV files
for the import scenarios. Everything follows from the seed and the anchor date.

Records are inserted with their primary keys chosen here (1..N), so that links need no read
back; the sequences are reset afterwards. No history entries are written for generated
records (the import scenario writes its own, as the product does)."""

from __future__ import annotations

import contextlib
import csv
import datetime
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction

from bench import fake
from bench.scales import ADMIN_EMAIL, PASSWORD, Scale
from sampo.accounts.models import Role, Team, User
from sampo.activities.models import Activity, ActivityType
from sampo.contacts.models import (
    Industry,
    KeyFigure,
    Membership,
    Organization,
    Person,
    RelationshipType,
    Tag,
)
from sampo.lib.business_ids import parse_business_id
from sampo.lib.text import fold
from sampo.sales.models import LeadSource, LostReason, Opportunity, Pipeline, Stage

BATCH = 5_000
UTC = datetime.UTC

PIPELINES = [
    # (name, stages with default probability, share of the opportunities)
    (
        "Sales",
        [("Qualification", 10), ("Needs analysis", 25), ("Proposal", 50), ("Negotiation", 75)],
        0.6,
    ),
    ("Key accounts", [("Contact", 10), ("Workshop", 30), ("Offer", 55), ("Contract", 80)], 0.3),
    ("Renewals", [("Upcoming", 40), ("Offer sent", 70), ("Signing", 90)], 0.1),
]
PRODUCTS = [
    "CRM licences",
    "Support agreement",
    "Consulting",
    "Training",
    "Integration project",
    "Hosting",
    "Rekisteröinti",
    "Karbantartás",
]
SUBJECTS = {
    "call": ["Soitto", "Follow-up call", "Telefonhívás", "Kysyi tarjouksesta"],
    "meeting": ["Tapaaminen", "Demo", "Személyes találkozó", "Workshop"],
    "email": ["Tarjous lähetetty", "Ajánlat elküldve", "Sopimusluonnos", "Reply to enquiry"],
    "note": ["Muistiinpano", "Jegyzet", "Budget approved next quarter", "Päättäjä vaihtunut"],
}


@dataclass
class Setup:
    users: list[int]
    teams: dict[int, int]  # user -> team
    pipelines: list[tuple[int, list[tuple[int, int]], float]]  # (id, [(stage, prob)], share)
    industries: list[int]
    industry_codes: list[str]
    relationship_types: list[int]
    tags: list[int]
    sources: list[int]
    lost_reasons: list[int]
    activity_types: dict[str, int]
    user_emails: dict[int, str] = field(default_factory=dict)
    # Names as the import reads them: pipeline and stage by name, lost reason by code.
    names: dict[str, dict[int, str]] = field(default_factory=dict)


@contextlib.contextmanager
def _own_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let bulk inserts keep the created/updated times chosen here (spread over years, as in
    a real register) instead of `auto_now`'s one instant."""
    changed = []
    for model in model_classes:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                changed.append((f, f.auto_now, f.auto_now_add))  # type: ignore[attr-defined]
                f.auto_now = f.auto_now_add = False  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for f, now, now_add in changed:
            f.auto_now, f.auto_now_add = now, now_add  # type: ignore[attr-defined]


def _skewed(rng: random.Random, n: int, power: float) -> int:
    """0..n-1, low numbers far more often: a few big customers, a long tail of small ones."""
    return min(n - 1, int(n * rng.random() ** power))


def _bulk(model: type[models.Model], rows: Iterator[models.Model]) -> int:
    count = 0
    batch: list[models.Model] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            with transaction.atomic():
                model.objects.bulk_create(batch)  # type: ignore[attr-defined]
            count += len(batch)
            batch = []
    if batch:
        with transaction.atomic():
            model.objects.bulk_create(batch)  # type: ignore[attr-defined]
        count += len(batch)
    return count


def setup_company(scale: Scale, rng: random.Random) -> Setup:
    """Users in teams (a leader each, one admin), three pipelines, a few tags."""
    roles = {r.code: r for r in Role.objects.all()}
    password = make_password(PASSWORD)
    users = [
        User(
            email=ADMIN_EMAIL,
            name="Bench Admin",
            role=roles[Role.ADMIN],
            password=password,
            is_superuser=True,
            is_staff=True,
        )
    ]
    for number in range(1, scale.users):
        country = "HU" if number % 3 == 0 else "FI"
        first, last = fake.person_name(rng, country)
        role = Role.SALES_MANAGER if number <= scale.teams else Role.SALESPERSON
        users.append(
            User(
                email=f"{fake.email_local(first, last)}.{number}@bench.example",
                name=f"{first} {last}",
                role=roles[role],
                password=password,
                language="hu" if country == "HU" else "fi",
            )
        )
    User.objects.bulk_create(users)
    created = list(User.objects.order_by("id"))
    team_of: dict[int, int] = {}
    for number in range(scale.teams):
        leader = created[1 + number]
        team = Team.objects.create(name=f"Team {number + 1}", leader=leader)
        members = [u for i, u in enumerate(created[1:]) if i % scale.teams == number]
        team.members.add(*members)
        team_of.update({u.pk: team.pk for u in members})
    pipelines = []
    for position, (name, stages, share) in enumerate(PIPELINES):
        pipeline = Pipeline.objects.filter(name=name).first() or Pipeline.objects.create(
            name=name, position=position
        )
        if not pipeline.stages.exists():
            for number, (stage, probability) in enumerate(stages):
                Stage.objects.create(
                    pipeline=pipeline, name=stage, probability=probability, position=number
                )
        pipelines.append(
            (
                pipeline.pk,
                list(pipeline.stages.order_by("position").values_list("id", "probability")),
                share,
            )
        )
    tags = [
        Tag.objects.create(name=name).pk
        for name in ("VIP", "kumppani", "partner", "export", "julkinen", "kiemelt")
    ]
    industries = list(Industry.objects.filter(parent__isnull=False).values_list("id", "code"))
    return Setup(
        users=[u.pk for u in created],
        teams=team_of,
        pipelines=pipelines,
        industries=[pk for pk, _ in industries],
        industry_codes=[code for _, code in industries],
        relationship_types=list(RelationshipType.objects.values_list("id", flat=True)),
        tags=tags,
        sources=list(LeadSource.objects.values_list("id", flat=True)),
        lost_reasons=list(LostReason.objects.values_list("id", flat=True)),
        activity_types=dict(ActivityType.objects.values_list("code", "id")),
        user_emails={u.pk: u.email for u in created},
        names=opportunity_names(),
    )


def opportunity_names() -> dict[str, dict[int, str]]:
    """Pipelines, stages and lost reasons by id, as the opportunities CSV names them."""
    return {
        "pipeline": dict(Pipeline.objects.values_list("id", "name")),
        "stage": dict(Stage.objects.values_list("id", "name")),
        "lost_reason": dict(LostReason.objects.values_list("id", "code")),
    }


@dataclass
class Plan:
    """What the register rows need to know about each other, kept as plain lists."""

    org_owner: list[int] = field(default_factory=list)
    org_country: list[str] = field(default_factory=list)
    org_names: list[str] = field(default_factory=list)
    org_people: dict[int, list[int]] = field(default_factory=dict)
    org_opportunities: dict[int, list[int]] = field(default_factory=dict)


def _timestamp(rng: random.Random, anchor: datetime.datetime, days: int) -> datetime.datetime:
    return anchor - datetime.timedelta(seconds=rng.randrange(days * 86_400))


class Writer:
    """CSV files of the same rows, with the headers a user's export from another CRM has."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.files: dict[str, Any] = {}

    def row(self, name: str, headers: list[str], values: list[Any]) -> None:
        if self.folder is None:
            return
        if name not in self.files:
            handle = (self.folder / f"{name}.csv").open("w", newline="", encoding="utf-8")
            writer = csv.writer(handle)
            writer.writerow(headers)
            self.files[name] = (handle, writer)
        self.files[name][1].writerow(["" if v is None else v for v in values])

    def close(self) -> None:
        for handle, _ in self.files.values():
            handle.close()


ORG_HEADERS = [
    "Name",
    "Business ID",
    "Email",
    "Phone",
    "Website",
    "Street address",
    "Postal code",
    "City",
    "Country",
    "Industry code",
    "Owner",
    "Tags",
    "Source id",
]
PERSON_HEADERS = [
    "First name",
    "Last name",
    "Job title",
    "Email",
    "Phone",
    "Mobile",
    "City",
    "Country",
    "Preferred language",
    "Owner",
    "Organization source id",
    "Role",
    "Source id",
]
# The wizard's mapping step, as a user would set it for these files.
ORG_MAPPING = [
    "name",
    "business_id",
    "email",
    "phone",
    "website",
    "street",
    "postal_code",
    "city",
    "country",
    "industry",
    "owner",
    "tags",
    "source_id",
]
PERSON_MAPPING = [
    "first_name",
    "last_name",
    "job_title",
    "email",
    "phone",
    "mobile",
    "city",
    "country",
    "preferred_language",
    "owner",
    "organization_source_id",
    "role",
    "source_id",
]
OPPORTUNITY_HEADERS = [
    "Title",
    "Organization source id",
    "Person source id",
    "Pipeline",
    "Stage",
    "Status",
    "Expected revenue",
    "Currency",
    "Expected close date",
    "Owner",
    "Source id",
    "Lost reason",
    "Closed on",
    "Postponed until",
]
OPPORTUNITY_MAPPING = [
    "title",
    "organization_source_id",
    "person_source_id",
    "pipeline",
    "stage",
    "status",
    "expected_revenue",
    "currency",
    "expected_close_date",
    "owner",
    "source_id",
    "lost_reason",
    "closed_on",
    "postponed_until",
]


def _domain(name: str, country: str) -> str:
    """The company's own web domain, from its whole name (without the company form), so that
    two companies share one only when their names do."""
    words = name.split()[:-1] or name.split()
    slug = "-".join(fake.email_local(word, "").rstrip(".") for word in words)
    return f"{slug.lower()}.{'hu' if country == 'HU' else 'fi'}"


def _organizations(
    scale: Scale,
    rng: random.Random,
    setup: Setup,
    plan: Plan,
    anchor: datetime.datetime,
    out: Writer,
) -> Iterator[Organization]:
    business_ids: list[str] = []
    for pk in range(1, scale.organizations + 1):
        country = rng.choices(("FI", "HU", "SE", "EE"), (55, 40, 3, 2))[0]
        name = fake.company_name(rng, country, pk)
        if pk == 1:
            name = "Kallio Rakennus Oyj" if country == "FI" else "Szűcs Építő Zrt."
        owner = rng.choice(setup.users[1:])
        spot = fake.place(rng, country if country in ("FI", "HU") else "FI")
        if business_ids and rng.random() < 0.005:
            business_id = rng.choice(business_ids)  # a duplicate, as real registers have
        elif country == "FI":
            business_id = fake.ytunnus(rng)
        elif country == "HU":
            business_id = fake.hu_tax_number(rng)
        else:
            business_id = ""
        parsed = parse_business_id(business_id) if business_id else None
        if parsed:
            business_ids.append(business_id)
        domain = _domain(name, country)
        created = _timestamp(rng, anchor, 5 * 365)
        industry = rng.randrange(len(setup.industries))
        plan.org_owner.append(owner)
        plan.org_country.append(country)
        plan.org_names.append(name)
        phone = fake.phone(rng, country, mobile=False) if rng.random() < 0.8 else ""
        out.row(
            "organizations",
            ORG_HEADERS,
            [
                name,
                business_id,
                f"info@{domain}",
                phone,
                f"https://www.{domain}",
                spot.street,
                spot.postal_code,
                spot.city,
                country,
                setup.industry_codes[industry],
                setup.user_emails[owner],
                "",
                f"org-{pk}",
            ],
        )
        yield Organization(
            pk=pk,
            name=name,
            name_folded=fold(name),
            business_id=parsed.value if parsed else "",
            business_id_kind=parsed.kind if parsed else "",
            business_id_key=parsed.match_key if parsed else "",
            industry_id=setup.industries[industry],
            website=f"https://www.{domain}",
            email=f"info@{domain}",
            phone=phone,
            street=spot.street,
            postal_code=spot.postal_code,
            city=spot.city,
            country=country,
            owner_id=owner,
            created_by_id=owner,
            updated_by_id=owner,
            created_at=created,
            updated_at=created + datetime.timedelta(days=rng.randrange(400)),
        )


def _key_figures(
    scale: Scale, rng: random.Random, anchor: datetime.datetime
) -> Iterator[KeyFigure]:
    for org in range(1, scale.organizations + 1):
        if rng.random() < 0.3:
            continue
        size = rng.lognormvariate(13, 1.6) * (50 if org == 1 else 1)
        for back in range(3):
            revenue = Decimal(int(size * (0.9**back) * rng.uniform(0.9, 1.1)))
            yield KeyFigure(
                organization_id=org,
                year=anchor.year - 1 - back,
                revenue=revenue,
                operating_profit=(revenue * Decimal(rng.uniform(-0.05, 0.15))).quantize(Decimal(1)),
                employees=max(1, int(revenue / 120_000)),
            )


def _people(
    scale: Scale,
    rng: random.Random,
    setup: Setup,
    plan: Plan,
    anchor: datetime.datetime,
    out: Writer,
    memberships: list[Membership],
) -> Iterator[Person]:
    emails: list[str] = []
    for pk in range(1, scale.people + 1):
        # Every organization has someone; the rest go to a skewed few, and 10 % are consumers.
        if pk <= scale.organizations:
            org: int | None = pk
        elif pk <= scale.organizations + 200:
            org = 1
        elif rng.random() < 0.1:
            org = None
        else:
            org = 1 + _skewed(rng, scale.organizations, 2.0)
        country = plan.org_country[org - 1] if org else rng.choice(("FI", "HU"))
        country = country if country in ("FI", "HU") else "FI"
        first, last = fake.person_name(rng, country)
        if emails and rng.random() < 0.01:
            email = rng.choice(emails)  # the same person entered twice
        elif org:
            email = f"{fake.email_local(first, last)}@{_domain(plan.org_names[org - 1], country)}"
        else:
            free = "freemail.hu" if country == "HU" else "gmail.com"
            email = f"{fake.email_local(first, last)}{pk}@{free}"
        emails.append(email)
        owner = plan.org_owner[org - 1] if org else rng.choice(setup.users[1:])
        spot = fake.place(rng, country)
        title = fake.job_title(rng, country) if org else ""
        phone = fake.phone(rng, country, mobile=False) if rng.random() < 0.4 else ""
        mobile = fake.phone(rng, country, mobile=True) if rng.random() < 0.85 else ""
        created = _timestamp(rng, anchor, 4 * 365)
        language = "hu" if country == "HU" else "fi"
        if org:
            plan.org_people.setdefault(org, []).append(pk)
            memberships.append(
                Membership(person_id=pk, organization_id=org, role=title, is_primary=True)
            )
        out.row(
            "people",
            PERSON_HEADERS,
            [
                first,
                last,
                title,
                email,
                phone,
                mobile,
                spot.city,
                country,
                language,
                setup.user_emails[owner],
                f"org-{org}" if org else "",
                title,
                f"person-{pk}",
            ],
        )
        yield Person(
            pk=pk,
            first_name=first,
            last_name=last,
            name_folded=fold(f"{first} {last}"),
            job_title=title,
            email=email,
            phone=phone,
            mobile=mobile,
            street=spot.street,
            postal_code=spot.postal_code,
            city=spot.city,
            country=country,
            preferred_language=language,
            owner_id=owner,
            created_by_id=owner,
            updated_by_id=owner,
            created_at=created,
            updated_at=created,
        )


def _opportunities(
    scale: Scale,
    rng: random.Random,
    setup: Setup,
    plan: Plan,
    anchor: datetime.datetime,
    out: Writer,
) -> Iterator[Opportunity]:
    shares = [share for _, _, share in setup.pipelines]
    today = anchor.date()
    for pk in range(1, scale.opportunities + 1):
        org = 1 + _skewed(rng, scale.organizations, 2.0)
        people = plan.org_people.get(org, [])
        person = rng.choice(people) if people else None
        pipeline, stages, _ = rng.choices(setup.pipelines, shares)[0]
        stage, probability = rng.choice(stages)
        status = rng.choices(("open", "won", "lost", "postponed"), (55, 20, 20, 5))[0]
        owner = plan.org_owner[org - 1] if rng.random() < 0.8 else rng.choice(setup.users[1:])
        created = _timestamp(rng, anchor, 3 * 365)
        close = today + datetime.timedelta(days=rng.randrange(-120, 240))
        revenue = Decimal(rng.randrange(500, 250_000)).quantize(Decimal("0.01"))
        title = f"{rng.choice(PRODUCTS)} - {plan.org_names[org - 1]}"
        closed = close if status in ("won", "lost") else None
        # Drawn in the order the Opportunity below used to draw them, so that a seed gives the
        # same data as before these went into the CSV too.
        priority = rng.choice((0, 0, 1, 2, 3))
        source = rng.choice(setup.sources)
        lost_reason = rng.choice(setup.lost_reasons) if status == "lost" else None
        postponed_until = today + datetime.timedelta(days=60) if status == "postponed" else None
        plan.org_opportunities.setdefault(org, []).append(pk)
        out.row(
            "opportunities",
            OPPORTUNITY_HEADERS,
            [
                title,
                f"org-{org}",
                f"person-{person}" if person else "",
                setup.names["pipeline"][pipeline],
                setup.names["stage"][stage],
                status,
                revenue,
                "EUR",
                close.isoformat(),
                setup.user_emails[owner],
                f"opp-{pk}",
                setup.names["lost_reason"][lost_reason] if lost_reason else "",
                closed.isoformat() if closed else "",
                postponed_until.isoformat() if postponed_until else "",
            ],
        )
        yield Opportunity(
            pk=pk,
            title=title,
            title_folded=fold(title),
            organization_id=org,
            person_id=person,
            expected_revenue=revenue,
            probability=100 if status == "won" else 0 if status == "lost" else probability,
            expected_close_date=close,
            priority=priority,
            source_id=source,
            owner_id=owner,
            team_id=setup.teams.get(owner),
            pipeline_id=pipeline,
            stage_id=stage,
            status=status,
            lost_reason_id=lost_reason,
            postponed_until=postponed_until,
            closed_on=closed,
            created_by_id=owner,
            updated_by_id=owner,
            created_at=created,
            updated_at=created,
        )


def _activities(
    scale: Scale,
    rng: random.Random,
    setup: Setup,
    plan: Plan,
    anchor: datetime.datetime,
    links: list[Any],
    opportunity_type: int,
) -> Iterator[Activity]:
    codes = list(setup.activity_types)
    through = Activity.people.through
    for pk in range(1, scale.activities + 1):
        org = (
            1
            if pk <= scale.big_customer_activities
            else 2 + _skewed(rng, scale.organizations - 1, 2.5)
        )
        code = rng.choice(codes)
        planned = rng.random() < 0.05
        if planned:
            when = anchor + datetime.timedelta(
                days=rng.randrange(-14, 30), hours=rng.randrange(-4, 6)
            )
        else:
            when = _timestamp(rng, anchor, 3 * 365)
        has_time = not planned or rng.random() < 0.7
        owner = plan.org_owner[org - 1] if rng.random() < 0.7 else rng.choice(setup.users[1:])
        people = plan.org_people.get(org)
        if people and rng.random() < 0.7:
            links.append(through(activity_id=pk, person_id=rng.choice(people)))
        opportunities = plan.org_opportunities.get(org)
        regarding = rng.choice(opportunities) if opportunities and rng.random() < 0.2 else None
        yield Activity(
            pk=pk,
            type_id=setup.activity_types[code],
            subject=rng.choice(SUBJECTS.get(code, SUBJECTS["note"])),
            body="Asiakas pyysi päivitetyn tarjouksen." if rng.random() < 0.3 else "",
            status="planned" if planned else "done",
            when=when,
            day=when.date(),
            has_time=has_time,
            duration_minutes=rng.choice((None, 15, 30, 60)),
            assignee_id=owner,
            organization_id=org,
            regarding_type_id=opportunity_type if regarding else None,
            regarding_id=regarding,
            created_by_id=owner,
            updated_by_id=owner,
            created_at=when,
            updated_at=when,
        )


def load(
    scale: Scale,
    *,
    seed: int,
    anchor: datetime.date,
    csv_dir: Path | None,
    log: Callable[[str], None],
    after_setup: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Fill the (freshly migrated) database; return the manifest the scenarios read."""
    from django.contrib.contenttypes.models import ContentType

    rng = random.Random(seed)
    moment = datetime.datetime.combine(anchor, datetime.time(12), tzinfo=UTC)
    setup = setup_company(scale, rng)
    if after_setup is not None:
        after_setup()
    plan = Plan()
    out = Writer(csv_dir)
    counts: dict[str, int] = {}
    with _own_timestamps(Organization, Person, Opportunity, Activity):
        counts["organizations"] = _bulk(
            Organization, _organizations(scale, rng, setup, plan, moment, out)
        )
        log(f"organizations: {counts['organizations']}")
        org_types = Organization.relationship_types.through
        counts["organization relationships"] = _bulk(
            org_types,
            (
                org_types(
                    organization_id=pk, relationshiptype_id=rng.choice(setup.relationship_types)
                )
                for pk in range(1, scale.organizations + 1)
            ),
        )
        counts["key figures"] = _bulk(KeyFigure, _key_figures(scale, rng, moment))
        memberships: list[Membership] = []
        counts["people"] = _bulk(Person, _people(scale, rng, setup, plan, moment, out, memberships))
        counts["memberships"] = _bulk(Membership, iter(memberships))
        del memberships
        log(f"people: {counts['people']}")
        counts["opportunities"] = _bulk(
            Opportunity, _opportunities(scale, rng, setup, plan, moment, out)
        )
        log(f"opportunities: {counts['opportunities']}")
        links: list[Any] = []
        opportunity_type = ContentType.objects.get_for_model(Opportunity).pk
        counts["activities"] = _bulk(
            Activity, _activities(scale, rng, setup, plan, moment, links, opportunity_type)
        )
        counts["activity people"] = _bulk(Activity.people.through, iter(links))
        log(f"activities: {counts['activities']}")
    out.close()
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(
            no_style(), [Organization, Person, Opportunity, Activity, KeyFigure, Membership]
        ):
            cursor.execute(statement)
    return {"counts": counts, "anchor": anchor.isoformat(), "seed": seed}
