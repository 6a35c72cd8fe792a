"""Demo data: last year's annual report of each demo township, as a draft with its entered figures.

The narrative is left empty so the report page shows the text pre-drafted from the
figures. Idempotent: a township that already has last year's report is left alone.
"""

import json
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone

from annual import services
from annual.models import AnnualReport
from catalog.models import Organisation

DATA = Path(__file__).with_name("demo_figures.json")


def load_reports(*, stdout=None) -> int:
    year = timezone.localdate().year - 1
    made = 0
    for slug, spec in json.loads(DATA.read_text(encoding="utf-8")).items():
        organisation = Organisation.objects.filter(slug=slug).first()
        user = get_user_model().objects.filter(username=spec["by"]).first()
        if organisation is None or user is None:
            continue
        if AnnualReport.objects.filter(organisation=organisation, year=year).exists():
            continue
        entered = {key: (Decimal(value), note) for key, (value, note) in spec["entered"].items()}
        services.annual_save(organisation=organisation, year=year, by=user, narrative={}, entered=entered)
        made += 1
    if stdout is not None:
        stdout.write(f"年度报告：新建 {made} 份{year}年度报告草稿。")
    return made
