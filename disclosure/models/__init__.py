from disclosure.models.attachments import Attachment
from disclosure.models.findings import PersonalDataFinding
from disclosure.models.items import Item, ItemChannel

__all__ = ["Attachment", "Item", "ItemChannel", "PersonalDataFinding"]
