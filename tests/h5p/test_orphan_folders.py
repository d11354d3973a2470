"""Unpacked H5P packages that no activity owns (a worker stopped between unpacking and
saving, a deletion whose files could not be removed, an upload cut off half-way) are
deleted by `purge_records`, once they are a day old; an activity's folder never is."""

import os
import time
import uuid
from io import StringIO

import pytest
from django.core.management import call_command

from h5p.selectors import package_dir
from h5p.services import STAGING, h5p_activity_create, h5p_orphans_delete
from tests.h5p.conftest import upload_of
from tests.unit.h5p.packages import tiny_package

pytestmark = pytest.mark.django_db

TWO_DAYS = 2 * 24 * 60 * 60


def _folder(path, *, age_seconds=0):
    path.mkdir(parents=True)
    (path / "content.json").write_text("{}")
    if age_seconds:
        then = time.time() - age_seconds
        os.utime(path / "content.json", (then, then))
        os.utime(path, (then, then))
    return path


def test_a_folder_no_activity_owns_is_deleted_once_a_day_old(h5p_root):
    # A day's grace: an upload moves its folder into place just before it saves the row.
    recent = _folder(package_dir(uuid.uuid4()), age_seconds=60 * 60)
    orphan = _folder(package_dir(uuid.uuid4()), age_seconds=TWO_DAYS)
    assert h5p_orphans_delete() == 1
    assert not orphan.exists()
    assert recent.is_dir()


def test_an_activitys_folder_is_never_deleted(h5p_root):
    activity, _created = h5p_activity_create(upload=upload_of(tiny_package()))
    folder = package_dir(activity.uuid)
    then = time.time() - TWO_DAYS
    os.utime(folder, (then, then))
    assert h5p_orphans_delete() == 0
    assert folder.is_dir()


def test_an_upload_cut_off_half_way_is_deleted_once_a_day_old(h5p_root):
    uploading = _folder(h5p_root / STAGING / "upload-def456")
    staged = _folder(h5p_root / STAGING / "upload-abc123", age_seconds=TWO_DAYS)
    assert h5p_orphans_delete() == 1
    assert not staged.exists()
    assert uploading.is_dir()
    assert (h5p_root / STAGING).is_dir()


def test_folders_and_files_it_did_not_make_are_left_alone(h5p_root):
    other = _folder(h5p_root / "backup-2026", age_seconds=TWO_DAYS)
    note = h5p_root / "README.txt"
    note.write_text("kept")
    outside = _folder(h5p_root.parent / "elsewhere", age_seconds=TWO_DAYS)
    link = h5p_root / str(uuid.uuid4())
    link.symlink_to(outside)
    assert h5p_orphans_delete() == 0
    assert other.is_dir() and note.exists() and link.is_symlink() and outside.is_dir()


def test_purge_records_deletes_the_folders_no_activity_owns(h5p_root):
    orphan = _folder(package_dir(uuid.uuid4()), age_seconds=TWO_DAYS)
    out = StringIO()
    call_command("purge_records", "--dry-run", stdout=out)
    assert orphan.is_dir()
    call_command("purge_records", stdout=out)
    assert not orphan.exists()
    assert "Deleted 1 H5P package folders that no activity uses." in out.getvalue()


def test_purge_records_dry_run_says_which_folders_it_would_delete_and_keeps_them(h5p_root):
    """A dry run is for seeing what the purge would do: the H5P folders it would delete
    are counted too, not passed over in silence."""
    orphan = _folder(package_dir(uuid.uuid4()), age_seconds=TWO_DAYS)
    staged = _folder(h5p_root / STAGING / "upload-abc123", age_seconds=TWO_DAYS)
    recent = _folder(package_dir(uuid.uuid4()), age_seconds=60 * 60)
    out = StringIO()
    call_command("purge_records", "--dry-run", stdout=out)
    assert "Would delete 2 H5P package folders that no activity uses." in out.getvalue()
    assert orphan.is_dir() and staged.is_dir() and recent.is_dir()
    assert h5p_orphans_delete(dry_run=True) == 2
    assert orphan.is_dir() and staged.is_dir()


def test_no_package_folder_yet_is_nothing_to_delete(h5p_root):
    assert not h5p_root.exists()
    assert h5p_orphans_delete() == 0
