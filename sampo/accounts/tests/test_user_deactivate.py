from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sampo.accounts import services
from sampo.accounts.models import Role, Team, User
from sampo.core.models import HistoryEntry


def test_it_keeps_everything_a_deactivated_user_owns(admin, manager, sales_team):
    services.user_deactivate(actor=admin, user=manager)

    manager.refresh_from_db()
    assert not manager.is_active
    sales_team = Team.objects.get(pk=sales_team.pk)
    assert sales_team.leader == manager
    assert manager in sales_team.members.all()
    assert HistoryEntry.objects.filter(object_id=str(manager.pk), event="deactivated").exists()


def test_a_deactivated_user_cannot_log_in(client, admin, seller):
    services.user_deactivate(actor=admin, user=seller)

    response = client.post(
        "/login/", {"username": seller.email, "password": "correct horse battery staple"}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_it_refuses_to_let_an_admin_deactivate_themselves(admin):
    with pytest.raises(ValidationError):
        services.user_deactivate(actor=admin, user=admin)

    admin.refresh_from_db()
    assert admin.is_active


def test_it_refuses_to_demote_the_last_active_admin(admin):
    salesperson = Role.objects.get(code=Role.SALESPERSON)

    with pytest.raises(ValidationError) as error:
        services.user_update(
            actor=admin, user=admin, values={"role": salesperson}, expected_version=admin.version
        )

    assert "role" in error.value.error_dict
    assert User.objects.get(pk=admin.pk).role.code == Role.ADMIN


def test_users_cannot_be_deleted_while_they_own_records(admin, manager, sales_team):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        manager.delete()
