from django.core.management.commands import flush
from django.db import connections

from audit.append_only import flush_permitted


class Command(flush.Command):
    help = (
        flush.Command.help
        + " The append-only tables (audit trail, frozen reports) are emptied too: for development and tests only."
    )

    def handle(self, **options):
        with flush_permitted(connections[options["database"]]):
            return super().handle(**options)
