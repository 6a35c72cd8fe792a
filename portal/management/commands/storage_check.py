from django.core.management.base import BaseCommand, CommandError

from township_portal.lib.files import remove_staging_folder
from township_portal.lib.storage_scan import orphans_past_grace, storage_scan


class Command(BaseCommand):
    help = (
        "核对存储中的文件与数据库记录：列出没有记录的文件（孤立文件）和找不到文件的记录；"
        "--repair 删除超过宽限期的孤立文件和已终止进程留下的临时文件夹。可放入 cron 每日运行。"
        " Lists files without rows and rows without files; --repair removes orphans older than the grace period."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="删除超过宽限期的孤立文件和遗留的临时文件夹")
        parser.add_argument(
            "--grace-hours",
            type=float,
            default=24.0,
            help="孤立文件至少存在这么多小时才删除（默认 24），以免删到正在提交的上传",
        )

    def handle(self, *args, repair: bool, grace_hours: float, **options):
        if grace_hours < 0:
            raise CommandError("--grace-hours 不能为负数。")
        grace = grace_hours * 3600
        scan = storage_scan(staging_grace_seconds=grace)
        old_orphans = orphans_past_grace(scan, grace_seconds=grace)
        old_names = {(id(o.storage), o.name) for o in old_orphans}
        for orphan in scan.orphans:
            waiting = "" if (id(orphan.storage), orphan.name) in old_names else "（宽限期内，暂不处理）"
            self.stdout.write(f"孤立文件（没有记录）：{orphan.name}{waiting}")
        for missing in scan.missing:
            where = f"{missing.model} #{missing.pk} 的“{missing.field}”"
            self.stdout.write(f"缺少文件：{where}指向 {missing.name}，存储中没有")
        for folder in scan.stale_staging:
            self.stdout.write(f"遗留的临时文件夹：{folder}")
        if repair:
            for orphan in old_orphans:
                orphan.storage.delete(orphan.name)
            for folder in scan.stale_staging:
                remove_staging_folder(folder)
            if old_orphans or scan.stale_staging:
                self.stdout.write(f"已删除 {len(old_orphans)} 个孤立文件、{len(scan.stale_staging)} 个临时文件夹。")
        summary = f"共核对 {scan.files_seen} 个文件、{scan.rows_seen} 条记录。"
        unresolved = bool(scan.missing) or (not repair and bool(old_orphans or scan.stale_staging))
        if unresolved:
            if scan.missing:
                summary += "有记录缺少文件：请从备份恢复 MEDIA_ROOT（见 README“备份与恢复”）。"
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary + ("存储与记录一致。" if not scan.orphans else "")))
