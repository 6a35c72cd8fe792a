import re

from django.conf import settings

DISPLAY_COOKIES = {"large_text": "display_large_text", "high_contrast": "display_high_contrast"}


def _footer() -> dict:
    footer = dict(settings.SITE_FOOTER)
    # The police record's search page takes the number's digits.
    footer["police_code"] = re.sub(r"\D", "", footer.get("police_number") or "")
    return footer


def display(request):
    """Site name, footer and the resident's display preferences (kept in cookies, work without JavaScript)."""
    return {
        "site_name": settings.SITE_NAME,
        "site_footer": _footer(),
        "display": {key: request.COOKIES.get(cookie) == "1" for key, cookie in DISPLAY_COOKIES.items()},
    }
