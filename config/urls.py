from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from config.health import health
from schools import views as schools_views

urlpatterns = [
    # For a load balancer: no sign-in, no data (config/health.py, docs/deploying.md).
    path("health/", health, name="health"),
    # Before the admin's own URLs: its sign-in page sends people to the site's (settings:
    # WAGTAILADMIN_LOGIN_URL), keeping where they were going.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    # The admin's "Log out" signs out as the site's "Sign out" does; Wagtail's own, opened by
    # GET, was a blank page that threw the cookie away and left the sign-in running.
    path("admin/logout/", schools_views.SignOutView.as_view(), name="admin_logout"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/login/", schools_views.SignInView.as_view(), name="login"),
    path("accounts/logout/", schools_views.SignOutView.as_view(), name="logout"),
    path("accounts/stay/", schools_views.session_stay, name="session_stay"),
    path("accounts/time-left/", schools_views.session_left, name="session_left"),
    path(
        "accounts/password/",
        schools_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        schools_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        schools_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("home/", schools_views.home, name="home"),
    path("schools/", include("schools.urls")),
    path("learning/", include("courses.urls")),
    path("scenarios/", include("scenarios.urls")),
    path("quizzes/", include("assessments.urls")),
    path("h5p/", include("h5p.urls")),
    path("xapi/", include("xapi.urls")),
    path("records/", include("records.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page serving catches everything else, so it comes last, after its own sign-in
# page gives way to the site's, as the admin's does.
urlpatterns += [
    path("_util/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("", include(wagtail_urls)),
]
