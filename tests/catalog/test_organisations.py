import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from catalog.demo import demo_code
from catalog.models import Organisation
from township_portal.lib.orgcode import is_valid_org_code, is_valid_uscc


def test_published_credit_codes_validate_and_a_typo_does_not():
    assert is_valid_uscc("113708280043326001")  # from a real township index number
    assert is_valid_uscc("91350100M000100Y43")
    assert not is_valid_uscc("113708280043326002")
    # The organisation code embedded in that credit code is itself valid, with or without the hyphen.
    assert is_valid_org_code("00433260-0") and is_valid_org_code("004332600")
    assert not is_valid_org_code("00433260-1")
    assert not is_valid_org_code("0043326I-0")


def test_organisation_with_bad_code_is_refused(county):
    township = Organisation(
        kind="township", parent=county, name="测试乡", short_name="测试乡", slug="ceshi", code="113708280043326002"
    )
    with pytest.raises(ValidationError) as error:
        township.full_clean()
    assert "code" in error.value.message_dict


def test_reserved_slug_is_refused(county):
    township = Organisation(
        kind="township", parent=county, name="管理乡", short_name="管理", slug="admin", code=demo_code("0999")
    )
    with pytest.raises(ValidationError) as error:
        township.full_clean()
    assert "slug" in error.value.message_dict


def test_office_must_hang_under_a_township(county):
    office = Organisation(kind="office", parent=county, name="民政所", short_name="民政所", slug="mz")
    with pytest.raises(ValidationError):
        office.full_clean()


def test_database_refuses_duplicate_codes_and_second_root(county, shuangxi):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(
            kind="township", parent=county, name="重复乡", short_name="重复", slug="chongfu", code=shuangxi.code
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(
            kind="township", parent=None, name="孤立乡", short_name="孤立", slug="guli", code=demo_code("0998")
        )


def test_subtree_covers_township_and_its_offices_only(shuangxi, shuangxi_office, yingqian, county):
    assert set(Organisation.objects.subtree(shuangxi)) == {shuangxi, shuangxi_office}
    assert set(Organisation.objects.subtree(county)) == {county, shuangxi, shuangxi_office, yingqian}


def test_every_top_level_url_segment_is_a_reserved_slug():
    """A township whose slug equals a top-level path (/apply/, /mailbox/ …) would be unreachable."""
    from django.urls import URLPattern, URLResolver, get_resolver

    from catalog.models.organisations import RESERVED_SLUGS

    def first_segments(patterns, prefix=""):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from first_segments(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                head = route.lstrip("^").split("/", 1)[0]
                if head and "<" not in head and "." not in head and "\\" not in head:
                    yield head

    segments = set(first_segments(get_resolver().url_patterns))
    assert {"admin", "apply", "mailbox", "annual", "reports", "search", "items"} <= segments
    assert segments - RESERVED_SLUGS == set()
