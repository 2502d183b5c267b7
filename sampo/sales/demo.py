"""Demo sales: a pipeline per demo team and about 150 opportunities in every stage, won, lost
and postponed ones, a few leads to qualify, most with a planned next step and some without."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from sampo.accounts.models import Team, User
from sampo.activities.models import ActivityType
from sampo.activities.services import activity_schedule
from sampo.contacts.models import Organization, Tag
from sampo.core.demo import DemoContext, register
from sampo.sales import services
from sampo.sales.models import LeadSource, LostReason, Opportunity, Pipeline

OPPORTUNITIES = 150

TITLES_FI = [
    "Kevään materiaalitoimitus",
    "Kattoremontin tarvikkeet",
    "Puitesopimus 2027",
    "Työmaan lisätilaus",
    "Ikkunatoimitus kerrostaloon",
    "Lämpöeristeet uudiskohteeseen",
    "Vuokrakoneet syksyksi",
]
TITLES_HU = [
    "Tavaszi anyagszállítás",
    "Keretszerződés 2027",
    "Tetőfelújítás anyagai",
    "Raktárbővítés",
    "Nyílászárók társasházba",
]
LEAD_CONTACTS = [
    ("Kiss Péter", "Kiss és Társa Kft.", "peter.kiss@kiss-tarsa.example", "+36 30 123 4567"),
    ("Tóth Anna", "Tóth Építő Bt.", "anna@toth-epito.example", "+36 20 555 0101"),
    ("Horváth Gábor", "", "horvath.gabor@mail.example", ""),
    ("Szabó Eszter", "Szabó Design Kft.", "eszter@szabo-design.example", "+36 70 222 3344"),
]


def _people_for(context: DemoContext) -> tuple[dict[str, User], dict[str, Team]]:
    users = context.objects.get("users") or {}
    teams = context.objects.get("teams") or {}
    return users, teams


def _pipelines(admin: User, teams: dict[str, Team]) -> tuple[Pipeline, Pipeline]:
    south = Pipeline.objects.filter(team=teams["south"]).first()
    if south is None:
        south = Pipeline.objects.filter(team__isnull=True).order_by("position").first()
        if south is not None:
            south = services.pipeline_update(
                actor=admin, pipeline=south, values={"team": teams["south"]}, expected_version=None
            )
        else:
            south = services.pipeline_create(actor=admin, name="Sales", team=teams["south"])
    export = Pipeline.objects.filter(team=teams["export"]).first() or services.pipeline_create(
        actor=admin,
        name="Export Hungary",
        team=teams["export"],
        requires_next_step=True,
        uses_leads=True,
    )
    return south, export


def _schedule(rng: Any, owner: User, opportunity: Opportunity, call: ActivityType) -> None:
    activity_schedule(
        actor=owner,
        type=call,
        subject=rng.choice(["Soita päättäjälle", "Tarjouksen läpikäynti", "Ajánlat egyeztetése"]),
        day=timezone.localdate() + datetime.timedelta(days=rng.randrange(-6, 21)),
        organization=opportunity.organization,
        people=[opportunity.person] if opportunity.person else [],
        regarding=opportunity,
    )


def _values(rng: Any, pipeline: Pipeline, owner: User, organization: Organization) -> dict:
    hungarian = organization.country == "HU"
    person = next(iter(m.person for m in organization.memberships.all()), None)
    amount = rng.randrange(1, 60) * (Decimal(500_000) if hungarian else Decimal(1_000))
    return {
        "title": rng.choice(TITLES_HU if hungarian else TITLES_FI),
        "pipeline": pipeline,
        "organization": organization,
        "person": person,
        "owner": owner,
        "expected_revenue": amount,
        "currency": "HUF" if hungarian else "EUR",
        "expected_close_date": timezone.localdate()
        + datetime.timedelta(days=rng.randrange(-10, 150)),
        "priority": rng.choice([0, 0, 1, 1, 2, 3]),
        "kind": Opportunity.Kind.OPPORTUNITY,
    }


@register(40, "sales")
@transaction.atomic
def load_sales(context: DemoContext) -> None:
    if Opportunity.all_objects.exists():
        context.log("demo: opportunities are already there")
        return
    users, teams = _people_for(context)
    if not users or not teams:
        context.log("demo: no demo users and teams, so no opportunities")
        return
    rng = context.rng
    south, export = _pipelines(users["admin"], teams)
    sellers = {
        south.pk: [users["manager_south"], users["seller_mikko"], users["seller_laura"]],
        export.pk: [users["manager_export"], users["seller_eszter"], users["seller_jukka"]],
    }
    stages_of = {p.pk: list(p.stages.order_by("position", "id")) for p in (south, export)}
    call = ActivityType.objects.get(code="call")
    sources = list(LeadSource.objects.all())
    reasons = list(LostReason.objects.all())
    tags = list(Tag.objects.all()[:6])
    organizations = {
        "FI": list(
            Organization.objects.filter(country="FI").prefetch_related("memberships__person")[:120]
        ),
        "HU": list(
            Organization.objects.filter(country="HU").prefetch_related("memberships__person")[:80]
        ),
    }
    for n in range(OPPORTUNITIES):
        pipeline = export if n % 5 in (0, 1) else south
        owner = rng.choice(sellers[pipeline.pk])
        pool = organizations["HU" if pipeline == export else "FI"] or organizations["FI"]
        values = _values(rng, pipeline, owner, rng.choice(pool))
        values["source"] = rng.choice(sources) if sources else None
        stages = stages_of[pipeline.pk]
        values["stage"] = stages[0] if n % 10 == 0 else rng.choice(stages)
        if tags and n % 4 == 0:
            values["tags"] = rng.sample(tags, k=min(2, len(tags)))
        opportunity = services.opportunity_create(actor=owner, values=values)
        _place(rng, opportunity, owner, call, reasons, n)
    for name, company, email, phone in LEAD_CONTACTS:
        services.opportunity_create(
            actor=users["seller_eszter"],
            values={
                "title": f"Web: {company or name}",
                "pipeline": export,
                "kind": Opportunity.Kind.LEAD,
                "contact_name": name,
                "company_name": company,
                "email": email,
                "phone": phone,
                "source": next((s for s in sources if s.code == "web-form"), None),
            },
        )


def _place(
    rng: Any,
    opportunity: Opportunity,
    owner: User,
    call: ActivityType,
    reasons: list[LostReason],
    n: int,
) -> None:
    """A next step planned for most (not every seventh), a few moved through the stages as a
    seller would (the others were created in their stage, which is cheaper), then for some an
    outcome."""
    if n % 7 != 0:
        _schedule(rng, owner, opportunity, call)
    if n % 10 == 0 and (n % 7 != 0 or not opportunity.pipeline.requires_next_step):
        for stage in list(opportunity.pipeline.stages.order_by("position", "id"))[1:3]:
            opportunity = services.opportunity_move_stage(
                actor=owner, opportunity=opportunity, stage=stage
            )
    outcome = rng.randrange(10)
    if outcome == 1:
        services.opportunity_mark_won(actor=owner, opportunity=opportunity)
    elif outcome == 2 and reasons:
        services.opportunity_mark_lost(
            actor=owner, opportunity=opportunity, reason=rng.choice(reasons), note=""
        )
    elif outcome == 3:
        services.opportunity_postpone(
            actor=owner,
            opportunity=opportunity,
            until=timezone.localdate() + datetime.timedelta(days=rng.randrange(20, 180)),
        )


@register(41, "sales-capture")
@transaction.atomic
def load_lead_capture(context: DemoContext) -> None:
    """Two product lines, a "request a demo" web form and two assignment rules: Hungarian
    leads to the export team, Sampo Cloud to the south team. Skipped once the form exists."""
    from sampo.sales.assignment import services as assignment
    from sampo.sales.models import ProductInterest
    from sampo.sales.webforms import services as webforms
    from sampo.sales.webforms.models import WebForm

    users, teams = _people_for(context)
    if not users or not teams:
        return
    if WebForm.objects.filter(name="Request a demo").exists():
        context.log("demo: the web form is already there")
        return
    admin = users["admin"]
    products = {}
    for name in ("Sampo Cloud", "Sampo On-premise"):
        products[name] = ProductInterest.objects.filter(name=name).first() or (
            services.choice_create(actor=admin, model=ProductInterest, name=name)
        )
    pipeline = Pipeline.objects.filter(team=teams["export"]).first() or Pipeline.objects.first()
    web_form = webforms.web_form_create(
        actor=admin,
        values={
            "name": "Request a demo",
            "pipeline": pipeline,
            "fields": [
                {"name": "contact_name", "required": True, "labels": {}},
                {"name": "company_name", "required": False, "labels": {}},
                {"name": "email", "required": True, "labels": {}},
                {"name": "phone", "required": False, "labels": {}},
                {"name": "country", "required": False, "labels": {}},
                {"name": "product_interest", "required": True, "labels": {}},
                {
                    "name": "description",
                    "required": False,
                    "labels": {"fi": "Mitä haluatte nähdä?"},
                },
            ],
            "thank_you_message": "Thank you! A colleague will call you within a working day.",
        },
    )
    assignment.rule_create(
        actor=admin,
        values={"name": "Hungarian leads", "countries": "HU", "team": teams["export"]},
    )
    assignment.rule_create(
        actor=admin,
        values={
            "name": "Sampo Cloud demos",
            "product_interest": products["Sampo Cloud"],
            "web_form": web_form,
            "team": teams["south"],
        },
    )
    assignment.settings_update(actor=admin, values={"default_team": teams["south"]})
