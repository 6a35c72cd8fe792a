"""Writes to the catalog, the guide and the calendar that touch several rows or the audit log."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import audit_record
from catalog.models import GUIDE_CONTENT_FIELDS, Category, GuideVersion, Obligation, Organisation
from catalog.models.catalog import MAX_CATEGORY_DEPTH
from catalog.transfer import CatalogFileError, ParsedCatalog, Problem, catalog_rows, parse_catalog_file

# --- adopting the county template ------------------------------------------------------


@dataclass(frozen=True)
class AdoptionResult:
    categories_created: int
    obligations_created: int
    categories_kept: int
    obligations_kept: int


def catalog_adopt(*, township: Organisation, template_org: Organisation, by) -> AdoptionResult:
    """Copy the template organisation's active categories and obligations into the township's catalog.

    Each copy records its `source`. Codes the township already has are kept as they are, so
    adopting again only brings in what the template added since. The template is never changed.
    Township-level obligations (乡级) become the township's own; county-level ones (县级) keep
    the body the template names.
    """
    if township.pk == template_org.pk:
        raise ValidationError("不能采用本机构自己的目录。")
    if township.kind not in (Organisation.Kind.TOWNSHIP, Organisation.Kind.DEPARTMENT):
        raise ValidationError("只有乡镇或部门可以采用模板目录。")
    with transaction.atomic():
        # Serialise concurrent adoptions for the same township.
        Organisation.objects.select_for_update().get(pk=township.pk)
        template_categories = {c.pk: c for c in Category.objects.filter(organisation=template_org, is_active=True)}

        def depth(category):
            # An inactive parent is not copied; its children attach one level up.
            parent = template_categories.get(category.parent_id)
            return 0 if parent is None else 1 + depth(parent)

        existing = {c.code: c for c in Category.objects.filter(organisation=township)}
        by_template_pk: dict[int, Category] = {}
        created_categories = kept_categories = 0
        for source in sorted(template_categories.values(), key=lambda c: (depth(c), c.order, c.code)):
            if source.code in existing:
                by_template_pk[source.pk] = existing[source.code]
                kept_categories += 1
                continue
            copy = Category.objects.create(
                organisation=township,
                parent=by_template_pk.get(source.parent_id),
                code=source.code,
                name=source.name,
                description=source.description,
                order=source.order,
                column_kind=source.column_kind,
                source=source,
            )
            by_template_pk[source.pk] = existing[copy.code] = copy
            created_categories += 1

        existing_codes = set(Obligation.objects.filter(organisation=township).values_list("code", flat=True))
        copies = []
        kept_obligations = 0
        for source in Obligation.objects.filter(
            organisation=template_org, is_active=True, category__in=list(by_template_pk)
        ).order_by("order", "code"):
            if source.code in existing_codes:
                kept_obligations += 1
                continue
            own = source.level == Obligation.Level.TOWNSHIP
            copies.append(
                Obligation(
                    organisation=township,
                    category=by_template_pk[source.category_id],
                    source=source,
                    responsible_body=township if own else source.responsible_body,
                    **{
                        name: getattr(source, name)
                        for name in (
                            "code",
                            "order",
                            "first_level",
                            "second_level",
                            "content_elements",
                            "legal_basis",
                            "time_limit_kind",
                            "time_limit_days",
                            "period",
                            "channels",
                            "audience",
                            "mode",
                            "level",
                            "expected_frequency",
                        )
                    },
                )
            )
        Obligation.objects.bulk_create(copies)
        result = AdoptionResult(created_categories, len(copies), kept_categories, kept_obligations)
        if created_categories or copies:  # an adoption that brings nothing changes nothing to trace
            audit_record(
                actor=by,
                action="catalog.adopt",
                obj=township,
                organisation=township,
                after={"template": template_org.name, **result.__dict__},
                note=f"采用{template_org.short_name}模板目录",
            )
    return result


# --- import and export -------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    categories_created: int
    categories_updated: int
    obligations_created: int
    obligations_updated: int


def responsible_body_candidates(organisation: Organisation):
    """Bodies a catalog row may name: the organisation's own tree, its county and the county's departments."""
    # An office (站所) names bodies as its township does.
    body = organisation.disclosing_body
    county_id = body.pk if body.kind == Organisation.Kind.COUNTY else body.parent_id
    return Organisation.objects.filter(
        Q(pk__in=Organisation.objects.subtree(body).values("pk"))
        | Q(pk=county_id)
        | Q(parent_id=county_id, kind=Organisation.Kind.DEPARTMENT)
    )


def _body_lookup(organisation: Organisation) -> dict[str, Organisation | None]:
    lookup: dict[str, Organisation | None] = {}
    for body in responsible_body_candidates(organisation):
        lookup[body.name] = body
    short_names: dict[str, list[Organisation]] = {}
    for body in list(lookup.values()):
        short_names.setdefault(body.short_name, []).append(body)
    for short, bodies in short_names.items():
        if short not in lookup:
            lookup[short] = bodies[0] if len(bodies) == 1 else None  # None: ambiguous
    return lookup


def catalog_import(
    *, organisation: Organisation, file_name: str, data: bytes, by, default_category: Category | None = None
) -> ImportResult:
    """Import a catalog file into the organisation's catalog, all or nothing.

    Categories and obligations are matched by code: existing ones are updated, new ones
    created; nothing is removed. Raises CatalogFileError (naming rows and columns) and then
    writes nothing.
    """
    if organisation.kind == Organisation.Kind.OFFICE:
        raise CatalogFileError([Problem(None, None, "内设机构（站所）没有自己的公开目录，请导入到所属乡镇。")])
    parsed = parse_catalog_file(file_name, data)
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        result = _catalog_write(organisation, parsed, default_category)
        audit_record(
            actor=by,
            action="catalog.import",
            obj=organisation,
            organisation=organisation,
            after=result.__dict__,
            note=f"导入目录文件 {file_name}",
        )
    return result


def _catalog_write(organisation, parsed: ParsedCatalog, default_category) -> ImportResult:
    problems: list[Problem] = []
    existing = {c.code: c for c in Category.objects.filter(organisation=organisation)}
    parent_code_of = {code: (c.parent.code if c.parent_id else "") for code, c in existing.items()}
    for row in parsed.categories:
        parent_code_of[row.code] = row.parent_code
        if row.parent_code and row.parent_code not in parent_code_of:
            problems.append(
                Problem(row.row, "上级类别编码", f"上级类别“{row.parent_code}”不存在，须先在前面的行中列出。")
            )
            continue
        depth, code, seen = 1, row.parent_code, {row.code}
        while code:
            if code in seen:
                problems.append(Problem(row.row, "上级类别编码", "类别不能成为自己的下级。"))
                break
            seen.add(code)
            depth += 1
            code = parent_code_of.get(code, "")
        if depth > MAX_CATEGORY_DEPTH:
            problems.append(Problem(row.row, "上级类别编码", f"目录最多 {MAX_CATEGORY_DEPTH} 级。"))
        if len(row.code) > 20 or len(row.name) > 60:
            problems.append(Problem(row.row, "目录类别", "类别编码最长 20 个字符，名称最长 60 个字符。"))

    declared = {row.code for row in parsed.categories}
    bodies = _body_lookup(organisation)
    if not parsed.has_category_column and default_category is None and parsed.obligations:
        problems.append(Problem(None, "目录类别编码", "文件没有这一列：请选择把事项导入到哪个目录类别。"))
    implicit_categories: dict[str, str] = {}
    for row in parsed.obligations:
        letter = row.letters.get
        if row.category_code:
            if row.category_code not in declared and row.category_code not in existing:
                if not row.category_name:
                    problems.append(
                        Problem(
                            row.row,
                            "目录类别",
                            f"类别“{row.category_code}”不存在，请填写类别名称以新建。",
                            letter("目录类别"),
                        )
                    )
                else:
                    implicit_categories.setdefault(row.category_code, row.category_name)
        elif parsed.has_category_column and default_category is None:
            problems.append(Problem(row.row, "目录类别编码", "必填，不能为空。", letter("目录类别编码")))
        body = bodies.get(row.responsible_body)
        if body is None:
            reason = "有多个机构同名，请写全称" if row.responsible_body in bodies else "找不到这个机构，请写机构全称"
            problems.append(Problem(row.row, "公开主体", f"“{row.responsible_body}”：{reason}。", letter("公开主体")))
    if problems:
        raise CatalogFileError(problems)

    created_categories = updated_categories = 0
    categories = dict(existing)
    for order, row in enumerate(parsed.categories, start=1):
        values = {
            "name": row.name,
            "parent": categories[row.parent_code] if row.parent_code else None,
            "column_kind": row.column_kind,
            "description": row.description,
            "order": order,
            "is_active": True,
        }
        if row.code in categories:
            category = categories[row.code]
            for name, value in values.items():
                setattr(category, name, value)
            category.save()
            updated_categories += 1
        else:
            categories[row.code] = Category.objects.create(organisation=organisation, code=row.code, **values)
            created_categories += 1
    next_order = len(parsed.categories) + 1
    for code, name in implicit_categories.items():
        categories[code] = Category.objects.create(organisation=organisation, code=code, name=name, order=next_order)
        next_order += 1
        created_categories += 1

    existing_obligations = {o.code: o for o in Obligation.objects.filter(organisation=organisation)}
    created_obligations = updated_obligations = 0
    for order, row in enumerate(parsed.obligations, start=1):
        values = {
            "category": categories[row.category_code] if row.category_code else default_category,
            "order": order,
            "first_level": row.first_level,
            "second_level": row.second_level,
            "content_elements": row.content_elements,
            "legal_basis": row.legal_basis,
            "time_limit_kind": row.time_limit_kind,
            "time_limit_days": row.time_limit_days,
            "period": row.period,
            "responsible_body": bodies[row.responsible_body],
            "channels": row.channels,
            "audience": row.audience,
            "mode": row.mode,
            "level": row.level,
            "expected_frequency": row.expected_frequency,
            "is_active": True,
        }
        if row.code in existing_obligations:
            obligation = existing_obligations[row.code]
            for name, value in values.items():
                setattr(obligation, name, value)
            obligation.save()
            updated_obligations += 1
        else:
            Obligation.objects.create(organisation=organisation, code=row.code, **values)
            created_obligations += 1
    return ImportResult(created_categories, updated_categories, created_obligations, updated_obligations)


def catalog_export_rows(*, organisation: Organisation) -> list[list[str]]:
    """The organisation's active catalog as spreadsheet rows (header first); two queries."""
    categories = list(Category.objects.filter(organisation=organisation, is_active=True))
    obligations = list(
        Obligation.objects.filter(organisation=organisation, is_active=True, category__is_active=True).select_related(
            "responsible_body"
        )
    )
    return catalog_rows(categories, obligations)


# --- the guide ----------------------------------------------------------------------------


def guide_revise(
    *, organisation: Organisation, by, values: dict, note: str = "", effective_on: date | None = None
) -> GuideVersion:
    """Write a new version of the organisation's guide; earlier versions stay as they were.

    `values` holds the content fields (GUIDE_CONTENT_FIELDS); fields not given are carried
    over from the current version.
    """
    unknown = set(values) - set(GUIDE_CONTENT_FIELDS)
    if unknown:
        raise ValueError(f"not guide fields: {sorted(unknown)}")
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        current = GuideVersion.objects.current_for(organisation)
        content = {name: getattr(current, name) for name in GUIDE_CONTENT_FIELDS} if current else {}
        content.update(values)
        version = GuideVersion(
            organisation=organisation,
            number=(current.number + 1) if current else 1,
            effective_on=effective_on or timezone.localdate(),
            change_note=note,
            created_by=by if by is not None and by.is_authenticated else None,
            **content,
        )
        version.full_clean()
        version.save()
        audit_record(
            actor=by,
            action="guide.revise",
            obj=version,
            organisation=organisation,
            before={name: getattr(current, name) for name in GUIDE_CONTENT_FIELDS} if current else None,
            after=content,
            note=note,
        )
    return version


def guide_review_confirm(*, version: GuideVersion, by) -> GuideVersion:
    """Record that the current guide was reviewed and is still correct (no new version)."""
    with transaction.atomic():
        current = GuideVersion.objects.current_for(version.organisation)
        if current is None or current.pk != version.pk:
            raise ValidationError("只能确认当前版本的公开指南。")
        now = timezone.now()
        GuideVersion.objects.filter(pk=version.pk).update(reviewed_at=now)
        version.reviewed_at = now
        audit_record(actor=by, action="guide.review", obj=version, organisation=version.organisation)
    return version
