from __future__ import annotations

from sampo.accounts.models import User


def test_a_user_turns_reminder_and_summary_emails_off_in_their_profile(client, seller):
    assert (seller.email_reminders, seller.email_digest) == (True, True)
    client.force_login(seller)
    page = client.get("/profile/").content.decode()
    assert 'name="email_reminders"' in page
    assert 'name="email_digest"' in page

    response = client.post(
        "/profile/",
        {
            "name": seller.name,
            "language": "en",
            "time_zone": "Europe/Helsinki",
            "email_reminders": "on",
            "version": seller.version,
        },
    )

    assert response.status_code == 302
    saved = User.objects.get(pk=seller.pk)
    assert (saved.email_reminders, saved.email_digest) == (True, False)
