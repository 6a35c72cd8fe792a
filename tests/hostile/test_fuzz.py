"""No input answers 500: every admin changelist filter, every form and every public parameter, fuzzed.

The admin's models and their list filters are enumerated from the admin site itself, so a new
app's admin is covered without touching this file. Forms are found by reading the pages (the
admin's add and change pages, the item's workflow forms, the import and transfer pages, the
portal's search, the mailbox's and applications' public forms), and each is submitted with
every hostile value in every visible field; the public forms that write (a letter, an
application, their status lookups) also with each field alone hostile, asserting that a
refusal writes nothing.
Runs on SQLite and PostgreSQL (NUL bytes and 30-digit numbers fail differently on each).
"""

import contextlib
import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlsplit

from django.apps import apps
from django.contrib import admin
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from applications.models import Application
from catalog.services import catalog_import
from catalog.transfer import CatalogFileError, rows_to_csv
from disclosure.importing import import_items
from disclosure.models import Item
from mailbox.models import Message
from tests.applications.conftest import applicant
from tests.catalog.test_catalog_transfer import good_rows
from tests.disclosure.files import upload
from tests.disclosure.test_import import HEADER, row
from tests.hostile.pages import application_pages, mailbox_pages, public_pages
from tests.mailbox.conftest import form_data as mailbox_form_data

# Every case of the probe is among these.
HOSTILE = {
    "nul": "工作\x00动态",
    "int30": "1" * 30,
    "int20": "99999999999999999999",
    "abc": "abc",
    "bidi": "名单\u202etxt.exe",
    "huge": "长" * 20_000,
    "superscript": "²",
}
# The filters' values, fewer: the ones that broke filters somewhere (the rest are covered by the forms).
FILTER_VALUES = {key: HOSTILE[key] for key in ("nul", "int30", "abc", "huge")}
FORM_VALUES = {key: HOSTILE[key] for key in ("nul", "int20", "abc", "bidi", "huge")}
# What the public views read (besides what their links and forms show).
PUBLIC_PARAMETERS = [
    "q",
    "township",
    "category",
    "organisation",
    "year",
    "month",
    "page",
    "after",
    "before",
    "sort",
    "next",
]
SKIPPED_PATHS = ("/delete/", "/logout/", "/password_change/", "/password/")


class Forms(HTMLParser):
    """The forms of a page: method, action and fields (name, kind, value, hidden)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.links: set[str] = set()
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href", "").startswith("?"):
            self.links.add(attrs["href"])
        if tag == "form":
            self.forms.append(
                {"method": (attrs.get("method") or "get").lower(), "action": attrs.get("action"), "fields": []}
            )
        elif self.forms and tag in ("input", "textarea", "select") and attrs.get("name"):
            kind = attrs.get("type", tag).lower()
            if kind in ("submit", "button", "image", "reset"):
                if attrs.get("name"):
                    self.forms[-1]["fields"].append((attrs["name"], "hidden", attrs.get("value", ""), True))
                return
            hidden = kind == "hidden"
            self.forms[-1]["fields"].append((attrs["name"], kind, attrs.get("value", ""), hidden))


def page_forms(client, url):
    response = client.get(url)
    assert response.status_code < 500, url
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return [], set()
    parser = Forms()
    parser.feed(response.content.decode())
    return parser.forms, parser.links


def assert_no_500(response, what):
    assert response.status_code < 500, what


def changelist_parameters(model_admin, user) -> set[str]:
    """Every query parameter the changelist understands: its filters', search, ordering, paging, dates."""
    url = reverse(f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_changelist")
    request = RequestFactory().get(url)
    request.user = user
    changelist = model_admin.get_changelist_instance(request)
    names = {"q", "o", "p", "e", "_to_field", "_popup"}
    for spec in changelist.filter_specs:
        names.update(spec.expected_parameters())
    if model_admin.date_hierarchy:
        names.update(f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day"))
    return names


def registered_admins():
    return sorted(admin.site._registry.items(), key=lambda pair: pair[0]._meta.label)


def test_every_admin_changelist_filter_takes_hostile_values(client, world, author):
    for user in (world["superuser"],):
        client.force_login(user)
        for model, model_admin in registered_admins():
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            if client.get(url).status_code != 200:
                continue  # this persona may not see the list
            for name in sorted(changelist_parameters(model_admin, world["superuser"])):
                for label, value in FILTER_VALUES.items():
                    assert_no_500(client.get(url, {name: value}), f"{user} {url}?{name}={label}")


def test_admin_autocomplete_takes_hostile_terms(client, world):
    client.force_login(world["superuser"])
    for model, model_admin in registered_admins():
        for field_name in (
            model_admin.get_autocomplete_fields(None) if hasattr(model_admin, "get_autocomplete_fields") else []
        ):
            for value in HOSTILE.values():
                response = client.get(
                    reverse("admin:autocomplete"),
                    {"term": value, "app_label": model._meta.app_label, "model_name": model._meta.model_name,
                     "field_name": field_name},
                )  # fmt: skip
                assert_no_500(response, f"autocomplete {model._meta.label}.{field_name}")


def admin_form_pages(world) -> list[str]:
    pages = []
    for model, model_admin in registered_admins():
        info = (model._meta.app_label, model._meta.model_name)
        pages.append(reverse("admin:{}_{}_add".format(*info)))
        first = model_admin.model._default_manager.order_by("pk").first()
        if first is not None:
            pages.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    for item in (world["published"], world["draft"]):
        pages.append(reverse("admin:disclosure_item_change", args=[item.pk]))
        pages.append(reverse("admin:disclosure_item_channel", args=[item.pk]))
    for name in ("admin:catalog_category_transfer", "admin:catalog_category_adopt", "disclosure:item_import"):
        with contextlib.suppress(NoReverseMatch):
            pages.append(reverse(name))
    return pages


def submit_hostile(client, url, form, value):
    target = form["action"] or url
    if any(skip in target for skip in SKIPPED_PATHS):
        return
    data = {}
    for name, kind, original, hidden in form["fields"]:
        if kind == "file":
            continue
        data.setdefault(name, [])
        data[name].append(original if hidden or name.endswith(("TOTAL_FORMS", "INITIAL_FORMS")) else value)
    response = client.post(target, data) if form["method"] == "post" else client.get(target, data)
    assert_no_500(response, f"{form['method'].upper()} {target} (from {url}) with {value[:20]!r}")


def test_every_admin_form_takes_hostile_values(client, world, approver, author):
    for user in (world["superuser"], author):
        client.force_login(user)
        for url in admin_form_pages(world):
            if any(skip in url for skip in SKIPPED_PATHS):
                continue
            forms, _links = page_forms(client, url)
            for form in forms:
                for value in FORM_VALUES.values():
                    submit_hostile(client, url, form, value)


def test_every_public_parameter_takes_hostile_values(client, world, org_admin, county_office):
    for user, pages in ((None, public_pages(world)), (org_admin, ["/reports/"]), (county_office, ["/reports/board/"])):
        if user is not None:
            client.force_login(user)
        for url in pages:
            forms, links = page_forms(client, url)
            names = set(PUBLIC_PARAMETERS)
            for link in links:
                names.update(name for name, _ in parse_qsl(urlsplit(link).query, keep_blank_values=True))
            for form in forms:
                names.update(name for name, *_ in form["fields"] if form["method"] == "get")
            for name in sorted(names):
                for label, value in FILTER_VALUES.items():
                    assert_no_500(client.get(url, {name: value}), f"{user} {url}?{name}={label}")
            for form in forms:
                for value in FORM_VALUES.values():
                    submit_hostile(client, url, form, value)


def test_hostile_ids_in_paths_are_not_found(client, world):
    slug = world["published"].organisation.slug
    for big in ("9" * 30, str(2**63)):  # past any id; 2**63 is the first that SQLite cannot bind
        for path in (f"/{slug}/items/{big}/", f"/{slug}/items/{big}/print/", f"/{slug}/items/{big}/qr.svg"):
            assert client.get(path).status_code == 404, path
    assert client.get(f"/attachments/{'9' * 30}/").status_code == 404
    assert client.get(f"/{slug}/guide/v{'9' * 30}/").status_code < 500
    client.force_login(world["superuser"])
    for path in (f"/admin/disclosure/item/{'9' * 30}/change/", f"/admin/disclosure/item/{'9' * 30}/workflow/"):
        assert client.get(path).status_code in (302, 404, 405), path


def test_nul_in_a_workflow_comment_is_stripped_not_a_500(client, world, author):
    client.force_login(author)
    item = world["draft"]
    url = reverse("admin:disclosure_item_workflow", args=[item.pk])
    response = client.post(url, {"action": "submit", "comment": "请\x00审核"})
    assert response.status_code == 302
    assert "\x00" not in "".join(Item.objects.filter(pk=item.pk).values_list("title", flat=True))


# --- The mailbox and applications: public forms that write -------------------------------

HOSTILE_CHARACTERS = ("\x00", "\u202e")


def rows_written() -> dict[str, int]:
    """Row counts of everything a public form may write: letters, applications, their audit trail."""
    return {
        model._meta.label: model._default_manager.count()
        for label in ("mailbox", "applications", "audit")
        for model in apps.get_app_config(label).get_models()
    }


def valid_letter(client, url) -> dict:
    token = re.search(r'name="token" value="([^"]+)"', client.get(url).content.decode())[1]
    return {**mailbox_form_data(), "token": token}


def valid_application(client, url) -> dict:
    token = re.search(r'name="token" value="([^"]+)"', client.get(url).content.decode())[1]
    return {**applicant(), "kind": "natural", "token": token}


def public_writing_forms(world):
    """(page, a valid submission's data) for each public form of the mailbox and applications."""
    letter, application = world["letter"], world["application"]
    write, apply = mailbox_pages(world)[0], application_pages(world)[1]
    return [
        (write, lambda client: valid_letter(client, write)),
        (mailbox_pages(world)[2], lambda client: {"number": letter.number, "code": world["letter_code"]}),
        (apply, lambda client: valid_application(client, apply)),
        (application_pages(world)[3], lambda client: {"number": application.number, "code": world["application_code"]}),
    ]


def test_mailbox_and_applications_forms_refuse_each_hostile_field_and_write_nothing(client, world):
    """Each field of each public form alone hostile, the rest valid: never a 500; refused means nothing written."""
    for url, valid in public_writing_forms(world):
        forms, _links = page_forms(client, url)
        (form,) = [form for form in forms if form["method"] == "post"]
        names = {name for name, kind, *_ in form["fields"] if kind != "file"} | set(valid(client))
        cache.clear()
        baseline = client.post(url, valid(client))
        assert baseline.status_code == 302 or world["letter"].number in baseline.content.decode(), (
            f"the valid submission to {url} was refused, so the fuzz below would prove nothing"
        )
        for name in sorted(names):
            for label, value in FORM_VALUES.items():
                cache.clear()  # the rate limits are tested in test_locks; here every post reaches the form
                data = {**valid(client), name: value}
                before = rows_written()
                response = client.post(url, data)
                what = f"POST {url} {name}={label}"
                assert_no_500(response, what)
                if response.status_code == 302:  # taken: the hostile characters did not reach the database
                    latest = Message.objects.order_by("-pk").first(), Application.objects.order_by("-pk").first()
                    for stored in latest:
                        text = " ".join(str(getattr(stored, f.attname)) for f in stored._meta.concrete_fields)
                        assert not any(c in text for c in HOSTILE_CHARACTERS), what
                else:
                    assert rows_written() == before, f"{what} was refused ({response.status_code}) but wrote rows"
                    assert re.search(r"[\u4e00-\u9fff]", response.content.decode()), what


def test_mailbox_and_applications_take_hostile_parameters_and_paths(client, world):
    before = rows_written()
    for url in [*mailbox_pages(world), *application_pages(world)]:
        for name in ("after", "before", "page", "number", "code", "q", "next"):
            for label, value in HOSTILE.items():
                assert_no_500(client.get(url, {name: value}), f"{url}?{name}={label}")
    slug = world["letter"].organisation.slug
    for label, value in [*HOSTILE.items(), ("slash", "a/b"), ("dots", "..")]:
        quoted = quote(value[:2000], safe="")
        for path in (
            f"/{slug}/mailbox/public/{quoted}/",
            f"/apply/status/{quoted}/",
            f"/apply/status/{world['application'].number}/file/{quoted}/",
            f"/apply/status/{world['application'].number}/pdf/{'9' * 30}/",
            f"/{quoted}/mailbox/",
            f"/{quoted}/apply/",
        ):
            response = client.get(path)
            assert response.status_code in (301, 302, 400, 404), f"{path} ({label}): {response.status_code}"
    assert rows_written() == before


# --- The probe's own cases ---------------------------------------------------------------


def test_every_500_of_the_probe_is_among_the_inputs_and_none_answers_500(client, world, author, org_admin, settings):
    """Each input the issue's black-box probe answered 500 with, exactly as it sent it."""
    published, draft, nul = world["published"], world["draft"], HOSTILE["nul"]

    def workflow(user, item, **data):
        client.force_login(user)
        response = client.post(reverse("admin:disclosure_item_workflow", args=[item.pk]), data)
        assert response.status_code == 302, (data, response.status_code)  # back to the item, with a message

    # NUL in workflow comments, repeal's replacement field, emergency and withdrawal reasons.
    workflow(author, draft, action="submit", comment=nul)
    workflow(org_admin, published, action="repeal", repealed_on="2026-01-01", replaced_by=nul)
    workflow(org_admin, draft, action="emergency_publish", reason=nul)
    workflow(org_admin, published, action="withdraw", reason=nul)
    stored = Item.objects.filter(pk__in=[published.pk, draft.pk]).values_list("emergency_reason", "withdrawal_reason")
    assert not any("\x00" in text for texts in stored for text in texts)

    client.force_login(world["superuser"])
    autocomplete = {"app_label": "catalog", "model_name": "category", "field_name": "organisation"}
    assert_no_500(client.get(reverse("admin:autocomplete"), {"term": "\x00", **autocomplete}), "term=%00")
    assert_no_500(client.get(reverse("admin:disclosure_item_changelist"), {"organisation": "abc"}), "organisation=abc")
    for model, _admin in registered_admins():  # a 30-digit ?category= or ?organisation= on every list
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for name in ("category", "organisation", "category__id__exact", "organisation__id__exact"):
            assert_no_500(client.get(url, {name: HOSTILE["int30"]}), f"{url}?{name}=30 digits")
    client.force_login(org_admin)
    assert_no_500(client.get(reverse("reports:index"), {"year": HOSTILE["int20"]}), "/reports/?year=20 digits")

    # Oversized posts on the item form and the import page: a Chinese 413, nothing written.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    items = Item.objects.count()
    for url in (reverse("admin:disclosure_item_add"), reverse("disclosure:item_import")):
        response = client.post(url, {"title": "长" * 20_000})
        assert response.status_code == 413 and "提交的内容太大" in response.content.decode(), url
    assert Item.objects.count() == items


def test_a_nul_in_an_imported_csv_cell_is_stripped_on_every_database(world, org_admin, yingqian):
    shuangxi = world["published"].organisation
    lines = [",".join(HEADER), ",".join(row(标题="双溪乡\x00春耕方案", 目录分类="01"))]
    result = import_items(
        organisation=shuangxi, spreadsheet=upload("信息.csv", "\r\n".join(lines).encode()), by=org_admin
    )
    assert result.ok, [str(error) for error in result.errors]
    assert Item.objects.filter(title="双溪乡春耕方案").exists()
    rows = good_rows()
    rows[3][2] = "低保对象\x00审核确认结果"
    try:
        catalog_import(organisation=yingqian, file_name="目录.csv", data=rows_to_csv(rows), by=None)
    except CatalogFileError as refusal:  # a NUL byte makes it "not a text file": refused in Chinese
        assert "只能导入 .xlsx 工作簿或 .csv 文件" in str(refusal)
        assert not yingqian.obligations.exists() and not yingqian.categories.exists()
    else:
        assert yingqian.obligations.filter(second_level="低保对象审核确认结果").exists()
