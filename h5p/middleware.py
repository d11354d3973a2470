"""Serve the H5P content origin from the same Django process, with its own URLs.

Requests whose host is H5P_CONTENT_ORIGIN's get `h5p.content_urls` (the embed page, the
player files and extracted packages) and nothing else: no sign-in, no admin, no learner data,
and no cookies read.
Requests for the site never see those URLs, so package files are never served from the
site's origin.
"""

from urllib.parse import urlsplit

from django.conf import settings


def content_host() -> str:
    """`host[:port]` of the content origin, as a request's Host header would say it."""
    return urlsplit(settings.H5P_CONTENT_ORIGIN).netloc.lower()


def is_content_request(request) -> bool:
    return request.get_host().lower() == content_host()


class ContentOriginMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_content_request(request):
            request.urlconf = "h5p.content_urls"
            request.is_h5p_content_origin = True
            # Nothing there is for someone signed in. Where the browser still sends the site's
            # cookies (one host name, two ports, as 127.0.0.1 under `make run`), the sessions
            # middleware would sign them in, and the error pages' header reverse the site's
            # URLs, which the content origin has not: a 404 would be a server error.
            request.COOKIES = {}
        return self.get_response(request)
