"""The review before publishing (issue 4, point 5), rule by rule, with the personas."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from catalog.models import Category, Role
from disclosure import services
from disclosure.models import Item, Review, ReviewDecision, ReviewStep
from tests.disclosure.conftest import local


def test_item_goes_from_draft_through_three_steps_to_published(make_item, author, reviewer, secrecy_reviewer, approver):
    item = make_item()
    assert item.status == Item.Status.DRAFT
    services.item_submit(item=item, by=author)
    item.refresh_from_db()
    assert (item.status, item.review_step.name) == (Item.Status.IN_REVIEW, "初审")
    item = services.item_review(item=item, by=reviewer, approve=True)
    assert item.review_step.name == "保密审查"
    item = services.item_review(item=item, by=secrecy_reviewer, approve=True)
    assert item.review_step.name == "签发"
    item = services.item_review(item=item, by=approver, approve=True, at=local(2026, 3, 20, 9))
    item.refresh_from_db()
    assert item.status == Item.Status.PUBLISHED
    assert item.review_step is None
    assert item.index_number.endswith("/2026-00001")
    assert item in Item.objects.public()
    decisions = ReviewDecision.objects.filter(review__item=item)
    assert [(d.step_name, d.actor) for d in decisions] == [
        ("初审", reviewer),
        ("保密审查", secrecy_reviewer),
        ("签发", approver),
    ]


def test_reviewer_returns_item_to_draft_with_comment_and_author_resubmits(make_item, author, reviewer):
    item = make_item()
    services.item_submit(item=item, by=author)
    item.refresh_from_db()
    item = services.item_return(item=item, by=reviewer, comment="请补充各村护林员名单的公开范围。")
    assert item.status == Item.Status.DRAFT and item.review_step is None
    review = Review.objects.get(item=item)
    assert review.status == Review.Status.RETURNED
    assert review.decisions.get().comment == "请补充各村护林员名单的公开范围。"
    services.item_update(item=item, by=author, summary="部署春季森林防火工作，明确护林员职责。")
    services.item_submit(item=item, by=author)
    item.refresh_from_db()
    assert item.status == Item.Status.IN_REVIEW and item.review_step.name == "初审"


def test_return_without_a_comment_is_refused_and_changes_nothing(make_item, author, reviewer):
    item = make_item()
    services.item_submit(item=item, by=author)
    item.refresh_from_db()
    with pytest.raises(ValidationError, match="修改意见"):
        services.item_review(item=item, by=reviewer, approve=False, comment="  ")
    item.refresh_from_db()
    assert item.status == Item.Status.IN_REVIEW and item.review_step.name == "初审"


def test_author_never_approves_own_item_even_holding_the_approver_role(
    make_staff, shuangxi, make_item, reviewer, secrecy_reviewer
):
    boss = make_staff("sx_boss", shuangxi, "author", "approver", title="副乡长兼信息员")
    item = make_item(by=boss)
    services.item_submit(item=item, by=boss)
    item.refresh_from_db()
    item = services.item_review(item=item, by=reviewer, approve=True)
    item = services.item_review(item=item, by=secrecy_reviewer, approve=True)
    with pytest.raises(PermissionDenied, match="不能审核自己"):
        services.item_review(item=item, by=boss, approve=True)
    item.refresh_from_db()
    assert item.status == Item.Status.IN_REVIEW and item.review_step.name == "签发"


def test_someone_who_edited_the_draft_cannot_review_it(make_item, author, reviewer):
    item = make_item()
    services.item_update(item=item, by=reviewer, title="双溪乡2026年春季森林防火工作安排")
    services.item_submit(item=item, by=author)
    item.refresh_from_db()
    with pytest.raises(PermissionDenied, match="不能审核自己"):
        services.item_review(item=item, by=reviewer, approve=True)


def test_step_marked_so_must_be_taken_by_someone_else_than_the_previous_step(make_item, author, reviewer):
    item = make_item()
    services.item_submit(item=item, by=author)
    item.refresh_from_db()
    item = services.item_review(item=item, by=reviewer, approve=True)
    with pytest.raises(PermissionDenied, match="上一环节不同"):
        services.item_review(item=item, by=reviewer, approve=True)


def test_step_not_marked_may_be_taken_by_the_previous_actor(make_item, author, reviewer, steps):
    ReviewStep.objects.filter(name="保密审查").update(must_differ_from_previous=False)
    item = make_item()
    services.item_submit(item=item, by=author)
    item.refresh_from_db()
    item = services.item_review(item=item, by=reviewer, approve=True)
    item = services.item_review(item=item, by=reviewer, approve=True)
    assert item.review_step.name == "签发"


@pytest.mark.parametrize("persona", ["approver", "org_admin", "author", "county_office", "outsider"])
def test_first_step_is_taken_only_by_a_reviewer_of_the_township(request, persona, make_item, author):
    item = make_item()
    services.item_submit(item=item, by=author)
    item.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.item_review(item=item, by=request.getfixturevalue(persona), approve=True)
    with pytest.raises(PermissionDenied):
        services.item_return(item=item, by=request.getfixturevalue(persona), comment="不行")
    item.refresh_from_db()
    assert item.review_step.name == "初审"


def test_sign_off_step_is_taken_only_by_an_approver(make_item, author, reviewer, secrecy_reviewer, org_admin):
    item = make_item()
    services.item_submit(item=item, by=author)
    item.refresh_from_db()
    item = services.item_review(item=item, by=reviewer, approve=True)
    item = services.item_review(item=item, by=secrecy_reviewer, approve=True)
    for person in (reviewer, org_admin):
        with pytest.raises(PermissionDenied, match="分管领导"):
            services.item_review(item=item, by=person, approve=True)


def test_an_approver_of_another_township_cannot_sign_off(
    make_staff, yingqian, make_item, author, reviewer, secrecy_reviewer
):
    foreign_approver = make_staff("yq_approver", yingqian, "approver")
    item = make_item()
    services.item_submit(item=item, by=author)
    item.refresh_from_db()
    item = services.item_review(item=item, by=reviewer, approve=True)
    item = services.item_review(item=item, by=secrecy_reviewer, approve=True)
    with pytest.raises(PermissionDenied):
        services.item_review(item=item, by=foreign_approver, approve=True)


def test_second_decision_on_a_step_already_taken_is_refused(make_item, author, reviewer, make_staff, shuangxi):
    """Two reviewers opened the same item; the first to act wins, the other is told to refresh."""
    other_reviewer = make_staff("sx_reviewer2", shuangxi, "reviewer")
    item = make_item()
    services.item_submit(item=item, by=author)
    seen_by_first = Item.objects.get(pk=item.pk)
    seen_by_second = Item.objects.get(pk=item.pk)
    services.item_review(item=seen_by_first, by=reviewer, approve=True)
    with pytest.raises(ValidationError, match="刚被他人处理"):
        services.item_review(item=seen_by_second, by=other_reviewer, approve=True)
    with pytest.raises(ValidationError, match="刚被他人处理"):
        services.item_return(item=seen_by_second, by=other_reviewer, comment="退回")
    assert ReviewDecision.objects.filter(review__item=item).count() == 1


def test_township_with_a_single_step_publishes_after_one_approval(make_staff, yingqian, other_category, outsider):
    ReviewStep.objects.create(organisation=yingqian, order=1, name="审核签发", role=Role.APPROVER)
    approver = make_staff("yq_approver", yingqian, "approver")
    item = services.item_create(
        by=outsider,
        organisation=yingqian,
        category=other_category,
        title="营前镇通知",
        summary="通知",
        written_on=local(2026, 3, 2, 0).date(),
    )
    services.item_submit(item=item, by=outsider)
    item.refresh_from_db()
    item = services.item_review(item=item, by=approver, approve=True)
    assert item.status == Item.Status.PUBLISHED


def test_submission_needs_a_summary(make_item, author):
    item = make_item(summary="")
    with pytest.raises(ValidationError, match="内容概述"):
        services.item_submit(item=item, by=author)
    item.refresh_from_db()
    assert item.status == Item.Status.DRAFT


def test_items_under_review_cannot_be_edited(make_item, author):
    item = make_item()
    services.item_submit(item=item, by=author)
    with pytest.raises(ValidationError, match="不能修改"):
        services.item_update(item=item, by=author, title="偷偷改标题")
    item.refresh_from_db()
    assert item.title == "双溪乡2026年春季森林防火工作部署"


def test_outsider_and_county_office_cannot_draft_for_the_township(outsider, county_office, shuangxi, category):
    for person in (outsider, county_office):
        with pytest.raises(PermissionDenied):
            services.item_create(
                by=person,
                organisation=shuangxi,
                category=category,
                title="越权",
                written_on=local(2026, 3, 2, 0).date(),
            )
    assert not Item.objects.exists()


def test_category_of_another_township_is_refused(author, shuangxi, other_category, steps):
    with pytest.raises(ValidationError) as error:
        services.item_create(
            by=author, organisation=shuangxi, category=other_category, title="x", written_on=local(2026, 3, 2, 0).date()
        )
    assert "category" in error.value.message_dict
    assert not Item.objects.exists()


def test_scheduled_item_waits_until_its_time_then_publish_scheduled_puts_it_online(make_item, publish, author):
    item = make_item(scheduled_for=local(2026, 3, 25, 8))
    item = publish(item, at=local(2026, 3, 20, 10))
    assert item.status == Item.Status.APPROVED and item.index_number is None
    published, failed = services.items_publish_scheduled(now=local(2026, 3, 24, 8))
    assert published == [] and failed == []
    published, failed = services.items_publish_scheduled(now=local(2026, 3, 25, 8, 5))
    item.refresh_from_db()
    assert [p.pk for p in published] == [item.pk]
    assert item.status == Item.Status.PUBLISHED and item.published_at == local(2026, 3, 25, 8, 5)
    assert item.channels.get().channel == "website"


def test_approver_can_call_back_a_scheduled_item_with_a_comment(make_item, publish, approver, author):
    item = make_item(scheduled_for=local(2026, 12, 25, 8))
    item = publish(item, at=local(2026, 3, 20, 10))
    with pytest.raises(PermissionDenied):
        services.item_return(item=item, by=author, comment="我想再改改")
    item = services.item_return(item=item, by=approver, comment="发布时间推迟，先退回。")
    assert item.status == Item.Status.DRAFT


def test_org_admin_publishes_in_an_emergency_and_an_approver_confirms_afterwards(
    make_item, org_admin, approver, author
):
    item = make_item(title="双溪乡关于暴雨红色预警的紧急通知")
    item = services.item_emergency_publish(item=item, by=org_admin, reason="暴雨红色预警，须立即告知群众转移。")
    item.refresh_from_db()
    assert item.status == Item.Status.PUBLISHED and item.is_emergency and item.awaits_emergency_confirmation
    with pytest.raises(PermissionDenied):
        services.item_emergency_confirm(item=item, by=author)
    services.item_emergency_confirm(item=item, by=approver, comment="同意")
    item.refresh_from_db()
    assert item.emergency_confirmed_by == approver and not item.awaits_emergency_confirmation
    with pytest.raises(ValidationError):
        services.item_emergency_confirm(item=item, by=approver)


def test_emergency_publisher_cannot_confirm_own_emergency_publication(make_staff, shuangxi, make_item):
    chief = make_staff("sx_chief", shuangxi, "org_admin", "approver")
    item = make_item()
    services.item_emergency_publish(item=item, by=chief, reason="紧急")
    with pytest.raises(PermissionDenied, match="紧急发布人"):
        services.item_emergency_confirm(item=item, by=chief)


@pytest.mark.parametrize("persona", ["author", "reviewer", "approver", "county_office", "outsider"])
def test_only_the_org_admin_may_publish_in_an_emergency(request, persona, make_item):
    item = make_item()
    with pytest.raises(PermissionDenied):
        services.item_emergency_publish(item=item, by=request.getfixturevalue(persona), reason="紧急")
    item.refresh_from_db()
    assert item.status == Item.Status.DRAFT


def test_emergency_publication_needs_a_reason(make_item, org_admin):
    item = make_item()
    with pytest.raises(ValidationError, match="理由"):
        services.item_emergency_publish(item=item, by=org_admin, reason="")


def test_review_steps_are_configured_per_township_by_its_administrator(shuangxi, org_admin, reviewer, steps):
    step = ReviewStep(organisation=shuangxi, order=4, name="主要领导审定", role=Role.APPROVER)
    with pytest.raises(PermissionDenied):
        services.review_step_save(step=step, by=reviewer)
    services.review_step_save(step=step, by=org_admin)
    assert [s.name for s in services.review_steps(shuangxi)] == ["初审", "保密审查", "签发", "主要领导审定"]


def test_last_active_step_cannot_be_switched_off(shuangxi, org_admin, steps):
    for step in steps[:-1]:
        step.is_active = False
        services.review_step_save(step=step, by=org_admin)
    last = steps[-1]
    last.is_active = False
    with pytest.raises(ValidationError, match="至少"):
        services.review_step_save(step=last, by=org_admin)
    assert ReviewStep.objects.filter(organisation=shuangxi, is_active=True).count() == 1


def test_category_choice_is_kept_to_the_item_township(shuangxi, author, steps):
    mine = Category.objects.create(organisation=shuangxi, code="tzgg", name="通知公告")
    item = services.item_create(
        by=author, organisation=shuangxi, category=mine, title="通知", written_on=local(2026, 3, 2, 0).date()
    )
    assert item.category == mine and item.publisher == shuangxi
