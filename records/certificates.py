"""PDF documents: a CPD certificate, a member of staff's CPD log and a school's training
record (reportlab).

Set in DejaVu Sans (settings.PDF_FONT_DIR), embedded, so names such as Łukasz or a school
such as Ysgol Gyfun Gŵyr come out whole; PDF's built-in Helvetica has no ŵ or ł and would
print a black box. Without the font files the PDFs fall back to Helvetica (and `manage.py
check` warns). Words in a script DejaVu Sans lacks (Chinese, Japanese, Korean; Urdu's heh
goal and yeh barree) are set in the first of settings.PDF_FALLBACK_FONTS that has all their
letters, so a Latin name keeps its look. Arabic script is shaped (its letters joined, with
HarfBuzz) and runs right to left. Text is real text, so the documents can be searched and
read by a screen reader (except shaped Arabic script, whose joined forms a PDF reader may
not map back to letters).
"""

import io
import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import cache, cached_property
from itertools import pairwise
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont, shapeStr
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

logger = logging.getLogger(__name__)

# The smallest a certificate's line gets to fit the page before it wraps.
MIN_SIZE = 14

FONT_FILES = {"UpstanderSans": "DejaVuSans.ttf", "UpstanderSans-Bold": "DejaVuSans-Bold.ttf"}


def font_files_missing(directory: str) -> list[str]:
    return [name for name in FONT_FILES.values() if not (Path(directory) / name).is_file()]


def fonts_missing() -> list[str]:
    """The files of settings.PDF_FALLBACK_FONTS that are not there."""
    paths = dict.fromkeys(path for pair in settings.PDF_FALLBACK_FONTS for path in pair)
    return [path for path in paths if not Path(path).is_file()]


@cache
def _fonts(directory: str) -> tuple[str, str]:
    """The regular and bold font names to draw with, registered once per process."""
    if font_files_missing(directory):
        logger.warning("No DejaVu Sans in %s: PDFs use Helvetica, without ŵ or ł", directory)
        return "Helvetica", "Helvetica-Bold"
    for name, filename in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(Path(directory) / filename)))
    return "UpstanderSans", "UpstanderSans-Bold"


@cache
def _fallback_fonts(pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, ...], ...]:
    """The (regular, bold) names of the fallback fonts whose files are there, registered
    once per process; a font with one weight serves as both."""
    names = {}
    found = []
    for pair in pairs:
        if not all(Path(path).is_file() for path in pair):
            logger.warning("Not installed: %s; PDFs print blanks for its letters", pair[0])
            continue
        for path in pair:
            if path not in names:
                names[path] = f"UpstanderFallback{len(names)}"
                pdfmetrics.registerFont(TTFont(names[path], path))
        found.append(tuple(names[path] for path in pair))
    return tuple(found)


def font_chains() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The fonts to set regular and bold text in, the first that has a word's letters."""
    regular, bold = _fonts(settings.PDF_FONT_DIR)
    fallbacks = _fallback_fonts(tuple(tuple(pair) for pair in settings.PDF_FALLBACK_FONTS))
    return (regular, *(pair[0] for pair in fallbacks)), (bold, *(pair[-1] for pair in fallbacks))


def _has_letter(font_name: str, char: str) -> bool:
    face = getattr(pdfmetrics.getFont(font_name), "face", None)
    if hasattr(face, "charToGlyph"):  # a TrueType font
        return ord(char) in face.charToGlyph
    try:  # one of PDF's standard fonts, in WinAnsi encoding
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _direction(word: str) -> bool | None:
    """True if the word is written right to left (its first letter with a direction is
    Arabic or Hebrew), False if left to right, None if it has no such letter (digits)."""
    for char in word:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return None


@dataclass
class Run:
    """Part of a line set in one font and one direction: `logical` is its text as typed,
    `drawn` what goes on the page from left to right (shaped, for right-to-left text)."""

    logical: str
    font: str
    rtl: bool
    size: float
    first_word: int
    last_word: int

    @cached_property
    def drawn(self):
        if not self.rtl:
            return self.logical
        if getattr(pdfmetrics.getFont(self.font), "shapable", False):
            return shapeStr(self.logical, self.font, self.size, force=True)
        return self.logical[::-1]  # unjoined, but at least in order

    @property
    def width(self) -> float:
        shape = getattr(self.drawn, "__shapeData__", None)
        if shape is not None:
            return sum(glyph.x_advance for glyph in shape) * self.size / 1000
        return stringWidth(self.drawn, self.font, self.size)


def _pieces(word: str, fonts: Sequence[str]) -> list[tuple[str, str]]:
    """(text, font) for a word: all of it in the first font that has all its letters (so
    an Arabic word's letters still join), else each letter in the first that has it."""
    for font in fonts:
        if all(_has_letter(font, char) for char in word):
            return [(word, font)]
    pieces: list[tuple[str, str]] = []
    for char in word:
        font = next((f for f in fonts if _has_letter(f, char)), fonts[0])
        if pieces and pieces[-1][1] == font:
            pieces[-1] = (pieces[-1][0] + char, font)
        else:
            pieces.append((char, font))
    return pieces


def line_runs(text: str, fonts: str | Sequence[str], size: float) -> list[Run]:
    """A line's runs from left to right on the page: words in a run share a font and a
    direction; right-to-left runs next to each other are reversed, and all of them are when
    the line starts right to left (the Unicode bidirectional algorithm, by words, which is
    enough for a name, a school or a course title)."""
    fonts = (fonts,) if isinstance(fonts, str) else tuple(fonts)
    words = text.split()
    directions = [_direction(word) for word in words]
    base = next((d for d in directions if d is not None), False)
    previous = base
    for index, direction in enumerate(directions):
        directions[index] = previous = previous if direction is None else direction
    # Right-to-left words side by side share a font where one has all their letters, so an
    # Urdu name is not half in DejaVu Sans and half in a font with Urdu's letters.
    shared: dict[int, Sequence[str]] = {}
    start = 0
    for index in range(1, len(words) + 1):
        if index == len(words) or directions[index] != directions[start]:
            segment = "".join(words[start:index])
            if directions[start]:
                found = [f for f in fonts if all(_has_letter(f, c) for c in segment)]
                shared.update((i, found[:1] or fonts) for i in range(start, index))
            start = index
    runs: list[Run] = []
    for index, word in enumerate(words):
        rtl = directions[index]
        for piece, font in _pieces(word, shared.get(index, fonts)):
            last = runs[-1] if runs else None
            if last and last.font == font and last.rtl == rtl:
                last.logical += (" " if last.last_word != index else "") + piece
                last.last_word = index
            else:
                runs.append(Run(piece, font, rtl, size, index, index))
    groups: list[list[Run]] = []
    for run in runs:
        if groups and groups[-1][0].rtl == run.rtl:
            groups[-1].append(run)
        else:
            groups.append([run])
    ordered = [group[::-1] if group[0].rtl else group for group in groups]
    return [run for group in (ordered[::-1] if base else ordered) for run in group]


def _gap(left: Run, right: Run) -> float:
    """The space between two runs side by side, none between two parts of one word."""
    if {left.first_word, left.last_word} & {right.first_word, right.last_word}:
        return 0
    return stringWidth(" ", left.font, left.size)


def line_width(text: str, fonts: str | Sequence[str], size: float) -> float:
    runs = line_runs(text, fonts, size)
    gaps = sum(_gap(left, right) for left, right in pairwise(runs))
    return sum(run.width for run in runs) + gaps


def _draw_centred(pdf, x: float, y: float, text: str, fonts: Sequence[str], size: float):
    _draw_line(pdf, x - line_width(text, fonts, size) / 2, y, text, fonts, size)


def _draw_line(pdf, x: float, y: float, text: str, fonts: Sequence[str], size: float):
    """A line from `x` rightwards, each word in the first of `fonts` that has its letters."""
    runs = line_runs(text, fonts, size)
    position = x
    for index, run in enumerate(runs):
        line = pdf.beginText(position, y)
        line.setFont(run.font, size)
        line.textLine(run.drawn)
        pdf.drawText(line)
        if index + 1 < len(runs):
            position += run.width + _gap(run, runs[index + 1])


def fit_line(text: str, fonts: str | Sequence[str], size: float, room: float):
    """The size and rows to draw a certificate's line in: a long name or course title gets
    smaller to fit the width, down to MIN_SIZE, then wraps, never running off the page."""
    size = max(MIN_SIZE, min(size, size * room / max(line_width(text, fonts, size), 1)))
    rows: list[str] = []
    row = ""
    for word in text.split():
        pieces = _break_word(word, fonts, size, room)
        candidate = f"{row} {pieces[0]}" if row else pieces[0]
        # A little leeway: the size above makes a one-row line exactly as wide as the room.
        if row and line_width(candidate, fonts, size) > room + 0.01:
            rows.append(row)
            candidate = pieces[0]
        rows += [candidate, *pieces[1:-1]] if len(pieces) > 1 else []
        row = pieces[-1] if len(pieces) > 1 else candidate
    return size, [*rows, row] if row else rows


def _break_word(word: str, fonts, size: float, room: float) -> list[str]:
    """A word wider than the room (a double-barrelled name, a title without spaces) broken
    into rows that fit: after a hyphen where there is one, else between letters."""
    rows = []
    while line_width(word, fonts, size) > room and len(word) > 1:
        fits = 1
        while fits < len(word) and line_width(word[: fits + 1], fonts, size) <= room:
            fits += 1
        hyphen = word.rfind("-", 0, fits)
        cut = hyphen + 1 if hyphen > 0 else fits
        rows.append(word[:cut])
        word = word[cut:]
    return [*rows, word]


def _document_language() -> str:
    """The language the document's words are in ("en-GB"), so a screen reader speaks them
    in it and not in its own (WCAG technique PDF16). Each document also asks viewers to show
    its title rather than its file name (PDF18)."""
    language, _dash, region = (get_language() or settings.LANGUAGE_CODE).partition("-")
    return f"{language}-{region.upper()}" if region else language


def _paragraph(text: str, style) -> Paragraph:
    """A paragraph of text in the style's font, and words it has no letters for in a
    fallback font, right-to-left words in order and shaped."""
    regular, bold = font_chains()
    fonts = bold if style.fontName == bold[0] else regular
    runs = line_runs(text, fonts, style.fontSize)
    if all(run.font == style.fontName and not run.rtl for run in runs):
        # Paragraph reads its text as markup: a "<" or "&" in a name or title is text here.
        return Paragraph(escape(text), style)
    shaping = any(run.rtl for run in runs)
    markup = ""
    for index, run in enumerate(runs):
        words = run.logical.split(" ")[:: -1 if run.rtl else 1]
        markup += f'<font face="{run.font}">{escape(" ".join(words))}</font>'
        # When shaping, a space between any two runs: reportlab shapes a word set in two
        # fonts with the first font's glyphs and fails.
        if index + 1 < len(runs) and (shaping or _gap(run, runs[index + 1])):
            markup += " "
    return Paragraph(markup, style.clone(f"{style.name}-runs", shaping=int(shaping)))


def _minutes(value: int) -> str:
    hours, minutes = divmod(value, 60)
    if hours and minutes:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    if hours:
        return _("%(h)d h") % {"h": hours}
    return _("%(m)d min") % {"m": minutes}


def certificate_pdf(certificate) -> bytes:
    """A one-page landscape certificate with everything the issue lists on it."""
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height), lang=_document_language())
    pdf.setViewerPreference("DisplayDocTitle", "true")
    pdf.setTitle(_("Certificate: %(course)s") % {"course": certificate.course_title})
    pdf.setAuthor("Upstander")
    pdf.setStrokeColor(colors.HexColor("#1d4f91"))
    pdf.setLineWidth(3)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    centre = width / 2
    name = certificate.learner.get_full_name() or certificate.learner.username
    regular, bold = font_chains()
    completed_on = timezone.localtime(certificate.completed_at).strftime("%-d %B %Y")
    # A staff course an editor gave no CPD time claims none, rather than "0 min".
    when = (
        _("on %(date)s · CPD time: %(minutes)s")
        % {"date": completed_on, "minutes": _minutes(certificate.cpd_minutes)}
        if certificate.cpd_minutes
        else _("on %(date)s") % {"date": completed_on}
    )
    lines = [
        (regular, 14, _("Certificate of completion"), 160),
        (bold, 28, name, 140),
        (regular, 14, _("has completed the course"), 124),
        (bold, 22, certificate.course_title, 108),
        (regular, 13, when, 92),
        (regular, 13, certificate.school_name, 80),
    ]
    from .selectors import certificate_expires_on

    # A course the school renews: valid until the day before the one the check page says it
    # expires on, the first day it no longer counts ("valid until" a day includes that day).
    expires_on = certificate_expires_on(certificate=certificate)
    if expires_on:
        last_day = expires_on - timedelta(days=1)
        until = _("Valid until %(date)s") % {"date": last_day.strftime("%-d %B %Y")}
        lines.append((regular, 13, until, 68))
    room = width - 40 * mm  # inside the border, with a margin
    for fonts, size, text, y in lines:
        size, rows = fit_line(text, fonts, size, room)
        for index, row in enumerate(rows):
            offset = (len(rows) - 1) / 2 - index
            _draw_centred(pdf, centre, y * mm + offset * size * 1.2, row, fonts, size)
    verify_url = settings.SITE_URL + reverse("records:verify")
    pdf.setFont(regular[0], 11)
    pdf.drawCentredString(
        centre, 50 * mm, _("Verification code: %(code)s") % {"code": certificate.code}
    )
    pdf.drawCentredString(
        centre, 43 * mm, _("Check this certificate at %(url)s") % {"url": verify_url}
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def cpd_log_pdf(*, learner, lines) -> bytes:
    """The learner's CPD log as a table: course, date completed, minutes, certificate code."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=_("CPD log"),
        author="Upstander",
        displayDocTitle=True,
        lang=_document_language(),
        leftMargin=18 * mm,
        rightMargin=18 * mm,
    )
    regular, bold = _fonts(settings.PDF_FONT_DIR)
    styles = getSampleStyleSheet()
    styles["Title"].fontName = bold
    styles["Normal"].fontName = regular
    name = learner.get_full_name() or learner.username
    story = [
        _paragraph(_("CPD log: %(name)s") % {"name": name}, styles["Title"]),
        _paragraph(learner.school.name if learner.school_id else "", styles["Normal"]),
        Spacer(1, 6 * mm),
    ]
    data = [[_("Course"), _("Completed"), _("CPD time"), _("Certificate")]]
    total = 0
    for line in lines:
        total += line.cpd_minutes
        data.append(
            [
                _paragraph(line.title, styles["Normal"]),
                timezone.localtime(line.completion.completed_at).strftime("%-d %b %Y"),
                _minutes(line.cpd_minutes),
                line.certificate.code if line.certificate else "",
            ]
        )
    data.append([_("Total"), "", _minutes(total), ""])
    table = Table(data, colWidths=[75 * mm, 30 * mm, 25 * mm, 40 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), regular),
                ("FONTNAME", (0, 0), (-1, 0), bold),
                ("FONTNAME", (0, -1), (-1, -1), bold),
                ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
                ("LINEABOVE", (0, -1), (-1, -1), 1, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    doc.build(story)
    return buffer.getvalue()


def _date(value) -> str:
    return value.strftime("%-d %b %Y") if value else "\N{EN DASH}"


def _table(data, widths, regular, bold) -> Table:
    """A table of the training record: its header row wraps within the column (bold), the
    table sits at the left margin."""
    head = getSampleStyleSheet()["Normal"].clone("head", fontName=bold, fontSize=9, leading=11)
    data = [[_paragraph(str(text), head) for text in data[0]], *data[1:]]
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), regular),
                ("FONTNAME", (0, 0), (-1, 0), bold),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#b1b4b6")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def training_record_pdf(
    *, school, produced_by, today, overview, staff, lessons=(), all_withdrawn=False
) -> bytes:
    """A school's training record, to print or send to governors or an inspector: completion
    by course; each member of staff's standing on each staff course (name, state, due,
    completed, expires); pupils' courses by class and year group as counts only, and only for
    a group of MIN_LEARNERS pupils or more, so the document names and singles out no pupil; and
    the lessons teachers led with classes (date, class, lesson, who led it, how many pupils
    were there).

    `overview` is `selectors.dashboard_overview()`; `staff` is `selectors.dashboard_matrix()`
    for the staff role, every row; `lessons` are `courses.ClassLesson` rows, latest first;
    `all_withdrawn`, that courses are assigned but an editor has unpublished every one."""
    buffer = io.BytesIO()
    title = _("Training record: %(school)s") % {"school": school.name}
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        title=title,
        author="Upstander",
        displayDocTitle=True,
        lang=_document_language(),
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
    )
    regular, bold = _fonts(settings.PDF_FONT_DIR)
    styles = getSampleStyleSheet()
    for name in ("Title", "Heading2", "Heading3"):
        styles[name].fontName = bold
    styles["Normal"].fontName = regular
    small = styles["Normal"].clone("small", fontSize=9, leading=11)
    counts_head = [
        _("Assigned"),
        _("Completed"),
        _("In progress"),
        _("Not started"),
        _("Overdue"),
        _("Expiring soon"),
        _("Expired"),
    ]

    def counts(c) -> list:
        return [
            c.assigned,
            f"{c.completed} ({c.percent}%)",
            c.in_progress,
            c.not_started,
            c.overdue,
            c.expiring_soon,
            c.expired,
        ]

    # The record leaves the school, and a few pupils' counts are their own results (a class
    # of one: "0 completed, 1 overdue"). As group analytics (DESIGN.md, data protection),
    # pupils' counts are given only for MIN_LEARNERS or more, and a group's not where adding
    # up and taking away the rows given for the course would give a few others' (a class of
    # five beside a class of one, as the course row adds them up; two classes less their
    # year group, with a pupil in neither). Rows are given in turn while they stay clear of
    # that, as `scenarios.selectors` does for a group's choices.
    from scenarios.selectors import MIN_LEARNERS, _left_over_few

    not_counted = _("Not given: it would single out fewer than %(minimum)d pupils") % {
        "minimum": MIN_LEARNERS
    }
    given: dict[int, list[set[int]]] = {r.course.page_id: [] for r in overview.courses}
    on_course = {r.course.page_id: r.learner_ids for r in overview.courses}
    withheld: set[tuple[int, int]] = set()
    for r in overview.groups:
        if not r.course.is_pupil_course or r.group.kind == r.group.Kind.STAFF_TEAM:
            continue
        shown = given[r.course.page_id]
        learners = on_course[r.course.page_id]
        if len(r.learner_ids) < MIN_LEARNERS or _left_over_few(
            learners, [*shown, r.learner_ids], set()
        ):
            withheld.add((r.course.page_id, r.group.pk))
        else:
            shown.append(r.learner_ids)

    def too_few(r) -> bool:
        if not r.course.is_pupil_course:
            return False
        group = r.group.pk if r.group else None
        return r.counts.assigned < MIN_LEARNERS or (r.course.page_id, group) in withheld

    def counts_table(rows, names, widths) -> Table:
        data = [[*(heading for heading, _name in names), *counts_head]]
        spans = []
        for r in rows:
            cells = [_paragraph(name(r), small) for _heading, name in names]
            if too_few(r):
                spans.append(("SPAN", (len(cells), len(data)), (-1, len(data))))
                data.append([*cells, _paragraph(not_counted, small), *[""] * 6])
            else:
                data.append([*cells, *counts(r.counts)])
        table = _table(data, widths, regular, bold)
        table.setStyle(TableStyle(spans))
        return table

    story = [
        _paragraph(title, styles["Title"]),
        _paragraph(
            _("As it stood on %(date)s, from Upstander. Downloaded by %(name)s.")
            % {"date": today.strftime("%-d %B %Y"), "name": produced_by},
            styles["Normal"],
        ),
        Spacer(1, 4 * mm),
        _paragraph(_("Completion by course"), styles["Heading2"]),
    ]
    if overview.courses:
        story.append(
            counts_table(
                overview.courses,
                [(_("Course"), lambda r: r.course.title)],
                [85 * mm] + [25 * mm] * 7,
            )
        )
    elif all_withdrawn:
        story.append(
            _paragraph(
                _(
                    "Courses are assigned, but an editor has unpublished (withdrawn) every one "
                    "of them, so there is nothing to count."
                ),
                styles["Normal"],
            )
        )
    else:
        story.append(_paragraph(_("No courses are assigned yet."), styles["Normal"]))

    staff_courses = [
        (index, course)
        for index, course in enumerate(staff.courses)
        if any(row.cells[index] for row in staff.rows)
    ]
    for index, course in staff_courses:
        story += [Spacer(1, 4 * mm), _paragraph(course.title, styles["Heading2"])]
        data = [[_("Name"), _("Status"), _("Due"), _("Completed"), _("Expires")]]
        for row in staff.rows:
            cell = row.cells[index]
            if cell is None:
                continue
            data.append(
                [
                    _paragraph(row.learner.get_full_name() or row.learner.username, small),
                    cell.state.label,
                    _date(cell.due_on),
                    _date(cell.standing.completed_on),
                    _date(cell.standing.expires_on),
                ]
            )
        story.append(_table(data, [95 * mm, 40 * mm, 35 * mm, 35 * mm, 35 * mm], regular, bold))

    pupil_rows = [
        r
        for r in overview.groups
        if r.course.is_pupil_course and r.group.kind != r.group.Kind.STAFF_TEAM
    ]
    if pupil_rows:
        story += [
            Spacer(1, 4 * mm),
            _paragraph(_("Pupils' courses by class and year group"), styles["Heading2"]),
            _paragraph(
                _(
                    "Counts only: this document names no pupil. Where counts would single out "
                    "fewer than %(minimum)d pupils, they are not given."
                )
                % {"minimum": MIN_LEARNERS},
                styles["Normal"],
            ),
            Spacer(1, 2 * mm),
        ]
        story.append(
            counts_table(
                pupil_rows,
                [(_("Course"), lambda r: r.course.title), (_("Group"), lambda r: r.group.name)],
                [56 * mm, 26 * mm] + [26 * mm] * 7,
            )
        )

    if lessons:
        story += [
            Spacer(1, 4 * mm),
            _paragraph(_("Lessons led with classes in the last year"), styles["Heading2"]),
            Spacer(1, 2 * mm),
        ]
        data = [[_("Date"), _("Class or group"), _("Lesson"), _("Led by"), _("Pupils there")]]
        for lesson in lessons:
            modules = "; ".join(m.title for m in lesson.modules.all())
            leader = lesson.recorded_by
            data.append(
                [
                    _date(lesson.taught_on),
                    _paragraph(lesson.group.name, small),
                    _paragraph(f"{lesson.course.title}: {modules}", small),
                    _paragraph(
                        (leader.get_full_name() or leader.username)
                        if leader
                        else _("Someone who has since been removed"),
                        small,
                    ),
                    lesson.pupil_count,
                ]
            )
        story.append(_table(data, [30 * mm, 40 * mm, 120 * mm, 50 * mm, 27 * mm], regular, bold))

    footer = _("%(title)s, %(date)s") % {"title": title, "date": today.strftime("%-d %B %Y")}
    # The school's name may be in a script the main font lacks, as in the title.
    footer_fonts = font_chains()[0]

    def page_footer(pdf, document):
        # Each printed page says what it is part of, and where it comes in it.
        pdf.saveState()
        pdf.setFont(regular, 8)
        number = _("Page %(number)d") % {"number": document.page}
        # A long school name (up to 200 letters) is set smaller to fit beside the number.
        room = document.width - stringWidth(number, regular, 8) - 5 * mm
        size = min(8, 8 * room / max(line_width(footer, footer_fonts, 8), 1))
        _draw_line(pdf, document.leftMargin, 8 * mm, footer, footer_fonts, size)
        pdf.drawRightString(document.pagesize[0] - document.rightMargin, 8 * mm, number)
        pdf.restoreState()

    doc.build(story, onFirstPage=page_footer, onLaterPages=page_footer)
    return buffer.getvalue()
