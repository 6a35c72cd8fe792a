"""Publishing services: drafting, the review before publishing, publication, changes, withdrawal.

Every function here is keyword-only, takes the acting user as `by`, checks who may do
what itself (the admin only decides which buttons to show), writes an audit event for
what it did, and either does all of it or nothing. Bad input raises `ValidationError`,
a person acting outside their role raises `PermissionDenied`; both carry a message in
Chinese meant for the person who acted.

Where an item stands:

    draft ──submit──▶ in_review (step 1 … step n) ──last step approves──▶ published
      ▲                    │                                  └─ or approved, until its scheduled time
      └────return with comment (any step)

An organisation administrator may publish at once in an emergency; an approver who is
neither the author nor that administrator confirms it afterwards. A published item is
edited through a pending revision that takes the same review while the published text
stays online. Nothing that was published is ever deleted: it is withdrawn (with a public
reason) or repealed.

`at` arguments let imports and demo data record when something happened; by default now.
"""

from disclosure.services.attachments import attachment_add, attachment_add_checked, attachment_remove
from disclosure.services.channels import MANUAL_CHANNELS, channel_record
from disclosure.services.findings import finding_mask, finding_mask_all, finding_override, item_scan
from disclosure.services.items import (
    EDITABLE_FIELDS,
    item_change_discard,
    item_create,
    item_update,
    items_due_recompute,
)
from disclosure.services.numbering import index_number_allocate, index_numbers_allocate
from disclosure.services.permissions import review_refusal, roles_for
from disclosure.services.publication import (
    item_emergency_confirm,
    item_emergency_publish,
    item_publish,
    item_repeal,
    item_withdraw,
    items_publish_scheduled,
)
from disclosure.services.review import (
    DEFAULT_REVIEW_STEPS,
    item_return,
    item_review,
    item_submit,
    review_step_save,
    review_steps,
    review_steps_ensure,
)
from disclosure.services.revisions import working_copy

__all__ = [
    "DEFAULT_REVIEW_STEPS",
    "EDITABLE_FIELDS",
    "MANUAL_CHANNELS",
    "attachment_add",
    "attachment_add_checked",
    "attachment_remove",
    "channel_record",
    "finding_mask",
    "finding_mask_all",
    "finding_override",
    "index_number_allocate",
    "index_numbers_allocate",
    "item_change_discard",
    "item_create",
    "item_emergency_confirm",
    "item_emergency_publish",
    "item_publish",
    "item_repeal",
    "item_return",
    "item_review",
    "item_scan",
    "item_submit",
    "item_update",
    "item_withdraw",
    "items_due_recompute",
    "items_publish_scheduled",
    "review_refusal",
    "review_step_save",
    "review_steps",
    "review_steps_ensure",
    "roles_for",
    "working_copy",
]
