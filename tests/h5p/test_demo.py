"""The demo H5P activity: loaded from the shared samples when present, skipped otherwise."""

import pytest

from h5p.models import H5PActivity
from h5p.selectors import package_dir

pytestmark = pytest.mark.django_db


def test_the_demo_adds_the_true_false_sample_once_to_a_pupil_module(
    home_page, true_false_path, monkeypatch
):
    from courses.demo import demo_content_load as courses_demo
    from courses.models import ModulePage
    from h5p.demo import DEMO_MODULE, demo_content_load

    monkeypatch.setenv("H5P_DEMO_SAMPLE", str(true_false_path))
    courses_demo()
    demo_content_load()
    demo_content_load()

    activity = H5PActivity.objects.get()
    assert package_dir(activity.uuid).is_dir()
    module = ModulePage.objects.get(slug=DEMO_MODULE)
    blocks = [child for child in module.body if child.block_type == "h5p"]
    assert len(blocks) == 1
    assert blocks[0].value["activity"] == activity
    assert blocks[0].value["required"] is False


def test_the_demo_is_skipped_with_a_message_when_the_sample_is_absent(
    tmp_path, monkeypatch, caplog
):
    from h5p.demo import demo_content_load

    monkeypatch.setenv("H5P_DEMO_SAMPLE", str(tmp_path / "missing.h5p"))
    assert demo_content_load() is None
    assert "H5P demo skipped" in caplog.text
    assert not H5PActivity.objects.exists()


def test_lost_package_files_are_restored_by_uploading_again(h5p_root):
    import shutil

    from h5p.services import h5p_activity_create
    from tests.h5p.conftest import upload_of
    from tests.unit.h5p.packages import tiny_package

    activity, _ = h5p_activity_create(upload=upload_of(tiny_package()))
    shutil.rmtree(package_dir(activity.uuid))
    again, created = h5p_activity_create(upload=upload_of(tiny_package()))
    assert (again.pk, created) == (activity.pk, False)
    assert (package_dir(activity.uuid) / "h5p.json").is_file()
