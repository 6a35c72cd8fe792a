"""Demo messages for 双溪乡 in every state, some published (`manage.py load_demo`; idempotent).

The content is in demo_messages.json; each row is keyed by its submission token, so a
second run finds it and changes nothing. States are reached through the services, as
staff would reach them, with the demo's township staff.
"""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from catalog.models import Organisation
from mailbox import services
from mailbox.models import Message
from mailbox.services.deadlines import reply_due, warning_from

DATA = Path(__file__).with_name("demo_messages.json")
ORDER = ["received", "assigned", "drafted", "approved", "answered", "published"]


@transaction.atomic
def load_messages(*, stdout=None) -> None:
    township = Organisation.objects.filter(slug="shuangxi").first()
    if township is None:
        return
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=["sx_author", "sx_reviewer", "sx_approver"])
    }
    author, reviewer, approver = users.get("sx_author"), users.get("sx_reviewer"), users.get("sx_approver")
    today = timezone.localdate()
    created = 0
    for row in json.loads(DATA.read_text(encoding="utf-8")):
        token = f"demo-message-{row['key']}-0000000000"
        if Message.objects.filter(submission_token=token).exists():
            continue
        message, _ = services.message_submit(
            organisation=township,
            token=token,
            **{k: row[k] for k in ("kind", "subject", "body", "writer_name", "writer_phone", "may_publish")},
        )
        received_on = today - timezone.timedelta(days=row["days_ago"])
        received_at = timezone.now() - timezone.timedelta(days=row["days_ago"])
        due_on = reply_due(received_on)
        Message.objects.filter(pk=message.pk).update(
            channel=row["channel"],
            received_on=received_on,
            received_at=received_at,
            due_on=due_on,
            warn_on=warning_from(due_on),
        )
        message.refresh_from_db()
        state = row["state"]
        if state == "closed":
            services.message_close(message=message, by=reviewer, reason="与此前留言为同一事项的重复留言，已合并办理。")
            created += 1
            continue
        if state != "received":
            office = Organisation.objects.get(slug=f"shuangxi-{row['office']}") if row["office"] else township
            message = services.message_assign(message=message, by=author, office=office)
        if ORDER.index(state) >= ORDER.index("drafted"):
            message = services.message_draft(message=message, by=author, answer=row["answer"])
        if ORDER.index(state) >= ORDER.index("approved"):
            message = services.message_approve(message=message, by=approver)
        if ORDER.index(state) >= ORDER.index("answered"):
            answered_on = min(today, message.due_on - timezone.timedelta(days=1))
            message = services.message_deliver(message=message, by=author, delivery="online", answered_on=answered_on)
        if state == "published":
            services.message_publish(message=message, by=reviewer)
        created += 1
    if stdout is not None and created:
        stdout.write(f"信箱：已载入双溪乡演示留言 {created} 条。")
