"""CSV downloads that open safely in spreadsheet software (every table's CSV twin)."""

import csv
import unicodedata

from django.http import HttpResponse
from django.utils import timezone

from .downloads import attachment_header

FORMULA_STARTS = ("=", "+", "-", "@")


def csv_cell(value) -> str:
    # A cell starting with =, +, - or @ is a formula to spreadsheet software, and so is one
    # starting with a tab or carriage return (dropped as the cell is read) then a formula:
    # prefix it, as OWASP advises, so an exported name can never run as one. Some importers
    # also drop leading spaces and line breaks, and Excel in a Japanese set-up reads the
    # full-width signs (U+FF1D and the like) as the ordinary ones: those are formulas too.
    text = "" if value is None else str(value)
    if text[:1] in ("\t", "\r"):
        return "'" + text
    first = unicodedata.normalize("NFKC", text.lstrip()[:1])
    return "'" + text if first in FORMULA_STARTS else text


def csv_datetime(value) -> str:
    # Excel reads "2026-12-31 09:30:00" as a date and time it can sort and filter by; an ISO
    # timestamp ("2026-12-31T09:30:00.123456+00:00") stays text. In the school's time zone.
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def csv_response(filename: str, header: list, rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    # A group's name may hold quotes or letters outside Latin-1: encoded as RFC 6266 says.
    response["Content-Disposition"] = attachment_header(filename)
    # Excel reads a CSV without a byte-order mark in the Windows code page, so "Zoë" would
    # show as "ZoÃ«"; with one it reads UTF-8 (LibreOffice and Google Sheets accept either).
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return response
