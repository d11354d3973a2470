"""Package validation and extraction (h5p/validation.py), with packages built in the test.

The rules follow H5P core's validator (`H5PValidator::isValidPackage`) and its extension
whitelist, plus the zip-safety rules of the issue: no absolute paths, "..", backslashes or
symlinks, and caps on entries, sizes and compression ratio counted on the bytes written.
"""

import io
import json
import struct
import zipfile

import pytest

from h5p.validation import (
    Limits,
    PackageRejected,
    extract_package_safely,
    inspect_package,
)
from tests.unit.h5p.packages import LIBRARY, build_package, tiny_files, tiny_package


def reason(data: bytes, limits: Limits | None = None) -> str:
    with pytest.raises(PackageRejected) as excinfo:
        inspect_package(io.BytesIO(data), *([limits] if limits else []))
    return str(excinfo.value)


def test_a_minimal_package_is_accepted_with_its_title_and_main_library():
    manifest = inspect_package(io.BytesIO(tiny_package()))
    assert manifest.title == "Tiny activity"
    assert str(manifest.main_library) == "H5P.Tiny 1.0"
    assert [lib.folder for lib in manifest.libraries] == ["H5P.Tiny-1.0"]
    assert "H5P.Tiny-1.0/tiny.js" in manifest.files


def test_extraction_writes_exactly_the_accepted_files(tmp_path):
    data = tiny_package(**{"README.txt": "ignored at the root", "__MACOSX/x.json": "{}"})
    manifest = inspect_package(io.BytesIO(data))
    written = extract_package_safely(io.BytesIO(data), manifest, tmp_path)
    names = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert names == [
        "H5P.Tiny-1.0/icon.svg",
        "H5P.Tiny-1.0/library.json",
        "H5P.Tiny-1.0/tiny.css",
        "H5P.Tiny-1.0/tiny.js",
        "content/content.json",
        "h5p.json",
    ]
    assert written == sum(p.stat().st_size for p in tmp_path.rglob("*") if p.is_file())


def test_a_file_that_is_not_a_zip_is_rejected():
    assert "not a zip" in reason(b"<html>not a package</html>")


@pytest.mark.parametrize("missing", ["h5p.json", "content/content.json"])
def test_a_package_without_its_required_json_is_rejected(missing):
    assert missing in reason(tiny_package(**{missing: None}))


def test_a_title_with_a_nul_character_is_rejected():
    manifest = json.dumps({**json.loads(tiny_files()["h5p.json"]), "title": "Tiny\u0000"})
    assert "NUL character" in reason(tiny_package(**{"h5p.json": manifest}))


def test_invalid_json_is_rejected():
    assert "not valid JSON" in reason(tiny_package(**{"content/content.json": "{oops"}))


@pytest.mark.parametrize("content", ["[]", "null", '"Hello"', "42", "true"])
def test_content_json_that_is_json_but_not_an_object_is_rejected(content):
    """The player hands content.json to the main library as its parameters, which are an
    object (the fields of its semantics): a list, a string or null was accepted, and the
    activity then failed in every learner's browser with nothing said to the editor."""
    assert "content/content.json is not a JSON object" in reason(
        tiny_package(**{"content/content.json": content})
    )


@pytest.mark.parametrize("name", ["h5p.json", "content/content.json", "H5P.Tiny-1.0/library.json"])
def test_json_nested_too_deeply_to_read_is_rejected_with_a_reason(name):
    # A few hundred kilobytes of "[" is more nesting than Python's parser can follow: the
    # editor is told why, rather than the upload failing with a server error.
    deep = "[" * 200_000 + "]" * 200_000
    assert "nested too deeply" in reason(tiny_package(**{name: deep}))


@pytest.mark.parametrize("version", ["Infinity", "-Infinity", "1e400", "1.5", "true", '" 1"'])
@pytest.mark.parametrize("name", ["h5p.json", "H5P.Tiny-1.0/library.json"])
def test_a_version_that_is_not_a_whole_number_is_rejected_with_a_reason(name, version):
    # Python's parser reads Infinity (not JSON at all) and 1e400 as an infinite float,
    # which no whole number can be. 1.5, true and " 1" were read as version 1 and accepted,
    # but the player names the library's folder from the version as written
    # ("H5P.Tiny-1.5.0", "H5P.Tiny-true.0") and the activity never loaded; H5P core's
    # validator takes digits only.
    text = tiny_files()[name].replace('"majorVersion": 1', f'"majorVersion": {version}')
    assert version in text
    assert "without a version" in reason(tiny_package(**{name: text}))


def test_a_needed_library_that_is_not_bundled_is_rejected():
    files = tiny_files()
    files = {k: v for k, v in files.items() if not k.startswith("H5P.Tiny-1.0/")}
    assert "does not include it" in reason(build_package(files))


def test_a_dependency_of_a_library_must_be_bundled_too():
    library = dict(
        LIBRARY,
        preloadedDependencies=[
            {"machineName": "H5P.Missing", "majorVersion": 2, "minorVersion": 1}
        ],
    )
    data = tiny_package(**{"H5P.Tiny-1.0/library.json": json.dumps(library)})
    assert "H5P.Missing 2.1" in reason(data)


def test_a_library_in_a_misnamed_folder_is_rejected():
    library = dict(LIBRARY, minorVersion=3)
    assert "misnamed" in reason(tiny_package(**{"H5P.Tiny-1.0/library.json": json.dumps(library)}))


def unversioned(files: dict) -> dict:
    """The package's files with its library folder named `H5P.Tiny`, without the version."""
    return {name.replace("H5P.Tiny-1.0/", "H5P.Tiny/"): data for name, data in files.items()}


def test_a_library_folder_named_without_its_version_is_accepted(tmp_path):
    """H5P core takes a library folder named `<machineName>` as well as
    `<machineName>-<major>.<minor>` (H5PValidator::isValidPackage), and h5p-standalone plays
    a package whose folders are all named so."""
    data = build_package(unversioned(tiny_files()))
    manifest = inspect_package(io.BytesIO(data))
    assert str(manifest.main_library) == "H5P.Tiny 1.0"
    extract_package_safely(io.BytesIO(data), manifest, tmp_path)
    assert (tmp_path / "H5P.Tiny" / "tiny.js").is_file()


def test_library_folders_named_both_ways_in_one_package_are_rejected():
    # The player looks for every library the way it finds the first one, so it would miss
    # the libraries whose folders are named the other way.
    library = dict(LIBRARY, machineName="H5P.Other")
    files = unversioned(tiny_files())
    files["H5P.Tiny/library.json"] = json.dumps(
        dict(
            LIBRARY,
            preloadedDependencies=[
                {"machineName": "H5P.Other", "majorVersion": 1, "minorVersion": 0}
            ],
        )
    )
    files["H5P.Other-1.0/library.json"] = json.dumps(dict(library, preloadedJs=[], preloadedCss=[]))
    assert "all named the same way" in reason(build_package(files))


def test_a_folder_without_a_version_that_is_no_needed_library_is_rejected():
    assert "neither content/ nor a library folder" in reason(
        tiny_package(**{"Extras/library.json": "{}"})
    )


def test_a_library_listing_a_script_it_does_not_contain_is_rejected():
    assert "tiny.js" in reason(tiny_package(**{"H5P.Tiny-1.0/tiny.js": None}))


def test_a_top_level_folder_that_is_not_a_library_is_rejected():
    assert "neither content/ nor a library folder" in reason(tiny_package(**{"www/a.json": "{}"}))


@pytest.mark.parametrize(
    "name",
    [
        "content/images/xss.svg",
        "content/evil.js",
        "content/style.css",
        "content/data.xml",
        "content/page.html",
        "content/flash.swf",
    ],
)
def test_script_capable_files_under_content_are_rejected(name):
    data = tiny_package(**{name: "<svg><script>alert(document.cookie)</script></svg>"})
    assert "not allowed in content" in reason(data)


def test_an_svg_with_script_under_content_is_rejected_even_when_named_in_capitals():
    assert "not allowed" in reason(tiny_package(**{"content/images/X.SVG": "<svg/>"}))


@pytest.mark.parametrize(
    "name", ["H5P.Tiny-1.0/page.html", "H5P.Tiny-1.0/run.php", "H5P.Tiny-1.0/LICENSE"]
)
def test_files_outside_the_whitelist_are_rejected_in_libraries(name):
    assert "not allowed in an H5P package" in reason(tiny_package(**{name: "x"}))


@pytest.mark.parametrize(
    "name, expected",
    [
        ("../evil.js", ".."),
        ("content/../../evil.json", ".."),
        ("/etc/evil.json", "absolute path"),
        ("C:/evil.json", "absolute path"),
        ("content\\..\\evil.json", "backslash"),
        ("content/./a.json", ".."),
    ],
)
def test_zip_slip_paths_are_rejected(name, expected):
    assert expected in reason(tiny_package(**{name: "{}"}))


def test_a_symlink_is_rejected():
    data = build_package(tiny_files(), symlinks={"content/link.json": "/etc/passwd"})
    assert "symbolic link" in reason(data)


def test_duplicate_entries_are_rejected():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in tiny_files().items():
            archive.writestr(name, data)
        with pytest.warns(UserWarning):
            archive.writestr("content/content.json", "{}")
    assert "appears twice" in reason(buffer.getvalue())


def test_too_many_entries_are_rejected():
    files = tiny_files(**{f"content/{i}.txt": "x" for i in range(30)})
    assert "entries" in reason(build_package(files), Limits(max_entries=20))


def test_a_zip_bomb_is_rejected_by_its_compression_ratio():
    bomb = tiny_package(**{"content/zeros.txt": b"\0" * (20 * 1024 * 1024)})
    assert len(bomb) < 200_000
    assert "zip bomb" in reason(bomb)


def test_a_file_over_the_size_cap_is_rejected():
    data = tiny_package(**{"content/big.txt": b"x" * 5000})
    assert "larger than" in reason(data, Limits(max_file_bytes=4000))


def test_a_package_over_the_total_cap_is_rejected():
    data = tiny_package(**{f"content/{i}.txt": b"x" * 3000 for i in range(5)})
    assert "unpacks to more than" in reason(data, Limits(max_total_bytes=10_000))


def test_extraction_counts_the_bytes_actually_written(tmp_path):
    data = tiny_package(**{"content/big.txt": b"x" * 50_000})
    manifest = inspect_package(io.BytesIO(data))
    with pytest.raises(PackageRejected, match="unpacks to more than"):
        extract_package_safely(io.BytesIO(data), manifest, tmp_path, Limits(max_total_bytes=20_000))


def _lie_about_size(data: bytes, name: str, claimed: int) -> bytes:
    """Rewrite the uncompressed size of one entry in both headers, as a crafted bomb would."""
    raw = bytearray(data)
    encoded = name.encode()
    for signature, size_offset, name_offset in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = 0
        while (start := raw.find(signature, start)) != -1:
            if raw[start + name_offset : start + name_offset + len(encoded)] == encoded:
                struct.pack_into("<I", raw, start + size_offset, claimed)
            start += 4
    return bytes(raw)


def test_an_entry_that_unpacks_to_more_than_it_claims_is_rejected(tmp_path):
    data = _lie_about_size(
        tiny_package(**{"content/big.txt": b"x" * 100_000}), "content/big.txt", 10
    )
    manifest = inspect_package(io.BytesIO(data))
    with pytest.raises(PackageRejected):
        extract_package_safely(io.BytesIO(data), manifest, tmp_path)
    big = tmp_path / "content" / "big.txt"
    assert not big.exists() or big.stat().st_size <= 10


def test_an_encrypted_entry_is_rejected():
    data = bytearray(tiny_package())
    # Set the "encrypted" general-purpose flag (APPNOTE 4.4.4, bit 0) in the central directory.
    start = data.find(b"PK\x01\x02")
    data[start + 8] |= 0x1
    assert "encrypted" in reason(bytes(data))


def test_files_a_browser_cannot_ask_for_by_name_are_rejected_and_named():
    """The player joins a file's name to the package's address as it is, so a name with
    #, ? or % in it would be asked for as something else and never load."""
    message = reason(
        tiny_package(
            **{
                "content/images/what?.png": b"x",
                "content/images/100%25 sure.png": b"x",
                "content/images/photo.jpg": b"x",
                "H5P.Tiny-1.0/fonts/icons#1.woff": b"x",
            }
        )
    )
    assert "content/images/what?.png" in message
    assert "content/images/100%25 sure.png" in message
    assert "H5P.Tiny-1.0/fonts/icons#1.woff" in message
    assert "content/images/photo.jpg" not in message


def _not_read(*args, **kwargs):
    raise AssertionError("the archive's whole list of entries was read")


def test_too_many_entries_are_rejected_before_the_list_of_entries_is_read(monkeypatch):
    """Reading each entry of a zip's central directory costs memory and time: a 300 MB
    upload of empty entries holds millions, which took a worker minutes and gigabytes
    before the entry cap was looked at. The end record (APPNOTE 4.3.16) says how many."""
    files = tiny_files(**{f"content/{i}.txt": "x" for i in range(30)})
    data = build_package(files)
    monkeypatch.setattr(zipfile.ZipFile, "_RealGetContents", _not_read)
    assert "entries" in reason(data, Limits(max_entries=20))


def test_a_central_directory_larger_than_its_entries_need_is_rejected(monkeypatch):
    """An end record may understate the count; the directory's size gives it away."""
    files = tiny_files(**{f"content/{i}.txt": "x" for i in range(300)})
    data = bytearray(build_package(files))
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 1, 1)  # "one entry" on this disk and in all
    monkeypatch.setattr(zipfile.ZipFile, "_RealGetContents", _not_read)
    assert "entries" in reason(bytes(data), Limits(max_entries=20))


@pytest.mark.parametrize(
    "name",
    [
        "content/images/" + "photo-of-the-class-noticeboard-" * 9 + ".jpg",
        "content/" + "/".join(["folder-" * 30] * 20) + "/a.json",
    ],
    ids=["file-name", "path"],
)
def test_a_name_too_long_for_the_server_to_store_is_rejected_with_a_reason(name, tmp_path):
    """A file system takes a name of at most 255 bytes and a path of at most 4,096. The
    package was accepted, and writing the file then failed as the server's fault ("the
    server's disk may be full"), not the package's."""
    data = tiny_package(**{name: "{}"})
    assert "too long" in reason(data)
