"""The template builtin {% url %} remembers what it reversed and renders exactly what Django's tag renders."""

import pytest
from django.template import Context, Engine, Template
from django.template.defaulttags import URLNode
from django.urls import NoReverseMatch, set_script_prefix
from django.utils.functional import lazy

from township_portal.lib.url_tag import RememberedURLNode, _remembered

SOURCE = (
    "{% url 'portal:item' slug pk %}|{% url 'portal:category' slug=slug code='07' %}|"
    "{% url 'portal:search' as found %}[{{ found }}]|{% url 'no-such-view' as missing %}[{{ missing }}]|"
    "{% url 'portal:category' slug weird %}"
)


def _render(engine, **values):
    return engine.from_string(SOURCE).render(Context(values))


def test_the_remembering_tag_renders_what_django_s_tag_renders():
    ours = Engine.get_default()
    plain = Engine(dirs=[], app_dirs=False)
    assert isinstance(ours.from_string("{% url 'portal:search' %}").nodelist[0], RememberedURLNode)
    assert type(plain.from_string("{% url 'portal:search' %}").nodelist[0]) is URLNode
    values = {"slug": "shuangxi", "pk": 12, "weird": "a&b"}
    expected = _render(plain, **values)
    assert expected == "/shuangxi/items/12/|/shuangxi/category/07/|[/search/]|[]|/shuangxi/category/a&amp;b/"
    assert _render(ours, **values) == _render(ours, **values) == expected  # the second from memory
    assert _render(ours, slug="yingqian", pk=13, weird="x") == _render(plain, slug="yingqian", pk=13, weird="x")
    with pytest.raises(NoReverseMatch):
        Template("{% url 'no-such-view' %}").render(Context({}))


def test_a_remembered_address_follows_the_script_prefix_and_other_arguments_are_reversed_each_time():
    ours = Engine.get_default()
    template = ours.from_string("{% url 'portal:item' slug pk %}")
    assert template.render(Context({"slug": "shuangxi", "pk": 7})) == "/shuangxi/items/7/"
    set_script_prefix("/county/")
    try:
        assert template.render(Context({"slug": "shuangxi", "pk": 7})) == "/county/shuangxi/items/7/"
    finally:
        set_script_prefix("/")
    before = _remembered.cache_info().currsize
    lazy_slug = lazy(lambda: "shuangxi", str)()
    assert template.render(Context({"slug": lazy_slug, "pk": 8})) == "/shuangxi/items/8/"
    assert _remembered.cache_info().currsize == before  # not a plain string: not remembered
