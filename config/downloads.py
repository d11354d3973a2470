"""The Content-Disposition header of a file download."""

import unicodedata

from django.utils.http import content_disposition_header


def attachment_header(filename: str) -> str:
    """`attachment` with `filename`. A name with letters outside ASCII (a group called
    "Année 8") is sent as RFC 6266's `filename*`, which older clients and some mail and
    download tools ignore; they read `filename=`, so that comes first, in ASCII: accents
    dropped, anything else (and quotes and backslashes, which some clients mishandle
    even escaped) as "_"."""
    try:
        filename.encode("ascii")
    except UnicodeEncodeError:
        pass
    else:
        return content_disposition_header(True, filename)
    plain = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_"
        for c in unicodedata.normalize("NFKD", filename)
        if not unicodedata.combining(c)
    )
    return f'attachment; filename="{plain}"; ' + content_disposition_header(
        True, filename
    ).removeprefix("attachment; ")
