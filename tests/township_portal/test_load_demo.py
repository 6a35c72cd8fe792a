import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from catalog.demo import DEMO_PASSWORD
from catalog.models import Organisation
from tests.demo_content import on_sqlite_only


@pytest.fixture(autouse=True)
def _demo_mode(settings):
    settings.DEMO_MODE = True


def test_load_demo_is_idempotent_and_its_printed_login_works(client, db, capsys):
    call_command("load_demo")
    counts = (Organisation.objects.count(), get_user_model().objects.count())
    call_command("load_demo")
    assert (Organisation.objects.count(), get_user_model().objects.count()) == counts
    printed = capsys.readouterr().out
    assert "http://127.0.0.1:8000/" in printed and "sx_author" in printed and DEMO_PASSWORD in printed
    assert set(Organisation.objects.townships().values_list("short_name", flat=True)) >= {"双溪乡", "营前镇", "社溪镇"}
    assert client.login(username="sx_author", password=DEMO_PASSWORD)
    assert client.get("/admin/").status_code == 200


@on_sqlite_only
def test_each_township_has_author_reviewer_and_approver(db):
    call_command("load_demo")
    for township in Organisation.objects.townships():
        staff = township.staff.all()
        assert any(s.is_author for s in staff), township
        assert any(s.is_reviewer for s in staff), township
        assert any(s.is_approver for s in staff), township


def test_load_demo_refuses_outside_demo_mode(db, settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="DEMO_MODE"):
        call_command("load_demo")
    assert not get_user_model().objects.filter(username="sx_author").exists()
