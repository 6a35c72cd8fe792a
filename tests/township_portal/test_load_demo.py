"""`load_demo` outside demo mode. The demo's content is checked in ``test_demo.py``, loaded once."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from catalog.models import Organisation


def test_load_demo_refuses_outside_demo_mode(db, settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="DEMO_MODE"):
        call_command("load_demo")
    assert not get_user_model().objects.filter(username="sx_author").exists()
    assert not Organisation.objects.exists()
