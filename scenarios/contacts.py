"""Links in signposting text: the phone numbers, email addresses and websites a learner may
need at the end of a scenario become links they can tap (pure; no Django)."""

import re
from functools import lru_cache
from html import escape

from markupsafe import Markup

# Where a named website's link goes, when the page to use is not its front page: the same
# places as the module callouts' signposting (templates/courses/blocks/callout.html).
SITES = {
    "childline.org.uk": "https://www.childline.org.uk/",
    "ceop.police.uk": "https://www.ceop.police.uk/ceop-reporting/",
}

_CONTACT = re.compile(
    r"(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    r"|(?P<site>\b(?:[a-z0-9-]+\.)+(?:org|police|gov|co|nhs|ac|sch)\.uk\b)"
    # UK numbers written with spaces, as signposts print them: 0800 1111, 0344 381 4772.
    r"|(?P<phone>\b0\d{3}(?: \d{3,4}){1,2}\b)"
)


def _link(match: re.Match) -> str:
    text = match.group(0)
    if match.group("email"):
        href = f"mailto:{text}"
    elif match.group("site"):
        href = SITES.get(text.removeprefix("www."), f"https://{text}/")
    else:
        href = "tel:" + text.replace(" ", "")
    return f'<a href="{escape(href)}">{escape(text)}</a>'


@lru_cache(maxsize=128)
def contact_links(text: str) -> Markup:
    """`text` escaped, with its email addresses, websites and phone numbers linked."""
    parts, last = [], 0
    for match in _CONTACT.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(_link(match))
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("".join(parts))  # noqa: S704 - every part is escaped above
