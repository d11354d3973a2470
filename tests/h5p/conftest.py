"""Fixtures for H5P tests: a private package folder, the sample packages, a module with an
H5P block."""

import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import set_urlconf

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "h5p-samples"
TRUE_FALSE = SAMPLES / "h5p-standalone-truefalse.h5p"
XSS_SVG = SAMPLES / "lumi-xss-svg.h5p"
IN_CI = os.environ.get("CI", "").lower() == "true"


def sample(path: Path) -> Path:
    """A sample package from ../shared/h5p-samples: skipped when absent, failed under CI."""
    if not path.exists():
        message = f"H5P sample package not found at {path}"
        if IN_CI:
            pytest.fail(message + " (required under CI)")
        pytest.skip(message + "; the H5P sample tests need ../shared/h5p-samples/.")
    return path


def upload_of(data: bytes, name: str = "activity.h5p") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/zip")


def files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture(autouse=True)
def h5p_root(settings, tmp_path):
    settings.H5P_ROOT = tmp_path / "h5p"
    settings.H5P_CONTENT_ORIGIN = "http://127.0.0.1:8001"
    return settings.H5P_ROOT


@pytest.fixture(autouse=True)
def site_urls_after_each_test():
    """A request to the content origin routes to its own URLs until the response is closed,
    which the test client does not do for a streamed file left unread: the next test's
    reverse() of a site URL then failed (NoReverseMatch)."""
    yield
    set_urlconf(None)


@pytest.fixture
def true_false_path():
    return sample(TRUE_FALSE)


@pytest.fixture
def xss_svg_path():
    return sample(XSS_SVG)


def module_with_h5p(home_page, activity, *, audience="pupils"):
    """A live pupil course with one module whose body is a text block and the H5P block."""
    from courses.models import CourseIndexPage, CoursePage, ModulePage

    index = home_page.add_child(
        instance=CourseIndexPage(title="Courses", slug=f"courses-{audience}", audience=audience)
    )
    course = index.add_child(
        instance=CoursePage(
            title="Being an upstander",
            slug="being-an-upstander",
            audience=audience,
            summary="What to do when a post targets a teacher.",
            estimated_minutes=30,
            learning_outcomes="Spot a fake account",
        )
    )
    module = course.add_child(
        instance=ModulePage(
            title="Check your understanding",
            slug="check-your-understanding",
            summary="A quick question.",
            estimated_minutes=5,
            body=[
                ("text", "<p>Answer the question below.</p>"),
                ("h5p", {"activity": activity, "required": True}),
            ],
        )
    )
    return module
