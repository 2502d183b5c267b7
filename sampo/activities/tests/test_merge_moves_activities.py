from __future__ import annotations

from sampo.activities import following, services
from sampo.activities.models import Activity, Follow
from sampo.contacts import merge
from sampo.contacts import services as contacts


def test_a_merge_moves_activities_to_the_survivor_and_undo_moves_them_back(
    seller, call_type, organization, contact
):
    twin = contacts.person_create(
        actor=seller,
        values={"first_name": "Maija", "last_name": "Lehtonen"},
        allow_duplicate=True,
    )
    both = services.activity_log(
        actor=seller, type=call_type, subject="Call with both", people=[contact, twin]
    )
    twins = services.activity_log(actor=seller, type=call_type, subject="Twin's", people=[twin])

    done = merge.record_merge(actor=seller, survivor=contact, others=[twin])

    assert list(both.people.all()) == [contact]
    assert list(twins.people.all()) == [contact]
    assert Activity.objects.filter(people=contact).count() == 2

    merge.merge_undo(actor=seller, merge=done)

    assert set(both.people.all()) == {contact, twin}
    assert list(twins.people.all()) == [twin]


def test_follows_move_to_the_survivor_and_come_back_on_undo(seller, teammate, manager, contact):
    twin = contacts.person_create(
        actor=seller,
        values={"first_name": "Maija", "last_name": "Lehtonen"},
        allow_duplicate=True,
    )
    following.follow_set(user=teammate, record=twin, following=True)
    following.follow_set(user=manager, record=twin, following=True)
    following.follow_set(user=manager, record=contact, following=True)

    done = merge.record_merge(actor=seller, survivor=contact, others=[twin])

    assert following.is_following(teammate, contact)
    assert Follow.objects.filter(user=manager).count() == 1, "following both is one follow now"

    merge.merge_undo(actor=seller, merge=done)

    assert following.is_following(teammate, twin)
    assert not following.is_following(teammate, contact)
    assert following.is_following(manager, twin)
    assert following.is_following(manager, contact)
