from disclosure.models.items import Attachment, Item, ItemChannel

__all__ = ["Attachment", "Item", "ItemChannel"]
