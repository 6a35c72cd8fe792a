"""Published answers in the portal search (township_portal.lib.search_groups): one bounded query and a capped count."""

from django.db.models import Q
from django.urls import reverse

from mailbox.models import Message
from township_portal.lib.search import snippet
from township_portal.lib.search_groups import SearchGroup, SearchHit

COUNT_CAP = 100


def search_results(*, query, organisation_id, limit) -> SearchGroup | None:
    if not query.terms:
        return None
    rows = Message.objects.published().select_related("organisation", "office")
    if organisation_id is not None:
        rows = rows.filter(organisation_id=organisation_id)
    for term in query.terms:
        rows = rows.filter(
            Q(public_subject__icontains=term) | Q(public_body__icontains=term) | Q(public_answer__icontains=term)
        )
    found = list(rows.order_by("-published_at", "-pk")[: COUNT_CAP + 1])
    if not found:
        return None
    hits = [
        SearchHit(
            title=message.public_subject,
            url=reverse("mailbox:public_detail", args=[message.organisation.slug, message.number]),
            meta=f"{message.organisation.short_name} · 公众留言 · "
            f"答复：{(message.office or message.organisation).short_name} · {message.answered_on:%Y-%m-%d}",
            snippet_html=snippet(f"{message.public_body} {message.public_answer}", query.terms),
        )
        for message in found[:limit]
    ]
    return SearchGroup(title="公众留言", hits=hits, total=min(len(found), COUNT_CAP))
