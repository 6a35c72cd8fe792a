from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalog.models import Organisation
from catalog.services import catalog_export_rows
from catalog.transfer import rows_to_csv, rows_to_xlsx


class Command(BaseCommand):
    help = "导出机构的公开目录为 .xlsx 或 .csv（按文件扩展名）。Export an organisation's catalog."

    def add_arguments(self, parser):
        parser.add_argument("organisation", help="机构网址标识，如 shuangxi")
        parser.add_argument("file", help="输出文件，如 shuangxi.xlsx 或 shuangxi.csv")

    def handle(self, *args, organisation, file, **options):
        org = Organisation.objects.filter(slug=organisation).first()
        if org is None:
            raise CommandError(f"没有网址标识为“{organisation}”的机构。")
        path = Path(file)
        extension = path.suffix.lower()
        if extension not in (".xlsx", ".csv"):
            raise CommandError("输出文件的扩展名须为 .xlsx 或 .csv。")
        rows = catalog_export_rows(organisation=org)
        data = rows_to_csv(rows) if extension == ".csv" else rows_to_xlsx(rows, title=f"{org.name}政府信息公开目录")
        path.write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"已导出{org.short_name}公开目录 {len(rows) - 1} 行到 {path}。"))
