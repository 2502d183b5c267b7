"""The public endpoints of a web form: the page, the HTML post and the JSON endpoint."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache

from sampo.activities.models import Activity
from sampo.core.models import HistoryEntry
from sampo.notifications.models import Notification
from sampo.sales.models import LeadSource, Opportunity
from sampo.sales.tests.capture_fixtures import *  # noqa: F403
from sampo.sales.webforms.fields import HONEYPOT
from sampo.sales.webforms.models import Submission


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def _visitor(**values: str) -> dict[str, str]:
    return {
        "contact_name": "Eszter Szabó",
        "company_name": "Szabó Design Kft.",
        "email": "Eszter@Szabo-Design.example",
        "country": "HU",
        "product_interest": "sampo-cloud",
        "description": "We would like to see it with our sales team.",
        **values,
    }


def _post_json(client: Any, web_form: Any, body: Any, **headers: Any) -> Any:
    return client.post(
        f"/forms/{web_form.key}/submit.json",
        data=json.dumps(body),
        content_type="application/json",
        **headers,
    )


def test_it_shows_the_form_without_a_login(client, demo_form, cloud):
    page = client.get(f"/forms/{demo_form.key}/?lang=fi")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Request a demo" in html
    assert "Sähköposti" in html  # the admin's Finnish label
    assert "Yritys" in html  # a default label, translated
    assert "Sampo Cloud" in html  # the product interests to choose from
    assert f'name="{HONEYPOT}"' in html


def test_an_inactive_or_unknown_form_is_not_found(client, admin, demo_form):
    demo_form.is_active = False
    demo_form.save(update_fields=["is_active"])

    assert client.get(f"/forms/{demo_form.key}/").status_code == 404
    assert client.post("/forms/no-such-key/", _visitor()).status_code == 404


def test_the_request_a_demo_example_lands_with_the_next_colleague_of_the_cloud_team(
    client, demo_form, demo_rule, cloud, cloud_team
):
    """The issue's example: product interest Sampo Cloud → Cloud sales, round robin."""
    first = client.post(f"/forms/{demo_form.key}/", _visitor())
    second = client.post(f"/forms/{demo_form.key}/", _visitor(contact_name="Kiss Péter"))

    assert first.status_code == second.status_code == 303
    submission = Submission.objects.get(data__contact_name="Eszter Szabó")
    assert first["Location"].endswith(f"?ref={submission.reference}&lang=en")
    lead: Any = submission.lead
    assert submission.status == Submission.Status.DONE
    assert (lead.kind, lead.pipeline, lead.team) == ("lead", demo_form.pipeline, cloud_team)
    assert (lead.owner.name, lead.email, lead.country) == (
        "Aino Aalto",
        "eszter@szabo-design.example",
        "HU",
    )
    assert (lead.product_interest, lead.source.code) == (cloud, "web-form")
    assert lead.title == "Request a demo: Szabó Design Kft."
    second_lead: Any = Submission.objects.get(data__contact_name="Kiss Péter").lead
    assert second_lead.owner.name == "Béla Balogh"
    assert Notification.objects.get(recipient=lead.owner).url == lead.get_absolute_url()
    assert Activity.objects.get(assignee=lead.owner).subject == (
        "First contact: Request a demo: Szabó Design Kft."
    )
    assert HistoryEntry.objects.filter(object_id=str(lead.pk), event="web_form_lead").exists()

    thanks = client.get(first["Location"])
    assert "Thanks! We will call you within a day." in thanks.content.decode()
    assert submission.reference in thanks.content.decode()


def test_a_pipeline_without_a_lead_step_gets_an_opportunity(client, admin, demo_form, demo_rule):
    pipeline = demo_form.pipeline
    pipeline.uses_leads = False
    pipeline.save(update_fields=["uses_leads"])

    client.post(f"/forms/{demo_form.key}/", _visitor())

    lead = Opportunity.objects.get()
    assert lead.kind == "opportunity"
    assert lead.stage == pipeline.stages.order_by("position").first()


def test_invalid_fields_are_shown_again_and_nothing_is_stored(client, demo_form, cloud):
    response = client.post(
        f"/forms/{demo_form.key}/", _visitor(email="not an email", lang="fi", contact_name="")
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Syötä kelvollinen sähköpostiosoite." in html  # Django's own message, in Finnish
    assert "Tämä kenttä vaaditaan." in html
    assert "Szabó Design Kft." in html  # what was typed stays
    assert not Submission.objects.exists()
    assert not Opportunity.objects.exists()


def test_the_honeypot_looks_accepted_but_makes_no_lead(client, demo_form, demo_rule, cloud):
    response = client.post(f"/forms/{demo_form.key}/", _visitor(**{HONEYPOT: "http://spam"}))

    assert response.status_code == 302 or response.status_code == 303
    assert "/thanks/?ref=" in response["Location"]
    submission = Submission.objects.get()
    assert (submission.status, submission.lead) == (Submission.Status.SPAM, None)
    assert not Opportunity.objects.exists()


def test_too_many_posts_from_one_address_get_a_translated_429(
    client, settings, demo_form, demo_rule, cloud
):
    settings.WEBFORM_POSTS_PER_IP = 2
    for _n in range(2):
        assert client.post(f"/forms/{demo_form.key}/", _visitor()).status_code == 303

    refused = client.post(f"/forms/{demo_form.key}/", _visitor(), HTTP_ACCEPT_LANGUAGE="hu")

    assert refused.status_code == 429
    assert "Innen túl sok üzenet érkezett." in refused.content.decode()
    assert Submission.objects.count() == 2
    json_refused = _post_json(client, demo_form, _visitor())
    assert json_refused.status_code == 429


def test_too_many_posts_to_one_form_are_refused_whatever_the_address(
    client, settings, demo_form, cloud
):
    settings.WEBFORM_POSTS_PER_FORM = 1
    client.post(f"/forms/{demo_form.key}/", _visitor(), REMOTE_ADDR="10.0.0.1")

    assert (
        client.post(f"/forms/{demo_form.key}/", _visitor(), REMOTE_ADDR="10.0.0.2").status_code
        == 429
    )


def test_an_oversized_post_gets_413_and_nothing_is_stored(client, settings, demo_form, cloud):
    settings.WEBFORM_MAX_BYTES = 1000

    html = client.post(f"/forms/{demo_form.key}/", _visitor(description="x" * 2000))
    json_answer = _post_json(client, demo_form, _visitor(description="x" * 2000))

    assert html.status_code == json_answer.status_code == 413
    assert not Submission.objects.exists()


def test_a_field_over_its_length_is_a_field_error(client, demo_form, cloud):
    response = _post_json(client, demo_form, _visitor(contact_name="x" * 201))

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["contact_name"]


def test_the_json_endpoint_answers_with_the_reference(client, demo_form, demo_rule, cloud):
    response = _post_json(client, demo_form, _visitor(), HTTP_ORIGIN="https://www.example.com")

    assert response.status_code == 201
    body = response.json()
    assert body["ok"] is True
    assert body["message"] == "Thanks! We will call you within a day."
    lead: Any = Submission.objects.get(reference=body["reference"]).lead
    assert lead.owner.name == "Aino Aalto"
    assert response["Access-Control-Allow-Origin"] == "https://www.example.com"


def test_the_json_endpoint_gives_field_errors_in_the_asked_language(client, demo_form, cloud):
    response = _post_json(client, demo_form, _visitor(email="nope", lang="hu"))

    assert response.status_code == 400
    assert response.json() == {
        "ok": False,
        "errors": {"email": ["Írjon be egy érvényes e-mail címet."]},
    }
    assert not Submission.objects.exists()


def test_the_json_honeypot_gets_the_same_answer_as_a_person(client, demo_form, cloud):
    response = _post_json(client, demo_form, _visitor(**{HONEYPOT: "x"}))

    assert response.status_code == 201
    assert set(response.json()) == {"ok", "reference", "message"}
    assert not Opportunity.objects.exists()


def test_cors_answers_only_the_allowed_websites(client, demo_form, cloud):
    allowed = client.options(
        f"/forms/{demo_form.key}/submit.json",
        HTTP_ORIGIN="https://www.example.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    other = client.options(
        f"/forms/{demo_form.key}/submit.json", HTTP_ORIGIN="https://evil.example"
    )
    posted = _post_json(client, demo_form, _visitor(), HTTP_ORIGIN="https://evil.example")
    html = client.post(f"/forms/{demo_form.key}/", _visitor(), HTTP_ORIGIN="https://evil.example")

    assert allowed.status_code == 204
    assert allowed["Access-Control-Allow-Origin"] == "https://www.example.com"
    assert "Content-Type" in allowed["Access-Control-Allow-Headers"]
    assert other.status_code == posted.status_code == html.status_code == 403
    assert not other.has_header("Access-Control-Allow-Origin")
    assert not Submission.objects.exists()


def test_the_json_endpoint_wants_a_json_object(client, demo_form):
    not_json = client.post(
        f"/forms/{demo_form.key}/submit.json", data="a=b", content_type="text/plain"
    )
    a_list = _post_json(client, demo_form, ["a"])

    assert not_json.status_code == 415
    assert a_list.status_code == 400


def test_a_lead_that_fails_keeps_its_submission_to_retry(
    client, admin, demo_form, demo_rule, cloud, cloud_team, monkeypatch
):
    from sampo.sales import services as sales

    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(sales, "opportunity_create", broken)
    response = client.post(f"/forms/{demo_form.key}/", _visitor())
    assert response.status_code == 303  # the visitor is thanked: what they sent is kept

    submission = Submission.objects.get()
    assert (submission.status, submission.error, submission.lead) == (
        Submission.Status.FAILED,
        "database hiccup",
        None,
    )
    assert not Notification.objects.exists()
    assert not Activity.objects.exists()

    monkeypatch.undo()
    client.force_login(admin)
    client.post(f"/sales/admin/submissions/{submission.pk}/retry/")

    submission.refresh_from_db()
    assert submission.status == Submission.Status.DONE
    lead: Any = submission.lead
    assert lead.owner.name == "Aino Aalto"
    assert submission.attempts == 2


def test_the_form_source_and_tags_reach_the_lead(client, admin, demo_form, cloud):
    from sampo.contacts.models import Tag
    from sampo.sales.webforms import services

    fair = LeadSource.objects.get(code="event")
    tag = Tag.objects.create(name="demo")
    services.web_form_update(
        actor=admin,
        web_form=demo_form,
        values={"source": fair, "tags": [tag]},
        expected_version=None,
    )

    client.post(f"/forms/{demo_form.key}/", _visitor())

    lead = Opportunity.objects.get()
    assert lead.source == fair
    assert list(lead.tags.all()) == [tag]


def test_a_redirect_address_replaces_the_thank_you_page(client, admin, demo_form, cloud):
    from sampo.sales.webforms import services

    services.web_form_update(
        actor=admin,
        web_form=demo_form,
        values={"redirect_url": "https://www.example.com/kiitos"},
        expected_version=None,
    )

    page = client.get(f"/forms/{demo_form.key}/")
    posted = client.post(f"/forms/{demo_form.key}/", _visitor())

    # The page lets the browser follow the redirect after its post (CSP form-action).
    assert "form-action 'self' https://www.example.com" in page["Content-Security-Policy"]
    assert (posted.status_code, posted["Location"]) == (303, "https://www.example.com/kiitos")


def test_an_admin_releases_a_person_taken_for_a_bot(client, admin, demo_form, demo_rule, cloud):
    client.post(f"/forms/{demo_form.key}/", _visitor(**{HONEYPOT: "autofilled"}))
    submission = Submission.objects.get()
    client.force_login(admin)

    page = client.get(f"/sales/admin/submissions/{submission.pk}/").content.decode()
    client.post(f"/sales/admin/submissions/{submission.pk}/retry/")
    again = client.post(f"/sales/admin/submissions/{submission.pk}/retry/", follow=True)

    assert "autofilled" in page
    submission.refresh_from_db()
    assert submission.status == Submission.Status.DONE
    assert Opportunity.objects.count() == 1
    assert "This submission has its lead already." in again.content.decode()
