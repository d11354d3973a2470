"""The content origin: H5P files and the embed page are served only there, to any site
frame but the site's refused, and nothing there sets or needs a cookie."""

import pytest
from django.conf import settings

from h5p.services import h5p_activity_create
from tests.h5p.conftest import upload_of
from tests.unit.h5p.packages import tiny_package

pytestmark = pytest.mark.django_db

CONTENT = {"HTTP_HOST": "127.0.0.1:8001"}


@pytest.fixture
def activity(h5p_root):
    return h5p_activity_create(upload=upload_of(tiny_package()))[0]


def test_the_embed_page_is_served_on_the_content_origin_framed_only_by_the_site(client, activity):
    response = client.get(f"/embed/{activity.uuid}/", **CONTENT)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert f"frame-ancestors {settings.SITE_URL};" in csp
    assert "X-Frame-Options" not in response
    body = response.content.decode()
    assert "http://127.0.0.1:8001/player/main.bundle.js" in body
    assert f'"xAPIObjectIRI": "{settings.SITE_URL}/xapi/activities/h5p/{activity.uuid}"' in body
    assert "Set-Cookie" not in response


def test_package_files_are_served_on_the_content_origin_with_cors(client, activity):
    response = client.get(f"/packages/{activity.uuid}/H5P.Tiny-1.0/tiny.js", **CONTENT)
    assert response.status_code == 200
    assert b"H5P.Tiny" in b"".join(response.streaming_content)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_player_is_served_from_node_modules_on_the_content_origin(client):
    response = client.get("/player/main.bundle.js", **CONTENT)
    assert response.status_code == 200
    assert client.get("/embed.js", **CONTENT).status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/embed/{uuid}/", "/packages/{uuid}/H5P.Tiny-1.0/tiny.js", "/player/main.bundle.js"],
)
def test_content_urls_do_not_exist_on_the_site_origin(client, activity, path):
    assert client.get(path.format(uuid=activity.uuid)).status_code == 404


def test_site_pages_do_not_exist_on_the_content_origin(client, activity):
    assert client.get("/accounts/login/", **CONTENT).status_code == 404
    assert client.get("/admin/", **CONTENT).status_code == 404
    assert client.post(f"/h5p/{activity.uuid}/statements/", {}, **CONTENT).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/packages/{uuid}/../../etc/passwd",
        "/packages/{uuid}/%2e%2e/%2e%2e/settings.py",
        "/player/../../package.json",
        "/packages/{uuid}/content/",
    ],
)
def test_paths_outside_a_package_are_not_served(client, activity, path):
    assert client.get(path.format(uuid=activity.uuid), **CONTENT).status_code == 404


def test_an_activity_without_an_uploaded_package_has_no_embed_page(client):
    from h5p.models import H5PActivity

    empty = H5PActivity.objects.create(title="Not uploaded")
    assert client.get(f"/embed/{empty.uuid}/", **CONTENT).status_code == 404


def test_the_content_origin_ignores_the_sites_session(client, activity, pupil):
    client.force_login(pupil)
    response = client.get(f"/embed/{activity.uuid}/", **CONTENT)
    assert response.status_code == 200
    assert "pupil1" not in response.content.decode()
    assert str(pupil.learner_id) not in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_error_page_on_the_content_origin_is_not_a_server_error_for_someone_signed_in(
    method, activity, pupil
):
    """The site's cookie reaches the content origin where both share a host name (the site
    opened as 127.0.0.1 under `make run`): the 404 page, and the 403 of a form without its
    CSRF token, were a 500, as the site's header reversed URLs the content origin has not."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(pupil)
    path = "/no-such-file.js" if method == "get" else f"/embed/{activity.uuid}/"
    response = getattr(client, method)(path, **CONTENT)
    assert response.status_code == (404 if method == "get" else 403)
    assert "Set-Cookie" not in response
    # Nothing about who is signed in on the site is shown there.
    assert str(pupil.learner_id) not in response.content.decode()
    assert 'action="/accounts/logout/"' not in response.content.decode()


def test_the_content_origins_404_page_links_to_the_sites_home_page_not_its_own(client):
    """The content origin serves no pages but the embed page, so its "Go to your home page"
    link and the Upstander name, written as paths on it (/home/, /), led to the same "Page
    not found" again: someone who reached it (a link in an activity, a bookmarked player
    address) had no way back to the site."""
    response = client.get("/no-such-page/", **CONTENT)
    assert response.status_code == 404
    html = response.content.decode()
    assert f'href="{settings.SITE_URL}/home/"' in html
    assert 'href="/home/"' not in html
    assert 'href="/"' not in html
    assert "Page not found" in html
    assert 'href="tel:08001111"' in html  # where to get help, as on every page


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("content/images/my photo.jpg", "content/images/my%20photo.jpg"),
        (
            "H5P.Tiny-1.0/fonts/Open Sans (bold).woff",
            "H5P.Tiny-1.0/fonts/Open%20Sans%20(bold).woff",
        ),
        ("content/audio/it's+me,ok.mp3", "content/audio/it's+me,ok.mp3"),
    ],
)
def test_a_file_whose_name_has_spaces_or_punctuation_is_served(client, h5p_root, name, url):
    """The player asks for a package file by the name in the package (the browser encodes a
    space as %20): a name any H5P tool writes, with spaces or brackets, must be served."""
    activity = h5p_activity_create(upload=upload_of(tiny_package(**{name: b"data"})))[0]
    response = client.get(f"/packages/{activity.uuid}/{url}", **CONTENT)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"data"


VIDEO = bytes(range(256)) * 40  # 10,240 bytes standing in for an mp4


@pytest.fixture
def video_activity(h5p_root):
    return h5p_activity_create(
        upload=upload_of(tiny_package(**{"content/videos/clip.mp4": VIDEO}))
    )[0]


def test_a_video_is_served_in_the_parts_a_player_asks_for(client, video_activity):
    """Safari (every school iPad) plays a video only from a server that answers a Range
    request (RFC 9110 §14) with 206 and those bytes; other browsers need it to seek."""
    url = f"/packages/{video_activity.uuid}/content/videos/clip.mp4"
    whole = client.get(url, **CONTENT)
    assert whole.status_code == 200
    assert whole["Accept-Ranges"] == "bytes"

    part = client.get(url, HTTP_RANGE="bytes=0-1", **CONTENT)
    assert part.status_code == 206
    assert b"".join(part.streaming_content) == VIDEO[:2]
    assert part["Content-Range"] == f"bytes 0-1/{len(VIDEO)}"
    assert part["Content-Length"] == "2"
    assert part["Content-Type"] == "video/mp4"
    assert part["Access-Control-Allow-Origin"] == "*"

    rest = client.get(url, HTTP_RANGE="bytes=10000-", **CONTENT)
    assert rest.status_code == 206
    assert b"".join(rest.streaming_content) == VIDEO[10000:]

    tail = client.get(url, HTTP_RANGE="bytes=-40", **CONTENT)
    assert b"".join(tail.streaming_content) == VIDEO[-40:]


def test_a_range_past_the_end_of_a_file_is_refused(client, video_activity):
    url = f"/packages/{video_activity.uuid}/content/videos/clip.mp4"
    response = client.get(url, HTTP_RANGE=f"bytes={len(VIDEO)}-", **CONTENT)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(VIDEO)}"


def test_package_files_are_cached_for_good_as_a_package_never_changes(client, activity):
    # A package's folder is named by a UUID that is never reused and never re-filled with
    # other files, so a class need not fetch its libraries again on every page.
    response = client.get(f"/packages/{activity.uuid}/H5P.Tiny-1.0/tiny.js", **CONTENT)
    assert response.status_code == 200
    cache = response["Cache-Control"]
    assert "public" in cache and "immutable" in cache
    assert "max-age=31536000" in cache


def test_player_scripts_and_missing_files_are_not_cached_for_good(client, activity):
    # The player and our own scripts change when Upstander is upgraded, under the same URL.
    for path in ("/player/main.bundle.js", "/embed.js", f"/packages/{activity.uuid}/no.js"):
        response = client.get(path, **CONTENT)
        assert "immutable" not in response.get("Cache-Control", "")


SCRIPTED_SVG = (
    "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(document.domain)</script></svg>"
)


@pytest.mark.parametrize("name", ["H5P.Tiny-1.0/images/badge.svg", "H5P.Tiny-1.0/data.xml"])
def test_an_svg_or_xml_file_opened_directly_runs_no_script(client, h5p_root, name):
    """Libraries may hold svg and xml (H5P core allows them there), and either can carry a
    script that runs when the file is opened as a page of its own: it must not run on the
    content origin, where the embed page and every package live."""
    activity = h5p_activity_create(upload=upload_of(tiny_package(**{name: SCRIPTED_SVG})))[0]
    response = client.get(f"/packages/{activity.uuid}/{name}", **CONTENT)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "sandbox" in policy
    assert "script-src" not in policy


@pytest.mark.parametrize("how", ["deleted", "upload rolled back"])
def test_the_files_of_an_activity_no_longer_saved_are_not_served(client, h5p_root, how):
    """A package's folder can outlive its activity: its files are removed only after the
    deletion commits (a process stopped between the two leaves them), and an upload inside a
    transaction that rolls back leaves its folder with no row. Content of an activity an
    editor deleted, or that was never kept, is not served from the content origin."""
    from django.db import transaction

    from h5p.models import H5PActivity

    class RolledBack(Exception):
        pass

    if how == "deleted":
        activity = h5p_activity_create(upload=upload_of(tiny_package()))[0]
        activity.delete()  # the test's transaction never commits: its files stay
    else:
        with pytest.raises(RolledBack), transaction.atomic():
            activity = h5p_activity_create(upload=upload_of(tiny_package()))[0]
            raise RolledBack
    assert not H5PActivity.objects.filter(uuid=activity.uuid).exists()
    assert (h5p_root / str(activity.uuid) / "H5P.Tiny-1.0" / "tiny.js").is_file()

    response = client.get(f"/packages/{activity.uuid}/H5P.Tiny-1.0/tiny.js", **CONTENT)
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("content/captions/en.vtt", "text/vtt"),
        ("content/captions/cy.webvtt", "text/vtt"),
        ("content/fonts/icons.woff2", "font/woff2"),
        ("content/fonts/icons.woff", "font/woff"),
        ("content/fonts/icons.ttf", "font/ttf"),
        ("content/fonts/icons.otf", "font/otf"),
        ("content/audio/clip.ogg", "audio/ogg"),
        ("content/audio/clip.oga", "audio/ogg"),
        ("content/videos/clip.ogv", "video/ogg"),
        ("content/audio/clip.m4a", "audio/mp4"),
        ("content/images/photo.webp", "image/webp"),
        ("content/data.json", "application/json"),
        ("H5P.Tiny-1.0/images/badge.svg", "image/svg+xml"),
        ("H5P.Tiny-1.0/tiny.js", "text/javascript"),
    ],
)
def test_package_files_are_served_with_their_own_type_on_any_host(
    client, h5p_root, monkeypatch, name, content_type
):
    """Browsers show a captions track only when it is served as text/vtt (WHATWG HTML, "the
    track element"), whichever of the two extensions H5P allows it has: served otherwise,
    the captions are silently dropped (WCAG 2.2 SC 1.2.2). With `nosniff` a font, sound or
    image must carry its own type too. The type must not depend on the host's
    /etc/mime.types: a slim container has none, and Python's own table lacks most of these."""
    import mimetypes

    monkeypatch.setattr(mimetypes, "_db", mimetypes.MimeTypes(filenames=()))
    activity = h5p_activity_create(upload=upload_of(tiny_package(**{name: b"WEBVTT\n"})))[0]
    response = client.get(f"/packages/{activity.uuid}/{name}", **CONTENT)
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    ranged = client.get(f"/packages/{activity.uuid}/{name}", HTTP_RANGE="bytes=0-1", **CONTENT)
    assert ranged["Content-Type"].split(";")[0] == content_type


@pytest.mark.parametrize("path", ["fonts/h5p-core-30.woff2", "styles/h5p.css"])
def test_player_files_are_served_with_their_own_type_on_any_host(client, monkeypatch, path):
    import mimetypes

    monkeypatch.setattr(mimetypes, "_db", mimetypes.MimeTypes(filenames=()))
    response = client.get(f"/player/{path}", **CONTENT)
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == (
        "font/woff2" if path.endswith(".woff2") else "text/css"
    )
