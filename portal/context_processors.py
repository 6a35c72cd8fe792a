from django.conf import settings

DISPLAY_COOKIES = {"large_text": "display_large_text", "high_contrast": "display_high_contrast"}


def display(request):
    """Site name and the resident's display preferences (kept in cookies, work without JavaScript)."""
    return {
        "site_name": settings.SITE_NAME,
        "display": {key: request.COOKIES.get(cookie) == "1" for key, cookie in DISPLAY_COOKIES.items()},
    }
