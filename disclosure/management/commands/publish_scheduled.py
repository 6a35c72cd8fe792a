"""Publish approved items whose scheduled time has come (cron, every five minutes; see README)."""

from django.core.management.base import BaseCommand

from disclosure.services import items_publish_scheduled


class Command(BaseCommand):
    help = "发布定时发布时间已到的已审核信息（由 cron 每 5 分钟运行）。"

    def handle(self, *args, **options):
        published, failed = items_publish_scheduled()
        for item in published:
            self.stdout.write(f"已发布：{item.index_number} {item.title}")
        for item, reason in failed:
            self.stderr.write(f"未能发布：{item.pk} {item.title}：{reason}")
        if failed:
            # A non-zero exit makes cron mail the administrator.
            raise SystemExit(1)
