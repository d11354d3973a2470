"""Reading roster CSVs: parsing and row-by-row validation, without a database."""

import re
from pathlib import Path

import pytest

from schools.roster import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    PASSWORD_WORDS,
    Kind,
    RosterFileError,
    password_generate,
    roster_parse,
    roster_template_csv,
    username_base,
)

STATIC_FILES = Path(__file__).resolve().parents[3] / "static" / "files"


def csv_bytes(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def errors_of(parsed) -> list[tuple[int | None, str, str]]:
    return [(e.line, e.column, str(e.message)) for e in parsed.errors]


def test_a_valid_pupils_file_gives_one_row_per_pupil_with_their_groups():
    parsed = roster_parse(
        csv_bytes(
            "mis_id,first_name,last_name,class,year_group",
            "A1,Priya,Patel,8R; 8 Maths set 2,Year 8",
            "A2,Sam,Jones,8R,Year 8",
        ),
        kind=Kind.PUPILS,
    )
    assert parsed.errors == []
    assert [row.mis_id for row in parsed.rows] == ["A1", "A2"]
    assert parsed.rows[0].groups == {"class": ("8R", "8 Maths set 2"), "year_group": ("Year 8",)}
    assert parsed.rows[0].line == 2
    assert parsed.group_columns == ("class", "year_group")


def test_headers_are_matched_whatever_their_case_spacing_or_order():
    parsed = roster_parse(
        csv_bytes("Last Name, First-Name ,MIS ID", "Patel,Priya,A1"), kind=Kind.PUPILS
    )
    assert parsed.errors == []
    assert (parsed.rows[0].first_name, parsed.rows[0].last_name) == ("Priya", "Patel")


def test_the_byte_order_mark_excel_writes_is_ignored():
    data = "\ufeffmis_id,first_name,last_name\r\nA1,Zoë,O'Brien\r\n".encode()
    parsed = roster_parse(data, kind=Kind.PUPILS)
    assert parsed.rows[0].mis_id == "A1"
    assert parsed.rows[0].first_name == "Zoë"


def test_unknown_columns_are_ignored_and_reported():
    parsed = roster_parse(
        csv_bytes("mis_id,first_name,last_name,upn", "A1,Priya,Patel,X123"), kind=Kind.PUPILS
    )
    assert parsed.errors == []
    assert parsed.ignored_columns == ("upn",)


def test_every_row_problem_is_reported_with_its_line_and_column():
    parsed = roster_parse(
        csv_bytes(
            "mis_id,first_name,last_name,email,staff_team",
            "A1,Priya,,,",
            ",Sam,Jones,,",
            "A3,Ali,Khan,ali@example.org,",
            "A4,Bo,Li,,Pastoral",
            "A1,Cy,Dee,,",
        ),
        kind=Kind.PUPILS,
    )
    assert parsed.rows == []
    found = [(line, column) for line, column, _message in errors_of(parsed)]
    assert found == [
        (2, "last_name"),
        (3, "mis_id"),
        (4, "email"),
        (5, "staff_team"),
        (6, "mis_id"),
    ]
    assert "line 2" in errors_of(parsed)[-1][2]


def test_staff_need_a_valid_unique_email():
    parsed = roster_parse(
        csv_bytes(
            "mis_id,first_name,last_name,email",
            "T1,Sam,Jones,",
            "T2,Ali,Khan,not-an-email",
            "T3,Bo,Li,Bo.Li@school.example",
            "T4,Bo,Lee,bo.li@school.example",
        ),
        kind=Kind.STAFF,
    )
    assert [(line, column) for line, column, _m in errors_of(parsed)] == [
        (2, "email"),
        (3, "email"),
        (5, "email"),
    ]
    assert parsed.rows[0].email == "bo.li@school.example"


def test_a_staff_file_without_an_email_column_is_refused():
    with pytest.raises(RosterFileError, match="Missing: email"):
        roster_parse(csv_bytes("mis_id,first_name,last_name", "T1,Sam,Jones"), kind=Kind.STAFF)


def test_a_file_missing_required_columns_names_them():
    with pytest.raises(RosterFileError, match="Missing: mis_id, last_name"):
        roster_parse(csv_bytes("first_name,class", "Priya,8R"), kind=Kind.PUPILS)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\r\n\r\n", "empty"),
        (b"mis_id,first_name,last_name\r\n", "no people"),
        (b"PK\x03\x04\x14\x00\x06\x00", "spreadsheet file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "spreadsheet file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "does not look like a CSV"),
        ("mis_id,first_name,last_name\r\nA1,Łukasz,Smith\r\n".encode("cp1250"), "UTF-8"),
        ("mis_id,first_name,last_name\r\nA1,Zoë,Smith\r\n".encode("mac_roman"), "UTF-8"),
        ("mis_id,first_name,last_name\r\nA1,María,Smith\r\n".encode("mac_roman"), "UTF-8"),
        (b"mis_id,first_name,last_name,mis_id\r\nA1,P,P,A1\r\n", "more than once"),
        (b'mis_id,first_name,last_name\r\nA1,"Priya,Patel\r\n', "could not be read as CSV"),
    ],
)
def test_files_that_cannot_be_read_get_a_clear_error(data, message):
    with pytest.raises(RosterFileError, match=message):
        roster_parse(data, kind=Kind.PUPILS)


def test_the_wrong_encoding_error_names_the_line():
    data = "mis_id,first_name,last_name\r\nA1,Ann,Smith\r\nA2,Zoë,Smith\r\n".encode("mac_roman")
    with pytest.raises(RosterFileError, match="line 3"):
        roster_parse(data, kind=Kind.PUPILS)


def test_files_over_the_size_limit_are_refused():
    data = b"mis_id,first_name,last_name\r\n" + b"A1,Priya,Patel\r\n" * (MAX_FILE_BYTES // 16)
    with pytest.raises(RosterFileError, match="too large"):
        roster_parse(data, kind=Kind.PUPILS)


def test_files_with_too_many_rows_are_refused():
    lines = ["mis_id,first_name,last_name"] + [f"A{i},P,Q" for i in range(MAX_ROWS + 1)]
    with pytest.raises(RosterFileError, match="limit is 5000"):
        roster_parse(csv_bytes(*lines), kind=Kind.PUPILS)


def test_a_row_with_more_cells_than_columns_is_an_error():
    parsed = roster_parse(
        csv_bytes("mis_id,first_name,last_name", "A1,Priya,Patel,extra"), kind=Kind.PUPILS
    )
    assert [(e.line, e.column) for e in parsed.errors] == [(2, "")]


def test_empty_cells_after_the_last_column_are_ignored():
    """Some exports end every row with a separator, and a cell cleared in a spreadsheet
    stays in the file as an empty one."""
    parsed = roster_parse(
        csv_bytes("mis_id,first_name,last_name", "A1,Priya,Patel,", "A2,Sam,Jones, ,,"),
        kind=Kind.PUPILS,
    )
    assert parsed.errors == []
    assert [(row.mis_id, row.last_name) for row in parsed.rows] == [
        ("A1", "Patel"),
        ("A2", "Jones"),
    ]


def test_blank_lines_and_short_rows_are_accepted():
    parsed = roster_parse(
        csv_bytes("mis_id,first_name,last_name,class", "A1,Priya,Patel", ",,,", "", "A2,Sam,Jo,8R"),
        kind=Kind.PUPILS,
    )
    assert parsed.errors == []
    assert [row.groups["class"] for row in parsed.rows] == [(), ("8R",)]


def test_overlong_values_are_errors():
    parsed = roster_parse(
        csv_bytes("mis_id,first_name,last_name,class", f"{'X' * 65},Priya,Patel,{'C' * 101}"),
        kind=Kind.PUPILS,
    )
    assert [(e.line, e.column) for e in parsed.errors] == [(2, "mis_id"), (2, "class")]


def test_group_lists_are_tidied_and_deduplicated():
    parsed = roster_parse(
        csv_bytes("mis_id,first_name,last_name,class", 'A1,P,Q," 8R ;8r;; Maths  set 2 "'),
        kind=Kind.PUPILS,
    )
    assert parsed.rows[0].groups["class"] == ("8R", "Maths set 2")


@pytest.mark.parametrize("kind", [Kind.PUPILS, Kind.STAFF])
def test_the_downloadable_templates_are_current_and_import_cleanly(kind):
    on_disk = (STATIC_FILES / f"upstander-roster-{kind}.csv").read_bytes()
    assert on_disk.decode() == roster_template_csv(kind)
    parsed = roster_parse(on_disk, kind=kind)
    assert parsed.errors == []
    assert len(parsed.rows) == 1


def test_generated_passwords_are_three_words_and_two_digits_and_differ():
    passwords = {password_generate() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        *words, digits = password.split("-")
        assert all(word in PASSWORD_WORDS for word in words) and len(words) == 3
        assert re.fullmatch(r"\d\d", digits)


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("Priya", "Patel", "priyap"),
        ("Zoë", "O'Brien", "zoeo"),
        # Letters folding to ASCII would drop are spelt out.
        ("Łukasz", "Wiśniewski", "lukaszw"),
        ("Siân", "Ŵyn", "sianw"),
        ("Đorđe", "Ødegård", "dordeo"),
        ("Æsa", "Straße", "aesas"),
        ("I\u015f\u0131l", "Y\u0131lmaz", "isily"),
        ("Mary-Jane", "", "maryjane"),
        ("", "", "pupil"),
    ],
)
def test_usernames_start_from_the_first_name_and_last_initial(first, last, expected):
    assert username_base(first, last) == expected


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("Мария", "Иванова", "mariyai"),  # Cyrillic
        ("Νίκος", "Παπαδόπουλος", "nikosp"),  # Greek
        ("小明", "李", "xiaomingl"),  # Chinese
        ("محمد", "Khan", "mhmdk"),  # Arabic script, a surname in Latin letters
        ("Ayşe", "Ωmega", "ayseo"),
    ],
)
def test_names_in_other_alphabets_give_usernames_in_their_latin_spelling(first, last, expected):
    # Not "pupil" (so "pupil2", "pupil3"... for a whole class) nor one letter ("k").
    assert username_base(first, last) == expected


def test_a_staff_email_longer_than_a_username_can_be_is_an_error():
    email = "a" * 140 + "@school.example"
    parsed = roster_parse(
        csv_bytes("mis_id,first_name,last_name,email", f"T1,Sam,Jones,{email}"), kind=Kind.STAFF
    )
    assert [(e.line, e.column) for e in parsed.errors] == [(2, "email")]


@pytest.mark.parametrize(
    "bad_line",
    [
        'A1400,"Ann" Marie,Smith',  # text after the closing quotation mark
        'A1400,"Ann Marie,Smith',  # a quotation mark never closed
    ],
)
def test_a_misplaced_quotation_mark_is_named_by_its_line_in_plain_words(bad_line):
    lines = ["mis_id,first_name,last_name"]
    lines += [f"A{i},Ann,Smith" for i in range(1, 1400)]  # lines 2 to 1400
    lines += [bad_line, "A1401,Sam,Jones"]
    with pytest.raises(RosterFileError) as caught:
        roster_parse(csv_bytes(*lines), kind=Kind.PUPILS)
    message = str(caught.value)
    assert "Line 1401 " in message
    assert "quotation mark" in message
    assert "expected after" not in message
    assert "end of data" not in message


@pytest.mark.parametrize("separator", [";", "\t"])
def test_a_file_whose_columns_are_separated_by_semicolons_or_tabs_is_read(separator):
    """Excel writes "CSV" with semicolons where the computer's region uses a decimal comma,
    whichever CSV it is told to save, and its "Text (Tab delimited)" .txt with tabs."""
    rows = [
        ["MIS ID", "First Name", "Last Name", "Class", "Year Group"],
        ["A1", "Zoë", "O'Neill", "8R;8 Maths set 2", "Year 8"],
        ["A2", "Sam", "Jones, Jr", "8S", "Year 8"],
        ["", "", "", "", ""],
    ]
    lines = [
        separator.join(f'"{cell}"' if separator in cell else cell for cell in row) for row in rows
    ]
    data = b"\xef\xbb\xbf" + ("\r\n".join(lines) + "\r\n").encode()
    parsed = roster_parse(data, kind=Kind.PUPILS)
    assert parsed.errors == []
    assert [(r.line, r.mis_id, r.first_name, r.last_name) for r in parsed.rows] == [
        (2, "A1", "Zoë", "O'Neill"),
        (3, "A2", "Sam", "Jones, Jr"),
    ]
    assert parsed.rows[0].groups == {"class": ("8R", "8 Maths set 2"), "year_group": ("Year 8",)}


def test_classes_separated_by_commas_are_an_error_not_one_class_named_with_a_comma():
    """ "8R, 9T" in a spreadsheet cell would make a class called "8R, 9T" and take the
    pupil out of 8R and 9T, which the page lists as "New groups: 8R, 9T (Class)"."""
    parsed = roster_parse(
        csv_bytes(
            "mis_id,first_name,last_name,class,year_group",
            'A1,Priya,Patel,"8R, 8 Maths set 2",Year 8',
            'A2,Sam,Jones,8R,"Year 8,Year 9"',
        ),
        kind=Kind.PUPILS,
    )
    assert [(e.line, e.column) for e in parsed.errors] == [(2, "class"), (3, "year_group")]
    assert "semicolons" in str(parsed.errors[0].message)
    assert parsed.rows == []


def test_a_staff_team_may_have_a_comma_in_its_name():
    parsed = roster_parse(
        csv_bytes(
            "mis_id,first_name,last_name,email,staff_team",
            'T1,Sam,Jones,s.jones@school.example,"English, Media and Drama; Pastoral"',
        ),
        kind=Kind.STAFF,
    )
    assert parsed.errors == []
    assert parsed.rows[0].groups["staff_team"] == ("English, Media and Drama", "Pastoral")


@pytest.mark.parametrize(
    ("header", "row"),
    [
        (  # SIMS
            "Adno,UPN,Legal Surname,Legal Forename,Preferred Surname,Preferred Forename,"
            "Reg Group,Year Group",
            "A1,X123456789012,Patel,Priyanka,Patel,Priya,8R,Year 8",
        ),
        (  # Arbor
            "Admission Number,Legal Forename,Preferred Forename,Legal Surname,"
            "Registration Group,NC Year,Email Address",
            "A1,Priyanka,Priya,Patel,8R,Year 8,priya@pupils.example",
        ),
        (  # Bromcom / Scholarpack
            "ADNO,Forename,Surname,Form,Year Group",
            "A1,Priya,Patel,8R,Year 8",
        ),
        (
            "  adm. no. , FORENAME,  surname ,class,nc  year",
            "A1,Priya,Patel,8R,Year 8",
        ),
    ],
)
def test_the_column_names_mis_exports_use_are_read(header, row):
    parsed = roster_parse(csv_bytes(header, row), kind=Kind.PUPILS)
    assert parsed.errors == []
    [pupil] = parsed.rows
    assert (pupil.mis_id, pupil.first_name, pupil.last_name, pupil.email) == (
        "A1",
        "Priya",
        "Patel",
        "",
    )
    assert pupil.groups == {"class": ("8R",), "year_group": ("Year 8",)}
    assert "X123456789012" not in repr(pupil)


def test_a_staff_export_gives_email_address_and_staff_code():
    parsed = roster_parse(
        csv_bytes(
            "Staff Code,Forename,Surname,Email Address", "SJ,Sam,Jones,S.Jones@school.example"
        ),
        kind=Kind.STAFF,
    )
    assert parsed.errors == []
    assert (parsed.rows[0].mis_id, parsed.rows[0].email) == ("SJ", "s.jones@school.example")


def test_an_empty_preferred_forename_falls_back_to_the_legal_one():
    parsed = roster_parse(
        csv_bytes(
            "Adno,Legal Forename,Preferred Forename,Surname",
            "A1,Priyanka,Priya,Patel",
            "A2,Samuel,,Jones",
        ),
        kind=Kind.PUPILS,
    )
    assert [row.first_name for row in parsed.rows] == ["Priya", "Samuel"]


def test_a_registration_group_and_classes_both_become_classes():
    parsed = roster_parse(
        csv_bytes("Adno,Forename,Surname,Reg Group,Classes", "A1,Priya,Patel,8R,8 Maths set 2"),
        kind=Kind.PUPILS,
    )
    assert parsed.rows[0].groups == {"class": ("8R", "8 Maths set 2")}
    assert parsed.ignored_columns == ()


def test_problems_name_the_column_as_the_file_writes_it():
    parsed = roster_parse(csv_bytes("Adno,Forename,Surname,UPN", "A1,Priya,,X1"), kind=Kind.PUPILS)
    assert [(line, column) for line, column, _m in errors_of(parsed)] == [(2, "Surname")]
    assert parsed.ignored_columns == ("UPN",)


def test_a_file_with_the_upn_but_no_admission_number_says_why_it_is_refused():
    with pytest.raises(RosterFileError, match="does not store UPNs"):
        roster_parse(csv_bytes("UPN,Forename,Surname", "X1,Priya,Patel"), kind=Kind.PUPILS)


def test_a_file_with_both_year_group_and_nc_year_puts_a_pupil_in_one_year_group():
    """SIMS exports can carry both ("Year 8" and "8"): one pupil, one year group."""
    parsed = roster_parse(
        csv_bytes("Adno,Forename,Surname,Year Group,NC Year", "A1,Priya,Patel,Year 8,8"),
        kind=Kind.PUPILS,
    )
    assert parsed.rows[0].groups == {"year_group": ("Year 8",)}


def test_an_export_with_one_row_per_class_gives_one_pupil_in_every_class():
    parsed = roster_parse(
        csv_bytes(
            "Adno,Forename,Surname,Class,Year Group",
            "A1,Priya,Patel,8R,Year 8",
            "A2,Sam,Jones,8R,Year 8",
            "a1,Priya,Patel,8 Maths set 2,Year 8",
            "A1,Priya,Patel,8 French,year 8",
        ),
        kind=Kind.PUPILS,
    )
    assert parsed.errors == []
    assert [(row.mis_id, row.line) for row in parsed.rows] == [("A1", 2), ("A2", 3)]
    assert parsed.rows[0].groups == {
        "class": ("8R", "8 Maths set 2", "8 French"),
        "year_group": ("Year 8",),
    }


def test_a_member_of_staff_on_one_row_per_class_teaches_each_class_and_year():
    parsed = roster_parse(
        csv_bytes(
            "mis_id,first_name,last_name,email,class,year_group",
            "T1,Sam,Jones,s.jones@school.example,8R,Year 8",
            "T1,Sam,Jones,S.Jones@school.example,9T,Year 9",
        ),
        kind=Kind.STAFF,
    )
    assert parsed.errors == []
    [sam] = parsed.rows
    assert sam.groups == {"class": ("8R", "9T"), "year_group": ("Year 8", "Year 9")}


@pytest.mark.parametrize(
    ("kind", "header", "other_row", "differing"),
    [
        (Kind.PUPILS, "mis_id,first_name,last_name,class", "A1,Pria,Patel,8S", "first_name"),
        (Kind.PUPILS, "Adno,Forename,Surname,Year Group", "A1,Priya,Patil,Year 9", "Surname"),
        (Kind.PUPILS, "Adno,Forename,Surname,NC Year", "A1,Priya,Patel,Year 9", "NC Year"),
        (
            Kind.STAFF,
            "mis_id,first_name,last_name,email",
            "A1,Priya,Patel,p.patel2@school.example",
            "email",
        ),
    ],
)
def test_rows_with_one_mis_id_that_disagree_are_refused_naming_both_lines(
    kind, header, other_row, differing
):
    first = {
        "mis_id,first_name,last_name,class": "A1,Priya,Patel,8R",
        "Adno,Forename,Surname,Year Group": "A1,Priya,Patel,Year 8",
        "Adno,Forename,Surname,NC Year": "A1,Priya,Patel,Year 8",
        "mis_id,first_name,last_name,email": "A1,Priya,Patel,p.patel@school.example",
    }[header]
    parsed = roster_parse(csv_bytes(header, first, "A2,Sam,Jones" + "," * 1, other_row), kind=kind)
    problems = [e for e in errors_of(parsed) if e[0] == 4]
    assert [(line, column) for line, column, _m in problems] == [(4, header.split(",")[0])]
    assert "line 2" in problems[0][2]
    assert differing in problems[0][2]


@pytest.mark.parametrize(
    ("cell", "name"),
    [
        ("8", "Year 8"),
        ("08", "Year 8"),
        ("Y8", "Year 8"),
        ("y 8", "Year 8"),
        ("Yr 8", "Year 8"),
        ("Yr8", "Year 8"),
        ("Year 8", "Year 8"),
        ("year  8", "Year 8"),
        ("Year 11", "Year 11"),
        ("R", "Reception"),
        ("Reception", "Reception"),
        ("YR", "Reception"),
        ("Year R", "Reception"),
        ("N", "Nursery"),
        ("N1", "Nursery 1"),
        ("Year 8 Maths", "Year 8 Maths"),
        ("Upper Sixth", "Upper Sixth"),
    ],
)
def test_a_year_written_as_mis_exports_write_it_is_one_year_group(cell, name):
    """An NC Year exported as "8" must not make a year group "8" beside the school's
    "Year 8": the same year, however the MIS writes it."""
    parsed = roster_parse(
        csv_bytes("Adno,Forename,Surname,NC Year", f"A1,Priya,Patel,{cell}"), kind=Kind.PUPILS
    )
    assert parsed.errors == []
    assert parsed.rows[0].groups["year_group"] == (name,)


def test_rows_of_one_pupil_agree_on_a_year_written_two_ways():
    parsed = roster_parse(
        csv_bytes(
            "Adno,Forename,Surname,Reg Group,NC Year",
            "A1,Priya,Patel,8R,8",
            "A1,Priya,Patel,8 Ma1,Year 8",
        ),
        kind=Kind.PUPILS,
    )
    assert parsed.errors == []
    [row] = parsed.rows
    assert row.groups == {"class": ("8R", "8 Ma1"), "year_group": ("Year 8",)}


def test_a_file_excel_saved_as_plain_csv_on_windows_is_read_with_its_accents():
    """Excel's plain "CSV" on a UK Windows computer is Windows-1252 text, not UTF-8: its
    accented names are read as written rather than the file refused."""
    data = csv_bytes(
        "Adno,Forename,Surname",
        "A1,Zoë,O'Brien",
        "A2,José,Muñoz",
        "A3,Renée,Françoise",
        encoding="cp1252",
    )
    parsed = roster_parse(data, kind=Kind.PUPILS)
    assert parsed.errors == []
    assert [(r.first_name, r.last_name) for r in parsed.rows] == [
        ("Zoë", "O'Brien"),
        ("José", "Muñoz"),
        ("Renée", "Françoise"),
    ]


def test_a_file_excel_saved_as_unicode_text_is_read():
    """Excel's "Unicode Text (*.txt)" is tab-separated UTF-16 with a byte-order mark: the
    import offers .txt files, so it must read them, not call them "not a CSV file"."""
    text = "Adno\tForename\tSurname\r\nA1\tZoë\tŁukasz\r\n"
    for encoding in ("utf-16", "utf-16-be"):
        data = text.encode(encoding)
        if encoding == "utf-16-be":
            data = b"\xfe\xff" + data
        parsed = roster_parse(data, kind=Kind.PUPILS)
        assert parsed.errors == []
        assert [(r.mis_id, r.first_name, r.last_name) for r in parsed.rows] == [
            ("A1", "Zoë", "Łukasz")
        ]


def test_columns_the_import_does_not_read_may_share_a_name():
    """An MIS export lists each contact under the same headers ("Contact Name", "Telephone"
    twice): the import does not read them, so they are no reason to refuse the file."""
    parsed = roster_parse(
        csv_bytes(
            "Adno,Forename,Surname,Contact Name,Telephone,Contact Name,Telephone",
            "A1,Priya,Patel,Asha Patel,0161 000,Raj Patel,0161 001",
        ),
        kind=Kind.PUPILS,
    )
    assert parsed.errors == []
    assert [(row.mis_id, row.first_name, row.last_name) for row in parsed.rows] == [
        ("A1", "Priya", "Patel")
    ]
    assert parsed.ignored_columns == ("Contact Name", "Telephone")


def test_a_column_the_import_reads_named_twice_is_still_refused():
    with pytest.raises(RosterFileError, match="more than once: forename"):
        roster_parse(
            csv_bytes("Adno,Forename,Surname,Forename", "A1,Priya,Patel,Asha"), kind=Kind.PUPILS
        )


def test_the_limit_counts_people_not_the_rows_of_a_one_row_per_class_export():
    """The page promises up to 5,000 people. An export of classes lists each pupil once per
    class; splitting it into files, as a refusal would ask, leaves each pupil in only the
    classes of the last file imported."""
    people = MAX_ROWS // 2
    lines = ["mis_id,first_name,last_name,class"] + [
        f"A{i},P,Q,{klass}" for i in range(people) for klass in ("8R", "8 Maths 2", "8 Art")
    ]
    parsed = roster_parse(csv_bytes(*lines), kind=Kind.PUPILS)
    assert parsed.errors == []
    assert len(parsed.rows) == people
    assert parsed.rows[-1].groups == {"class": ("8R", "8 Maths 2", "8 Art")}


def test_a_file_of_more_people_than_the_limit_is_refused_naming_people():
    lines = ["mis_id,first_name,last_name,class"] + [
        f"A{i},P,Q,{klass}" for i in range(MAX_ROWS + 1) for klass in ("8R", "8 Art")
    ]
    with pytest.raises(RosterFileError, match="lists 5001 people; the limit is 5000"):
        roster_parse(csv_bytes(*lines), kind=Kind.PUPILS)


def test_a_pupils_export_chosen_as_staff_is_refused_before_it_makes_them_staff():
    """Admission numbers are pupils': imported as staff, every pupil with an email would be a
    member of staff teaching their own class (seeing their classmates' records)."""
    data = csv_bytes(
        "Adno,Forename,Surname,Reg Group,Email Address",
        "001234,Priya,Patel,8R,p.patel@pupils.school.example",
    )
    with pytest.raises(RosterFileError, match=r"admission number.*choose Pupils"):
        roster_parse(data, kind=Kind.STAFF)
    assert roster_parse(data, kind=Kind.PUPILS).errors == []


def test_a_staff_export_chosen_as_pupils_is_refused_before_it_makes_them_pupils():
    data = csv_bytes(
        "Staff Code,Forename,Surname,Email Address", "SJO,Sam,Jones,s.jones@school.example"
    )
    with pytest.raises(RosterFileError, match=r"staff code.*choose Staff"):
        roster_parse(data, kind=Kind.PUPILS)
    assert roster_parse(data, kind=Kind.STAFF).errors == []


def test_headers_written_in_one_word_with_capitals_are_read():
    """Spreadsheets people put together, and some exports, write "FirstName", not "First Name"."""
    parsed = roster_parse(
        csv_bytes("MisId,FirstName,LastName,YearGroup,RegGroup", "A1,Priya,Patel,8,8R"),
        kind=Kind.PUPILS,
    )
    assert parsed.errors == []
    assert parsed.ignored_columns == ()
    assert [(r.mis_id, r.first_name, r.last_name, r.groups) for r in parsed.rows] == [
        ("A1", "Priya", "Patel", {"class": ("8R",), "year_group": ("Year 8",)})
    ]


def test_a_unicode_text_file_holding_a_null_character_is_refused():
    data = csv_bytes("mis_id\tfirst_name\tlast_name", "A1\tAnn\x00\tLee", encoding="utf-16")
    with pytest.raises(RosterFileError, match="does not look like a CSV file"):
        roster_parse(data, kind=Kind.PUPILS)


def test_problems_are_named_by_the_line_an_editor_shows_when_a_cell_holds_a_line_break():
    """An MIS export's address (or a cell typed with Alt+Enter in Excel) is written over
    several lines, in quotation marks: the rows after it start further down the file than
    their count, and a problem must name the line the school finds it on."""
    parsed = roster_parse(
        csv_bytes(
            "mis_id,first_name,last_name,address",
            'A1,Priya,Patel,"1 High Street',  # lines 2 to 4
            "Oakham",
            'LE15 6AA"',
            "A2,,Jones,",  # line 5
            'A3,Sam,"Jones',  # lines 6 and 7: a line break in the name
            'Smith",',
            "A4,Ann,,",  # line 8
        ),
        kind=Kind.PUPILS,
    )
    assert [(e.line, e.column) for e in parsed.errors] == [(5, "first_name"), (8, "last_name")]
    assert [(row.mis_id, row.line) for row in parsed.rows] == [("A1", 2), ("A3", 6)]


def test_a_misplaced_quotation_mark_after_a_cell_over_several_lines_is_named_by_its_line():
    lines = ["mis_id,first_name,last_name,address", 'A1,Priya,Patel,"1 High Street', 'Oakham"']
    lines += ['A2,"Ann" Marie,Smith,']  # line 4
    with pytest.raises(RosterFileError) as caught:
        roster_parse(csv_bytes(*lines), kind=Kind.PUPILS)
    assert "Line 4 " in str(caught.value)


@pytest.mark.parametrize(
    ("header", "cell"),
    [
        ("mis_id,first_name,last_name,year_group", "Year 8; Year 9"),
        ("Adno,Forename,Surname,NC Year", "8;9"),
    ],
)
def test_a_pupil_in_two_year_groups_on_one_row_is_an_error(header, cell):
    """A pupil is in one year: in two year groups they would be counted in both years'
    PSHE records and seen by both years' teachers, as rows for one pupil that disagree on
    it are refused."""
    column = header.rsplit(",", 1)[1]
    parsed = roster_parse(csv_bytes(header, f'A1,Priya,Patel,"{cell}"'), kind=Kind.PUPILS)
    assert [(line, col) for line, col, _m in errors_of(parsed)] == [(2, column)]
    assert "one year group" in errors_of(parsed)[0][2]
    assert parsed.rows == []


def test_a_pupils_year_written_twice_on_one_row_is_one_year_group():
    parsed = roster_parse(
        csv_bytes("mis_id,first_name,last_name,year_group", "A1,Priya,Patel,Year 8; Y8"),
        kind=Kind.PUPILS,
    )
    assert parsed.errors == []
    assert parsed.rows[0].groups == {"year_group": ("Year 8",)}


def test_a_member_of_staff_on_one_row_teaches_several_year_groups():
    parsed = roster_parse(
        csv_bytes(
            "mis_id,first_name,last_name,email,year_group",
            "T1,Sam,Jones,s.jones@school.example,Year 8; Year 9",
        ),
        kind=Kind.STAFF,
    )
    assert parsed.errors == []
    assert parsed.rows[0].groups == {"year_group": ("Year 8", "Year 9")}
