from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from catalog import demo as catalog_demo
from disclosure import demo as disclosure_demo


class Command(BaseCommand):
    help = "Load the 上犹县 demo data (idempotent). Only in demo mode: it sets known passwords."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000/",
            help="the address the server will answer at, printed with the logins (make run passes its PORT)",
        )

    def handle(self, *args, **options):
        url = options["url"].rstrip("/") + "/"
        if not settings.DEMO_MODE:
            raise CommandError("DEMO_MODE is off: demo accounts with known passwords are never created here.")
        catalog_demo.load_organisations(stdout=self.stdout)
        catalog_demo.load_catalog(stdout=self.stdout)
        disclosure_demo.load_items(stdout=self.stdout)
        # Apps above the portal (applications, mailbox, ...) add their demo data through an
        # AppConfig method, so this command never imports them.
        for config in apps.get_app_configs():
            loader = getattr(config, "load_demo", None)
            if callable(loader):
                loader(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("演示数据已加载。"))
        self.stdout.write("")
        self.stdout.write(f"  门户网站:  {url}")
        self.stdout.write(f"  管理后台:  {url}admin/")
        self.stdout.write(f"  全县月报:  {url}reports/board/（county_office）")
        self.stdout.write(f"  演示密码（所有账号）: {catalog_demo.DEMO_PASSWORD}")
        for username, description in catalog_demo.demo_logins():
            self.stdout.write(f"    {username:<14} {description}")
