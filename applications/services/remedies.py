"""行政复议 and 行政诉讼 records on an application (年报表四)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from applications.models import Application, Remedy
from applications.services.common import WORKERS, audit, locked, require_role
from applications.validation import check_plain_text


@transaction.atomic
def remedy_record(
    *,
    application: Application,
    by,
    kind: str,
    body: str,
    filed_on: date,
    result: str = "pending",
    decided_on: date | None = None,
    note: str = "",
) -> Remedy:
    """Record a review or lawsuit about a received application; a decided one needs its date."""
    application = locked(application)
    require_role(by, application, WORKERS, "登记行政复议、行政诉讼")
    if application.received_on is None:
        raise ValidationError("只有已受理的申请才能登记行政复议、行政诉讼。")
    errors = {}
    if kind not in Remedy.Kind.values:
        errors["kind"] = "请选择类型。"
    if result not in Remedy.Result.values:
        errors["result"] = "请选择结果。"
    body = check_plain_text(body or "", "复议机关或法院")
    if not body:
        errors["body"] = "请填写复议机关或法院。"
    today = timezone.localdate()
    if filed_on is None or filed_on > today or filed_on < application.received_on:
        errors["filed_on"] = "申请或起诉日期应在收到申请之后、今天之前。"
    if result == "pending":
        decided_on = None
    elif decided_on is None or decided_on > today or (filed_on and decided_on < filed_on):
        errors["decided_on"] = "已审结的请填写审结日期（不早于申请或起诉日期）。"
    if errors:
        raise ValidationError(errors)
    remedy = Remedy.objects.create(
        application=application,
        kind=kind,
        body=body[:100],
        filed_on=filed_on,
        result=result,
        decided_on=decided_on,
        note=check_plain_text(note or "", "备注")[:500],
        recorded_by=by,
    )
    audit(by, "application.remedy_record", application, after={"kind": kind, "result": result})
    return remedy


@transaction.atomic
def remedy_decide(*, remedy: Remedy, by, result: str, decided_on: date) -> Remedy:
    """Record the result of a pending review or lawsuit."""
    application = locked(remedy.application)
    require_role(by, application, WORKERS, "登记行政复议、行政诉讼结果")
    remedy = Remedy.objects.select_for_update().get(pk=remedy.pk)
    if remedy.result != "pending":
        raise ValidationError("该案件已登记结果。")
    if result not in Remedy.Result.values or result == "pending":
        raise ValidationError({"result": "请选择维持、纠正或其他结果。"})
    if decided_on is None or decided_on < remedy.filed_on or decided_on > timezone.localdate():
        raise ValidationError({"decided_on": "审结日期应在申请或起诉日期之后、今天之前。"})
    remedy.result, remedy.decided_on = result, decided_on
    remedy.save(update_fields=["result", "decided_on"])
    audit(by, "application.remedy_decide", application, after={"result": result})
    return remedy
