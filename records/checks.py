"""System checks: the PDFs' font is installed (see records/certificates.py)."""

from django.conf import settings
from django.core import checks

from .certificates import font_files_missing, fonts_missing


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


@checks.register()
def pdf_fallback_font_check(app_configs=None, **kwargs):
    missing = fonts_missing()
    if not missing:
        return []
    return [
        checks.Warning(
            f"{', '.join(missing)} not found (PDF_FALLBACK_FONTS): certificates and CPD logs "
            "print blanks for names in Chinese, Japanese, Korean or with Urdu's letters.",
            hint="Install Debian's fonts-hosny-amiri and fonts-droid-fallback, or set "
            "PDF_FALLBACK_FONTS to fonts that have those letters.",
            id="records.W002",
        )
    ]
