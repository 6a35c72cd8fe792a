from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from catalog.models import Category, GuideVersion, Obligation, Organisation, UncoveredArea
from township_portal.lib import page_versions

DISCLOSING_KINDS = [Organisation.Kind.TOWNSHIP, Organisation.Kind.DEPARTMENT]


def _disclosing_body(slug: str) -> Organisation:
    return get_object_or_404(Organisation, slug=slug, is_active=True, kind__in=DISCLOSING_KINDS)


def _tree(categories, obligations):
    """Nested nodes {category, obligations, children, heading} in display order, built without further queries."""
    nodes = {c.pk: {"category": c, "obligations": [], "children": []} for c in categories}
    for obligation in obligations:
        if obligation.category_id in nodes:
            nodes[obligation.category_id]["obligations"].append(obligation)
    roots = []
    for category in categories:
        parent = nodes.get(category.parent_id)
        (parent["children"] if parent else roots).append(nodes[category.pk])

    def set_heading(children, level):
        for node in children:
            node["heading"] = min(level, 6)
            set_heading(node["children"], level + 1)

    set_heading(roots, 2)
    return roots


def catalog(request, slug):
    """公开目录: the tree, published-item counts and the obligations; four queries whatever the size."""
    township = _disclosing_body(slug)
    categories = _categories_with_counts(township)
    obligations = (
        Obligation.objects.filter(organisation=township, is_active=True, category__is_active=True)
        .select_related("responsible_body")
        .order_by("order", "code")
    )
    uncovered = sorted(UncoveredArea.objects.filter(organisation=township), key=lambda u: u.get_area_display())
    return render(
        request,
        "catalog/catalog.html",
        {
            "township": township,
            "tree": _tree(categories, obligations),
            "published_total": sum(c.published_count for c in categories),
            "uncovered": uncovered,
        },
    )


def _categories_with_counts(township: Organisation) -> list[Category]:
    """The active columns with their published items, counted once per change of the township's content.

    Counting reads every published item of the township (290 ms of SQL at 71,000 items), so the
    counts are kept in the shared cache with the township's page-version token, which every
    publish, change and withdrawal replaces (`township_portal.lib.page_versions`): a stale copy is
    never used. The token and the copy come in one cache round trip; the columns themselves are
    always read fresh.
    """
    name, key = page_versions.org(township.slug), f"catalog:published-counts:{township.pk}"
    tokens, stored = page_versions.current([name], also=key)
    columns = Category.objects.filter(organisation=township, is_active=True).order_by("order", "code")
    if stored is not None and stored[0] == tokens[name]:
        categories = list(columns)
        for category in categories:
            category.published_count = stored[1].get(category.pk, 0)
        return categories
    # Items live in `disclosure`, which imports catalog; the reverse relation avoids the import.
    categories = list(columns.annotate(published_count=Count("items", filter=Q(items__status="published"))))
    counts = {category.pk: category.published_count for category in categories}
    page_versions.adopt(name, tokens[name])  # the township exists: its token may be stored
    cache.set(key, (tokens[name], counts), settings.PORTAL_FRAGMENT_CACHE_SECONDS)
    return categories


def guide(request, slug, number=None):
    """公开指南: the current version with its date, or an earlier one by number, and the list of versions."""
    township = _disclosing_body(slug)
    versions = list(
        GuideVersion.objects.filter(organisation=township)
        .order_by("-number")
        .only("number", "effective_on", "change_note", "organisation_id")
    )
    if not versions:
        shown = None
    else:
        wanted = number or versions[0].number
        shown = GuideVersion.objects.filter(organisation=township, number=wanted).first()
        if shown is None:
            raise Http404("没有这一版公开指南。")
    return render(
        request,
        "catalog/guide.html",
        {
            "township": township,
            "guide": shown,
            "versions": versions,
            "is_current": bool(versions) and shown.number == versions[0].number,
        },
    )
