from __future__ import annotations

import pytest
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from sampo.accounts.models import User
from sampo.notifications.models import Notification
from sampo.notifications.services import notify


def test_it_writes_the_text_in_the_recipients_language_whoever_sends_it(seller, manager):
    User.objects.filter(pk=seller.pk).update(language="fi")
    seller.refresh_from_db()

    notification = notify(
        recipient=seller,
        kind="activity_due",
        text=_("Due now: %(subject)s"),
        params={"subject": "Soitto Virtaselle"},
        url="/my-day/",
        actor=manager,
    )

    assert notification is not None
    assert notification.text == "Erääntyy nyt: Soitto Virtaselle"
    assert Notification.objects.get().recipient == seller


def test_it_does_not_notify_someone_of_their_own_action(seller):
    assert notify(recipient=seller, kind="x", text="Hi", url="/", actor=seller) is None
    assert not Notification.objects.exists()


def test_it_does_not_notify_a_deactivated_user(seller):
    seller.is_active = False

    assert notify(recipient=seller, kind="x", text="Hi", url="/") is None


def test_it_refuses_a_link_off_the_site(seller):
    for url in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        with pytest.raises(ValueError, match="within Sampo"):
            notify(recipient=seller, kind="x", text="Hi", url=url)


def test_a_change_that_rolls_back_leaves_no_notification(seller):
    def change_that_fails() -> None:
        with transaction.atomic():
            notify(recipient=seller, kind="x", text="Hi", url="/")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_that_fails()

    assert not Notification.objects.exists()


def test_a_plural_text_takes_its_form_from_the_params_in_the_recipients_language(seller):
    from django.utils.translation import ngettext_lazy

    User.objects.filter(pk=seller.pk).update(language="hu")
    seller.refresh_from_db()
    text = ngettext_lazy(
        "%(count)s active customer has no follow-up planned",
        "%(count)s active customers have no follow-up planned",
        "count",
    )

    notification = notify(recipient=seller, kind="x", text=text, params={"count": 3}, url="/")

    assert notification is not None
    assert notification.text == "3 aktív ügyfélnek nincs tervezett követő lépése"
