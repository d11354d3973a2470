"""PDF documents: a CPD certificate and a member of staff's CPD log (reportlab).

Set in DejaVu Sans (settings.PDF_FONT_DIR), embedded, so names such as Łukasz or a school
such as Ysgol Gyfun Gŵyr come out whole; PDF's built-in Helvetica has no ŵ or ł and would
print a black box. Without the font files the PDFs fall back to Helvetica (and `manage.py
check` warns). Text is real text, so the documents can be searched and read by a screen
reader.
"""

import io
import logging
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

logger = logging.getLogger(__name__)

# The smallest a certificate's line gets to fit the page before it wraps.
MIN_SIZE = 14

FONT_FILES = {"UpstanderSans": "DejaVuSans.ttf", "UpstanderSans-Bold": "DejaVuSans-Bold.ttf"}


def font_files_missing(directory: str) -> list[str]:
    return [name for name in FONT_FILES.values() if not (Path(directory) / name).is_file()]


@cache
def _fonts(directory: str) -> tuple[str, str]:
    """The regular and bold font names to draw with, registered once per process."""
    if font_files_missing(directory):
        logger.warning("No DejaVu Sans in %s: PDFs use Helvetica, without ŵ or ł", directory)
        return "Helvetica", "Helvetica-Bold"
    for name, filename in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(Path(directory) / filename)))
    return "UpstanderSans", "UpstanderSans-Bold"


def fit_line(text: str, font: str, size: float, room: float) -> tuple[float, list[str]]:
    """The size and rows to draw a certificate's line in: a long name or course title gets
    smaller to fit the width, down to MIN_SIZE, then wraps, never running off the page."""
    size = max(MIN_SIZE, min(size, size * room / max(stringWidth(text, font, size), 1)))
    return size, simpleSplit(text, font, size, room)


def _paragraph(text: str, style) -> Paragraph:
    # Paragraph reads its text as markup: a "<" or "&" in a name or title is text here.
    return Paragraph(escape(text), style)


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
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(_("Certificate: %(course)s") % {"course": certificate.course_title})
    pdf.setAuthor("Upstander")
    pdf.setStrokeColor(colors.HexColor("#1d4f91"))
    pdf.setLineWidth(3)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    centre = width / 2
    name = certificate.learner.get_full_name() or certificate.learner.username
    regular, bold = _fonts(settings.PDF_FONT_DIR)
    lines = [
        (regular, 14, _("Certificate of completion"), 160),
        (bold, 28, name, 140),
        (regular, 14, _("has completed the course"), 124),
        (bold, 22, certificate.course_title, 108),
        (
            regular,
            13,
            _("on %(date)s · CPD time: %(minutes)s")
            % {
                "date": timezone.localtime(certificate.completed_at).strftime("%-d %B %Y"),
                "minutes": _minutes(certificate.cpd_minutes),
            },
            92,
        ),
        (regular, 13, certificate.school_name, 80),
    ]
    room = width - 40 * mm  # inside the border, with a margin
    for font, size, text, y in lines:
        size, rows = fit_line(text, font, size, room)
        pdf.setFont(font, size)
        for index, row in enumerate(rows):
            offset = (len(rows) - 1) / 2 - index
            pdf.drawCentredString(centre, y * mm + offset * size * 1.2, row)
    verify_url = settings.SITE_URL + reverse("records:verify")
    pdf.setFont(regular, 11)
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
        total += line.course.cpd_minutes
        data.append(
            [
                _paragraph(line.course.title, styles["Normal"]),
                timezone.localtime(line.completion.completed_at).strftime("%-d %b %Y"),
                _minutes(line.course.cpd_minutes),
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
