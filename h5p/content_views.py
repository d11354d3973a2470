"""Views of the H5P content origin: the embed page and the files it loads.

The module page frames the embed page in an iframe sandboxed to `allow-scripts
allow-same-origin`: scripts run, but the content cannot navigate the site, open pop-ups or
submit forms. `allow-same-origin` is safe only because the content origin is a different
origin (and host name) from the site's: the content keeps its own origin, so the browser
gives it none of the site's cookies and no access to the site's DOM. (H5P core needs it:
without it the player cannot write into its own inner iframe.) Files here carry
`Access-Control-Allow-Origin: *`: they are the same for everyone and hold no learner data.
"""

import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe
from django.views.static import serve

from xapi.identity import activity_iri

from .models import H5PActivity
from .selectors import package_dir, site_origin


def _cors(response):
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


# A package's files never change: its folder is named by a UUID never reused, and a package
# is never replaced in place (a new upload is a new activity with a new UUID; files put back
# after a loss are the same file's, by its checksum). Libraries are served from inside each
# package's folder, so they share its URL's lifetime. The player and our own scripts are not
# cached so: an upgrade changes them under the same URL.
FOR_GOOD = "public, max-age=31536000, immutable"

# One range of bytes (RFC 9110 §14.1.2): "first-last", "first-" or the last n bytes "-n".
BYTE_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


# The type of every kind of file a package (validation.LIBRARY_EXTENSIONS) or the player may
# hold, whatever the host's /etc/mime.types says: a slim container has none, and Python's own
# table lacks .webvtt, the fonts, Ogg, .m4a and .webp. A browser shows captions only from a
# file served as text/vtt (WHATWG HTML, the track element): otherwise it drops them without a
# word (WCAG 2.2 SC 1.2.2). Anything else is left to Django (application/octet-stream).
CONTENT_TYPES = {
    "vtt": "text/vtt",
    "webvtt": "text/vtt",
    "js": "text/javascript",
    "mjs": "text/javascript",
    "css": "text/css",
    "json": "application/json",
    "svg": "image/svg+xml",
    "xml": "application/xml",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "bmp": "image/bmp",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "webp": "image/webp",
    "eot": "application/vnd.ms-fontobject",
    "ttf": "font/ttf",
    "otf": "font/otf",
    "woff": "font/woff",
    "woff2": "font/woff2",
    "webm": "video/webm",
    "mp4": "video/mp4",
    "ogv": "video/ogg",
    "ogg": "audio/ogg",
    "oga": "audio/ogg",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "wav": "audio/wav",
    "txt": "text/plain",
    "csv": "text/csv",
    "md": "text/markdown",
    "pdf": "application/pdf",
    "gltf": "model/gltf+json",
    "glb": "model/gltf-binary",
}


def _serve_under(root: Path, path: str, request):
    if ".." in path.split("/") or path.startswith("/"):
        raise Http404
    response = serve(request, path, document_root=str(root))
    if response.status_code == 200:
        known = CONTENT_TYPES.get(path.rpartition(".")[2].lower()) if "." in path else None
        if known:
            response["Content-Type"] = known
        response["Accept-Ranges"] = "bytes"
        response = _range_of(request, response)
    return _cors(response)


def _range_of(request, response):
    """The part of a file a Range request asks for, as 206 Partial Content: Safari plays a
    video or sound only from a server that answers one, and other browsers need it to seek.
    A request for several ranges, or whose If-Range names another version, gets it whole."""
    asked = BYTE_RANGE.match(request.headers.get("Range", "").strip())
    if_range = request.headers.get("If-Range")
    if not asked or (if_range and if_range != response.get("Last-Modified")):
        return response
    size = int(response["Content-Length"])
    first, last = asked.groups()
    if first:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    elif last:
        start, end = max(size - int(last), 0), size - 1
    else:
        return response
    if start >= size or start > end:
        response.file_to_stream.close()
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    source = response.file_to_stream
    source.seek(start)
    partial = StreamingHttpResponse(_read(source, end - start + 1), status=206)
    partial._resource_closers.append(source.close)
    for header in ("Content-Type", "Content-Encoding", "Last-Modified", "Accept-Ranges"):
        if header in response:
            partial[header] = response[header]
    partial["Content-Length"] = str(end - start + 1)
    partial["Content-Range"] = f"bytes {start}-{end}/{size}"
    return partial


def _read(source, length: int):
    while length > 0:
        chunk = source.read(min(length, 64 * 1024))
        if not chunk:
            return
        length -= len(chunk)
        yield chunk


@require_safe
@xframe_options_exempt
def embed(request, activity_uuid):
    """The page the module page frames: the h5p-standalone player and the xAPI relay."""
    activity = get_object_or_404(H5PActivity, uuid=activity_uuid, checksum__isnull=False)
    origin = settings.H5P_CONTENT_ORIGIN
    config = {
        "siteOrigin": site_origin(),
        "player": {
            "id": str(activity.uuid),
            "h5pJsonPath": f"{origin}/packages/{activity.uuid}",
            "frameJs": f"{origin}/player/frame.bundle.js",
            "frameCss": f"{origin}/player/styles/h5p.css",
            "xAPIObjectIRI": activity_iri("h5p", activity.uuid),
            "frame": False,
            "copyright": False,
            "export": False,
            "icon": False,
            "fullScreen": False,
            # Runs inside the player's own iframe, before H5P starts.
            "customJs": [f"{origin}/storage.js"],
        },
    }
    response = render(
        request, "h5p/embed.html", {"activity": activity, "config": config, "origin": origin}
    )
    # Only the site may frame the player (CSP Level 2, frame-ancestors).
    response["Content-Security-Policy"] = (
        f"frame-ancestors {site_origin()}; base-uri 'none'; object-src 'none'; form-action 'none'"
    )
    response["Referrer-Policy"] = "no-referrer"
    return _cors(response)


# Our own scripts for the content origin, by the name the embed page uses.
OWN_SCRIPTS = {"embed.js": "js/h5p-embed.js", "storage.js": "js/h5p-storage.js"}


@require_safe
def own_script(request, name):
    """static/js/h5p-*.js, from this origin so the embed page needs no other host."""
    found = finders.find(OWN_SCRIPTS[name]) if name in OWN_SCRIPTS else None
    if not found:
        raise Http404
    found = Path(found)
    return _serve_under(found.parent, found.name, request)


@require_safe
def player_file(request, path):
    """The h5p-standalone player (npm), installed by the set-up; never from a CDN."""
    return _serve_under(Path(settings.H5P_PLAYER_DIR), path, request)


# Libraries may hold svg and xml (H5P core allows them there), and a browser runs a script
# in either when the file is opened as a page of its own. The player only ever loads them
# as images or data, which a document's policy does not touch; opened directly, they run
# nothing and are sandboxed into an origin of their own (CSP Level 3, sandbox).
DOCUMENT_EXTENSIONS = (".svg", ".xml")
DOCUMENT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"


@require_safe
def package_file(request, activity_uuid, path):
    """A file of an extracted package: only what validation let through, and only while its
    activity is saved. A folder can outlive its activity: its files are removed only once a
    deletion commits, and an upload in a transaction that rolls back keeps no row."""
    root = package_dir(activity_uuid)
    if not root.is_dir():
        raise Http404
    if not H5PActivity.objects.filter(uuid=activity_uuid, checksum__isnull=False).exists():
        raise Http404
    response = _serve_under(root, path, request)
    if response.status_code in (200, 206):
        response["Cache-Control"] = FOR_GOOD
    if path.lower().endswith(DOCUMENT_EXTENSIONS):
        response["Content-Security-Policy"] = DOCUMENT_POLICY
    return response


def not_found(request, exception=None):
    """The content origin's "Page not found": its links lead to the site (by its full
    address), as every path here but the player's is another "Page not found"."""
    home = site_origin() + reverse("home", urlconf=settings.ROOT_URLCONF)
    response = render(request, "h5p/not_found.html", {"site_home_url": home}, status=404)
    return _cors(response)
