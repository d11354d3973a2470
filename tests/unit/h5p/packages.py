"""Build small .h5p packages in memory for tests, valid or hostile on purpose."""

import io
import json
import stat
import zipfile

LIBRARY = {
    "title": "Tiny",
    "machineName": "H5P.Tiny",
    "majorVersion": 1,
    "minorVersion": 0,
    "patchVersion": 0,
    "runnable": 1,
    "preloadedJs": [{"path": "tiny.js"}],
    "preloadedCss": [{"path": "tiny.css"}],
}

TINY_JS = """
var H5P = H5P || {};
H5P.Tiny = function (params, contentId) { this.params = params; this.contentId = contentId; };
H5P.Tiny.prototype.attach = function ($container) {
  $container.get(0).innerHTML = '<p class="tiny">' + this.params.text + '</p>';
};
"""


def tiny_files(**overrides) -> dict[str, bytes | str]:
    """The files of a minimal valid package whose one library shows a line of text."""
    files: dict[str, bytes | str] = {
        "h5p.json": json.dumps(
            {
                "title": "Tiny activity",
                "mainLibrary": "H5P.Tiny",
                "language": "en",
                "embedTypes": ["div"],
                "preloadedDependencies": [
                    {"machineName": "H5P.Tiny", "majorVersion": 1, "minorVersion": 0}
                ],
            }
        ),
        "content/content.json": json.dumps({"text": "Hello"}),
        "H5P.Tiny-1.0/library.json": json.dumps(LIBRARY),
        "H5P.Tiny-1.0/tiny.js": TINY_JS,
        "H5P.Tiny-1.0/tiny.css": ".tiny { color: #222; }",
        "H5P.Tiny-1.0/icon.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
    }
    files.update(overrides)
    return {name: data for name, data in files.items() if data is not None}


# Every entry gets this modification time, so the same files always make the same bytes
# (given only a name, zipfile stamps the current time, and the upload tests' "same file
# twice" would differ when its two builds fell either side of a two-second tick).
ENTRY_TIME = (2021, 3, 1, 9, 0, 0)


def build_package(
    files: dict[str, bytes | str],
    *,
    symlinks: dict[str, str] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=ENTRY_TIME)
            info.compress_type = compression
            # The permissions zipfile gives an entry written by name alone.
            info.external_attr = (0o40775 << 16) | 0x10 if name.endswith("/") else 0o600 << 16
            archive.writestr(info, data)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return buffer.getvalue()


def tiny_package(**overrides) -> bytes:
    return build_package(tiny_files(**overrides))
