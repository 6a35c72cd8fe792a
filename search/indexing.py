"""Keep the search index in step with published items.

`index_item` is the one hook the publishing services call whenever an item is
published, changed, repealed or withdrawn. It receives the item object and never
imports the disclosure app, so the dependency runs disclosure -> search.
"""


def index_item(item) -> None:
    """(Re)build the item's search documents if it is public, remove them otherwise."""
