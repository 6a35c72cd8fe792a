"""Application services: intake, the clock's events, answers, letters, remedies, Art. 44 proposals.

Like the publishing services, every function is keyword-only, takes the acting user as `by`,
checks who may act, audits, and does all or nothing (files included: `atomic_with_files`).
Bad input raises `ValidationError`, acting outside one's role `PermissionDenied`; a decision
on an application someone else changed meanwhile is refused with "请刷新页面".
"""

from applications.services.answers import answer_approve, answer_deliver, answer_draft, answer_return
from applications.services.clock import Clock, ClockEvent, compute_clock
from applications.services.common import STALE, clock_of, roles_of
from applications.services.intake import (
    DuplicateSubmission,
    application_confirm,
    application_register,
    application_submit,
    application_void,
    query_code_matches,
)
from applications.services.proposals import proposal_candidates, proposal_create
from applications.services.remedies import remedy_decide, remedy_record
from applications.services.steps import (
    application_extend,
    correction_lapse,
    correction_receive,
    correction_send,
    fee_lapse,
    fee_notify,
    fee_pay,
    third_party_consult,
    third_party_reply,
)

__all__ = [
    "STALE",
    "Clock",
    "ClockEvent",
    "DuplicateSubmission",
    "answer_approve",
    "answer_deliver",
    "answer_draft",
    "answer_return",
    "application_confirm",
    "application_extend",
    "application_register",
    "application_submit",
    "application_void",
    "clock_of",
    "compute_clock",
    "correction_lapse",
    "correction_receive",
    "correction_send",
    "fee_lapse",
    "fee_notify",
    "fee_pay",
    "proposal_candidates",
    "proposal_create",
    "query_code_matches",
    "remedy_decide",
    "remedy_record",
    "roles_of",
    "third_party_consult",
    "third_party_reply",
]
