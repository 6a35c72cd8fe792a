"""Locks on the login door: django-axes lockout per account and per address, and a login rate limit.

After ``AXES_FAILURE_LIMIT`` wrong passwords for one account, or from one address, that account
or address is locked for ``AXES_COOLOFF_TIME``; the page says in Chinese when to try again. The
county's system administrator unlocks at once in the admin (访问尝试 → delete the attempts) or
with ``manage.py axes_reset``. Calls to ``authenticate`` without a request (management commands,
the test client's ``login``) are not counted: only the web login form is a door.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.shortcuts import render
from django.utils import timezone


class PortalAxesBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    until = timezone.localtime(timezone.now() + cool_off) if cool_off else None
    response = render(
        request,
        "lockout.html",
        {"minutes": minutes, "until": until, "title": "登录已暂时锁定"},
        status=429,
    )
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
