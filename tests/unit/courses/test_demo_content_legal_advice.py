"""Where the leads' course sends a school for legal advice (no database)."""

import re

from courses.demo_content import DSL_COURSE


def test_the_leads_sequence_offers_legal_advice_from_a_trust_as_well_as_a_local_authority():
    """NAHT's guide says that if the author will not take the material down, leaders report
    it to the platform or ask the local authority's "or relevant body's" legal team. The
    course named only the local authority's, which an academy's leads may not have; the trust
    (or other body) that runs the school is the one NAHT leaves room for."""
    module = next(m for m in DSL_COURSE["modules"] if m["slug"] == "dsl-response-sequential-steps")
    html = " ".join(value for kind, value in module["body"] if kind == "text")
    step = next(s for s in re.findall(r"<li>(.*?)</li>", html) if "legal team" in s)
    assert "local authority" in step
    assert "trust" in step
