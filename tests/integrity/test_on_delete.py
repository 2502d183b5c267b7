"""Deleting a row never silently takes business records with it.

Every foreign key in Sampo's own apps either protects what it points to, or is on this short
list of parts that live and die with their parent. A new CASCADE fails this test until someone
decides, here, that it belongs on the list.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models

# (app_label.Model, field): the part is meaningless without its parent.
CASCADE_ALLOWED = {
    ("contacts.Membership", "person"),  # a person's job in an organization
    ("contacts.Membership", "organization"),
    ("contacts.KeyFigure", "organization"),  # an organization's figures for a year
    ("contacts.PersonContactDetail", "person"),  # a person's further emails and phones
    ("contacts.OrganizationContactDetail", "organization"),
    ("core.HistoryEntry", "content_type"),  # history of a record type that no longer exists
    ("activities.Attachment", "activity"),  # a file kept with an activity
    ("activities.Reminder", "activity"),  # the record that a reminder about it was sent
    ("mail.Attachment", "message"),  # a file that came with an email
    ("mail.Participant", "message"),  # an address an email was from or to
    ("mail.EmailTemplateVariant", "template"),  # a template's text in one language
    ("contacts.ImportRow", "batch"),  # what each row of an import became
    ("sales.Stage", "pipeline"),  # a pipeline's steps (deleted only while nothing is in it)
    ("sales.StageChange", "opportunity"),  # an opportunity's path through the stages
    ("accounts.RoleRight", "role"),  # what a role may do; an added role is deleted with them
    ("lists.DefaultView", "view"),  # a user's choice of a saved view, gone with the view
    ("sales.TeamRotation", "team"),  # a team's place in its round robin of leads
    ("sales.TeamMemberSetting", "team"),  # members' shares of the team's leads
    ("api.Delivery", "subscription"),  # a webhook's delivery log, gone with the webhook
    ("api.Delivery", "event"),  # an event's deliveries, pruned with the event
    ("api.Attempt", "delivery"),  # each try of a delivery
}


def sampo_foreign_keys() -> list[tuple[str, str, object]]:
    return [
        (model._meta.label, field.name, field.remote_field.on_delete)
        for model in apps.get_models()
        if model._meta.app_config is not None and model._meta.app_config.name.startswith("sampo.")
        for field in model._meta.get_fields()
        if isinstance(field, models.ForeignKey)
    ]


def test_every_cascade_is_on_the_allowlist():
    cascades = {
        (label, name)
        for label, name, on_delete in sampo_foreign_keys()
        if on_delete is models.CASCADE
    }

    assert cascades <= CASCADE_ALLOWED, f"unexpected CASCADE: {sorted(cascades - CASCADE_ALLOWED)}"


def test_nothing_that_points_to_a_user_is_deleted_or_cleared_with_the_user():
    user_model = apps.get_model("accounts", "User")
    to_users = [
        (model._meta.label, field.name, field.remote_field.on_delete)
        for model in apps.get_models()
        if model._meta.app_config is not None and model._meta.app_config.name.startswith("sampo.")
        for field in model._meta.get_fields()
        if isinstance(field, models.ForeignKey) and field.related_model is user_model
    ]

    assert to_users, "found no foreign keys to users: is the audit looking in the right place?"
    assert all(on_delete is models.PROTECT for _, _, on_delete in to_users), to_users
