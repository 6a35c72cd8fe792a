from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from township_portal.lib.backup import BackupError, backup_restore, backup_verify, read_manifest


class Command(BaseCommand):
    help = (
        "从 manage.py backup 的目录恢复数据库和全部文件（覆盖当前数据），然后做恢复演练核对："
        "各表条数、每个文件和附件、月报文件的 SHA-256。--check 只核对不恢复。"
        " Restore a backup folder (replacing the current data) and run the restore drill; --check only checks."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--check", action="store_true", help="只做核对（恢复演练），不恢复")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args, folder: str, check: bool, interactive: bool, **options):
        try:
            manifest = read_manifest(Path(folder))
            if check:
                result = backup_verify(Path(folder))
            else:
                if interactive:
                    answer = input(f"将用 {manifest['created_at']} 的备份覆盖当前数据库和文件，输入 yes 继续：")
                    if answer.strip() != "yes":
                        raise CommandError("已取消，未做任何改动。")
                result = backup_restore(Path(folder))
        except BackupError as error:
            raise CommandError(str(error)) from None
        for problem in result.problems:
            self.stdout.write(f"不一致：{problem}")
        items = result.counts.get("disclosure.Item", 0)
        summary = (
            f"核对了 {len(result.counts)} 张表（信息 {items} 条）、{result.files_checked} 个文件、"
            f"{result.rows_checked} 条带校验值的记录"
        )
        if not result.ok:
            raise CommandError(f"{summary}：发现 {len(result.problems)} 处不一致。")
        self.stdout.write(self.style.SUCCESS(f"{summary}：与备份一致。"))
