"""An import, an upload, a publish and a report submission stopped at every step leave nothing behind.

Each case stops the write where files or search entries exist but the transaction has
not committed: once by failing there (the rollback must remove the files at once), once
by `kill -9` of a real process there (a file may stay; `storage_check` names it and
`--repair` removes it). Afterwards no row is half written, every published item has its
search entry, `storage_check` is clean, and the same write then succeeds.
"""

import pytest

from disclosure.models import Attachment, Item
from reports.models import MonthlyReport, ReportFile, ReportVersion
from search.models import SearchEntry
from tests.ops.conftest import assert_search_in_step, media_files, staging_folders, storage_check
from tests.ops.injection import CASES, Injected, hook
from tests.ops.operations import perform


def assert_nothing_of(operation: str, spec: dict):
    if operation == "import":
        assert not Item.objects.exists()
        assert not Attachment.objects.exists()
    elif operation == "upload":
        assert not Attachment.objects.filter(item_id=spec["item"]).exists()
        assert Item.objects.get(pk=spec["item"]).revisions.count() == 1  # only the draft's first save
    elif operation == "publish":
        item = Item.objects.get(pk=spec["item"])
        assert item.status == Item.Status.APPROVED and item.index_number is None
        assert not SearchEntry.objects.filter(pk=item.pk).exists()
    elif operation == "report":
        assert not ReportVersion.objects.exists()
        assert MonthlyReport.objects.get().status == MonthlyReport.Status.DRAFT
    assert_search_in_step()


def assert_done(operation: str, spec: dict, result):
    if operation == "import":
        assert result.ok, result.errors
        assert Item.objects.filter(status=Item.Status.PUBLISHED).count() == 3
        assert Attachment.objects.count() == 3
    elif operation == "upload":
        assert Attachment.objects.filter(item_id=spec["item"]).count() == 1
    elif operation == "publish":
        assert Item.objects.get(pk=spec["item"]).status == Item.Status.PUBLISHED
    elif operation == "report":
        assert ReportFile.objects.filter(version=result).count() == 4
    assert_search_in_step()
    clean, output = storage_check()
    assert clean, output
    assert len(media_files()) == sum(1 for _ in [*Attachment.objects.all(), *ReportFile.objects.all()]), (
        "every stored file belongs to a row"
    )


@pytest.mark.parametrize(("operation", "step"), CASES)
def test_a_write_failing_at_a_step_removes_its_files_at_once(operation, step, write_spec, monkeypatch, db):
    spec = write_spec(operation)
    before = media_files()

    def fail():
        raise Injected(f"{operation} stopped at {step}")

    monkeypatch.setattr(*hook(operation, step, fail))
    with pytest.raises(Injected):
        perform(operation, spec)

    assert_nothing_of(operation, spec)
    assert media_files() == before
    assert staging_folders() == []
    clean, output = storage_check()
    assert clean, output

    monkeypatch.undo()
    assert_done(operation, spec, perform(operation, spec))


@pytest.mark.parametrize(("operation", "step"), CASES)
def test_a_write_killed_at_a_step_leaves_only_what_storage_check_repairs(operation, step, write_spec, child_database):
    spec = write_spec(operation)
    before = set(media_files())

    child_database.run_until_paused_then_kill(operation, step, spec)

    assert_nothing_of(operation, spec)
    left = set(media_files()) - before
    # What a kill there leaves (the proof that the process died mid-write): files written before
    # the commit, the import's staging folder (files waiting to be stored), or nothing at all.
    writes_files = operation in ("upload", "report") or (operation == "import" and step != "checking")
    assert bool(left) == writes_files
    assert bool(staging_folders()) == (operation == "import")
    clean, listing = storage_check()
    for path in left:
        assert path.name in listing, f"storage_check does not name the orphan {path.name}"
    if staging_folders():
        assert not clean and "临时文件夹" in listing
    assert "缺少文件" not in listing

    repaired, output = storage_check("--repair", "--grace-hours", "0")
    assert repaired, output
    assert set(media_files()) == before
    assert staging_folders() == []
    clean, output = storage_check()
    assert clean and "存储与记录一致" in output, output

    result = perform(operation, spec)
    assert_done(operation, spec, result)
    if operation == "report":
        # Fresh storage names: what the killed submission left could not have taken the names the
        # resubmission needs; the canonical name is only the download name.
        assert all(stored.file.name.rsplit("/", 1)[-1] != stored.download_name for stored in result.files.all())
