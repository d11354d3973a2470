"""An H5P activity in the teaching view: the teacher gets the player to try, without the
relay's statements URL, and the pupil's page keeps it."""

import pytest

from h5p.selectors import embed_url
from h5p.services import h5p_activity_create
from tests.h5p.conftest import module_with_h5p, upload_of
from tests.unit.h5p.packages import tiny_package

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(h5p_root):
    return h5p_activity_create(upload=upload_of(tiny_package()))[0]


def test_the_teacher_previews_the_player_without_a_statements_url(
    client, teacher, pupil, home_page, activity
):
    module = module_with_h5p(home_page, activity)
    client.force_login(teacher)
    html = client.get(module.url).content.decode()
    assert "Teaching view" in html
    assert f'src="{embed_url(activity)}"' in html
    assert "Nothing you do in the teaching view is recorded" in html
    assert "data-statements-url" not in html

    client.force_login(pupil)
    html = client.get(module.url).content.decode()
    assert f'src="{embed_url(activity)}"' in html
    assert 'data-statements-url="/h5p/' in html
    assert "Nothing you do in the teaching view is recorded" not in html


def test_an_activity_not_uploaded_yet_is_described_without_a_player(
    client, teacher, home_page, activity
):
    module = module_with_h5p(home_page, activity)
    activity.checksum = None
    activity.save(update_fields=["checksum"])
    client.force_login(teacher)
    html = client.get(module.url).content.decode()
    assert "Pupils play this interactive activity" in html
    assert "<iframe" not in html


def test_an_editors_preview_plays_the_activity_without_recording_it(
    client, editor, home_page, activity
):
    """A preview is not a learner's page: what the editor does in the player is not posted to
    be recorded (a module not published yet, or not saved yet, refused it with "This module
    is no longer on the site" or "Say which module the activity was played in")."""
    from wagtail.models import Page

    module = module_with_h5p(home_page, activity)
    module.title = "A new draft"
    module.save_revision()
    Page.objects.filter(pk=module.pk).update(live=False)
    client.force_login(editor)
    html = client.get(f"/admin/pages/{module.pk}/view_draft/").content.decode()
    assert "A new draft" in html
    assert f'src="{embed_url(activity)}"' in html
    assert "data-statements-url" not in html
