"""The Content-Security-Policy of the site's pages (CSP Level 3).

Django 5.2 has none built in, and the policy is short, so it is ours rather than a package's.
On the site's own pages only the site's scripts run: an inline `<script>`, an `onerror=`
attribute or a script from another host that found its way into a page (a pupil's name, a
reflection, an editor's text) is refused by the browser, so it cannot act with a pupil's or a
safeguarding lead's sign-in. Our pages use no inline script; the few `style=` attributes (the
bars of the scenario choices) are allowed, `<style>` elements are not. Frames: the H5P
player from H5P_CONTENT_ORIGIN (docs/h5p.md) and the video block's YouTube and Vimeo players.

The Wagtail admin still writes inline scripts (its widgets, panels and page listings), so
under /admin/ the policy says only who may frame the page and that no plugin content runs.
A response that already has a policy keeps it: the H5P embed page (h5p/content_views.py) and
Wagtail's document downloads. The content origin's other files get none.

`frame-ancestors` follows X-Frame-Options, which XFrameOptionsMiddleware has set by the time
this sees the response: DENY everywhere but the admin's previews, which its own pages frame. A
response that never reached it (the 400 page for a host the site does not answer to, a static
file) follows X_FRAME_OPTIONS, unless its view was marked as exempt.
Wagtail renders a preview as a dummy request for the page itself (`request.is_dummy`), which
gets the site's policy and may be framed by the site, as the preview panel does.
"""

from django.conf import settings

HEADER = "Content-Security-Policy"
# The players of the hosts a video block may name (courses.blocks.VIDEO_HOSTS).
VIDEO_PLAYERS = (
    "https://www.youtube.com",
    "https://www.youtube-nocookie.com",
    "https://player.vimeo.com",
)
ADMIN_PREFIX = "/admin/"
FRAME_ANCESTORS = {"DENY": "'none'", "SAMEORIGIN": "'self'"}


def site_policy() -> list[str]:
    frames = " ".join([settings.H5P_CONTENT_ORIGIN, *VIDEO_PLAYERS])
    return [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        f"frame-src {frames}",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]


ADMIN_POLICY = ["object-src 'none'", "base-uri 'self'"]


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if HEADER in response or getattr(request, "is_h5p_content_origin", False):
            return response
        directives = list(ADMIN_POLICY) if request.path.startswith(ADMIN_PREFIX) else site_policy()
        framing = response.get("X-Frame-Options", "")
        if not framing and not getattr(response, "xframe_options_exempt", False):
            # Answered before XFrameOptionsMiddleware could say (the 400 page for an unknown
            # host, a static file): the site's own setting, not "anyone may frame it".
            framing = settings.X_FRAME_OPTIONS
        ancestors = FRAME_ANCESTORS.get(framing.upper())
        if getattr(request, "is_dummy", False):
            # Wagtail's preview of a page or snippet: rendered through this middleware as a
            # request for the page itself, and framed by the admin's preview panel.
            ancestors = FRAME_ANCESTORS["SAMEORIGIN"]
        if ancestors:
            directives.append(f"frame-ancestors {ancestors}")
        response[HEADER] = "; ".join(directives)
        return response
