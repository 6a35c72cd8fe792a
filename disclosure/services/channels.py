"""Channels (公开渠道) other than the website: bulletin boards, paper, new media."""

import logging
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from audit.services import audit_record
from catalog.models import Channel
from disclosure.attachments import (
    generated_name,
    image_check,
)
from disclosure.models import (
    Item,
    ItemChannel,
)
from disclosure.services.permissions import _require_editor
from disclosure.services.revisions import _locked
from township_portal.lib.files import atomic_with_files, save_field_file

logger = logging.getLogger(__name__)

MANUAL_CHANNELS = {
    Channel.BULLETIN_BOARD,
    Channel.PAPER,
    Channel.NEW_MEDIA,
    Channel.READING_POINT,
    Channel.SERVICE_CENTRE,
    Channel.DOOR_TO_DOOR,
    Channel.BROADCAST,
    Channel.BRIEFING,
}


@atomic_with_files()
def channel_record(
    *,
    item: Item,
    channel: str,
    posted_on: date,
    by,
    place: str = "",
    link: str = "",
    photo=None,
    key=None,
) -> ItemChannel:
    """Record that a published item also went out on another channel (公示栏, 纸质, 微信…).

    Guarantees: the item is published and `by` can edit it; the website is not recorded by
    hand (publication does that); a bulletin board needs its place, WeChat/new media its
    http(s) link; the date is not in the future nor before the item was written; a photo
    passes the attachment checks for pictures (`image_check`: an image by content, within the
    size limit, no decompression bomb) and is stored re-encoded without EXIF (GPS, camera)
    under a generated name; a refused photo or a failed save leaves no file behind.
    Counting treats one item on several channels as one item. With ``key`` (the form's
    idempotency key) the same submission recorded twice is recorded once: the second call
    returns the first record and writes nothing.
    """
    item = _locked(item)
    _require_editor(by, item)
    if key is not None:
        earlier = ItemChannel.objects.filter(submission_key=key, item=item).first()
        if earlier is not None:
            return earlier
    if item.status != Item.Status.PUBLISHED:
        raise ValidationError("只有已发布的信息才能登记公开渠道。")
    errors = {}
    if channel == Channel.WEBSITE:
        errors["channel"] = "政府网站渠道在发布时自动登记，无需手工登记。"
    elif channel not in MANUAL_CHANNELS:
        errors["channel"] = "请选择公开渠道。"
    place = (place or "").strip()
    link = (link or "").strip()
    if channel == Channel.BULLETIN_BOARD and not place:
        errors["place"] = "公示栏请填写张贴地点（如：某某村村务公开栏）。"
    if channel == Channel.NEW_MEDIA:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            errors["link"] = "微信等新媒体请填写以 http:// 或 https:// 开头的文章链接。"
    elif link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            errors["link"] = "链接须以 http:// 或 https:// 开头。"
    if posted_on is None:
        errors["posted_on"] = "请填写公开日期。"
    elif posted_on > timezone.localdate():
        errors["posted_on"] = "公开日期不能晚于今天。"
    elif posted_on < item.written_on:
        errors["posted_on"] = "公开日期不能早于成文日期。"
    checked = None
    if photo:
        try:
            checked = image_check(photo)
        except ValidationError as exc:
            errors["photo"] = exc.messages
    if errors:
        raise ValidationError(errors)
    record = ItemChannel(
        item=item, channel=channel, posted_on=posted_on, place=place, link=link, recorded_by=by, submission_key=key
    )
    if checked is not None:
        # The re-encoded picture (no GPS position or camera), under a name that says nothing.
        save_field_file(instance=record, field="photo", filename=generated_name(checked), content=checked.data)
    record.save()
    audit_record(
        actor=by,
        action="channel.record",
        obj=item,
        organisation=item.organisation,
        after={
            "channel": channel,
            "posted_on": posted_on.isoformat(),
            "place": place,
            "link": link,
            "photo": record.photo.name or None,
        },
    )
    return record
