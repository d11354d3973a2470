"""Phone numbers, email addresses and websites in signposting become links (no database)."""

import re

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from scenarios.contacts import contact_links
from scenarios.player import SIGNPOSTS


def test_every_contact_in_the_pupils_signposts_is_a_link():
    childline, ceop = SIGNPOSTS["pupils"][1], SIGNPOSTS["pupils"][2]
    assert contact_links(childline) == (
        'Childline: call <a href="tel:08001111">0800 1111</a> or chat at '
        '<a href="https://www.childline.org.uk/">childline.org.uk</a>. It is free and private.'
    )
    assert '<a href="https://www.ceop.police.uk/ceop-reporting/">ceop.police.uk</a>.' in (
        contact_links(ceop)
    )


def test_the_staff_helpline_number_and_address_are_links_and_999_is_left_as_text():
    posh, police = SIGNPOSTS["staff"][1], SIGNPOSTS["staff"][2]
    html = contact_links(posh)
    assert '<a href="tel:03443814772">0344 381 4772</a>' in html
    assert (
        '<a href="mailto:helpline@saferinternet.org.uk">helpline@saferinternet.org.uk</a>.' in html
    )
    assert "saferinternet.org.uk/" not in html  # the address is not also linked as a website
    assert contact_links(police) == police  # 101 and 999: said, not linked


def test_other_websites_link_to_their_front_page():
    assert contact_links("See www.nspcc.org.uk today") == (
        'See <a href="https://www.nspcc.org.uk/">www.nspcc.org.uk</a> today'
    )


def test_text_is_escaped_around_the_links():
    html = contact_links('<b>"Call"</b> 0800 1111 & more')
    assert html == (
        '&lt;b&gt;&quot;Call&quot;&lt;/b&gt; <a href="tel:08001111">0800 1111</a> &amp; more'
    )
    assert isinstance(html, Markup)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_nothing_but_links_is_ever_added_as_markup(text):
    html = str(contact_links(text))
    without_links = re.sub(r'<a href="[^"<>]*">', "", html).replace("</a>", "")
    assert "<" not in without_links and ">" not in without_links
