"""Staff work on items in the admin: forms, buttons, scoping, and bounded queries."""

import re

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from disclosure import services
from disclosure.models import Item, ItemChannel, ItemRevision
from tests.conftest import PASSWORD
from tests.disclosure.conftest import WRITTEN_ON, local

CHANGELIST = reverse("admin:disclosure_item_changelist")


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def change_url(item):
    return reverse("admin:disclosure_item_change", args=[item.pk])


def workflow(client, item, **data):
    return client.post(reverse("admin:disclosure_item_workflow", args=[item.pk]), data, follow=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def form_data(item_fields: dict) -> dict:
    data = {
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
        "attachments-MIN_NUM_FORMS": "0",
        "attachments-MAX_NUM_FORMS": "1000",
    }
    return data | item_fields


def test_author_drafts_an_item_in_the_admin(client, author, shuangxi, category, steps):
    login(client, author)
    page = client.get(reverse("admin:disclosure_item_add"))
    assert page.status_code == 200
    assert "django_prose_editor" in page.content.decode()  # the editor's own assets, no CDN
    response = client.post(
        reverse("admin:disclosure_item_add"),
        form_data(
            {
                "organisation": shuangxi.pk,
                "category": category.pk,
                "publisher": shuangxi.pk,
                "title": "双溪乡2026年第一季度财政收支情况",
                "written_on": "2026-04-10",
                "mode": "proactive",
                "summary": "公开一季度财政收支。",
                "body": "<h2>一、收入</h2><table><tr><td>税收</td><td>120万元</td></tr></table>"
                '<p><a href="javascript:alert(1)">点我</a><img src=x onerror=alert(1)></p>',
            }
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    item = Item.objects.get()
    assert item.created_by == author and item.status == Item.Status.DRAFT
    assert "<h2>一、收入</h2>" in item.body and "<td>税收</td>" in item.body
    assert "javascript:" not in item.body and "onerror" not in item.body and "<img" not in item.body
    assert item.revisions.count() == 1
    assert AuditEvent.objects.filter(action="item.create", object_id=str(item.pk)).exists()


def test_form_refuses_a_category_of_another_township(client, author, shuangxi, other_category, steps):
    login(client, author)
    response = client.post(
        reverse("admin:disclosure_item_add"),
        form_data(
            {
                "organisation": shuangxi.pk,
                "category": other_category.pk,
                "publisher": shuangxi.pk,
                "title": "x",
                "written_on": "2026-04-10",
                "mode": "proactive",
            }
        ),
    )
    assert response.status_code == 200
    assert not Item.objects.exists()


def test_whole_review_through_the_buttons(client, make_item, author, reviewer, secrecy_reviewer, approver):
    item = make_item()
    login(client, author)
    assert "已送审" in messages_of(workflow(client, item, action="submit"))[0]
    item.refresh_from_db()
    for person in (reviewer, secrecy_reviewer, approver):
        client.logout()
        login(client, person)
        page = client.get(change_url(item)).content.decode()
        step = re.search(r'name="step" value="(\d+)"', page).group(1)
        response = workflow(client, item, action="approve", step=step, comment="同意")
        assert "已同意" in messages_of(response)[0], messages_of(response)
        item.refresh_from_db()
    assert item.status == Item.Status.PUBLISHED
    assert item.index_number in client.get(change_url(item)).content.decode()


def test_forged_approval_by_the_author_is_refused_with_a_message(client, make_item, author):
    item = make_item()
    services.item_submit(item=item, by=author)
    item.refresh_from_db()
    login(client, author)
    page = client.get(change_url(item)).content.decode()
    assert 'id="action-approve"' not in page
    response = workflow(client, item, action="approve", step=item.review_step_id)
    assert "只能由" in messages_of(response)[0]
    item.refresh_from_db()
    assert item.review_step.name == "初审"


def test_return_needs_a_comment_and_the_author_sees_it(client, make_item, author, reviewer):
    item = make_item()
    services.item_submit(item=item, by=author)
    item.refresh_from_db()
    login(client, reviewer)
    assert "修改意见" in messages_of(workflow(client, item, action="return", step=item.review_step_id))[0]
    workflow(client, item, action="return", step=item.review_step_id, comment="请补充附件")
    client.logout()
    login(client, author)
    page = client.get(change_url(item)).content.decode()
    assert "请补充附件" in page and 'id="action-submit"' in page


def test_published_item_edit_in_the_admin_becomes_a_pending_change(client, make_item, publish, author):
    item = publish(make_item(), at=local(2026, 3, 20, 9))
    login(client, author)
    page = client.get(change_url(item))
    assert page.status_code == 200
    data = {
        key: value
        for key, value in {
            "category": item.category_id,
            "obligation": "",
            "publisher": item.publisher_id,
            "title": "更正后的标题",
            "document_number": "",
            "written_on": WRITTEN_ON.isoformat(),
            "mode": "proactive",
            "keywords": "",
            "summary": item.summary,
            "body": item.body,
        }.items()
    }
    response = client.post(change_url(item), form_data(data), follow=True)
    assert "修改已保存为待审核的新版本，送审通过后才会上线；网上仍显示原来的内容。" in messages_of(response)
    item.refresh_from_db()
    assert item.title == "双溪乡2026年春季森林防火工作部署"
    assert item.revisions.first().state == ItemRevision.State.PENDING
    assert "更正后的标题" in client.get(change_url(item)).content.decode()


def typed_change(item, **typed) -> dict:
    return form_data(
        {
            "category": item.category_id,
            "obligation": "",
            "publisher": item.publisher_id,
            "title": "我刚刚输入的新标题",
            "document_number": "双府字〔2026〕7号",
            "written_on": WRITTEN_ON.isoformat(),
            "mode": "proactive",
            "keywords": "防火",
            "summary": "我刚刚输入的新摘要。",
            "body": "<p>我刚刚输入的一大段正文，不能因为保存被拒就丢掉。</p>",
            "_save": "保存",
        }
        | typed
    )


def written(item) -> tuple:
    return AuditEvent.objects.count(), ItemRevision.objects.filter(item=item).count()


def test_a_save_refused_because_the_draft_went_to_review_meanwhile_keeps_what_was_typed(client, make_item, author):
    item = make_item()
    login(client, author)
    assert client.get(change_url(item)).status_code == 200  # the author opens the form ...
    services.item_submit(item=item, by=author)  # ... and, in another tab, sends it for review
    before = written(item)
    response = client.post(change_url(item), typed_change(item))
    assert response.status_code == 200  # the form again, not a redirect to the list
    page = response.content.decode()
    assert "“审核中”状态的信息不能修改；需要修改请先退回。" in page
    assert 'value="我刚刚输入的新标题"' in page and "我刚刚输入的新摘要。" in page
    assert "我刚刚输入的一大段正文，不能因为保存被拒就丢掉。" in page and 'value="双府字〔2026〕7号"' in page
    assert not [m for m in response.context["messages"] if "成功" in str(m)]
    item.refresh_from_db()
    assert item.title == "双溪乡2026年春季森林防火工作部署" and item.status == Item.Status.IN_REVIEW
    assert written(item) == before


def test_a_refused_change_to_a_published_item_keeps_what_was_typed(client, make_item, publish, author):
    item = publish(make_item(), at=local(2026, 3, 20, 9))
    services.item_update(item=item, by=author, summary="送审中的修改。")
    login(client, author)
    assert client.get(change_url(item)).status_code == 200
    services.item_submit(item=Item.objects.get(pk=item.pk), by=author)  # the pending change goes to review
    before = written(item)
    response = client.post(change_url(item), typed_change(item))
    assert response.status_code == 200
    page = response.content.decode()
    assert "这条信息的修改正在审核中，审核结束后才能再修改。" in page
    assert not messages_of(response)  # no word of a saved change
    assert 'value="我刚刚输入的新标题"' in page and "我刚刚输入的一大段正文，不能因为保存被拒就丢掉。" in page
    assert written(item) == before
    assert Item.objects.get(pk=item.pk).title == "双溪乡2026年春季森林防火工作部署"  # online text unchanged


def test_nobody_can_delete_items_in_the_admin(client, make_item, publish, org_admin):
    item = publish(make_item(), at=local(2026, 3, 20, 9))
    login(client, org_admin)
    response = client.post(reverse("admin:disclosure_item_delete", args=[item.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Item.objects.filter(pk=item.pk).exists()
    assert "delete_selected" not in client.get(CHANGELIST).content.decode()


def test_superuser_cannot_delete_a_published_item_either(admin_client, make_item, publish):
    item = publish(make_item(), at=local(2026, 3, 20, 9))
    response = admin_client.post(reverse("admin:disclosure_item_delete", args=[item.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Item.objects.filter(pk=item.pk).exists()


def test_outsider_neither_lists_nor_opens_the_townships_items(client, make_item, outsider):
    item = make_item()
    login(client, outsider)
    assert item.title not in client.get(CHANGELIST).content.decode()
    assert client.get(change_url(item)).status_code == 302
    response = client.post(reverse("admin:disclosure_item_workflow", args=[item.pk]), {"action": "submit"})
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.status == Item.Status.DRAFT


def test_county_office_reads_items_but_has_no_buttons(client, make_item, county_office, author):
    item = make_item()
    services.item_submit(item=item, by=author)
    login(client, county_office)
    page = client.get(change_url(item))
    assert page.status_code == 200
    html = page.content.decode()
    assert item.title in html
    assert 'name="_save"' not in html and 'value="approve"' not in html and 'value="submit"' not in html
    response = workflow(client, item, action="submit")
    assert messages_of(response)


def test_item_page_shows_audit_events_revisions_and_decisions(client, make_item, publish, author):
    item = publish(make_item(), at=local(2026, 3, 20, 9))
    login(client, author)
    services.channel_record(item=item, channel="paper", posted_on=local(2026, 3, 21, 9).date(), by=author)
    html = client.get(change_url(item)).content.decode()
    audit = html[html.index('id="item-audit"') :]
    for sentence in (
        "起草了这条信息",
        "送审（首次发布），进入“初审”环节",
        "“初审”环节同意，转入“保密审查”环节",
        "“签发”环节同意，审核通过",
        f"发布，索引号 {item.index_number}",
        "登记公开渠道：纸质媒体/宣传资料，2026年3月21日",
    ):
        assert sentence in audit, sentence
    # No internal codes, no Python dicts.
    assert "item.publish" not in audit and "{&#x27;" not in audit and "{'" not in audit
    assert "第1版" in html and "签发" in html and "政府网站" in html


def test_revision_page_shows_a_readable_diff(client, make_item, author):
    item = make_item(body="<p>第一段。</p>")
    services.item_update(item=item, by=author, body="<p>第一段。</p><p>新增的第二段。</p>")
    login(client, author)
    html = client.get(reverse("admin:disclosure_item_revision", args=[item.pk, 2])).content.decode()
    assert "新增的第二段。" in html and 'class="diff-add"' in html


def test_one_click_masking_from_the_item_page(client, make_item, author):
    item = make_item(body="<p>联系电话13812345678</p>")
    login(client, author)
    assert "一键脱敏（1 条）" in client.get(change_url(item)).content.decode()
    response = workflow(client, item, action="mask_all")
    assert "已对 1 条" in messages_of(response)[0]
    item.refresh_from_db()
    assert "138****5678" in item.body


def test_bulletin_board_channel_is_recorded_with_its_place(client, make_item, publish, author):
    item = publish(make_item(), at=local(2026, 3, 20, 9))
    login(client, author)
    url = reverse("admin:disclosure_item_channel", args=[item.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"channel": "bulletin_board", "posted_on": "2026-03-21", "place": ""})
    assert "张贴地点" in response.content.decode()
    response = client.post(url, {"channel": "bulletin_board", "posted_on": "2026-03-21", "place": "双溪村村务公开栏"})
    assert response.status_code == 302
    assert ItemChannel.objects.filter(item=item, channel="bulletin_board", place="双溪村村务公开栏").exists()


@pytest.mark.parametrize("count", [3, 40])
def test_item_list_runs_a_bounded_number_of_queries(client, make_item, author, count, django_assert_max_num_queries):
    for n in range(count):
        make_item(title=f"信息{n}")
    login(client, author)
    with django_assert_max_num_queries(14):
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert response.content.decode().count('class="field-title"') == min(count, 50)


@pytest.mark.parametrize("edits", [1, 30])
def test_item_page_runs_a_bounded_number_of_queries(
    client, make_item, publish, author, approver, edits, django_assert_max_num_queries
):
    item = make_item(body="<p>电话13812345678</p>")
    for n in range(edits):
        services.item_update(item=item, by=author, summary=f"第{n}次修改")
    services.finding_mask_all(item=item, by=author)
    item = publish(item, at=local(2026, 3, 20, 9))
    services.channel_record(item=item, channel="paper", posted_on=local(2026, 3, 21, 9).date(), by=author)
    login(client, approver)
    with django_assert_max_num_queries(28):
        response = client.get(change_url(item))
    assert response.status_code == 200


def test_only_the_org_admin_changes_the_review_steps_and_it_is_audited(client, steps, author, org_admin, shuangxi):
    add = reverse("admin:disclosure_reviewstep_add")
    login(client, author)
    assert client.get(add).status_code == 403
    client.logout()
    login(client, org_admin)
    response = client.post(
        add,
        {
            "organisation": shuangxi.pk,
            "order": 4,
            "name": "主要领导审定",
            "role": "approver",
            "must_differ_from_previous": "on",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert [s.name for s in services.review_steps(shuangxi)][-1] == "主要领导审定"
    assert AuditEvent.objects.filter(action="review_step.save", actor=org_admin).exists()


def test_the_secrecy_reviewer_sees_open_findings_first_and_the_body_rendered(
    client, make_item, author, reviewer, secrecy_reviewer
):
    item = make_item(body="<h2>一、名单</h2><table><tr><td>张三</td><td>13812345678</td></tr></table>")
    services.item_submit(item=item, by=author)
    item.refresh_from_db()
    item = services.item_review(item=item, by=reviewer, approve=True)
    login(client, secrecy_reviewer)
    html = client.get(change_url(item)).content.decode()
    assert html.index('id="item-findings"') < html.index('id="decide-form"') < html.index('id="content-main"')
    assert "有 1 条未处理，保密审查和签发前必须处理。" in html
    # The body as residents will read it, not its source.
    assert '<div class="item-body-rendered"><h2>一、名单</h2><table>' in html
    assert "&lt;h2&gt;" not in html
    response = workflow(client, item, action="approve", step=item.review_step_id)
    assert "保密审查未通过：还有 1 条" in messages_of(response)[0]
    item.refresh_from_db()
    assert item.review_step.name == "保密审查"


def test_the_review_steps_page_offers_the_secrecy_review_property(client, steps, org_admin):
    login(client, org_admin)
    secrecy = next(step for step in steps if step.name == "保密审查")
    html = client.get(reverse("admin:disclosure_reviewstep_change", args=[secrecy.pk])).content.decode()
    checkbox = re.search(r'<input type="checkbox" name="is_secrecy_review"[^>]*>', html).group(0)
    assert "checked" in checkbox
