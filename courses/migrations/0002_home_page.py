"""Replace Wagtail's placeholder welcome page with Upstander's home page."""

from django.db import migrations

WELCOME = (
    "<p>Upstander is online-safety training for schools: PSHE lessons for pupils, "
    "privacy-settings CPD for staff, and a dashboard for safeguarding leads.</p>"
)


def create_home_page(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("courses.HomePage")

    if HomePage.objects.exists():
        return
    # Wagtail's initial migration creates a plain "Welcome" page at depth 2.
    Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()

    home_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="courses")
    root = Page.objects.get(depth=1)
    home = HomePage.objects.create(
        title="Upstander",
        draft_title="Upstander",
        slug="home",
        content_type=home_type,
        path=f"{root.path}0001",
        depth=2,
        numchild=0,
        url_path="/home/",
        intro=WELCOME,
        live=True,
        locale_id=root.locale_id,
    )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "Upstander"},
    )


def remove_home_page(apps, schema_editor):
    apps.get_model("courses.HomePage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_initial"),
        ("wagtailcore", "0001_squashed_0016_change_page_url_path_to_text_field"),
    ]

    operations = [migrations.RunPython(create_home_page, remove_home_page)]
