"""Art. 44: information asked for by several applicants, proposed for proactive disclosure."""

from __future__ import annotations

import re
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from applications.models import Application, ProactiveProposal
from applications.services.common import DRAFTERS, audit, require_role
from disclosure.services import item_create

_NOISE = re.compile(r"[\s，。、；：:;,.!！?？“”\"'（）()《》〈〉【】\[\]-]+")


def subject_key(application: Application) -> str:
    """What identifies the information asked for: its 文号, else its title, else its description."""
    for text in (application.document_number, application.document_title, application.description):
        key = _NOISE.sub("", text or "").lower()
        if key:
            return key[:120]
    return ""


def proposal_candidates(applications: list[Application]) -> list[list[Application]]:
    """Groups of applications to one organisation asking the same thing, from two or more applicants."""
    groups: dict[tuple[int, str], list[Application]] = defaultdict(list)
    for application in applications:
        key = subject_key(application)
        if key:
            groups[(application.organisation_id, key)].append(application)
    return [group for group in groups.values() if len({(a.id_type, a.id_number) for a in group}) >= 2]


@transaction.atomic
def proposal_create(*, applications: list[Application], by, category) -> ProactiveProposal:
    """Create a draft item for proactive disclosure linked to the applications (Art. 44)."""
    if len(applications) < 2:
        raise ValidationError("至少要有两件申请。")
    organisation = applications[0].organisation
    if any(a.organisation_id != organisation.pk for a in applications):
        raise ValidationError("只能合并同一机关收到的申请。")
    if len({(a.id_type, a.id_number) for a in applications}) < 2:
        raise ValidationError("第四十四条要求有两个以上申请人申请相同的信息。")
    require_role(by, applications[0], DRAFTERS, "提出转为主动公开")
    first = applications[0]
    subject = (first.document_title or first.description)[:150]
    numbers = "、".join(a.number for a in applications)
    item = item_create(
        by=by,
        organisation=organisation,
        category=category,
        title=subject,
        written_on=timezone.localdate(),
        summary=f"多个申请人申请公开相同的政府信息（申请编号：{numbers}），依第四十四条转为主动公开。",
        document_number=first.document_number[:100] if first.document_number else "",
    )
    proposal = ProactiveProposal.objects.create(organisation=organisation, subject=subject, item=item, created_by=by)
    proposal.applications.set(applications)
    for application in applications:
        audit(by, "application.proposal", application, after={"item": item.pk})
    return proposal
