"""Reading a roster CSV: the columns, parsing and row-by-row validation.

Pure Python (no database): `roster_parse(data, kind=...)` turns the uploaded bytes into rows or
a list of errors naming the line and column of each problem. What the rows mean for the
database (matching people by MIS id, creating groups) is `services.roster_import`.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import secrets
import unicodedata
from dataclasses import dataclass, field, replace

from anyascii import anyascii
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
GROUP_SEPARATOR = ";"


class Kind:
    PUPILS = "pupils"
    STAFF = "staff"


@dataclass(frozen=True)
class Column:
    """One column of the roster CSV, as documented on the import page and in the README."""

    name: str
    required_for: tuple[str, ...]
    max_length: int
    description: str
    example: str
    # Other headers this column is read from: the names MIS exports (SIMS, Arbor, Bromcom,
    # Scholarpack) give it, in order of preference when a file has more than one.
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column(
        "mis_id",
        (Kind.PUPILS, Kind.STAFF),
        64,
        _(
            "Your school's own id for the person, for example the admission number or staff "
            "code from your MIS. Importing the file again matches people by this column, so "
            "it updates them rather than adding them twice. Not the UPN: Upstander does "
            "not store it."
        ),
        "A1234",
        ("Adno", "Adm No", "Admission No", "Admission Number", "Staff Code"),
    ),
    Column(
        "first_name",
        (Kind.PUPILS, Kind.STAFF),
        150,
        _("First name. When a file has both, the preferred forename is used over the legal one."),
        "Priya",
        ("Preferred Forename", "Preferred First Name", "Forename", "Legal Forename", "Given Name"),
    ),
    Column(
        "last_name",
        (Kind.PUPILS, Kind.STAFF),
        150,
        _("Last name."),
        "Patel",
        ("Preferred Surname", "Surname", "Legal Surname", "Family Name"),
    ),
    Column(
        "email",
        (Kind.STAFF,),
        150,  # it becomes the username, which Django limits to 150 characters
        _(
            "Staff only: a work email address, which is also their username. Leave it empty "
            "for pupils: Upstander does not need pupils' email addresses (a pupils file's "
            "Email Address column is ignored)."
        ),
        "",
        ("Email Address", "E-mail", "Work Email"),
    ),
    Column(
        "class",
        (),
        100,
        _(
            "Classes, separated by semicolons (8R; 8 Maths set 2). Pupils join them; staff "
            "teach them. A file with several of the columns this is read from puts people in "
            "the groups of each."
        ),
        "8R",
        ("Reg Group", "Registration Group", "Form", "Form Group", "Tutor Group", "Classes"),
    ),
    Column(
        "year_group",
        (),
        100,
        _(
            "Year groups: a pupil's one year group, or the year groups a member of staff "
            "teaches, separated by semicolons. A year written 8, Y8 or Yr 8 is Year 8; R is "
            "Reception and N is Nursery."
        ),
        "Year 8",
        ("NC Year",),
    ),
    Column(
        "staff_team",
        (),
        100,
        _("Staff only: staff teams they belong to, separated by semicolons."),
        "",
    ),
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)
GROUP_COLUMNS = ("class", "year_group", "staff_team")
_COLUMNS_BY_NAME = {column.name: column for column in COLUMNS}


@dataclass(frozen=True)
class RosterRow:
    """A valid row. `line` is the line number in the file (the header is line 1)."""

    line: int
    mis_id: str
    first_name: str
    last_name: str
    email: str = ""
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class RowError:
    """A problem with the file. `line` is None for problems with the file as a whole."""

    message: str
    line: int | None = None
    column: str = ""


@dataclass
class ParsedRoster:
    rows: list[RosterRow]
    errors: list[RowError]
    # Group columns present in the file: only these kinds of membership are replaced.
    group_columns: tuple[str, ...]
    ignored_columns: tuple[str, ...]
    # Each column's header as the file writes it ("Adno" for mis_id), to name it in problems.
    column_titles: dict[str, str] = field(default_factory=dict)


class RosterFileError(ValueError):
    """The file cannot be read at all (not a CSV, wrong encoding, too large, empty)."""


def roster_template_csv(kind: str) -> str:
    """A CSV with the header and one example row, for people to fill in."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    names = [c.name for c in COLUMNS if kind == Kind.STAFF or c.name not in {"email", "staff_team"}]
    writer.writerow(names)
    example = {c.name: c.example for c in COLUMNS}
    if kind == Kind.STAFF:
        example.update(
            mis_id="T042",
            first_name="Sam",
            last_name="Jones",
            email="s.jones@school.example",
            staff_team="Pastoral team",
        )
    writer.writerow([example[name] for name in names])
    return buffer.getvalue()


def _normalise_header(name: str) -> str:
    """ "First-Name ", "first name", "FirstName" and "Adm. No." are "first_name" and
    "adm_no"."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name.strip())  # "FirstName", "MisId"
    return re.sub(r"[\W_]+", "_", words.casefold()).strip("_")


def _sources(header: list[str], *, kind: str) -> dict[str, list[int]]:
    """For each column, the positions in `header` it is read from, the preferred first.

    A pupils file's email aliases are not read: an MIS export of pupils often carries their
    email addresses, which Upstander does not keep (an `email` column is still refused)."""
    sources: dict[str, list[int]] = {}
    for column in COLUMNS:
        names = [column.name]
        if not (column.name == "email" and kind == Kind.PUPILS):
            names += [_normalise_header(alias) for alias in column.aliases]
        found = [header.index(name) for name in names if name in header]
        if found:
            sources[column.name] = found
    return sources


# What a name from a UK school's Windows (code page 1252, the "ANSI" text Excel saves as
# plain "CSV") holds beyond ASCII: the accented letters of Western European names (À to ÿ).
# The same bytes in another 8-bit encoding (a Mac's, whose é is 1252's Ž, or Central
# European Windows', whose Ł is 1252's £) mostly read as symbols: such a file is refused.
# A non-breaking space (pasted from a web page or an email) is read as the space it is.
_WINDOWS_NAME_CHARACTERS = frozenset(
    [chr(c) for c in range(0xC0, 0x100) if c not in (0xD7, 0xF7)] + ["\u00a0"]
)


def _windows_text(data: bytes) -> str | None:
    """`data` read as Windows-1252, when every character that is not ASCII is one a name
    has there; otherwise None (the file is refused, naming UTF-8)."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    if all(ch.isascii() or ch in _WINDOWS_NAME_CHARACTERS for ch in text):
        return text
    return None


def _decode(data: bytes) -> str:
    if not data.strip():
        raise RosterFileError(_("The file is empty."))
    if len(data) > MAX_FILE_BYTES:
        raise RosterFileError(
            _("The file is too large: the limit is %(mb)d MB. Split it into smaller files.")
            % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
        )
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise RosterFileError(
            _(
                "This is a spreadsheet file, not a CSV file. In your spreadsheet program choose "
                "Save As, then 'CSV UTF-8 (comma delimited)', and upload that file."
            )
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode Text": tab-separated, in UTF-16 with its byte-order mark. Its
        # zero bytes are part of the encoding; a NUL character in the text is not, and no
        # database row can hold one (PostgreSQL refuses it).
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            text = None  # not text after all: refused below
        if text is not None and "\x00" not in text:
            return text
    if b"\x00" in data:
        raise RosterFileError(
            _("This does not look like a CSV file. Save your spreadsheet as 'CSV UTF-8'.")
        )
    try:
        # utf-8-sig drops the byte-order mark that Excel's "CSV UTF-8" writes.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if (text := _windows_text(data)) is not None:
            return text
        line = data[: exc.start].count(b"\n") + 1
        raise RosterFileError(
            _(
                "The file is not saved as UTF-8 text (first unreadable character on line "
                "%(line)d). In your spreadsheet program choose Save As, then "
                "'CSV UTF-8 (comma delimited)'."
            )
            % {"line": line}
        ) from exc


def roster_text(data: bytes | str) -> str:
    """The text of an uploaded roster file, read as `roster_parse` reads it (UTF-8, Excel's
    UTF-16 "Unicode Text" or a Windows "CSV"). Raises RosterFileError when it cannot be.
    Text is a file already read (and its size checked) when it was uploaded."""
    return data if isinstance(data, str) else _decode(data)


def _split_groups(value: str) -> tuple[str, ...]:
    names = []
    for part in value.split(GROUP_SEPARATOR):
        name = " ".join(part.split())
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return tuple(names)


# A year as MIS exports write it: "8", "08", "Y8", "Yr 8", "Year 8"; "R", "YR", "Reception";
# "N", "N1", "Nursery 2".
_YEAR = re.compile(r"(?:y|yr|year)?\s*0*(\d{1,2})", re.IGNORECASE)
_RECEPTION = re.compile(r"(?:(?:y|yr|year)\s*)?(?:r|rec|reception)", re.IGNORECASE)
_NURSERY = re.compile(r"(?:n|nursery)\s*([12])?", re.IGNORECASE)


def year_group_name(name: str) -> str:
    """The year group a cell names, spelt one way ("8", "Y8" and "Yr 8" are "Year 8"), so
    that an export writing the NC Year as a bare number joins the school's "Year 8" rather
    than making a year group "8" beside it. Other names are kept as written."""
    if match := _YEAR.fullmatch(name):
        return f"Year {int(match[1])}"
    if _RECEPTION.fullmatch(name):
        return "Reception"
    if match := _NURSERY.fullmatch(name):
        return f"Nursery {match[1]}" if match[1] else "Nursery"
    return name


def _separator(text: str) -> str:
    """Commas, unless the header line has none but tabs (Excel's "Text (Tab delimited)") or
    semicolons (Excel's CSV on a computer whose region writes decimals with a comma, whatever
    kind of CSV it is told to save). Cells listing several groups are then in quotes."""
    header = next(iter(text.splitlines()), "")
    if "," not in header:
        for separator in ("\t", ";"):
            if separator in header:
                return separator
    return ","


# The MIS id columns only pupils have (an admission number), or only staff (a staff code).
_PUPIL_ID_HEADERS = frozenset(
    _normalise_header(name) for name in ("Adno", "Adm No", "Admission No", "Admission Number")
)
_STAFF_ID_HEADERS = frozenset({_normalise_header("Staff Code")})


def _refuse_the_other_kinds_ids(header: list[str], sources: dict, *, kind: str) -> None:
    """A file whose ids are the other kind of person's was chosen as the wrong kind: imported,
    pupils would be staff teaching their own classes (or staff pupils)."""
    if "mis_id" not in sources:
        return
    id_header = header[sources["mis_id"][0]]
    if kind == Kind.STAFF and id_header in _PUPIL_ID_HEADERS:
        raise RosterFileError(
            _(
                "This file's ids are admission numbers, which pupils have, so it looks like a "
                "list of pupils: nothing was imported. If it is, choose Pupils and upload it "
                "again."
            )
        )
    if kind == Kind.PUPILS and id_header in _STAFF_ID_HEADERS:
        raise RosterFileError(
            _(
                "This file's ids are staff codes, so it looks like a list of staff: nothing "
                "was imported. If it is, choose Staff and upload it again."
            )
        )


def roster_parse(data: bytes | str, *, kind: str) -> ParsedRoster:
    """Read and validate every row. Raises RosterFileError when the file cannot be read;
    otherwise returns the valid rows and a list of every problem found. `data` is the file
    uploaded, or its text as `roster_text` read it (the leavers' confirmation carries that:
    its size in UTF-8 is not the file's, which the limit is on)."""
    text = roster_text(data)
    records: list[list[str]] = []
    # The line each record starts on, as an editor numbers them: a quoted cell may hold line
    # breaks (an address from an MIS, a cell typed with Alt+Enter in Excel).
    starts: list[int] = []
    start = 1
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(text), strict=True)
        for record in reader:
            records.append(record)
            starts.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        # Python's own reason ("',' expected after '\"'") means nothing to a school; the
        # line being read is where the stray or unclosed quotation mark is.
        raise RosterFileError(
            _(
                'Line %(line)d could not be read as CSV: check its quotation marks ("). A cell '
                "that starts with one must end with one, and a quotation mark inside a cell is "
                'written twice ("").'
            )
            % {"line": start}
        ) from exc
    # Ignore trailing blank lines and rows of empty cells (spreadsheets leave them).
    while records and not any(cell.strip() for cell in records[-1]):
        records.pop()
        starts.pop()
    if not records:
        raise RosterFileError(_("The file is empty."))
    header = [_normalise_header(name) for name in records[0]]
    errors: list[RowError] = []
    sources = _sources(header, kind=kind)
    _refuse_the_other_kinds_ids(header, sources, kind=kind)
    required = [c.name for c in COLUMNS if kind in c.required_for]
    missing = [name for name in required if name not in sources]
    if missing:
        message = _("The first line must name the columns. Missing: %(missing)s.") % {
            "missing": ", ".join(missing)
        }
        if "mis_id" in missing and "upn" in header:
            message += " " + _(
                "Upstander does not store UPNs: include the admission number (Adno) instead."
            )
        raise RosterFileError(message)
    # Only the columns the import reads must be named once: an MIS export repeats the headers
    # of what it lists more than one of (each contact's "Contact Name"), which is not read.
    read = {header[i] for positions in sources.values() for i in positions}
    duplicated = sorted({name for name in read if header.count(name) > 1})
    if duplicated:
        raise RosterFileError(
            _("These columns appear more than once: %(names)s.") % {"names": ", ".join(duplicated)}
        )
    if len(records) == 1:
        raise RosterFileError(_("The file has a header line but no people in it."))
    # An id from a second column would be another system's: only the preferred one is read.
    sources["mis_id"] = sources["mis_id"][:1]
    used = {i for positions in sources.values() for i in positions}
    titles = [name.strip() for name in records[0]]
    ignored = tuple(
        dict.fromkeys(titles[i] for i, name in enumerate(header) if name and i not in used)
    )
    group_columns = tuple(name for name in GROUP_COLUMNS if name in sources)

    rows: list[RosterRow] = []
    # Each MIS id's first line, its values and its row's place in `rows` (None if invalid).
    seen_mis: dict[str, tuple[int, dict[str, str], int | None]] = {}
    seen_email: dict[str, tuple[int, str]] = {}
    # What one person's rows must agree on. A pupil is in one year group; a member of staff
    # teaches each class's year, so their year groups add up like their classes.
    agreeing = ("first_name", "last_name", "email") + (
        ("year_group",) if kind == Kind.PUPILS else ()
    )
    # The limit is on people, not rows: an export of classes lists a pupil once per class,
    # and split into several files it would leave them in the last file's classes only.
    people = 0
    for line, record in zip(starts[1:], records[1:], strict=True):
        if not any(cell.strip() for cell in record):
            continue
        # Empty cells past the last column (a separator ending every row) are no problem.
        if any(cell.strip() for cell in record[len(header) :]):
            errors.append(
                RowError(
                    _("This row has %(got)d cells but the header has %(want)d columns.")
                    % {"got": len(record), "want": len(header)},
                    line,
                )
            )
            continue
        values: dict[str, str] = {}
        labels: dict[str, str] = {}  # the header each value came from, to name it in errors
        for name, positions in sources.items():
            cells = [(i, _cell(record[i], name) if i < len(record) else "") for i in positions]
            filled = [(i, cell) for i, cell in cells if cell] or cells[:1]
            if name == "class":  # a registration group and teaching classes: all of them
                values[name] = GROUP_SEPARATOR.join(cell for _i, cell in filled)
            else:  # the preferred forename, else the legal one; "Year 8" rather than "8"
                values[name] = filled[0][1]
            if name == "year_group":
                values[name] = GROUP_SEPARATOR.join(
                    year_group_name(part.strip()) for part in values[name].split(GROUP_SEPARATOR)
                )
            labels[name] = titles[filled[0][0]]
        row_errors = _validate_row(values, kind=kind, line=line)
        mis_id = values.get("mis_id", "")
        key = mis_id_key(mis_id)
        earlier = seen_mis.get(key) if mis_id else None
        if earlier is None:
            people += 1
        if earlier is not None:
            # MIS exports of classes list a person once per class: the same person, in one
            # more class, as long as the rows agree on who they are.
            other_line, other_values, _position = earlier
            differing = [
                labels.get(name, name)
                for name in agreeing
                if _comparable(name, values.get(name, ""))
                != _comparable(name, other_values.get(name, ""))
            ]
            if differing:
                row_errors.append(
                    RowError(
                        _(
                            "The same MIS id is on line %(other)d with a different "
                            "%(columns)s: rows for one person must agree on it."
                        )
                        % {"other": other_line, "columns": ", ".join(differing)},
                        line,
                        "mis_id",
                    )
                )
        email = values.get("email", "").lower()
        if email and kind == Kind.STAFF:
            if email in seen_email and seen_email[email][1] != key:
                row_errors.append(
                    RowError(
                        _("The same email address is on line %(other)d.")
                        % {"other": seen_email[email][0]},
                        line,
                        "email",
                    )
                )
            else:
                seen_email.setdefault(email, (line, key))
        if row_errors:
            errors.extend(replace(e, column=labels.get(e.column, e.column)) for e in row_errors)
            if mis_id and earlier is None:
                seen_mis[key] = (line, values, None)
            continue
        groups = {name: _split_groups(values[name]) for name in group_columns}
        if earlier is not None:
            position = earlier[2]
            if position is not None:
                first = rows[position]
                rows[position] = replace(
                    first,
                    groups={
                        name: _split_groups(GROUP_SEPARATOR.join(first.groups[name] + groups[name]))
                        for name in group_columns
                    },
                )
            continue
        seen_mis[key] = (line, values, len(rows))
        rows.append(
            RosterRow(
                line=line,
                mis_id=mis_id,
                first_name=values["first_name"],
                last_name=values["last_name"],
                email=email,
                groups=groups,
            )
        )
    if people > MAX_ROWS:
        raise RosterFileError(
            _(
                "The file lists %(count)d people; the limit is %(limit)d. Split it into "
                "smaller files, keeping all of each person's rows in the same file."
            )
            % {"count": people, "limit": MAX_ROWS}
        )
    return ParsedRoster(
        rows=rows,
        errors=errors,
        group_columns=group_columns,
        ignored_columns=ignored,
        column_titles={name: titles[positions[0]] for name, positions in sources.items()},
    )


# Characters that take no space, which a cell pasted from a web page or another program can
# carry unseen: zero-width space, a byte-order mark mid-file, word joiner, Mongolian vowel
# separator. "A100" followed by one would be another MIS id (a second account), "8R" another
# class. Joiners and direction marks may be part of a name and are kept there.
INVISIBLE_CHARACTERS = "\u200b\ufeff\u2060\u180e"
_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE_CHARACTERS))


def mis_id_key(mis_id: str) -> str:
    """An MIS id as the import finds people by it: whatever its case ("STRASSE7" is
    "Straße7", as an export in capitals writes it; Turkish's dotted and dotless i are i) and
    width (the full-width letters and digits a Chinese or Japanese keyboard types are these),
    without the invisible characters an earlier import may have kept in it, and an admission
    number whatever its leading zeros (Excel opening an export reads "001234" as the number
    1234 and saves it so). Reading the file, finding the school's people, listing leavers
    and the admin's check all compare ids by this alone, so that one id is one person to
    each of them."""
    # Unicode's NFKC_Casefold: case folded after and before compatibility normalisation.
    folded = unicodedata.normalize("NFKC", mis_id.translate(_INVISIBLE)).casefold()
    # Turkish capitals: a computer set to Turkish writes "i100" in capitals with a dotted
    # capital I, whose folding is "i" and a combining dot above, and "I100" in small letters
    # with a dotless i.
    folded = folded.replace("i\u0307", "i").replace("\u0131", "i")
    key = unicodedata.normalize("NFKC", folded)
    if key.isascii() and key.isdigit():
        return key.lstrip("0") or "0"
    return key


def _cell(value: str, name: str) -> str:
    """A cell's text as the import reads it: spaces (non-breaking ones too) collapsed and
    trimmed, and no invisible characters; an MIS id or email address has no format
    characters at all (they would make it another person's)."""
    value = value.translate(_INVISIBLE)
    if name in {"mis_id", "email"}:
        value = "".join(ch for ch in value if unicodedata.category(ch) != "Cf")
    return " ".join(value.split())


def _comparable(name: str, value: str):
    """A value as two rows of one person must agree on it: emails and group lists ignore
    case, as the import does."""
    if name in GROUP_COLUMNS:
        return {group.casefold() for group in _split_groups(value)}
    return value.lower() if name == "email" else value


def _validate_row(values: dict[str, str], *, kind: str, line: int) -> list[RowError]:
    errors = []
    for name, value in values.items():
        column = _COLUMNS_BY_NAME[name]
        if not value:
            if kind in column.required_for:
                errors.append(RowError(_("This is required."), line, name))
            continue
        if name in GROUP_COLUMNS:
            # "8R, 9T" would be one class of that name, and the pupil out of 8R and 9T. Only
            # a staff team's name may have a comma ("English, Media and Drama").
            if name != "staff_team" and "," in value:
                errors.append(
                    RowError(
                        _(
                            "Separate classes and year groups with semicolons (8R; 9T), not "
                            "commas: their names cannot contain a comma."
                        ),
                        line,
                        name,
                    )
                )
                continue
            too_long = [g for g in _split_groups(value) if len(g) > column.max_length]
            if too_long:
                errors.append(
                    RowError(
                        _("Group names can be at most %(max)d characters.")
                        % {"max": column.max_length},
                        line,
                        name,
                    )
                )
        elif len(value) > column.max_length:
            errors.append(
                RowError(
                    _("This can be at most %(max)d characters.") % {"max": column.max_length},
                    line,
                    name,
                )
            )
    if kind == Kind.PUPILS:
        if values.get("email"):
            errors.append(
                RowError(
                    _("Leave email empty for pupils: Upstander does not store pupils' emails."),
                    line,
                    "email",
                )
            )
        if values.get("staff_team"):
            errors.append(RowError(_("Pupils cannot be in staff teams."), line, "staff_team"))
        # A pupil is in one year: in two year groups they would be counted in both years'
        # records and listed to both years' teachers (as rows that disagree on it are refused).
        if len(_split_groups(values.get("year_group", ""))) > 1:
            errors.append(
                RowError(
                    _(
                        "A pupil is in one year group: this row names %(groups)s. Classes "
                        "of mixed years go in the class column."
                    )
                    % {"groups": ", ".join(_split_groups(values["year_group"]))},
                    line,
                    "year_group",
                )
            )
    email = values.get("email", "")
    if kind == Kind.STAFF and email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(RowError(_("This is not a valid email address."), line, "email"))
    return errors


# Generated usernames and passwords -------------------------------------------------------

# Short, common, easy-to-spell words for pupils' first passwords: no homophones, nothing that
# reads as rude, nothing that looks like another word when written by hand.
PASSWORD_WORDS = [
    "acorn",
    "anchor",
    "apple",
    "arrow",
    "badge",
    "banjo",
    "basil",
    "beach",
    "bison",
    "blaze",
    "bloom",
    "boat",
    "bonus",
    "brave",
    "bread",
    "brick",
    "bridge",
    "brook",
    "brush",
    "cabin",
    "cactus",
    "camel",
    "candle",
    "canoe",
    "canyon",
    "carrot",
    "castle",
    "cedar",
    "chalk",
    "cherry",
    "chess",
    "cider",
    "circle",
    "cliff",
    "clock",
    "cloud",
    "clover",
    "cobalt",
    "comet",
    "copper",
    "coral",
    "cosmic",
    "cotton",
    "crane",
    "crater",
    "crayon",
    "cricket",
    "crown",
    "crystal",
    "daisy",
    "delta",
    "desert",
    "diamond",
    "dolphin",
    "dragon",
    "drum",
    "eagle",
    "echo",
    "ember",
    "emerald",
    "engine",
    "falcon",
    "feather",
    "fern",
    "fiddle",
    "field",
    "flame",
    "flint",
    "forest",
    "fossil",
    "fox",
    "galaxy",
    "garden",
    "gecko",
    "geyser",
    "ginger",
    "glacier",
    "globe",
    "goose",
    "granite",
    "grape",
    "gravel",
    "harbour",
    "hazel",
    "hedge",
    "heron",
    "hill",
    "honey",
    "horizon",
    "iceberg",
    "igloo",
    "island",
    "ivy",
    "jacket",
    "jade",
    "jelly",
    "jigsaw",
    "jungle",
    "kayak",
    "kettle",
    "kite",
    "koala",
    "ladder",
    "lagoon",
    "lantern",
    "lemon",
    "lily",
    "lime",
    "lizard",
    "llama",
    "lobster",
    "locket",
    "lotus",
    "magnet",
    "mango",
    "maple",
    "marble",
    "meadow",
    "melon",
    "meteor",
    "mint",
    "mirror",
    "monkey",
    "moose",
    "mountain",
    "nectar",
    "needle",
    "nest",
    "noodle",
    "oak",
    "oasis",
    "ocean",
    "olive",
    "onion",
    "orbit",
    "orchard",
    "otter",
    "owl",
    "paddle",
    "panda",
    "parrot",
    "pebble",
    "pepper",
    "piano",
    "pigeon",
    "pine",
    "planet",
    "plum",
    "pocket",
    "pony",
    "poppy",
    "puffin",
    "pumpkin",
    "quartz",
    "quill",
    "rabbit",
    "radar",
    "rain",
    "raven",
    "reef",
    "ribbon",
    "river",
    "robin",
    "rocket",
    "ruby",
    "saddle",
    "sail",
    "salmon",
    "sapphire",
    "satellite",
    "scarf",
    "seal",
    "shell",
    "silver",
    "sketch",
    "sled",
    "snail",
    "spark",
    "spider",
    "sponge",
    "spruce",
    "squirrel",
    "star",
    "stone",
    "storm",
    "sugar",
    "summit",
    "sunset",
    "swan",
    "tablet",
    "tango",
    "teapot",
    "thistle",
    "thunder",
    "tiger",
    "timber",
    "toast",
    "tomato",
    "topaz",
    "tortoise",
    "tower",
    "trail",
    "tulip",
    "tundra",
    "turtle",
    "valley",
    "velvet",
    "violet",
    "volcano",
    "wagon",
    "walnut",
    "walrus",
    "wave",
    "whale",
    "willow",
    "window",
    "winter",
    "wizard",
    "yacht",
    "yoghurt",
    "zebra",
    "zigzag",
]


def password_generate() -> str:
    """A first password a pupil can type: three words and two digits (about 30 bits)."""
    words = [secrets.choice(PASSWORD_WORDS) for _ in range(3)]
    return "-".join([*words, f"{secrets.randbelow(100):02d}"])


# Letters with no accent to take off, spelt as their languages write them without one:
# otherwise folding to ASCII drops them ("Łukasz" would be "ukasz").
SPELT_IN_ASCII = str.maketrans(
    {
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "ß": "ss",
        "þ": "th",
        "\u0131": "i",
        "ħ": "h",
        "ŧ": "t",
        "ŋ": "n",
    }  # \u0131: the dotless i of Turkish
)


def username_base(first_name: str, last_name: str) -> str:
    """The start of a pupil's username: first name and last initial, lower-case ASCII
    letters and digits only ("Zoë O'Brien" -> "zoeo", "Łukasz Ødegård" -> "lukaszo"). Names
    in other alphabets are spelt in Latin letters ("Мария Иванова" -> "mariyai", "小明 李"
    -> "xiaomingl"), so that a pupil can read their username and a class's usernames are not
    all "pupil" with a number. A number is added to make it unique."""

    def ascii_letters(value: str) -> str:
        value = value.lower().translate(SPELT_IN_ASCII)
        # Only letters, marks and digits: anyascii spells symbols and emoji as words.
        kept = "".join(ch for ch in value if unicodedata.category(ch)[0] in "LMN")
        return re.sub(r"[^a-z0-9]", "", anyascii(unicodedata.normalize("NFC", kept)).lower())

    first = ascii_letters(first_name)[:20]
    last = ascii_letters(last_name)[:1]
    return (first + last) or "pupil"
