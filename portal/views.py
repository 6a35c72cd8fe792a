import hashlib
import re
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from catalog.access import can_edit, can_view
from catalog.models import Channel, Organisation
from disclosure.models import Item
from disclosure.services import channel_record
from portal import frames, item_reads
from portal.conditional import conditional_page
from portal.context_processors import DISPLAY_COOKIES
from portal.filters import CategoryFilter
from portal.forms import BulletinPostingForm, SearchForm
from portal.paging import keyset_page
from portal.presenters import column_rows, item_metadata, search_results, years_between
from search.models import SearchEntry
from search.queries import capped_count, entry_for_identifier, last_changed, published_between, ranked_search
from township_portal.lib import page_versions, ratelimit
from township_portal.lib.health import database_status
from township_portal.lib.pdf import html_to_text, notice_pdf
from township_portal.lib.qr import qr_svg, qr_svg_file
from township_portal.lib.search import parse_query
from township_portal.lib.search_groups import search_groups

ONE_YEAR = 365 * 24 * 3600


@never_cache
def healthz(request):
    """200 when the database answers, 503 when it does not or not within a second (for the load balancer)."""
    answers, reason = database_status(timeout=settings.HEALTHZ_TIMEOUT_SECONDS)
    if not answers:
        response = JsonResponse({"status": "error", "database": "unavailable", "reason": reason}, status=503)
        response._has_been_logged = True  # the load balancer asks every few seconds: no log flood
        return response
    return JsonResponse({"status": "ok", "database": "ok"})


# --- Validators (ETag, Last-Modified) --------------------------------------


def _county_validators(request):
    county, bodies = frames.load_county(request)
    parts = [(org.pk, org.slug, org.name, org.last_published) for org in bodies]
    if county:
        parts.append((county.pk, county.name, county.changed_at))
    return frames.etag_for(request, parts), county.changed_at if county else None


def _frame_validators(request, slug, **kwargs):
    frame = frames.load_frame(request, slug)
    return frames.etag_for(request, frame.validator_digest), frame.changed_at


def _frame_versions(request, slug, **kwargs):
    return [page_versions.org(slug)]


def _search_validators(request):
    county, bodies = frames.load_county(request)
    changed_at = last_changed()
    parts = [changed_at, [(org.slug, org.name) for org in bodies]]
    slug = request.GET.get("township", "")
    if slug in {org.slug for org in bodies}:
        parts.append(frames.load_frame(request, slug).validator_digest)
    return frames.etag_for(request, parts), changed_at


# --- Public pages -----------------------------------------------------------


@require_safe
@conditional_page(_county_validators)
def county_home(request):
    county, bodies = frames.load_county(request)
    latest = SearchEntry.objects.filter(organisation__is_active=True).select_related("organisation", "category")[:10]
    townships = [org for org in bodies if org.kind == Organisation.Kind.TOWNSHIP]
    departments = [org for org in bodies if org.kind == Organisation.Kind.DEPARTMENT]
    return render(
        request,
        "portal/county_home.html",
        {"county": county, "townships": townships, "departments": departments, "latest": latest},
    )


@require_safe
@conditional_page(_frame_validators, _frame_versions)
def township_home(request, slug):
    frame = frames.load_frame(request, slug)
    township = frame.organisation
    entries = SearchEntry.objects.filter(organisation=township).select_related("organisation")
    stats = _column_stats(frame, entries)
    notices_column = frame.find("通知公告", "公告")
    notices = entries.filter(category_id__in=frame.subtree_ids(notices_column))[:5] if notices_column else []
    columns = column_rows(frame, stats)
    return render(
        request,
        "portal/township_home.html",
        {
            "township": township,
            "frame": frame,
            "columns": columns,
            "last_published": max((row["last"] for row in stats.values()), default=None),
            "latest": entries[:10],
            "notices_column": notices_column,
            "notices": notices,
            "annual_reports_column": frame.find("年度报告", "年报"),
        },
    )


def _column_stats(frame, entries) -> dict:
    """Items and newest date per column: read once per content change, then from the shared cache.

    Counting reads every entry of the township (190 ms of SQL at 71,000 entries); the key
    holds the township's content timestamp, so a publish, change or withdrawal recounts.
    """
    changed = frame.changed_at.isoformat() if frame.changed_at else ""
    key = f"portal:columns:{frame.organisation.pk}:{changed}"

    def count():
        rows = entries.order_by().values("category_id").annotate(count=Count("pk"), last=Max("published_at"))
        return {row["category_id"]: row for row in rows}

    return cache.get_or_set(key, count, settings.PORTAL_FRAGMENT_CACHE_SECONDS)


def _qr(url: str, title: str) -> str:
    """The print view's inline QR code (it prints, and works in a saved copy), drawn once per URL and title."""
    key = "portal:qr:" + hashlib.sha256(f"{url}\n{title}".encode()).hexdigest()
    return cache.get_or_set(key, lambda: qr_svg(url, title=title), settings.PORTAL_FRAGMENT_CACHE_SECONDS)


_CURSOR = re.compile(r"[0-9]{1,18}")  # an id: ASCII digits within a 64-bit integer


def _cursor(request, name) -> int | None:
    # str.isdigit() accepts "²" (int() refuses it) and any length (SQLite overflows): both were 500s.
    value = request.GET.get(name, "")
    return int(value) if _CURSOR.fullmatch(value) else None


@require_safe
@conditional_page(_frame_validators, _frame_versions)
def category(request, slug, code):
    frame = frames.load_frame(request, slug)
    township, column = frame.organisation, frame.category(code)
    subtree = frame.subtree_ids(column)
    entries = SearchEntry.objects.filter(category_id__in=subtree)
    publishers = Organisation.objects.filter(Q(pk=township.pk) | Q(parent=township), is_active=True)
    filterset = CategoryFilter(
        request.GET,
        queryset=entries,
        publishers=publishers.order_by("parent_id", "order", "name"),
        years=years_between(*published_between(subtree)),
    )
    rows = filterset.qs.select_related("organisation")
    page = keyset_page(
        rows,
        sort=filterset.sort_order,
        after=_cursor(request, "after"),
        before=_cursor(request, "before"),
        size=settings.PORTAL_PAGE_SIZE,
        categories=subtree,
    )
    total, capped = capped_count(rows, settings.PORTAL_COUNT_CAP)
    return render(
        request,
        "portal/category.html",
        {
            "township": township,
            "frame": frame,
            "column": column,
            "ancestors": frame.ancestors(column),
            "subcolumns": frame.children.get(column.pk, []),
            "filter": filterset,
            "page": page,
            "total": total,
            "capped": capped,
        },
    )


def _item_or_gone(frame, pk):
    """The published item, or the 410 page of a withdrawn one; 404 for anything else.

    Read by hand, with its neighbours and attachments, in one statement (``portal.item_reads``);
    its column and, most often, its publisher come from the frame. An inactive column, another
    publisher and the replacing item of a repealed or revised one are read when shown.
    """
    item = item_reads.item_page_of(frame.organisation.pk, pk)
    if item is None:
        raise Http404("没有这条信息。")
    if item.category_id in frame.by_id:
        item.category = frame.by_id[item.category_id]
    if item.publisher_id == frame.organisation.pk:
        item.publisher = frame.organisation
    if item.status == Item.Status.WITHDRAWN:
        return item, True
    if item.status != Item.Status.PUBLISHED:
        raise Http404("没有这条信息。")
    if item.replaced_by_id:  # shown with its publisher's link (banner and metadata)
        item.replaced_by = Item.objects.select_related("organisation").filter(pk=item.replaced_by_id).first()
    return item, False


def _gone(request, frame, item):
    return render(request, "portal/item_withdrawn.html", {"township": frame.organisation, "item": item}, status=410)


@require_safe
@conditional_page(_frame_validators, _frame_versions)
def item(request, slug, pk):
    frame = frames.load_frame(request, slug)
    item, withdrawn = _item_or_gone(frame, pk)
    if withdrawn:
        return _gone(request, frame, item)
    url = request.build_absolute_uri(reverse("portal:item", args=[slug, item.pk]))
    return render(
        request,
        "portal/item.html",
        {
            "township": frame.organisation,
            "frame": frame,
            "item": item,
            "column": frame.by_id.get(item.category_id, item.category),
            "ancestors": frame.ancestors(item.category),
            "metadata": item_metadata(item, frame),
            "attachments": item.listed_attachments,
            "newer": item.newer,  # the links show their titles only
            "older": item.older,
            "canonical_url": url,
        },
    )


@require_safe
def item_qr(request, slug, pk):
    """The item page's QR code as an image: drawn once per address (4 ms, more than the rest of
    the page), then from the shared cache, and kept by browsers; pages crawled for their text
    never draw it. Only for a published item, so that no address makes the portal draw codes."""
    url = request.build_absolute_uri(reverse("portal:item", args=[slug, pk]))
    key = "portal:qr-file:" + hashlib.sha256(url.encode()).hexdigest()

    def draw():  # a 404 stores nothing
        item = item_reads.item_of(frames.load_frame(request, slug).organisation.pk, pk)
        if item is None or item.status != Item.Status.PUBLISHED:
            raise Http404("没有这条信息。")
        return qr_svg_file(url, title="二维码：用手机扫描打开本页")

    svg = cache.get_or_set(key, draw, settings.PORTAL_FRAGMENT_CACHE_SECONDS)
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_safe
@conditional_page(_frame_validators, _frame_versions)
def item_print(request, slug, pk):
    frame = frames.load_frame(request, slug)
    item, withdrawn = _item_or_gone(frame, pk)
    if withdrawn:
        return _gone(request, frame, item)
    url = request.build_absolute_uri(reverse("portal:item", args=[slug, item.pk]))
    return render(
        request,
        "portal/item_print.html",
        {
            "township": frame.organisation,
            "item": item,
            "metadata": item_metadata(item, frame),
            "attachments": item.listed_attachments,
            "canonical_url": url,
            "qr": _qr(url, "二维码：用手机扫描打开本信息的网页"),
        },
    )


def _search_rate_limited(view):
    """At most SEARCH_RATE_LIMIT searches a minute per address (township_portal.lib.ratelimit), cached or not."""

    def wrapped(request, *args, **kwargs):
        if request.GET.get("q", "").strip() and not ratelimit.allow(
            key=f"search:ip:{ratelimit.client_address(request)}", limit=settings.SEARCH_RATE_LIMIT, window=60
        ):
            message = "搜索太频繁，请一分钟后再试。"
            return render(request, "refused.html", {"status": 429, "message": message}, status=429)
        return view(request, *args, **kwargs)

    return wrapped


@_search_rate_limited
@require_safe
@conditional_page(_search_validators)
def search(request):
    county, bodies = frames.load_county(request)
    slug = request.GET.get("township", "")
    frame = frames.load_frame(request, slug) if slug in {org.slug for org in bodies} else None
    form = SearchForm(request.GET, townships=bodies, categories=frame.categories if frame else ())
    raw = form.value("q") or ""
    query = parse_query(raw)
    context = {"form": form, "query": query, "county": county, "frame": frame}
    if query.error or not query.terms:
        return render(request, "portal/search.html", context)
    entry = entry_for_identifier(raw)
    if entry is not None:
        return redirect("portal:item", entry.organisation.slug, entry.pk)
    code = form.value("category")
    size = settings.PORTAL_PAGE_SIZE
    found = ranked_search(
        query,
        number=form.value("page") or 1,
        size=size,
        cap=settings.PORTAL_SEARCH_MAX_RESULTS,
        organisation_id=frame.organisation.pk if frame else None,
        category_ids=frame.subtree_ids(frame.by_code[code]) if frame and code else None,
        year=form.value("year"),
    )
    number, last_page = found.number, found.last_page
    context.update(
        total=found.total,
        capped=found.capped,
        results=search_results(found.rows, query),
        number=number,
        last_page=last_page,
        pages=range(max(1, number - 4), min(last_page, number + 4) + 1),
        results_start=(number - 1) * size + 1,
        extra_groups=search_groups(query, organisation_id=frame.organisation.pk if frame else None),
    )
    return render(request, "portal/search.html", context)


@require_safe
def favicon(request):
    """Browsers and the admin ask for /favicon.ico whatever the page links: send them to the static icon."""
    response = redirect(static("img/favicon.ico"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_safe
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("portal:sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "Disallow: /display/",
        "Disallow: /*/notice/",
        "Disallow: /*/notice.pdf",
        f"Sitemap: {sitemap}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors: the database may be what failed.
    return HttpResponseServerError(loader.get_template("500.html").render())


def display(request):
    """Switch large text / high contrast on or off and go back to the page (no JavaScript needed)."""
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    for key, cookie in DISPLAY_COOKIES.items():
        value = request.GET.get(key)
        if value == "1":
            response.set_cookie(cookie, "1", max_age=ONE_YEAR, samesite="Lax")
        elif value == "0":
            response.delete_cookie(cookie, samesite="Lax")
    return response


# --- Staff: the bulletin-board notice ----------------------------------------


def _staff_item(request, slug, pk):
    frame = frames.load_frame(request, slug)
    item = get_object_or_404(
        Item.objects.select_related("publisher", "category"), pk=pk, organisation=frame.organisation
    )
    if not can_view(request.user, item.organisation_id):
        raise PermissionDenied("您无权查看该机构的信息。")
    if item.status != Item.Status.PUBLISHED:
        raise Http404("只有已发布的信息才能打印公示。")
    return frame, item


def _form_errors(form, error: ValidationError) -> None:
    """Put a service's refusal on the form: on the field it names when the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def item_notice(request, slug, pk):
    """The staff print page: the A4 notice PDF, and recording that it went up on the bulletin board."""
    frame, item = _staff_item(request, slug, pk)
    township = frame.organisation
    may_record = can_edit(request.user, item.organisation_id)
    form = BulletinPostingForm(
        request.POST or None,
        initial={"posted_on": timezone.localdate(), "place": f"{township.short_name}政务公开栏", "key": uuid.uuid4()},
    )
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied("您只能查看，不能登记该机构的公开渠道。")
        if form.is_valid():
            try:
                channel_record(
                    item=item,
                    channel=Channel.BULLETIN_BOARD,
                    posted_on=form.cleaned_data["posted_on"],
                    by=request.user,
                    place=form.cleaned_data["place"],
                    key=form.cleaned_data["key"],
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, "已记录：本信息已在公示栏张贴。")
                return redirect("portal:item_notice", slug, item.pk)
    postings = item.channels.filter(channel=Channel.BULLETIN_BOARD).order_by("-posted_on")
    return render(
        request,
        "portal/item_notice.html",
        {"township": township, "item": item, "form": form, "may_record": may_record, "postings": postings},
    )


@login_required
@require_safe
def item_notice_pdf(request, slug, pk):
    frame, item = _staff_item(request, slug, pk)
    township = frame.organisation
    url = request.build_absolute_uri(reverse("portal:item", args=[slug, item.pk]))
    footer = [f"网上查看：{url}"]
    if township.phone:
        footer.append(f"联系电话：{township.phone}")
    pdf = notice_pdf(
        township_name=township.name,
        title=item.title,
        index_number=item.index_number,
        document_number=item.document_number,
        published_on=timezone.localdate(item.published_at),
        written_on=item.written_on,
        body_text=html_to_text(item.body) or item.summary,
        footer_lines=footer,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"公示-{item.title[:40]}.pdf")
    return response
