"""The demo shows every state of an application."""

import io

import pytest
from django.core.management import call_command

from applications.models import Application, Remedy
from tests.demo_content import on_sqlite_only

pytestmark = pytest.mark.django_db


@on_sqlite_only
def test_demo_has_applications_in_every_state_and_loads_once(settings):
    settings.DEMO_MODE = True
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    applications = Application.objects.filter(organisation__slug="shuangxi")
    assert applications.count() == 14
    statuses = set(applications.values_list("status", flat=True))
    assert statuses == {"submitted", "open", "correction", "fee", "closed"}
    assert applications.filter(consulting=True).exists()
    assert applications.filter(events__kind="extended").exists()
    outcomes = set(applications.exclude(outcome="").values_list("outcome", flat=True))
    assert {"disclosed", "partial", "refused_4", "unable_1", "other_1"} <= outcomes
    assert Remedy.objects.filter(kind="review").exists()
