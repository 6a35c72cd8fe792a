"""What an import reports: the items it wrote, or every issue that refused it, by row and column."""

from collections.abc import Callable
from dataclasses import dataclass, field

from disclosure.models import Item

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ImportIssue:
    """One reason the import was refused; row is the spreadsheet's row number (header = 1)."""

    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self):
        where = []
        if self.row is not None:
            where.append(f"第 {self.row} 行")
        if self.column:
            where.append(f"“{self.column}”列")
        return f"{'，'.join(where)}：{self.message}" if where else self.message


@dataclass
class ImportResult:
    """What happened: the items imported, or the errors that stopped the import (then nothing was written)."""

    items: list[Item] = field(default_factory=list)
    attachment_count: int = 0
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors
