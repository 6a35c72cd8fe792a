from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from township_portal.lib.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "备份数据库（PostgreSQL 用 pg_dump）和全部存储文件到一个新目录，附清单（各表条数、每个文件的 SHA-256）。"
        " Back up the database and MEDIA_ROOT (through the storage API) into a new folder with a manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="新的空目录，如 /backup/portal-2026-12-01")

    def handle(self, *args, folder: str, **options):
        try:
            manifest = backup_create(Path(folder))
        except BackupError as error:
            raise CommandError(str(error)) from None
        items = manifest["counts"].get("disclosure.Item", 0)
        self.stdout.write(self.style.SUCCESS(f"已备份到 {folder}：{items} 条信息，{len(manifest['files'])} 个文件。"))
