"""The admin pages of web forms and lead assignment."""

from __future__ import annotations

import pytest

from sampo.sales.assignment.models import AssignmentRule, TeamMemberSetting
from sampo.sales.tests.capture_fixtures import *  # noqa: F403
from sampo.sales.webforms.models import Submission, WebForm


def _field_post(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Newsletter and demo",
        "thank_you_message": "Thanks!",
        "is_active": "on",
        "ask_contact_name": "on",
        "required_contact_name": "on",
        "order_contact_name": 2,
        "ask_email": "on",
        "required_email": "on",
        "order_email": 1,
        "label_email_fi": "Työsähköposti",
    }
    data.update(overrides)
    return data


def test_an_admin_designs_a_form_and_gets_a_snippet(client, admin, leads_pipeline):
    client.force_login(admin)

    response = client.post("/sales/admin/web-forms/new/", _field_post(pipeline=leads_pipeline.pk))

    web_form = WebForm.objects.get()
    assert response["Location"] == f"/sales/admin/web-forms/{web_form.pk}/"
    assert web_form.fields == [
        {"name": "email", "required": True, "labels": {"fi": "Työsähköposti"}},
        {"name": "contact_name", "required": True, "labels": {}},
    ]
    page = client.get(f"/sales/admin/web-forms/{web_form.pk}/?snippet=fi").content.decode()
    assert f"http://testserver/forms/{web_form.key}/" in page
    assert "Työsähköposti" in page
    assert "&lt;form action=" in page  # the snippet, escaped inside the text area
    assert "hp_leave_this_empty" in page


def test_a_form_must_ask_for_a_way_to_reach_the_visitor(client, admin, leads_pipeline):
    client.force_login(admin)

    response = client.post(
        "/sales/admin/web-forms/new/",
        _field_post(pipeline=leads_pipeline.pk, ask_email=""),
    )

    assert response.status_code == 200
    assert "Ask for an email address or a phone number" in response.content.decode()
    assert not WebForm.objects.exists()


def test_allowed_websites_are_checked_and_normalized(client, admin, demo_form):
    client.force_login(admin)
    url = f"/sales/admin/web-forms/{demo_form.pk}/"

    refused = client.post(
        url,
        _field_post(
            pipeline=demo_form.pipeline_id,
            allowed_origins="www.example.com",
            version=demo_form.version,
        ),
    )
    saved = client.post(
        url,
        _field_post(
            pipeline=demo_form.pipeline_id,
            allowed_origins="https://WWW.Example.com/\nhttp://localhost:8080",
            version=demo_form.version,
        ),
    )

    assert refused.status_code == 200
    assert saved.status_code == 302
    demo_form.refresh_from_db()
    assert demo_form.origins == ["https://www.example.com", "http://localhost:8080"]


def test_the_submissions_page_lists_them_with_their_lead(
    client, admin, demo_form, demo_rule, cloud
):
    client.post(
        f"/forms/{demo_form.key}/",
        {"contact_name": "Eszter", "email": "e@example.com", "product_interest": "sampo-cloud"},
    )
    submission = Submission.objects.get()
    client.force_login(admin)

    listing = client.get(f"/sales/admin/web-forms/{demo_form.pk}/submissions/").content.decode()
    detail = client.get(f"/sales/admin/submissions/{submission.pk}/").content.decode()

    assert submission.reference in listing
    assert "Aino Aalto" in listing
    assert "Sampo Cloud" in detail  # the product, by name


def test_an_admin_adds_a_rule_and_sets_members_shares(client, admin, cloud, cloud_team):
    client.force_login(admin)
    aino = cloud_team.members.get(name="Aino Aalto")

    client.post(
        "/sales/admin/assignment/",
        {
            "rule-name": "Cloud demos",
            "rule-product_interest": cloud.pk,
            "rule-team": cloud_team.pk,
            "rule-countries": "fi hu",
            "rule-is_active": "on",
        },
    )
    client.post(
        f"/sales/admin/assignment/teams/{cloud_team.pk}/",
        {
            **{f"weight_{m.pk}": 1 for m in cloud_team.members.all()},
            f"weight_{aino.pk}": 3,
            f"cap_{aino.pk}": 5,
        },
    )

    rule = AssignmentRule.objects.get()
    assert (rule.name, rule.team, rule.countries) == ("Cloud demos", cloud_team, "FI HU")
    setting = TeamMemberSetting.objects.get(user=aino)
    assert (setting.weight, setting.max_open_leads) == (3, 5)
    page = client.get("/sales/admin/assignment/").content.decode()
    assert "Cloud demos" in page
    team_page = client.get(f"/sales/admin/assignment/teams/{cloud_team.pk}/").content.decode()
    assert "Aino Aalto" in team_page


@pytest.mark.parametrize(
    "path",
    [
        "/sales/admin/web-forms/",
        "/sales/admin/web-forms/new/",
        "/sales/admin/assignment/",
        "/sales/admin/product-interests/",
    ],
)
def test_the_pages_are_for_admins_only(client, manager, path):
    client.force_login(manager)

    assert client.get(path).status_code == 403


def test_a_form_s_pages_are_for_admins_only(client, manager, demo_form, cloud_team):
    client.force_login(manager)

    assert client.get(f"/sales/admin/web-forms/{demo_form.pk}/").status_code == 403
    assert client.get(f"/sales/admin/web-forms/{demo_form.pk}/submissions/").status_code == 403
    assert client.get(f"/sales/admin/assignment/teams/{cloud_team.pk}/").status_code == 403


def test_the_web_form_list_costs_the_same_queries_for_one_form_or_many(
    client, admin, demo_form, django_assert_max_num_queries
):
    from sampo.sales.webforms import services

    client.force_login(admin)
    client.get("/sales/admin/web-forms/")  # warm the caches (content types, session)
    with django_assert_max_num_queries(12) as one:
        client.get("/sales/admin/web-forms/")
    for n in range(10):
        services.web_form_create(
            actor=admin, values={"name": f"Form {n}", "pipeline": demo_form.pipeline}
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get("/sales/admin/web-forms/").content.decode().count("Form ") >= 10
