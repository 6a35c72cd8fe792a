"""A year of 双溪乡's published items, made through the publishing services (idempotent).

Every item goes the real way: drafted by the 信息员, 初审, 保密审查 and 签发 by three other
people, so index numbers, revisions, review records and audit events are all real. Also
made: a few late publications, one withdrawn, one repealed and replaced, one low-income
list whose ID and phone numbers were masked in review, items in every review step, a
returned draft, a scheduled item and an emergency publication awaiting its approver.

About one item in seven carries real files, made here the way a township office makes
them and attached through the upload checks before the item is submitted, so their text
is extracted and scanned like any upload: policy notices as PDF (with their Chinese text),
work plans as DOCX, relief-payment lists as XLSX, photos of the list on a village bulletin
board as JPEG (taken by phone, with a GPS position the upload strips). One 精准扶贫 notice
always has its funds table as a PDF.
"""

import io
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import docx
import openpyxl
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from catalog.calendar import CalendarMissingError, work_calendar
from catalog.models import Category, Organisation
from disclosure import services
from disclosure.models import Item
from disclosure.services import attachment_add
from township_portal.lib.files import atomic_with_files
from township_portal.lib.pdf import Heading, Paragraph, Table, build_pdf, chinese_date

DAYS = 365
MASKED_LIST_TITLE = "双溪乡{year}年{month}月城乡最低生活保障对象审核确认结果公示"
MARKER_TITLE = "双溪乡召开{year}年政务公开工作部署会"
POVERTY_TITLE = "双溪乡{year}年精准扶贫资金使用情况公示"
POVERTY_FILE = "{year}年扶贫资金使用明细.pdf"

# (category code, publishing office or "", document number pattern or "", titles); {y} year, {m} month.
KINDS = [
    (
        "01",
        "",
        "",
        [
            "转载：《中华人民共和国森林法》森林防火相关条款",
            "转载：《江西省农村村民住房建设管理办法》全文",
            "转载：《中华人民共和国农村土地承包法》解读要点",
            "转载：《社会救助暂行办法》全文",
        ],
    ),
    (
        "0201",
        "",
        "双府发〔{y}〕{n}号",
        [
            "双溪乡人民政府关于印发《双溪乡{y}年森林防火工作方案》的通知",
            "双溪乡人民政府关于印发《双溪乡农村人居环境整治实施方案》的通知",
            "双溪乡人民政府关于进一步规范农村宅基地审批管理的通知",
            "双溪乡人民政府关于做好{y}年防汛抗旱工作的通知",
        ],
    ),
    (
        "0202",
        "",
        "",
        [
            "《双溪乡农村人居环境整治实施方案》政策解读",
            "图解：双溪乡宅基地审批流程",
        ],
    ),
    (
        "03",
        "",
        "",
        [
            "双溪乡召开{y}年春耕生产动员会",
            "双溪乡开展汛前安全隐患大排查",
            "双溪乡组织开展森林防火应急演练",
            "双溪乡举办农村实用技术培训班",
            "双溪乡开展“三夏”秸秆禁烧巡查",
            "双溪乡推进高标准农田建设项目",
            "双溪乡开展{m}月份环境卫生集中整治",
            "双溪乡召开{m}月份安全生产工作例会",
        ],
    ),
    (
        "04",
        "",
        "",
        [
            "转发县农业农村局关于做好{y}年耕地地力保护补贴发放工作的通知",
            "转发县医保局关于{y}年度城乡居民基本医疗保险集中征缴的通告",
            "转发县应急管理局关于加强汛期地质灾害防范的通知",
        ],
    ),
    (
        "05",
        "dangzheng",
        "",
        [
            "双溪乡{y}年公开招聘村级后备干部公告",
            "双溪乡{y}年公开招聘村级后备干部拟聘用人员公示",
        ],
    ),
    (
        "0601",
        "",
        "",
        [
            "双溪乡{y}年政务公开工作要点",
            "双溪乡{y}年度重点工作计划",
            "双溪乡{y}年第{q}季度工作安排",
        ],
    ),
    (
        "0701",
        "",
        "",
        [
            "双溪乡{y}年巩固拓展脱贫攻坚成果项目库公示",
            "双溪乡{y}年衔接推进乡村振兴补助资金项目实施情况公告",
        ],
    ),
    (
        "0702",
        "minzheng",
        "",
        [
            "双溪乡{y}年{m}月城乡低保、特困人员救助资金发放情况公示",
            "双溪乡{y}年{m}月临时救助对象公示",
        ],
    ),
    (
        "08",
        "",
        "",
        [
            "双溪乡关于做好秋冬季森林防火工作的通告",
            "双溪乡关于规范农村建房的温馨提示",
            "双溪乡便民服务中心办事指南（{y}年版）",
        ],
    ),
]
VILLAGES = ["双溪村", "大布村", "高洲村", "合河村", "石坪村", "小溪村"]


SURNAMES = "刘黄钟李陈曾朱罗谢温赖邱"
TOWNSHIP_NAME = "双溪乡人民政府"


# --- Files a township office makes --------------------------------------------------------------


def _notice_pdf(title: str, document_number: str, written_on: date) -> bytes:
    """A policy notice as the office exports it to PDF: number, addressees, body, issuer and date."""
    blocks = [Heading(title)]
    if document_number:
        blocks.append(Paragraph(document_number))
    blocks += [
        Paragraph("各村（社区）、乡直各单位："),
        Paragraph(
            f"现将{title[title.index('《') : title.index('》') + 1]}印发给你们，请结合实际，认真贯彻执行。"
            if "《" in title
            else "经乡人民政府研究，现将有关事项通知如下。"
        ),
        Heading("一、提高认识，加强领导", level=2),
        Paragraph("各村（社区）要把此项工作摆上重要议事日程，主要负责人亲自抓，明确专人具体负责。"),
        Heading("二、突出重点，压实责任", level=2),
        Paragraph("乡直各单位要按照职责分工，加强指导和督查，确保各项措施落实到组到户。"),
        Heading("三、强化督查，严格考核", level=2),
        Paragraph("乡党政办将不定期开展督查，督查结果纳入年度综合考核。"),
        Paragraph(TOWNSHIP_NAME),
        Paragraph(chinese_date(written_on)),
        Paragraph("（此件主动公开）"),
    ]
    return build_pdf(blocks, title=title, author=TOWNSHIP_NAME)


def _poverty_funds_pdf(title: str, year: int, rng: random.Random) -> bytes:
    """The funds table of a 精准扶贫 notice: each project, where, from which fund, how much, how far along."""
    projects = [
        ("产业扶贫奖补（脐橙、茶叶）", "双溪村、大布村"),
        ("安全饮水巩固提升工程", "高洲村"),
        ("村组道路硬化", "合河村"),
        ("雨露计划职业教育补助", "全乡"),
        ("扶贫小额信贷贴息", "全乡"),
        ("光伏扶贫电站运维", "石坪村"),
    ]
    rows = []
    for name, place in projects:
        fund = rng.choice(["中央衔接资金", "省级衔接资金", "县级配套资金"])
        rows.append(
            [name, place, fund, Decimal(rng.randrange(80, 900)) / 10, rng.choice(["已完工", "已完工", "实施中"])]
        )
    total = sum(row[3] for row in rows)
    blocks = [
        Heading(title),
        Paragraph(f"根据县乡村振兴局要求，现将本乡{year}年扶贫（衔接推进乡村振兴）资金使用情况公示如下："),
        Table(["项目名称", "实施地点", "资金来源", "金额（万元）", "实施进度"], [*rows, ["合计", "", "", total, ""]]),
        Paragraph("公示期为10天。如有异议，请向乡纪委或乡乡村振兴工作站反映，监督电话：0797-8661005。"),
        Paragraph(TOWNSHIP_NAME),
    ]
    return build_pdf(blocks, title=title, author=TOWNSHIP_NAME)


def _plan_docx(title: str, written_on: date) -> bytes:
    """A work plan as written in Word: headings, numbered tasks and a schedule table."""
    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.author = TOWNSHIP_NAME
    document.add_heading(title, level=1)
    document.add_paragraph(f"为扎实推进{written_on.year}年各项工作，结合本乡实际，制定本计划。")
    for heading, tasks in [
        ("一、工作目标", ["全面完成县下达的年度目标任务。", "群众满意度保持在全县前列。"]),
        ("二、重点任务", ["抓好春耕生产和粮食安全。", "巩固拓展脱贫攻坚成果。", "推进农村人居环境整治。"]),
    ]:
        document.add_heading(heading, level=2)
        for task in tasks:
            document.add_paragraph(task, style="List Number")
    document.add_heading("三、进度安排", level=2)
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["时间", "工作内容", "责任单位"], strict=True):
        cell.text = text
    for when, what, who in [
        ("第一季度", "部署动员、细化方案", "乡党政办"),
        ("第二、三季度", "全面实施、督查推进", "各村（社区）"),
        ("第四季度", "检查验收、总结考核", "乡纪委、党政办"),
    ]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = when, what, who
    document.add_paragraph(f"{TOWNSHIP_NAME}\n{chinese_date(written_on)}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _relief_xlsx(title: str, rng: random.Random) -> bytes:
    """A relief-payment list as the 民政所 keeps it: households by village, people and amount; no ID numbers."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "发放名册"
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=6)
    sheet.append(["序号", "村（社区）", "户主姓名", "救助类别", "保障人数", "发放金额（元）"])
    total_people = total_amount = 0
    for number in range(1, rng.randrange(12, 20)):
        kind, per_person = rng.choice([("农村低保", 455), ("农村低保", 455), ("城市低保", 610), ("特困供养", 760)])
        people = 1 if kind == "特困供养" else rng.randrange(1, 5)
        name = f"{rng.choice(SURNAMES)}某某"
        sheet.append([number, rng.choice(VILLAGES), name, kind, people, people * per_person])
        total_people += people
        total_amount += people * per_person
    sheet.append(["合计", "", "", "", total_people, total_amount])
    for column, width in zip("ABCDEF", [6, 12, 10, 10, 10, 14], strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _board_photo_jpeg(rng: random.Random) -> bytes:
    """A phone photo of a list posted on a village bulletin board, with the phone's GPS position in EXIF."""
    image = Image.new("RGB", (960, 720), (182, 186, 172))
    draw = ImageDraw.Draw(image)
    draw.rectangle((70, 80, 890, 640), fill=(112, 68, 40))  # the board's wooden frame
    draw.rectangle((90, 100, 870, 620), fill=(36, 86, 148))
    draw.rectangle((90, 100, 870, 160), fill=(186, 28, 28))  # the red heading band
    for sheet in range(3):
        left = 120 + sheet * 250
        draw.rectangle((left, 190, left + 220, 590), fill=(246, 245, 238))
        for top in range(220, 560, 20):
            draw.line((left + 16, top, left + 204 - rng.randrange(0, 70), top), fill=(70, 70, 70), width=3)
        draw.ellipse((left + 130, 500, left + 200, 570), outline=(210, 30, 30), width=4)  # the seal
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "HUAWEI", "HUAWEI nova 9"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (25.0, 54.0, 12.0 + rng.randrange(40)), 3: "E", 4: (114.0, 18.0, 5.0 + rng.randrange(40))})
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=82, exif=exif)
    return out.getvalue()


def _body(title: str, year: int, month: int, village: str) -> str:
    return (
        f"<h2>一、基本情况</h2><p>根据县委、县政府工作部署，结合本乡实际，现将{title}有关情况公开如下。</p>"
        f"<h2>二、主要内容</h2><ol><li>各村（社区）要明确责任人，落实到组到户。</li>"
        f"<li>{village}等重点村要建立工作台账，每周报送进展。</li><li>乡直各单位要密切配合，形成工作合力。</li></ol>"
        f"<table><thead><tr><th>事项</th><th>责任单位</th><th>完成时限</th></tr></thead><tbody>"
        f"<tr><td>宣传动员</td><td>各村委会</td><td>{year}年{month}月底前</td></tr>"
        f"<tr><td>督查落实</td><td>乡党政办</td><td>常态化</td></tr></tbody></table>"
        f'<p>监督电话：0797-8661001。更多信息请关注<a href="https://www.shangyou.gov.cn/">上犹县人民政府网站</a>。</p>'
    )


def _moment(day: date, hour: int, minute: int = 0) -> datetime:
    """That day at that hour, but never later than now."""
    return min(timezone.make_aware(datetime.combine(day, time(hour, minute))), timezone.now())


class _Demo:
    def __init__(self, township: Organisation, today: date):
        users = {u.username: u for u in get_user_model().objects.filter(username__startswith="sx_")}
        self.author, self.reviewer = users["sx_author"], users["sx_reviewer"]
        self.secrecy, self.approver = users["sx_secrecy"], users["sx_approver"]
        self.township = township
        self.today = today
        self.offices = {o.slug.split("-", 1)[1]: o for o in Organisation.objects.filter(parent=township)}
        self.categories = {
            c.code: c for c in Category.objects.filter(organisation=township).prefetch_related("obligations")
        }
        self.calendar = work_calendar()
        self.rng = random.Random(2017)  # the seed summary's year: the same demo every time
        self.files_rng = random.Random(2024)  # apart, so adding files never reshuffles the items
        self.count = 0
        self.with_files = 0

    def workday_after(self, day: date, n: int) -> date:
        try:
            return self.calendar.add_workdays(day, n)
        except CalendarMissingError:
            return day + timedelta(days=n + n // 5 * 2)

    def draft(
        self, code: str, title: str, written_on: date, *, office="", document_number="", body=None, files=(), **extra
    ):
        """A draft by the 信息员, with its files attached through the upload checks (before any review)."""
        category = self.categories[code]
        obligation = next((o for o in category.obligations.all() if o.is_active), None)
        self.count += 1
        item = services.item_create(
            by=self.author,
            organisation=self.township,
            category=category,
            obligation=obligation,
            publisher=self.offices.get(office, self.township),
            title=title,
            summary=f"{title}。",
            body=_body(title, written_on.year, written_on.month, self.rng.choice(VILLAGES)) if body is None else body,
            keywords=category.name,
            document_number=document_number,
            written_on=written_on,
            at=_moment(written_on, 9),
            **extra,
        )
        self.with_files += bool(files)
        for order, (name, data) in enumerate(files, start=1):
            attachment_add(item=item, uploaded_file=ContentFile(data, name=name), by=self.author, order=order)
        return item

    def files_for(self, code: str, title: str, day: date, number: str, nth: int) -> list[tuple[str, bytes]]:
        """The files the nth item of a kind comes with, if any (about one item in seven has some)."""
        rng = self.files_rng
        if code == "0201" and nth % 2 == 1:
            return [(f"{number or title}.pdf", _notice_pdf(title, number, day))]
        if code == "0601" and nth % 3 == 1:
            return [(f"{title}.docx", _plan_docx(title, day))]
        if code == "0702" and nth % 2 == 0:
            files = [(f"{day.year}年{day.month}月救助资金发放名册.xlsx", _relief_xlsx(title, rng))]
            if nth % 4 == 0:
                files.append((f"{rng.choice(VILLAGES)}公示栏张贴照片.jpg", _board_photo_jpeg(rng)))
            return files
        return []

    def review(self, item: Item, until: str, day: date, *, mask=False) -> Item:
        """Walk the review up to (not including) the named step, or through to publication ("")."""
        services.item_submit(item=item, by=self.author, at=_moment(day, 9, 30))
        for person, hour in ((self.reviewer, 10), (self.secrecy, 14), (self.approver, 16)):
            item.refresh_from_db()
            if item.review_step is None or item.review_step.name == until:
                break
            if mask and person == self.secrecy:
                services.finding_mask_all(item=item, by=self.secrecy, at=_moment(day, hour))
                item.refresh_from_db()
            item = services.item_review(item=item, by=person, approve=True, comment="同意", at=_moment(day, hour))
        item.refresh_from_db()
        return item

    def published(self, code, title, written_on, lag, *, late=False, **kwargs) -> Item:
        item = self.draft(code, title, written_on, **kwargs)
        publish_on = self.workday_after(written_on, lag)
        if not late and item.due_on is not None:
            publish_on = min(publish_on, item.due_on)
        return self.review(item, "", min(publish_on, self.today))


def load_items(*, stdout=None, today: date | None = None) -> int:
    """Create 双溪乡's demo items unless they exist; returns how many were made.

    All or nothing: if anything fails, no row stays and the files written are removed.
    """
    today = today or timezone.localdate()
    township = Organisation.objects.get(slug="shuangxi")
    marker = MARKER_TITLE.format(year=(today - timedelta(days=DAYS)).year)
    if Item.objects.filter(organisation=township, title=marker).exists():
        if stdout is not None:
            stdout.write("双溪乡演示信息已存在，跳过。")
        return 0
    demo = _Demo(township, today)
    with atomic_with_files():  # a failure half-way removes the files written so far
        _load(demo, marker)
    if stdout is not None:
        stdout.write(f"双溪乡演示信息已加载：{demo.count} 条，其中 {demo.with_files} 条带附件。")
    return demo.count


def _load(demo: _Demo, marker: str) -> None:
    township, today, rng = demo.township, demo.today, demo.rng
    services.review_steps_ensure(organisation=township)
    start = today - timedelta(days=DAYS)
    published = []

    first = demo.published("03", marker, start, 2)
    services.channel_record(
        item=first,
        channel="new_media",
        posted_on=timezone.localdate(first.published_at),
        by=demo.author,
        link="https://mp.weixin.qq.com/s/shuangxi-zwgk",
    )
    published.append(first)
    counters = {code: 0 for code, *_ in KINDS}
    used = {marker}
    day = start + timedelta(days=3)
    poverty_day = start + timedelta(days=150)
    while day < today - timedelta(days=12):
        if poverty_day is not None and day >= poverty_day:
            # The 精准扶贫 notice a resident opens to download its funds table.
            title = POVERTY_TITLE.format(year=day.year)
            name = POVERTY_FILE.format(year=day.year)
            body = (
                f"<p>根据县乡村振兴局要求，现将本乡{day.year}年精准扶贫（衔接推进乡村振兴）资金的来源、项目、"
                f"金额和实施进度公示如下，明细见附件《{name}》。</p>"
                "<p>公示期为10天。如有异议，请向乡纪委或乡乡村振兴工作站反映，监督电话：0797-8661005。</p>"
            )
            files = [(name, _poverty_funds_pdf(title, day.year, demo.files_rng))]
            published.append(demo.published("0701", title, day, 3, office="", body=body, files=files))
            used.add(title)
            poverty_day = None
        code, office, number_pattern, titles = KINDS[rng.randrange(len(KINDS))]
        counters[code] += 1
        title = titles[counters[code] % len(titles)].format(y=day.year, m=day.month, q=(day.month - 1) // 3 + 1)
        if title in used:
            title = f"{title}（{day.month}月{day.day}日）"
        used.add(title)
        # Every 35th item went out late, as the seed's summary admits some did.
        late = len(published) % 35 == 34
        lag = rng.choice([23, 26, 31]) if late else rng.choice([1, 2, 2, 3, 5, 8])
        number = number_pattern.format(y=day.year, n=counters[code]) if number_pattern else ""
        files = demo.files_for(code, title, day, number, counters[code])
        item = demo.published(code, title, day, lag, late=late, office=office, document_number=number, files=files)
        posted_on = timezone.localdate(item.published_at)
        if code == "0702":
            place = f"{rng.choice(VILLAGES)}村务公开栏"
            # Every fourth posting is recorded with the phone photo the 民政所 took of it.
            photo = (
                ContentFile(_board_photo_jpeg(demo.files_rng), name="公示栏.jpg") if counters[code] % 4 == 2 else None
            )
            services.channel_record(
                item=item, channel="bulletin_board", posted_on=posted_on, by=demo.author, place=place, photo=photo
            )
        elif code == "0201":
            services.channel_record(item=item, channel="paper", posted_on=posted_on, by=demo.author)
        published.append(item)
        day += timedelta(days=rng.choice([1, 2, 2, 3, 4]))

    _special_cases(demo, published)


def _special_cases(demo: _Demo, published: list[Item]) -> None:
    today = demo.today
    # A policy revised by a newer one, and a notice repealed outright.
    policies = [i for i in published if i.category.code == "0201"]
    if len(policies) >= 2:
        old, new = policies[0], policies[-1]
        services.item_repeal(
            item=old, by=demo.approver, repealed_on=timezone.localdate(new.published_at), replaced_by=new
        )
    notices = [i for i in published if i.category.code == "08"]
    if notices:
        repealed_on = timezone.localdate(notices[0].published_at) + timedelta(days=60)
        services.item_repeal(item=notices[0], by=demo.approver, repealed_on=min(repealed_on, today))

    # A work update withdrawn with its public reason.
    updates = [i for i in published if i.category.code == "03"]
    services.item_withdraw(
        item=updates[len(updates) // 2],
        by=demo.approver,
        reason="信息中的会议时间有误，已更正后重新发布。",
        at=updates[len(updates) // 2].published_at + timedelta(days=2),
    )

    # A low-income list whose ID and phone numbers the secrecy reviewer masked in one click.
    listed_on = today - timedelta(days=40)
    body = (
        "<p>经村民代表评议、乡人民政府审核确认，以下家庭纳入城乡最低生活保障：</p>"
        "<table><thead><tr><th>姓名</th><th>村组</th><th>身份证号</th><th>联系电话</th><th>保障人数</th></tr></thead>"
        "<tbody><tr><td>刘某某</td><td>双溪村3组</td><td>360724195803120019</td><td>13979712345</td><td>2</td></tr>"
        "<tr><td>黄某某</td><td>大布村1组</td><td>360724196209180021</td><td>15907971234</td><td>1</td></tr>"
        "</tbody></table><p>公示期7天，如有异议请向乡民政所反映：0797-8661003。</p>"
    )
    item = demo.draft(
        "0702",
        MASKED_LIST_TITLE.format(year=listed_on.year, month=listed_on.month),
        listed_on,
        office="minzheng",
        body=body,
    )
    demo.review(item, "", demo.workday_after(listed_on, 3), mask=True)

    # Items waiting in each step, a returned draft, a plain draft (overdue) and one due soon.
    recent = today - timedelta(days=6)
    demo.review(demo.draft("03", "双溪乡开展冬季森林防火宣传进村入户活动", recent), "初审", today)
    relief = "双溪乡临时救助对象公示（待保密审查）"
    relief_list = [("临时救助对象名册.xlsx", _relief_xlsx(relief, demo.files_rng))]
    demo.review(demo.draft("0702", relief, recent, office="minzheng", files=relief_list), "保密审查", today)
    plan = "双溪乡冬春农田水利建设工作计划"
    demo.review(demo.draft("0601", plan, recent, files=[(f"{plan}.docx", _plan_docx(plan, recent))]), "签发", today)
    returned = demo.draft("04", "转发县林业局关于松材线虫病疫情防控的通知", recent)
    services.item_submit(item=returned, by=demo.author, at=_moment(today, 8))
    returned.refresh_from_db()
    services.item_return(
        item=returned, by=demo.reviewer, comment="请补充县林业局原文件的文号和附件。", at=_moment(today, 9)
    )
    demo.draft("08", "双溪乡关于冬季用火用电安全的温馨提示", today - timedelta(days=45))
    soon = today - timedelta(days=20)
    while demo.workday_after(soon, 20) > demo.workday_after(today, 3):
        soon -= timedelta(days=1)
    demo.draft("03", "双溪乡召开冬季征兵工作部署会", soon)

    # Approved and scheduled for next week, and an emergency publication awaiting its approver.
    scheduled = demo.draft(
        "0601",
        f"双溪乡{today.year + (1 if today.month == 12 else 0)}年春节期间值班安排",
        today - timedelta(days=2),
        scheduled_for=timezone.make_aware(datetime.combine(today + timedelta(days=7), time(8))),
    )
    demo.review(scheduled, "", today)
    emergency = demo.draft("08", "双溪乡关于寒潮低温天气防范的紧急通知", today - timedelta(days=1))
    services.item_emergency_publish(
        item=emergency,
        by=demo.reviewer,  # sx_reviewer is also the township's administrator
        reason="寒潮预警升级，须立即提醒群众防寒防冻。",
        at=_moment(today - timedelta(days=1), 17),
    )
