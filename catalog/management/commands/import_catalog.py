from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from catalog.models import Category, Organisation
from catalog.services import catalog_import
from catalog.transfer import CatalogFileError


class Command(BaseCommand):
    help = (
        "把 .xlsx 或 .csv 目录文件导入机构的公开目录；有任何问题时整份不导入并列出行和列。"
        " Import a catalog file, all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("organisation", help="机构网址标识，如 shuangxi")
        parser.add_argument("file", help="目录文件（.xlsx 或 CSV UTF-8）")
        parser.add_argument("--category", help="文件没有“目录类别编码”列时，导入到这个类别编码")

    def handle(self, *args, organisation, file, category=None, **options):
        org = Organisation.objects.filter(slug=organisation).first()
        if org is None:
            raise CommandError(f"没有网址标识为“{organisation}”的机构。")
        default_category = None
        if category:
            default_category = Category.objects.filter(organisation=org, code=category).first()
            if default_category is None:
                raise CommandError(f"{org.short_name}的目录中没有编码为“{category}”的类别。")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}。")
        size = path.stat().st_size
        if size > settings.CATALOG_IMPORT_MAX_BYTES:  # refused before reading
            raise CommandError(
                f"文件大小 {size / 1024 / 1024:.1f} MB，超过上限 "
                f"{settings.CATALOG_IMPORT_MAX_BYTES / 1024 / 1024:.0f} MB，未读取。未导入任何内容。"
            )
        try:
            result = catalog_import(
                organisation=org,
                file_name=path.name,
                data=path.read_bytes(),
                by=None,
                default_category=default_category,
            )
        except CatalogFileError as exc:
            lines = "\n".join(f"  {problem}" for problem in exc.problems)
            raise CommandError(f"{path.name} 有问题，未导入任何内容：\n{lines}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"已导入{org.short_name}目录：新增类别 {result.categories_created} 个、"
                f"更新 {result.categories_updated} 个，"
                f"新增事项 {result.obligations_created} 项、更新 {result.obligations_updated} 项。"
            )
        )
