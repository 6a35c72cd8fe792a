"""Mailbox services by aggregate: intake (messages in), answers (the answering workflow), publication."""

from mailbox.services.answers import (
    message_approve,
    message_assign,
    message_close,
    message_deliver,
    message_draft,
    message_return,
)
from mailbox.services.intake import message_lookup, message_record, message_submit
from mailbox.services.permissions import can_decide, can_handle, can_view_message, visible_messages
from mailbox.services.publication import mask_name, message_publish, message_unpublish, public_text

__all__ = [
    "can_decide",
    "can_handle",
    "can_view_message",
    "mask_name",
    "message_approve",
    "message_assign",
    "message_close",
    "message_deliver",
    "message_draft",
    "message_lookup",
    "message_publish",
    "message_record",
    "message_return",
    "message_submit",
    "message_unpublish",
    "public_text",
    "visible_messages",
]
