"""Who may do what to an item: the scheduled time an approval set binds the author, and a written
table of every workflow action × role × state, walked in full."""

from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from audit.models import AuditEvent
from disclosure import services
from disclosure.models import Item
from tests.conftest import PASSWORD

from .conftest import local

SCHEDULED = local(2027, 6, 1, 8)  # the probe's date: far after "now"


def test_author_cannot_publish_at_once_what_the_approver_scheduled(client, make_item, publish, author):
    item = publish(make_item(scheduled_for=SCHEDULED))
    assert item.status == Item.Status.APPROVED
    with pytest.raises(PermissionDenied):
        services.item_publish(item=item, by=author)
    # The probe's request: POST action=publish to the workflow URL.
    client.login(username=author.username, password=PASSWORD)
    response = client.post(reverse("admin:disclosure_item_workflow", args=[item.pk]), {"action": "publish"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Item.Status.APPROVED and item.published_at is None and item.scheduled_for == SCHEDULED


def test_author_cannot_move_the_scheduled_time_either(make_item, publish, author):
    item = publish(make_item(scheduled_for=SCHEDULED))
    with pytest.raises(PermissionDenied):
        services.item_publish(item=item, by=author, at=local(2027, 1, 1, 8))
    item.refresh_from_db()
    assert item.scheduled_for == SCHEDULED


def test_org_admin_cannot_bring_it_forward_by_emergency_publication(make_item, publish, org_admin):
    item = publish(make_item(scheduled_for=SCHEDULED))
    with pytest.raises(PermissionDenied):
        services.item_emergency_publish(item=item, by=org_admin, reason="想早点发")
    item.refresh_from_db()
    assert item.status == Item.Status.APPROVED


def test_an_approver_brings_it_forward_and_the_trail_says_so(make_item, publish, approver):
    item = publish(make_item(scheduled_for=SCHEDULED))
    item = services.item_publish(item=item, by=approver)
    assert item.status == Item.Status.PUBLISHED
    event = AuditEvent.objects.get(action="item.reschedule", object_id=str(item.pk))
    assert event.actor == approver and datetime.fromisoformat(event.before["scheduled_for"]) == SCHEDULED
    assert event.note == "提前发布"


# --- The table ------------------------------------------------------------------------------

PERSONAS = [
    "author",
    "other_author",
    "reviewer",
    "secrecy_reviewer",
    "approver",
    "org_admin",
    "county_office",
    "outsider",
]
EDITORS = {"author", "other_author", "reviewer", "secrecy_reviewer", "approver", "org_admin"}
STATES = ["draft", "in_review", "scheduled", "published", "withdrawn"]
ACTIONS = ["submit", "approve", "return", "publish_now", "reschedule", "emergency_publish", "withdraw", "repeal"]

# Who may do what, in which state (the first review step, 初审, is a reviewer's; the item's author
# wrote it, so never reviews it). Everything not listed is refused and changes nothing.
MAY = {
    ("submit", "draft"): EDITORS,
    ("approve", "in_review"): {"reviewer", "secrecy_reviewer"},
    ("return", "in_review"): {"reviewer", "secrecy_reviewer"},
    ("return", "scheduled"): {"approver", "org_admin"},
    ("publish_now", "scheduled"): {"approver"},
    ("reschedule", "scheduled"): {"approver"},
    ("emergency_publish", "draft"): {"org_admin"},
    ("emergency_publish", "in_review"): {"org_admin"},
    ("withdraw", "published"): {"approver", "org_admin"},
    ("repeal", "published"): {"approver", "org_admin"},
}


def act(action: str, item: Item, by):
    if action == "submit":
        return services.item_submit(item=item, by=by)
    if action == "approve":
        return services.item_review(item=item, by=by, approve=True)
    if action == "return":
        return services.item_return(item=item, by=by, comment="请补充材料。")
    if action == "publish_now":
        return services.item_publish(item=item, by=by)
    if action == "reschedule":
        return services.item_publish(item=item, by=by, at=local(2027, 7, 1, 8))
    if action == "emergency_publish":
        return services.item_emergency_publish(item=item, by=by, reason="暴雨预警，须立即告知群众。")
    if action == "withdraw":
        return services.item_withdraw(item=item, by=by, reason="信息有误，撤回更正。")
    if action == "repeal":
        return services.item_repeal(item=item, by=by, repealed_on=date(2026, 6, 1))
    raise AssertionError(action)


class Undo(Exception):
    pass


@pytest.fixture
def people(author, reviewer, secrecy_reviewer, approver, org_admin, county_office, outsider, make_staff, shuangxi):
    other = make_staff("sx_author2", shuangxi, "author", title="另一位信息员")
    return {
        "author": author,
        "other_author": other,
        "reviewer": reviewer,
        "secrecy_reviewer": secrecy_reviewer,
        "approver": approver,
        "org_admin": org_admin,
        "county_office": county_office,
        "outsider": outsider,
    }


def item_in(state, make_item, publish, author, approver):
    if state == "draft":
        return make_item()
    if state == "in_review":
        item = make_item()
        services.item_submit(item=item, by=author)
        item.refresh_from_db()
        return item
    if state == "scheduled":
        return publish(make_item(scheduled_for=SCHEDULED))
    item = publish(make_item())
    if state == "withdrawn":
        item = services.item_withdraw(item=item, by=approver, reason="撤回")
    return item


def snapshot(item):
    fresh = Item.objects.get(pk=item.pk)
    return (fresh.status, fresh.review_step_id, fresh.scheduled_for, fresh.published_at, fresh.validity)


def test_every_action_by_every_role_in_every_state_follows_the_table(make_item, publish, people, author, approver):
    outcomes = {}
    for state in STATES:
        item = item_in(state, make_item, publish, author, approver)
        before = snapshot(item)
        for action in ACTIONS:
            for persona in PERSONAS:
                try:
                    with transaction.atomic():
                        try:
                            act(action, Item.objects.get(pk=item.pk), people[persona])
                            done = True
                        except (PermissionDenied, ValidationError):
                            done = False
                            assert snapshot(item) == before, (action, persona, state, "refused but changed")
                        outcomes[(action, state, persona)] = done
                        raise Undo
                except Undo:
                    pass
                assert snapshot(item) == before
    wrong = [key for key, done in outcomes.items() if done != (key[2] in MAY.get(key[:2], set()))]
    assert wrong == [], wrong
    assert len(outcomes) == len(STATES) * len(ACTIONS) * len(PERSONAS)
