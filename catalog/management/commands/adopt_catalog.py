from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from catalog.models import Organisation
from catalog.services import catalog_adopt


class Command(BaseCommand):
    help = "乡镇采用县级模板目录（已有编码的类别和事项保持不变）。A township adopts the county template catalog."

    def add_arguments(self, parser):
        parser.add_argument("township", help="乡镇网址标识，如 yingqian")
        parser.add_argument("--template", help="模板机构网址标识（默认：上级县）")

    def handle(self, *args, township, template=None, **options):
        org = Organisation.objects.filter(slug=township).first()
        if org is None:
            raise CommandError(f"没有网址标识为“{township}”的机构。")
        template_org = Organisation.objects.filter(slug=template).first() if template else org.parent
        if template_org is None:
            raise CommandError(f"没有网址标识为“{template}”的模板机构。")
        try:
            result = catalog_adopt(township=org, template_org=template_org, by=None)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{org.short_name}已采用{template_org.short_name}模板目录：新增类别 {result.categories_created} 个、"
                f"事项 {result.obligations_created} 项；保留已有类别 {result.categories_kept} 个、"
                f"事项 {result.obligations_kept} 项。"
            )
        )
