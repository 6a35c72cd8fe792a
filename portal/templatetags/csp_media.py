"""Form media carrying the request's Content-Security-Policy nonce.

The prose editor's media (django-js-asset) includes an inline ``<script type="importmap">``,
which the policy blocks unless it carries the nonce django-csp adds to the header for the
request. ``{% media_with_nonce media %}`` renders any form media with that nonce on its tags.
"""

from django import template
from js_asset import Media

register = template.Library()


@register.simple_tag(takes_context=True)
def media_with_nonce(context, media):
    if not media:
        return ""
    # Reading request.csp_nonce is what makes django-csp put the nonce in the header. (The lazy
    # nonce is falsy until read, so it is turned into a string, never truth-tested.)
    nonce = getattr(context.get("request"), "csp_nonce", None)
    nonce = str(nonce) if nonce is not None else ""
    return Media.from_media(media, nonce=nonce).render()
