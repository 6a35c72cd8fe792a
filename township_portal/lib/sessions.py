"""Staff sessions end after ``SESSION_IDLE_MINUTES`` without a request, and when the browser closes.

The session cookie has no expiry date (``SESSION_EXPIRE_AT_BROWSER_CLOSE``) and the stored
session lives ``SESSION_COOKIE_AGE`` (= the idle minutes) from its last save. Saving on every
request would write the session row on every page; ``IdleSessionMiddleware`` saves it at most
once a minute instead, which moves the expiry on while the person is working. The clock starts
when the login (which saves the session anyway) stores the time; a session made without the
login page (the test client's ``login``) is not refreshed.
"""

import time

REFRESH_SECONDS = 60
SEEN_KEY = "_seen"


class IdleSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        now = int(time.time())
        seen = session.get(SEEN_KEY) if session is not None and session.session_key else None
        if seen is not None and now - seen >= REFRESH_SECONDS:
            session[SEEN_KEY] = now  # marks it modified: saved with a fresh expiry
        response = self.get_response(request)
        if session is not None and session.modified and not session.is_empty():
            session[SEEN_KEY] = now  # saved anyway (a login): no second save on the next page
        return response
