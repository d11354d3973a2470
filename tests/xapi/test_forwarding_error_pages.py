"""What the admin reads when a target answers a failure with a web page."""

from xapi.models import ForwardingTarget, OutboxEntry
from xapi.services import record

NGINX_502 = b"""<html>
<head><title>502 Bad Gateway</title>
<style>body { width: 35em; margin: 0 auto; font-family: Tahoma, Verdana, Arial, sans-serif; }
h1 { color: #333; } .footer { font-size: small; color: #777; padding: 2em; border-top: 1px solid
#ccc; } .detail { background: #f4f4f4; padding: 1em; margin: 1em 0; border-radius: 4px; } .x {
display: none; } .y { display: none; } .z { display: none; } .w { display: none; } .v {
display: none; }</style>
<script>window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);}
</script>
</head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
"""


def test_an_error_page_in_html_is_shown_as_its_words_not_its_markup(
    school, pupil, make_statement, receiver, django_capture_on_commit_callbacks
):
    """A proxy in front of the LRS answers a 5xx with an HTML page: its first 500 characters
    were shown as they came, tags, styles and scripts, and the page's words ("502 Bad
    Gateway") came after them, cut off."""
    ForwardingTarget.objects.create(name="Trust LRS", endpoint=receiver.endpoint)
    receiver.statuses = [(502, {"Content-Type": "text/html"})]
    receiver.reply_body = NGINX_502
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[make_statement(pupil)], school=school)
    assert OutboxEntry.objects.get().last_error == "HTTP 502: 502 Bad Gateway 502 Bad Gateway nginx"
