"""Uploading H5P packages: the service and the editors' admin form.

A rejected package leaves nothing on disk and no row; an accepted one is extracted in one
move; the same file uploaded twice is stored once.
"""

import io
import struct
import zipfile
from html import unescape

import pytest
from django.urls import reverse

from h5p.models import H5PActivity
from h5p.selectors import package_dir
from h5p.services import h5p_activity_create
from h5p.validation import PackageRejected
from tests.h5p.conftest import files_under, module_with_h5p, upload_of
from tests.unit.h5p.packages import build_package, tiny_files, tiny_package

pytestmark = pytest.mark.django_db

ADD_URL = "wagtailsnippets_h5p_h5pactivity:add"


def nothing_kept(root) -> bool:
    return files_under(root) == [] and not H5PActivity.objects.exists()


def test_an_accepted_package_is_stored_with_title_main_library_and_checksum(h5p_root, editor):
    activity, created = h5p_activity_create(upload=upload_of(tiny_package()), uploaded_by=editor)
    assert created
    assert activity.title == "Tiny activity"
    assert activity.main_library == "H5P.Tiny 1.0"
    assert len(activity.checksum) == 64
    assert activity.uploaded_by == editor
    assert files_under(package_dir(activity.uuid)) == [
        "H5P.Tiny-1.0/icon.svg",
        "H5P.Tiny-1.0/library.json",
        "H5P.Tiny-1.0/tiny.css",
        "H5P.Tiny-1.0/tiny.js",
        "content/content.json",
        "h5p.json",
    ]
    # The staging folder is empty again: only the activity's own folder is kept.
    assert files_under(h5p_root / ".staging") == []


def test_the_same_package_uploaded_again_is_not_duplicated(h5p_root):
    first, _ = h5p_activity_create(upload=upload_of(tiny_package()))
    second, created = h5p_activity_create(upload=upload_of(tiny_package()), title="Again")
    assert not created
    assert second.pk == first.pk
    assert H5PActivity.objects.count() == 1
    assert [p.name for p in h5p_root.iterdir() if p.name != ".staging"] == [str(first.uuid)]


@pytest.mark.parametrize(
    "data",
    [
        tiny_package(**{"content/images/xss.svg": "<svg><script>alert(1)</script></svg>"}),
        tiny_package(**{"../escape.json": "{}"}),
        build_package(tiny_files(), symlinks={"content/passwd.json": "/etc/passwd"}),
        tiny_package(**{"content/zeros.txt": b"\0" * (20 * 1024 * 1024)}),
        b"not a zip",
    ],
    ids=["svg-script-in-content", "zip-slip", "symlink", "zip-bomb", "not-a-zip"],
)
def test_a_hostile_package_is_rejected_and_leaves_nothing(h5p_root, data):
    with pytest.raises(PackageRejected):
        h5p_activity_create(upload=upload_of(data))
    assert nothing_kept(h5p_root)


def test_the_true_false_sample_is_accepted(h5p_root, true_false_path):
    activity, created = h5p_activity_create(upload=upload_of(true_false_path.read_bytes()))
    assert created
    assert activity.main_library == "H5P.TrueFalse 1.6"
    stored = files_under(package_dir(activity.uuid))
    assert "H5P.TrueFalse-1.6/scripts/h5p-true-false.js" in stored
    # H5P core ignores the stray root file; so do we.
    assert "H5P_CONTENT_HERE.txt" not in stored


def test_the_xss_svg_sample_is_rejected_and_leaves_nothing(h5p_root, xss_svg_path):
    with pytest.raises(PackageRejected, match=r"content/images/xss\.svg"):
        h5p_activity_create(upload=upload_of(xss_svg_path.read_bytes()))
    assert nothing_kept(h5p_root)


# --- The admin ---------------------------------------------------------------------------


def test_an_editor_uploads_a_package_in_the_admin(client, editor, h5p_root):
    client.force_login(editor)
    response = client.post(reverse(ADD_URL), {"title": "", "package": upload_of(tiny_package())})
    assert response.status_code == 302
    activity = H5PActivity.objects.get()
    assert activity.title == "Tiny activity"
    assert package_dir(activity.uuid).is_dir()


def test_the_admin_offers_no_copy_that_would_rename_the_original(client, editor, h5p_root):
    """Wagtail's "Copy" showed a form with only the title, and saving it renamed the original
    activity (in every module playing it) while saying a new one was created. A package is
    one activity (its checksum is unique), so the admin offers no copy."""
    activity, _ = h5p_activity_create(upload=upload_of(tiny_package()))
    client.force_login(editor)
    edit_url = reverse("wagtailsnippets_h5p_h5pactivity:edit", args=[activity.pk])
    copy_url = edit_url.replace("/edit/", "/copy/")
    assert copy_url not in client.get(reverse("wagtailsnippets_h5p_h5pactivity:list")).text
    assert copy_url not in client.get(edit_url).text

    client.post(copy_url, {"title": "Copy of the activity"})
    activity.refresh_from_db()
    assert activity.title == "Tiny activity"
    assert H5PActivity.objects.count() == 1


def test_the_admin_shows_why_a_package_was_rejected_and_keeps_nothing(client, editor, h5p_root):
    client.force_login(editor)
    data = tiny_package(**{"content/images/xss.svg": "<svg><script>alert(1)</script></svg>"})
    response = client.post(reverse(ADD_URL), {"title": "Evil", "package": upload_of(data)})
    assert response.status_code == 200
    assert "This package was not accepted" in response.content.decode()
    assert "xss.svg" in response.content.decode()
    assert nothing_kept(h5p_root)


def test_a_title_with_half_a_surrogate_pair_is_refused_not_a_server_error(client, editor, h5p_root):
    """h5p.json's "\\ud83d" (half of an emoji's escape) reads as a character that is not
    text, which no database takes: the package was accepted and saving it was a server
    error, with its files unpacked and left behind."""
    client.force_login(editor)
    client.raise_request_exception = False
    manifest = tiny_files()["h5p.json"].replace('"Tiny activity"', '"Tiny \\ud83d activity"')
    data = tiny_package(**{"h5p.json": manifest})
    response = client.post(reverse(ADD_URL), {"title": "", "package": upload_of(data)})
    assert response.status_code == 200
    assert "h5p.json's title has a character that is not text" in unescape(response.text)
    assert not H5PActivity.objects.exists()
    assert nothing_kept(h5p_root)


def _damaged(data: bytes, name: str, at: int = 2) -> bytes:
    """The package with one byte of an entry's compressed data changed (a bad download)."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    raw = bytearray(data)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw[start + at] ^= 0xFF
    return bytes(raw)


def _compressed_with(data: bytes, method: int) -> bytes:
    """The package as if every entry used this compression method (9 is Deflate64, which
    Windows' "Compressed folder" writes for large files and Python cannot read)."""
    raw = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        start = 0
        while (start := raw.find(signature, start)) != -1:
            struct.pack_into("<H", raw, start + offset, method)
            start += 4
    return bytes(raw)


def _directory_says_entries_start_later(data: bytes, by: int = 1_000_000) -> bytes:
    """The package whose end record (APPNOTE 4.3.16) puts the central directory further in
    than it is, as a damaged or cut-and-joined download can: zipfile then places every
    entry before the start of the file."""
    raw = bytearray(data)
    end = raw.rfind(b"PK\x05\x06")
    (offset,) = struct.unpack_from("<I", raw, end + 16)
    struct.pack_into("<I", raw, end + 16, offset + by)
    return bytes(raw)


def _directory_entry_changed(data: bytes, name: str, offset: int, value: int) -> bytes:
    """The package with one byte of an entry's central directory header (APPNOTE 4.3.12)
    set: 6 is the zip version needed to extract it, 8 the first byte of its flags."""
    raw = bytearray(data)
    start = 0
    while (start := raw.find(b"PK\x01\x02", start)) != -1:
        if raw[start + 46 : start + 46 + len(name)] == name.encode():
            raw[start + offset] |= value
        start += 4
    return bytes(raw)


@pytest.mark.parametrize(
    "data",
    [
        _damaged(tiny_package(), "h5p.json"),
        _damaged(tiny_package(), "content/content.json"),
        _damaged(tiny_package(), "H5P.Tiny-1.0/library.json"),
        _compressed_with(tiny_package(), 9),
        _directory_says_entries_start_later(tiny_package()),
        # Features of the zip format beyond what Python reads (APPNOTE 4.4.3 and 4.4.4).
        _directory_entry_changed(tiny_package(), "h5p.json", 6, 64),
        _directory_entry_changed(tiny_package(), "h5p.json", 8, 0x40),
        _directory_entry_changed(tiny_package(), "H5P.Tiny-1.0/tiny.js", 8, 0x40),
        _directory_entry_changed(tiny_package(), "H5P.Tiny-1.0/tiny.js", 8, 0x20),
        tiny_package(
            **{
                "H5P.Tiny-1.0/library.json": (
                    '{"machineName": "H5P.Tiny", "majorVersion": 1, "minorVersion": 0, '
                    '"preloadedJs": 1}'
                )
            }
        ),
    ],
    ids=[
        "damaged-h5p-json",
        "damaged-content-json",
        "damaged-library-json",
        "deflate64",
        "directory-misplaced",
        "zip-version-6.4",
        "strong-encryption-h5p-json",
        "strong-encryption-library-file",
        "patch-data-library-file",
        "scripts-not-a-list",
    ],
)
def test_a_damaged_or_unreadable_package_is_refused_with_a_reason(client, editor, h5p_root, data):
    """A corrupt download, an unusual zip or a malformed library.json is the editor's to fix:
    the admin says why, instead of answering a server error."""
    client.force_login(editor)
    response = client.post(reverse(ADD_URL), {"title": "", "package": upload_of(data)})
    assert response.status_code == 200
    assert "This package was not accepted" in response.content.decode()
    assert nothing_kept(h5p_root)


NOTES = {"content/notes.txt": "Talk to a trusted adult. " * 40}


@pytest.mark.parametrize(
    "data",
    [
        _damaged(build_package(tiny_files(), compression=zipfile.ZIP_BZIP2), "h5p.json"),
        _damaged(build_package(tiny_files(), compression=zipfile.ZIP_LZMA), "h5p.json", at=12),
        _damaged(
            build_package(tiny_files(**NOTES), compression=zipfile.ZIP_BZIP2), "content/notes.txt"
        ),
        _damaged(
            build_package(tiny_files(**NOTES), compression=zipfile.ZIP_LZMA),
            "content/notes.txt",
            at=12,
        ),
    ],
    ids=["bzip2-h5p-json", "lzma-h5p-json", "bzip2-content-file", "lzma-content-file"],
)
def test_a_damaged_bzip2_or_lzma_package_is_refused_as_corrupt(client, editor, h5p_root, data):
    """Zips made with 7-Zip's BZip2 or LZMA methods are read, so a bad download of one is the
    editor's to fix too: the admin said nothing but a server error (or that the package's
    files clash), as those decompressors fail in their own ways."""
    client.force_login(editor)
    response = client.post(reverse(ADD_URL), {"title": "", "package": upload_of(data)})
    assert response.status_code == 200
    assert "The package is corrupt" in response.content.decode()
    assert nothing_kept(h5p_root)


def test_the_admin_refuses_a_second_copy_of_a_package(client, editor, h5p_root):
    client.force_login(editor)
    client.post(reverse(ADD_URL), {"title": "First", "package": upload_of(tiny_package())})
    response = client.post(
        reverse(ADD_URL), {"title": "Second", "package": upload_of(tiny_package())}
    )
    assert response.status_code == 200
    assert "already uploaded as “First”" in response.content.decode()
    assert H5PActivity.objects.count() == 1


def test_uploading_a_package_whose_files_were_lost_puts_them_back(client, editor, h5p_root):
    """The deploying guide's advice when H5P_ROOT was not restored from a backup: upload the
    packages again. The activity keeps its id, its place in modules and its records."""
    import shutil

    activity, _ = h5p_activity_create(upload=upload_of(tiny_package()))
    shutil.rmtree(package_dir(activity.uuid))
    client.force_login(editor)
    response = client.post(reverse(ADD_URL), {"title": "", "package": upload_of(tiny_package())})
    assert response.status_code == 302
    assert H5PActivity.objects.get().pk == activity.pk
    assert (package_dir(activity.uuid) / "h5p.json").is_file()
    assert "were missing and are back" in client.get(response.url).content.decode()


def test_the_admin_asks_for_a_file(client, editor, h5p_root):
    client.force_login(editor)
    response = client.post(reverse(ADD_URL), {"title": "Nothing"})
    assert "Choose an .h5p file to upload." in response.content.decode()
    assert not H5PActivity.objects.exists()


def test_a_pupil_cannot_upload(client, pupil, h5p_root):
    client.force_login(pupil)
    response = client.post(reverse(ADD_URL), {"title": "", "package": upload_of(tiny_package())})
    assert response.status_code in (302, 403)
    assert nothing_kept(h5p_root)


def test_editing_renames_without_asking_for_the_package_again(client, editor, h5p_root):
    activity, _ = h5p_activity_create(upload=upload_of(tiny_package()))
    client.force_login(editor)
    url = reverse("wagtailsnippets_h5p_h5pactivity:edit", args=[activity.pk])
    assert 'name="package"' not in client.get(url).content.decode()
    response = client.post(url, {"title": "Renamed"})
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "Renamed"


def test_deleting_an_activity_removes_its_files(
    client, editor, h5p_root, django_capture_on_commit_callbacks
):
    activity, _ = h5p_activity_create(upload=upload_of(tiny_package()))
    client.force_login(editor)
    url = reverse("wagtailsnippets_h5p_h5pactivity:delete", args=[activity.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert not package_dir(activity.uuid).exists()


def test_deleting_an_activity_live_modules_use_names_them(client, editor, home_page, h5p_root):
    """Wagtail's own notice only said the activity was "referenced" so many times: the
    editor was not told which modules' learners would then find it not available."""
    activity, _ = h5p_activity_create(upload=upload_of(tiny_package()))
    module_with_h5p(home_page, activity)
    client.force_login(editor)
    url = reverse("wagtailsnippets_h5p_h5pactivity:delete", args=[activity.pk])
    page = client.get(url).content.decode()
    assert "Live modules use this: “Check your understanding”" in page
    assert "not available" in page


def test_deleting_an_activity_no_module_uses_says_nothing_of_modules(client, editor, h5p_root):
    activity, _ = h5p_activity_create(upload=upload_of(tiny_package()))
    client.force_login(editor)
    url = reverse("wagtailsnippets_h5p_h5pactivity:delete", args=[activity.pk])
    assert "Live modules use this" not in client.get(url).content.decode()


def test_deleting_activities_several_at_once_names_the_live_modules_using_them(
    client, editor, home_page, h5p_root
):
    """The bulk delete gave, as the single one did, no word of the modules using them."""
    used, unused = (
        h5p_activity_create(upload=upload_of(tiny_package(**{"content/content.json": text})))[0]
        for text in ('{"text": "One"}', '{"text": "Two"}')
    )
    module_with_h5p(home_page, used)
    url = reverse("wagtail_bulk_action", args=["h5p", "h5pactivity", "delete"])
    client.force_login(editor)
    page = client.get(f"{url}?id={used.pk}&id={unused.pk}").content.decode()
    assert "“Check your understanding” uses" in page
    assert "not available" in page


def test_deleting_activities_several_at_once_removes_their_files(
    client, editor, h5p_root, django_capture_on_commit_callbacks
):
    """The admin's bulk delete: the content host serves whatever is left on disk."""
    activities = [
        h5p_activity_create(upload=upload_of(tiny_package(**{"content/content.json": text})))[0]
        for text in ('{"text": "One"}', '{"text": "Two"}')
    ]
    assert activities[0] != activities[1]
    ids = "&".join(f"id={a.pk}" for a in activities)
    url = reverse("wagtail_bulk_action", args=["h5p", "h5pactivity", "delete"]) + f"?{ids}"
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    assert not H5PActivity.objects.exists()
    assert not any(package_dir(a.uuid).exists() for a in activities)


def test_a_full_disk_during_upload_is_explained_and_keeps_nothing(
    client, editor, h5p_root, monkeypatch
):
    """The server's disk fills while the package is unpacked: the editor is told the package
    could not be stored (not a server error), and no half-unpacked folder or row is left."""
    import errno

    from h5p import services

    real_extract = services.extract_package_safely

    def extract_until_the_disk_is_full(archive, manifest, target, limits):
        real_extract(archive, manifest, target, limits)  # some files are written...
        raise OSError(errno.ENOSPC, "No space left on device")  # ...then the disk is full

    monkeypatch.setattr(services, "extract_package_safely", extract_until_the_disk_is_full)
    client.force_login(editor)
    response = client.post(reverse(ADD_URL), {"title": "", "package": upload_of(tiny_package())})
    assert response.status_code == 200
    assert "could not be stored" in response.content.decode()
    assert nothing_kept(h5p_root)


def test_a_disk_that_fills_while_files_are_unpacked_is_not_blamed_on_the_package(
    client, editor, h5p_root, monkeypatch
):
    """The server's disk fills as the unpacked files are written (not in a stand-in for the
    unpacking, as above): the editor was told the package's files clash with each other, and
    went to mend a package that was fine, while the server's full disk went unnoticed."""
    import builtins
    import errno

    real_open = builtins.open

    class FullDisk:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc_info):
            self.handle.close()

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    def open_on_a_full_disk(file, mode="r", *args, **kwargs):
        handle = real_open(file, mode, *args, **kwargs)
        return FullDisk(handle) if "x" in mode else handle

    monkeypatch.setattr("h5p.validation.open", open_on_a_full_disk, raising=False)
    client.force_login(editor)
    response = client.post(reverse(ADD_URL), {"title": "", "package": upload_of(tiny_package())})
    assert response.status_code == 200
    assert "could not be stored on the server" in response.content.decode()
    assert nothing_kept(h5p_root)


def test_an_upload_whose_save_fails_afterwards_leaves_no_files_served(
    client, editor, h5p_root, monkeypatch
):
    # The admin saves the activity and logs it in one transaction: if logging fails, the row
    # is rolled back, and its folder must go too, or the content host serves it for ever.
    def failing_log(**kwargs):
        raise RuntimeError("the log could not be written")

    monkeypatch.setattr("h5p.viewsets.log", failing_log)
    client.force_login(editor)
    with pytest.raises(RuntimeError):
        client.post(reverse(ADD_URL), {"title": "", "package": upload_of(tiny_package())})
    assert nothing_kept(h5p_root)


def test_a_file_name_too_long_to_store_is_the_packages_fault_not_the_servers(
    client, editor, h5p_root
):
    """Writing a file whose name is longer than the file system takes fails with an OSError,
    which the admin took for a full disk: the editor was told to try again later."""
    client.force_login(editor)
    data = tiny_package(**{"content/images/" + "a-very-long-photo-name-" * 12 + ".jpg": b"x"})
    response = client.post(reverse(ADD_URL), {"title": "", "package": upload_of(data)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "This package was not accepted" in page
    assert "too long" in page
    assert "disk may be full" not in page
    assert nothing_kept(h5p_root)
