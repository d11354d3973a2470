"""The URLs of the H5P content origin (H5P_CONTENT_ORIGIN); see h5p/middleware.py.

Nothing here reads cookies or knows who the learner is.
"""

from django.urls import path, re_path

from . import content_views

urlpatterns = [
    path("embed/<uuid:activity_uuid>/", content_views.embed, name="h5p_embed"),
    re_path(r"^(?P<name>(?:embed|storage)\.js)$", content_views.own_script, name="h5p_own_script"),
    re_path(r"^player/(?P<path>[\w./\-]+)$", content_views.player_file, name="h5p_player_file"),
    re_path(
        # Any name validation let through: spaces, brackets and the like included.
        r"^packages/(?P<activity_uuid>[0-9a-f-]{36})/(?P<path>[^\x00-\x1f\x7f]+)$",
        content_views.package_file,
        name="h5p_package_file",
    ),
]

# The site's 404 page links to the site's pages by path, which on this origin are not found
# either: this one links back to the site itself.
handler404 = content_views.not_found
