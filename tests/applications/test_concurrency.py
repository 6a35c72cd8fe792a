"""Two staff deciding the same application at the same moment: one wins, the other is told to refresh."""

import threading
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from applications import services
from applications.models import Answer, Application, ApplicationEvent
from tests.disclosure.conftest import row_locks

pytestmark = [pytest.mark.postgres_only, row_locks, pytest.mark.django_db(transaction=True)]


def race(actions):
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            action()
            outcomes[index] = "ok"
        except (ValidationError, PermissionDenied) as exc:
            outcomes[index] = "；".join(getattr(exc, "messages", [str(exc)]))
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


def test_two_approvers_approving_the_same_answer_at_once_one_wins(registered, author, approver, make_staff, shuangxi):
    other = make_staff("sx_approver2", shuangxi, "approver")
    application = registered(received_on=date(2025, 3, 3))
    answer = services.answer_draft(application=application, by=author, outcome="disclosed", explanation="予以公开。")
    outcomes = race(
        [
            lambda: services.answer_approve(answer=Answer.objects.get(pk=answer.pk), by=approver),
            lambda: services.answer_approve(answer=Answer.objects.get(pk=answer.pk), by=other),
        ]
    )
    assert outcomes.count("ok") == 1, outcomes
    assert any("刷新" in o for o in outcomes if o != "ok"), outcomes
    assert ApplicationEvent.objects.filter(application=application, kind="answered").count() == 1
    assert application.letters.filter(kind="answer").count() == 1


def test_approve_and_return_racing_leave_one_consistent_outcome(registered, author, approver, make_staff, shuangxi):
    other = make_staff("sx_approver2", shuangxi, "approver")
    application = registered(received_on=date(2025, 3, 3))
    answer = services.answer_draft(application=application, by=author, outcome="disclosed", explanation="予以公开。")
    outcomes = race(
        [
            lambda: services.answer_approve(answer=Answer.objects.get(pk=answer.pk), by=approver),
            lambda: services.answer_return(answer=Answer.objects.get(pk=answer.pk), by=other, comment="请补充依据。"),
        ]
    )
    assert outcomes.count("ok") == 1, outcomes
    answer.refresh_from_db()
    application.refresh_from_db()
    if answer.state == Answer.State.APPROVED:
        assert application.status == Application.Status.CLOSED
    else:
        assert answer.state == Answer.State.RETURNED and application.status == Application.Status.OPEN


def test_two_staff_confirming_and_voiding_one_submission_at_once(submitted, author, org_admin):
    version = Application.objects.get(pk=submitted.pk).version
    outcomes = race(
        [
            lambda: services.application_confirm(application=submitted, by=author, version=version),
            lambda: services.application_void(application=submitted, by=org_admin, reason="重复提交", version=version),
        ]
    )
    assert outcomes.count("ok") == 1, outcomes
    assert any("刷新" in o for o in outcomes if o != "ok"), outcomes


def test_two_online_submissions_with_one_token_make_one_application(shuangxi, details):
    import uuid

    token = uuid.uuid4()
    outcomes = race(
        [
            lambda: services.application_submit(organisation=shuangxi, details=details, token=token),
            lambda: services.application_submit(organisation=shuangxi, details=details, token=token),
        ]
    )
    assert Application.objects.filter(submission_token=token).count() == 1
    assert outcomes.count("ok") == 1, outcomes
    assert any("DuplicateSubmission" in o for o in outcomes if o != "ok"), outcomes
