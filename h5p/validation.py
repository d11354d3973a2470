"""Check an uploaded .h5p package and extract it safely. Pure: no database, no settings.

An .h5p file is a zip holding `h5p.json`, `content/` (the content's parameters and media) and
one folder per library (`<machineName>-<major>.<minor>/`, with a `library.json`). Library
JavaScript is arbitrary code, so it is only ever served from the separate content origin;
this module makes sure nothing else slips in:

- the rules of H5P core's validator (`H5PValidator::isValidPackage`): the required files, every
  needed library bundled in a correctly named folder, and its file-extension whitelist, with
  `js`, `css`, `svg` and `xml` allowed only inside library folders (H5P core stopped allowing
  svg and xml under `content/` in 2024: an svg can carry script);
- no absolute paths, `..`, backslashes, symlinks, devices or encrypted entries, and no
  names longer than a file system takes;
- caps on the entry count, each file's size, the total size and the compression ratio (zip
  bombs), enforced on the bytes actually written, not the sizes the archive claims.

`inspect_package()` reads only the archive's directory and its small JSON files;
`extract_package()` writes the accepted files into an empty directory. The caller (the
service) extracts into a temporary directory and moves it into place atomically.
"""

from __future__ import annotations

import json
import lzma
import os
import re
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from django.utils.translation import gettext_lazy as _

# H5P core's content whitelist (h5p.classes.php, H5PCore default `h5p_whitelist`) without
# svg and xml, which it now allows only in libraries; no swf and no html either.
CONTENT_EXTENSIONS = frozenset(
    [
        "json",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "bmp",
        "tif",
        "tiff",
        "webp",
        "eot",
        "ttf",
        "woff",
        "woff2",
        "otf",
        "webm",
        "mp4",
        "ogg",
        "oga",
        "ogv",
        "mp3",
        "m4a",
        "wav",
        "txt",
        "pdf",
        "rtf",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "pptx",
        "odt",
        "ods",
        "odp",
        "csv",
        "md",
        "textile",
        "vtt",
        "webvtt",
        "gltf",
        "glb",
    ]
)
# Libraries may also hold code and vector images (H5PCore `h5p_library_whitelist_extras`).
LIBRARY_EXTENSIONS = CONTENT_EXTENSIONS | {"js", "css", "svg", "xml"}

LIBRARY_FOLDER = re.compile(r"^(?P<name>[\w.\-]{1,255})-(?P<major>\d{1,5})\.(?P<minor>\d{1,5})$")
MACHINE_NAME = re.compile(r"^[\w.\-]{1,255}$")
# The player joins a file's name to the package's address as it is: a browser reads # and ?
# there as the start of a fragment or query, and % as an escape, so a name holding one (or
# a control character) is asked for as something else and never loads.
UNSERVABLE_NAME = re.compile(r"[#?%\x00-\x1f\x7f]")
CHUNK = 64 * 1024
# What a file system takes: a file or folder name of at most 255 bytes (NAME_MAX on Linux's
# file systems) and a path of at most 4,096 (PATH_MAX), H5P_ROOT and the activity's folder
# in front included, so a package's own paths are held well under it. A longer one failed
# when written, and the editor was told the server's disk might be full.
MAX_NAME_BYTES = 255
MAX_PATH_BYTES = 1024
# The compression methods Python's zipfile reads; others (Deflate64, which Windows writes
# for large files, PPMd, ...) raise NotImplementedError when an entry is opened.
READABLE_COMPRESSION = frozenset(
    [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]
)
# General purpose flags (APPNOTE 4.4.4) of entries zipfile cannot read: it refuses to open
# them with NotImplementedError.
ENCRYPTED, PATCH_DATA, STRONGLY_ENCRYPTED = 0x1, 0x20, 0x40
# What reading a damaged entry raises: zipfile's own checks, and each decompressor's way of
# failing (bz2 raises a bare OSError, "Invalid data stream"; lzma its LZMAError). A damaged
# end record can place entries before the start of the file: seeking there is a ValueError.
CORRUPT = (zipfile.BadZipFile, zlib.error, EOFError, lzma.LZMAError, OSError, ValueError)
CORRUPT_REASON = _("The package is corrupt (a file does not match its checksum).")


class PackageRejected(ValueError):
    """The package is not safe or not complete; `reason` says why, for the editor."""

    def __init__(self, reason) -> None:
        super().__init__(str(reason))
        self.reason = reason


@dataclass(frozen=True)
class Limits:
    """How big a package may be. Ratios only count for files bigger than `ratio_floor`,
    because small JSON files legitimately compress very well."""

    max_entries: int = 5000
    max_file_bytes: int = 64 * 1024 * 1024
    max_total_bytes: int = 256 * 1024 * 1024
    max_ratio: int = 100
    ratio_floor: int = 1024 * 1024
    max_json_bytes: int = 8 * 1024 * 1024
    # The central directory's room per entry: 46 bytes and the name, with room to spare.
    directory_bytes_per_entry: int = 512


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Library:
    machine_name: str
    major: int
    minor: int

    @property
    def folder(self) -> str:
        return f"{self.machine_name}-{self.major}.{self.minor}"

    def __str__(self) -> str:
        return f"{self.machine_name} {self.major}.{self.minor}"


@dataclass(frozen=True)
class PackageManifest:
    """What a valid package holds: its title, main library and the files to extract."""

    title: str
    main_library: Library
    libraries: tuple[Library, ...]
    files: tuple[str, ...] = field(repr=False)


def _reject(message, **params) -> PackageRejected:
    return PackageRejected(message % params if params else message)


def _check_name(info: zipfile.ZipInfo) -> PurePosixPath | None:
    """The entry's safe relative path, None for a directory; rejects anything that could
    escape the extraction folder or is not a plain file."""
    name = info.filename
    if "\\" in name:
        raise _reject(_("“%(name)s” contains a backslash."), name=name)
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        raise _reject(_("“%(name)s” is an absolute path."), name=name)
    if "\x00" in name:
        raise _reject(_("An entry name contains a null character."))
    parts = name.rstrip("/").split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise _reject(
            _("“%(name)s” is not a plain relative path (it uses “..” or “.”)."), name=name
        )
    if (
        any(len(part.encode("utf-8")) > MAX_NAME_BYTES for part in parts)
        or len(name.encode("utf-8")) > MAX_PATH_BYTES
    ):
        shown = name if len(name) <= 80 else f"{name[:77]}..."
        raise _reject(
            _(
                "“%(name)s”: the name is too long to be stored (at most %(part)d bytes a "
                "file or folder, %(path)d in all). Rename it and export the package again."
            ),
            name=shown,
            part=MAX_NAME_BYTES,
            path=MAX_PATH_BYTES,
        )
    mode = info.external_attr >> 16
    if info.create_system == 3 and mode:  # Unix attributes (APPNOTE 4.4.15)
        if stat.S_ISLNK(mode):
            raise _reject(_("“%(name)s” is a symbolic link."), name=name)
        # Some tools write permission bits only (no file type): that is a plain file.
        if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
            raise _reject(_("“%(name)s” is not a regular file."), name=name)
    if info.flag_bits & (ENCRYPTED | STRONGLY_ENCRYPTED):
        raise _reject(_("“%(name)s” is encrypted."), name=name)
    if info.compress_type not in READABLE_COMPRESSION or info.flag_bits & PATCH_DATA:
        raise _reject(
            _("“%(name)s” is compressed in a way that cannot be read: save it as a plain zip."),
            name=name,
        )
    if info.is_dir():
        return None
    return PurePosixPath(*parts)


def _extension(path: PurePosixPath) -> str:
    return path.suffix[1:].lower() if path.suffix else ""


def _read_json(archive: zipfile.ZipFile, name: str, limits: Limits, *, required: bool = True):
    try:
        info = archive.getinfo(name)
    except KeyError:
        if required:
            raise _reject(_("The package has no %(name)s."), name=name) from None
        return None
    try:
        with archive.open(info) as handle:
            data = handle.read(limits.max_json_bytes + 1)
    except CORRUPT:
        raise _reject(_("The package is corrupt: %(name)s cannot be read."), name=name) from None
    if len(data) > limits.max_json_bytes:
        raise _reject(_("%(name)s is too large."), name=name)
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise _reject(_("%(name)s is not valid JSON."), name=name) from None
    except RecursionError:
        # Python's parser follows nesting by recursion: a few hundred kilobytes of "[" are
        # more than it can follow, and would otherwise fail the upload with a server error.
        raise _reject(_("%(name)s is nested too deeply to read."), name=name) from None


def _version_number(value) -> int | None:
    """A major or minor version as H5P core takes it (digits only, H5PValidator's
    `/^[0-9]{1,5}$/`), written as a JSON number or string; else None. The player names a
    library's folder from the version as written, so 1.5, true or " 1" is no version 1:
    it would look for "H5P.Foo-1.5.0" or "H5P.Foo-true.0" and the activity never load."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        # 1.0 is written "1" by the player (a JavaScript number); Infinity and 1e400 are not
        # whole numbers.
        return int(value) if value.is_integer() else None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,5}", value):
        return int(value)
    return None


def _library_from(dep, where: str) -> Library:
    if not isinstance(dep, dict):
        raise _reject(_("%(where)s lists a dependency that is not an object."), where=where)
    name = dep.get("machineName")
    major, minor = (
        _version_number(dep.get("majorVersion")),
        _version_number(dep.get("minorVersion")),
    )
    if major is None or minor is None:
        raise _reject(_("%(where)s lists a dependency without a version."), where=where)
    if not isinstance(name, str) or not MACHINE_NAME.match(name):
        raise _reject(_("%(where)s lists a dependency with a bad name."), where=where)
    return Library(name, major, minor)


def _dependencies(data: dict, where: str, keys: tuple[str, ...]) -> list[Library]:
    deps: list[Library] = []
    for key in keys:
        value = data.get(key, [])
        if not isinstance(value, list):
            raise _reject(_("%(where)s: %(key)s is not a list."), where=where, key=key)
        deps.extend(_library_from(dep, where) for dep in value)
    return deps


def inspect_package(source: str | Path | IO[bytes], limits: Limits = DEFAULT_LIMITS):
    """Check a package without extracting it; return its PackageManifest or raise
    PackageRejected. Declared sizes are checked here; `extract_package` checks real ones."""
    _check_directory(source, limits)
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _reject(_("This is not an .h5p file (it is not a zip archive).")) from None
    except NotImplementedError:
        # An entry needs a later zip version than zipfile reads (APPNOTE 4.4.3), or the
        # directory is damaged so as to say so.
        raise _reject(
            _("The package uses zip features that cannot be read: save it as a plain zip.")
        ) from None
    with archive:
        return _inspect(archive, limits)


END_RECORD = b"PK\x05\x06"
ZIP64_LOCATOR = b"PK\x06\x07"
ZIP64_END_RECORD = b"PK\x06\x06"


def _directory_extent(handle) -> tuple[int, int] | None:
    """(entries, bytes) of the zip's central directory as its end record says (APPNOTE
    4.3.16, and 4.3.14 for zip64), or None where there is none: zipfile then says why."""
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    tail_start = max(0, size - (22 + 65535))
    handle.seek(tail_start)
    tail = handle.read()
    at = tail.rfind(END_RECORD)
    if at < 0 or len(tail) - at < 22:
        return None
    entries, directory_bytes = struct.unpack_from("<HL", tail, at + 10)
    if entries == 0xFFFF or directory_bytes == 0xFFFFFFFF:
        locator = at - 20
        if locator < 0 or tail[locator : locator + 4] != ZIP64_LOCATOR:
            return None
        (record_at,) = struct.unpack_from("<Q", tail, locator + 8)
        handle.seek(record_at)
        record = handle.read(56)
        if len(record) < 56 or record[:4] != ZIP64_END_RECORD:
            return None
        entries, directory_bytes = struct.unpack_from("<QQ", record, 32)
    return entries, directory_bytes


def _check_directory(source, limits: Limits) -> None:
    """Refuse too many entries from the zip's end record, before zipfile reads every entry
    of its central directory into memory (millions fit in an upload: a zip bomb of names).
    The directory's size counts too, as the record's count may understate it."""
    try:
        if hasattr(source, "read"):
            position = source.tell()
            try:
                extent = _directory_extent(source)
            finally:
                source.seek(position)
        else:
            with open(source, "rb") as handle:
                extent = _directory_extent(handle)
    except (OSError, ValueError, struct.error):
        return  # zipfile reports what is wrong with the file
    if extent is None:
        return
    entries, directory_bytes = extent
    if entries > limits.max_entries:
        raise _reject(
            _("The package has %(count)d entries; at most %(max)d are allowed."),
            count=entries,
            max=limits.max_entries,
        )
    if directory_bytes > limits.max_entries * limits.directory_bytes_per_entry:
        raise _reject(
            _("The package lists more entries than it says; at most %(max)d are allowed."),
            max=limits.max_entries,
        )


def _inspect(archive: zipfile.ZipFile, limits: Limits) -> PackageManifest:
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise _reject(
            _("The package has %(count)d entries; at most %(max)d are allowed."),
            count=len(infos),
            max=limits.max_entries,
        )
    seen: set[str] = set()
    files: list[str] = []
    unservable: list[str] = []
    library_folders: dict[str, list[PurePosixPath]] = {}
    total = 0
    for info in infos:
        path = _check_name(info)
        key = info.filename.rstrip("/").lower()
        if key in seen:
            raise _reject(_("“%(name)s” appears twice."), name=info.filename)
        seen.add(key)
        if path is None:
            continue
        top = path.parts[0]
        # H5P core skips files and folders whose names start with . or _ (e.g. __MACOSX).
        if any(part.startswith((".", "_")) for part in path.parts):
            continue
        if len(path.parts) == 1:
            # h5p.json is the only root file H5P uses; it ignores others (README etc.).
            if top == "h5p.json":
                files.append(str(path))
            continue
        _check_declared_size(info, limits)
        total += info.file_size
        if total > limits.max_total_bytes:
            raise _reject(
                _("The package unpacks to more than %(max)s."), max=_mb(limits.max_total_bytes)
            )
        ext = _extension(path)
        if top == "content":
            if ext not in CONTENT_EXTENSIONS:
                raise _reject(
                    _("“%(name)s”: .%(ext)s files are not allowed in content (only in libraries)."),
                    name=str(path),
                    ext=ext or _("(none)"),
                )
        else:
            if not MACHINE_NAME.match(top):
                raise _not_a_library_folder(top)
            if ext not in LIBRARY_EXTENSIONS:
                raise _reject(
                    _("“%(name)s”: .%(ext)s files are not allowed in an H5P package."),
                    name=str(path),
                    ext=ext or _("(none)"),
                )
            library_folders.setdefault(top, []).append(path)
        if UNSERVABLE_NAME.search(str(path)):
            unservable.append(str(path))
        files.append(str(path))
    if unservable:
        raise _reject(
            _(
                "The player cannot load files with #, ? or %% in their names: %(names)s. "
                "Rename them (and where the content uses them) and upload the package again."
            ),
            names=", ".join(f"“{name}”" for name in unservable),
        )

    h5p = _read_json(archive, "h5p.json", limits)
    if not isinstance(h5p, dict):
        raise _reject(_("h5p.json is not a JSON object."))
    # The player gives content.json to the main library as its parameters, an object of its
    # semantics' fields: a list or null there breaks the activity in every learner's browser.
    if not isinstance(_read_json(archive, "content/content.json", limits), dict):
        raise _reject(_("content/content.json is not a JSON object."))
    title = h5p.get("title")
    if not isinstance(title, str) or not title.strip():
        raise _reject(_("h5p.json has no title."))
    if "\x00" in title:
        raise _reject(_("h5p.json's title has a NUL character in it."))
    # JSON's "\ud83d" alone is half of a surrogate pair: not text, and no database takes it.
    if any("\ud800" <= character <= "\udfff" for character in title):
        raise _reject(
            _(
                "h5p.json's title has a character that is not text in it (half of a pair "
                "such as \\ud83d\\ude00 written alone). Correct the title and export the "
                "package again."
            )
        )
    main_name = h5p.get("mainLibrary")
    if not isinstance(main_name, str) or not main_name:
        raise _reject(_("h5p.json names no main library."))
    needed = _dependencies(h5p, "h5p.json", ("preloadedDependencies",))
    main = next((lib for lib in needed if lib.machine_name == main_name), None)
    if main is None:
        raise _reject(
            _("The main library %(name)s is not among h5p.json's dependencies."), name=main_name
        )

    libraries, used = _resolve_libraries(archive, needed, library_folders, limits)
    # A folder named without a version is a library's only when a library needed is in it
    # (H5P core reads every other folder as a library and refuses one without library.json).
    for top in library_folders:
        if top not in used and not LIBRARY_FOLDER.match(top):
            raise _not_a_library_folder(top)
    return PackageManifest(
        title=title.strip()[:255],
        main_library=main,
        libraries=tuple(libraries),
        files=tuple(files),
    )


def _not_a_library_folder(folder: str) -> PackageRejected:
    return _reject(
        _(
            "“%(folder)s” is neither content/ nor a library folder named like "
            "H5P.Name-1.0 or H5P.Name."
        ),
        folder=folder,
    )


def _resolve_libraries(archive, needed, library_folders, limits):
    """Every library needed for playback (preloaded and dynamic, transitively) must be in
    its folder with a matching library.json whose scripts and styles exist. Returns the
    libraries and the folders they are in.

    H5P core takes a folder named `<machineName>-<major>.<minor>` or just `<machineName>`
    (H5PValidator::isValidPackage). h5p-standalone looks for every library the way it finds
    the first one in h5p.json, so a package must name all its library folders one way."""
    resolved: dict[str, Library] = {}
    used: dict[str, bool] = {}  # folder: whether it is named with the version
    queue = list(needed)
    while queue:
        lib = queue.pop(0)
        if lib.folder in resolved:
            continue
        if lib.folder in library_folders:
            folder = lib.folder
        elif lib.machine_name in library_folders:
            folder = lib.machine_name
        else:
            raise _reject(
                _("The package needs the library %(lib)s but does not include it."), lib=lib
            )
        where = f"{folder}/library.json"
        data = _read_json(archive, where, limits)
        if not isinstance(data, dict):
            raise _reject(_("%(where)s is not a JSON object."), where=where)
        declared = _library_from(data, where)
        if declared != lib:
            raise _reject(
                _("The folder %(folder)s holds %(declared)s: the folder is misnamed."),
                folder=folder,
                declared=declared,
            )
        present = {str(p) for p in library_folders[folder]}
        for key in ("preloadedJs", "preloadedCss"):
            items = data.get(key) or []
            if not isinstance(items, list):
                raise _reject(_("%(where)s: %(key)s is not a list."), where=where, key=key)
            for item in items:
                rel = item.get("path") if isinstance(item, dict) else None
                if not isinstance(rel, str) or f"{folder}/{rel}" not in present:
                    raise _reject(
                        _("%(where)s lists a file that is not in the package: %(path)s."),
                        where=where,
                        path=rel,
                    )
        resolved[lib.folder] = lib
        used[folder] = folder == lib.folder
        queue.extend(_dependencies(data, where, ("preloadedDependencies", "dynamicDependencies")))
    if len(set(used.values())) > 1:
        raise _reject(
            _(
                "Some library folders are named with their version (H5P.Name-1.0) and some "
                "without (H5P.Name): the player needs them all named the same way."
            )
        )
    return sorted(resolved.values(), key=lambda lib: lib.folder), set(used)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def _check_declared_size(info: zipfile.ZipInfo, limits: Limits) -> None:
    if info.file_size > limits.max_file_bytes:
        raise _reject(
            _("“%(name)s” is larger than %(max)s."),
            name=info.filename,
            max=_mb(limits.max_file_bytes),
        )
    _check_ratio(info, info.file_size, limits)


def _check_ratio(info: zipfile.ZipInfo, size: int, limits: Limits) -> None:
    if size > limits.ratio_floor and size > max(info.compress_size, 1) * limits.max_ratio:
        raise _reject(
            _("“%(name)s” is compressed suspiciously well (a zip bomb?)."), name=info.filename
        )


def extract_package(
    source: str | Path | IO[bytes],
    manifest: PackageManifest,
    destination: Path,
    limits: Limits = DEFAULT_LIMITS,
) -> int:
    """Write the manifest's files into the empty directory `destination`, counting the
    bytes actually decompressed against the limits. Returns the bytes written. On
    PackageRejected the caller deletes `destination`."""
    root = os.path.realpath(destination)
    made: set[str] = set()
    written_total = 0
    with zipfile.ZipFile(source) as archive:
        for name in manifest.files:
            info = archive.getinfo(name)
            # Names were checked (relative, no "..") and the folder is fresh, holding only
            # what we write here, so normalising the joined path is enough to stay inside.
            target = os.path.normpath(os.path.join(root, name))
            if not target.startswith(root + os.sep):
                raise _reject(_("“%(name)s” would be written outside the package."), name=name)
            parent = os.path.dirname(target)
            if parent not in made:
                os.makedirs(parent, exist_ok=True)
                made.add(parent)
            written = 0
            with _open_entry(archive, info) as src, open(target, "xb") as out:
                while chunk := _read_entry(src):
                    written += len(chunk)
                    written_total += len(chunk)
                    if written > limits.max_file_bytes or written > info.file_size:
                        raise _reject(
                            _("“%(name)s” unpacks to more than it claims or is too large."),
                            name=name,
                        )
                    if written_total > limits.max_total_bytes:
                        raise _reject(
                            _("The package unpacks to more than %(max)s."),
                            max=_mb(limits.max_total_bytes),
                        )
                    out.write(chunk)
            _check_ratio(info, written, limits)
    return written_total


def _open_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo):
    """The entry opened for reading; one whose header cannot be found or read is the
    package's fault, as in `_read_entry`."""
    try:
        return archive.open(info)
    except CORRUPT:
        raise _reject(CORRUPT_REASON) from None


def _read_entry(source) -> bytes:
    """The next chunk of an entry's data. A damaged entry is the package's fault; this keeps
    it apart from an OSError in writing the file (a clash between entries, a full disk)."""
    try:
        return source.read(CHUNK)
    except CORRUPT:
        raise _reject(CORRUPT_REASON) from None


def extract_package_safely(source, manifest, destination, limits=DEFAULT_LIMITS) -> int:
    """`extract_package`, turning a corrupt archive or a clash between entries into a
    PackageRejected too. Any other OSError (a full disk, a folder it may not write to) is the
    server's, not the package's, and is raised as it is."""
    try:
        return extract_package(source, manifest, destination, limits)
    except (zipfile.BadZipFile, zlib.error, EOFError, lzma.LZMAError):
        raise _reject(CORRUPT_REASON) from None
    except (FileExistsError, NotADirectoryError, IsADirectoryError):
        # A file where another entry needs a folder of the same name, or the other way round.
        raise _reject(_("The package's files clash with each other.")) from None
