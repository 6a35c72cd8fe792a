"""Two reviewers acting on the same item at the same moment: exactly one succeeds (PostgreSQL)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from disclosure import services
from disclosure.models import Item, ReviewDecision
from tests.disclosure.conftest import row_locks

pytestmark = [pytest.mark.postgres_only, row_locks, pytest.mark.django_db(transaction=True)]


def race(item_pk, actions):
    """Run each action(item) in its own thread and connection, all released at once."""
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            item = Item.objects.get(pk=item_pk)
            barrier.wait()
            action(item)
            outcomes[index] = "ok"
        except ValidationError as exc:
            outcomes[index] = exc.messages[0]
        except Exception as exc:
            outcomes[index] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_reviewers_approving_the_same_step_at_once_cannot_both_succeed(
    make_item, author, reviewer, make_staff, shuangxi
):
    other = make_staff("sx_reviewer2", shuangxi, "reviewer")
    item = make_item()
    services.item_submit(item=item, by=author)
    outcomes = race(
        item.pk,
        [
            lambda i: services.item_review(item=i, by=reviewer, approve=True),
            lambda i: services.item_review(item=i, by=other, approve=True),
        ],
    )
    assert sorted(outcomes, key=lambda o: o != "ok")[0] == "ok"
    assert outcomes.count("ok") == 1, outcomes
    assert any("刚被他人处理" in o for o in outcomes if o != "ok"), outcomes
    item.refresh_from_db()
    assert item.review_step.name == "保密审查"
    assert ReviewDecision.objects.filter(review__item=item).count() == 1


def test_approve_and_return_racing_leave_one_consistent_outcome(make_item, author, reviewer, make_staff, shuangxi):
    other = make_staff("sx_reviewer2", shuangxi, "reviewer")
    item = make_item()
    services.item_submit(item=item, by=author)
    outcomes = race(
        item.pk,
        [
            lambda i: services.item_review(item=i, by=reviewer, approve=True),
            lambda i: services.item_return(item=i, by=other, comment="请补充依据。"),
        ],
    )
    assert outcomes.count("ok") == 1, outcomes
    item.refresh_from_db()
    decision = ReviewDecision.objects.get(review__item=item)
    if decision.decision == ReviewDecision.Decision.APPROVE:
        assert item.status == Item.Status.IN_REVIEW and item.review_step.name == "保密审查"
    else:
        assert item.status == Item.Status.DRAFT and item.review_step is None
