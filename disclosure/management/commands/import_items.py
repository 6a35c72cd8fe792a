from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from catalog.models import Organisation
from disclosure.importing import import_items


class Command(BaseCommand):
    help = "从表格（XLSX/CSV）和附件文件夹或 ZIP 批量导入原网站已发布的信息；任何一行有错则全部不导入。"

    def add_arguments(self, parser):
        parser.add_argument("spreadsheet", help="XLSX 或 CSV 文件")
        parser.add_argument("--organisation", required=True, help="机构的网址标识（slug），如 shuangxi")
        parser.add_argument("--by", required=True, help="执行导入的机构管理员用户名（记入操作记录）")
        parser.add_argument("--attachments", help="附件所在的文件夹或 ZIP 文件")

    def handle(self, *args, spreadsheet, organisation, by, attachments=None, **options):
        try:
            organisation = Organisation.objects.get(slug=organisation)
        except Organisation.DoesNotExist as error:
            raise CommandError(f"没有网址标识为“{organisation}”的机构。") from error
        try:
            user = get_user_model().objects.get(username=by)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"没有用户名为“{by}”的用户。") from error

        shown = {}

        def progress(stage, done, total):
            # About twenty lines per stage, whatever the number of rows.
            step = max(1, total // 20)
            if done == total or done % step == 0 or stage not in shown:
                shown[stage] = done
                self.stdout.write(f"{stage} {done}/{total}")

        try:
            result = import_items(
                organisation=organisation,
                spreadsheet=spreadsheet,
                attachments_dir_or_zip=attachments,
                by=user,
                progress=progress,
            )
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(f"注意：{warning}"))
        if not result.ok:
            for issue in result.errors:
                self.stderr.write(str(issue))
            raise CommandError(f"共 {len(result.errors)} 处错误，未导入任何信息。")
        summary = f"已导入 {len(result.items)} 条信息、{result.attachment_count} 个附件（{organisation}）。"
        self.stdout.write(self.style.SUCCESS(summary))
