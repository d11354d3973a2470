"""The test packages are reproducible: the same files make the same bytes at any moment."""

from unittest import mock

from tests.unit.h5p.packages import tiny_package


def test_the_same_files_make_the_same_bytes_whatever_the_time():
    first = tiny_package()
    # As if the second build ran in a later two-second tick of the zip format's clock.
    with mock.patch("time.time", return_value=2_000_000_000.0):
        second = tiny_package()
    assert first == second
