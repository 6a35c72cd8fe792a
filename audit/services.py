from django.db import models

from audit.models import AuditEvent


def audit_event(
    *,
    actor,
    action: str,
    obj: models.Model,
    organisation=None,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
) -> AuditEvent:
    """The event ``audit_record`` appends, unsaved: bulk work appends many with ``audit_record_many``."""
    return AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        organisation=organisation,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        before=before,
        after=after,
        note=note,
    )


def audit_record_many(events: list[AuditEvent]) -> None:
    """Append events made by ``audit_event`` in a few statements."""
    AuditEvent.objects.bulk_create(events, batch_size=1000)


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model,
    organisation=None,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
) -> AuditEvent:
    """Append one event; it cannot be changed or deleted through the application."""
    event = audit_event(
        actor=actor, action=action, obj=obj, organisation=organisation, before=before, after=after, note=note
    )
    event.save()
    return event
