"""System checks: the PDFs' font is installed (see records/certificates.py)."""

from django.conf import settings
from django.core import checks

from .certificates import font_files_missing


@checks.register()
def pdf_font_check(app_configs=None, **kwargs):
    missing = font_files_missing(settings.PDF_FONT_DIR)
    if not missing:
        return []
    return [
        checks.Warning(
            f"{', '.join(missing)} not found in PDF_FONT_DIR ({settings.PDF_FONT_DIR}): "
            "certificates and CPD logs fall back to Helvetica, which prints a black box for "
            "letters such as ŵ, ŷ or ł in a name.",
            hint="Install Debian's fonts-dejavu-core, or set PDF_FONT_DIR to where "
            "DejaVuSans.ttf and DejaVuSans-Bold.ttf are.",
            id="records.W001",
        )
    ]
