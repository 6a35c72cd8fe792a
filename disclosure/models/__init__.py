from disclosure.models.attachments import Attachment
from disclosure.models.findings import PersonalDataFinding
from disclosure.models.imports import ImportJob
from disclosure.models.items import Item, ItemChannel, ProtectedItemError
from disclosure.models.revisions import ItemRevision
from disclosure.models.workflow import IndexCounter, Review, ReviewDecision, ReviewStep

__all__ = [
    "Attachment",
    "ImportJob",
    "IndexCounter",
    "Item",
    "ItemChannel",
    "ItemRevision",
    "PersonalDataFinding",
    "ProtectedItemError",
    "Review",
    "ReviewDecision",
    "ReviewStep",
]
