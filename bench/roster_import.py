"""Benchmark: importing a 2,000-pupil roster CSV.

Prints the import time against a baseline measured in the same run: creating the same 2,000
users with one bulk_create and no password hashing (the least any import could do). Also
estimates what the import would cost if every first password used Django's default hasher,
which is why generated passwords use schools.hashers.GeneratedPasswordHasher.

    .venv/bin/python bench/roster_import.py            # SQLite in memory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/upstander_bench .venv/bin/python bench/...
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

ROWS = 2000


def roster_csv() -> bytes:
    lines = ["mis_id,first_name,last_name,class,year_group"]
    for i in range(ROWS):
        year = 7 + i % 5
        lines.append(f"M{i:05d},Pupil{i % 97},Surname{i},{year}{'RSTUV'[i % 5]},Year {year}")
    return ("\r\n".join(lines) + "\r\n").encode()


def main() -> None:
    from schools.models import School, User
    from schools.roster import Kind, roster_parse
    from schools.services import roster_import

    data = roster_csv()

    # Baseline: the same users, one bulk_create, no hashing, in a school of their own.
    baseline_school = School.objects.create(name="Baseline")
    start = time.perf_counter()
    with transaction.atomic():
        User.objects.bulk_create(
            [
                User(
                    school=baseline_school,
                    username=f"base{i}",
                    first_name=f"Pupil{i % 97}",
                    last_name=f"Surname{i}",
                    mis_id=f"M{i:05d}",
                    password=make_password(None),  # unusable: no hashing
                )
                for i in range(ROWS)
            ],
            batch_size=500,
        )
    baseline = time.perf_counter() - start

    school = School.objects.create(name="Benchmark Academy")
    start = time.perf_counter()
    result = roster_import(
        school=school, kind=Kind.PUPILS, parsed=roster_parse(data, kind=Kind.PUPILS)
    )
    first = time.perf_counter() - start
    assert result.created == ROWS, result

    start = time.perf_counter()
    again = roster_import(
        school=school, kind=Kind.PUPILS, parsed=roster_parse(data, kind=Kind.PUPILS)
    )
    second = time.perf_counter() - start
    assert (again.created, again.unchanged) == (0, ROWS), again

    # What the default hasher would have cost (sampled, then scaled to the whole roster).
    sample = 5
    start = time.perf_counter()
    for _ in range(sample):
        PBKDF2PasswordHasher().encode("apple-river-tiger-42", "saltsaltsalt1234")
    default_hashing = (time.perf_counter() - start) / sample * ROWS

    print(f"database: {connection.vendor}; rows: {ROWS}")
    print(f"baseline (bulk_create, no hashing): {baseline:.2f} s")
    print(f"roster import, first time:          {first:.2f} s  ratio {first / baseline:.1f}x")
    print(f"roster import, same file again:     {second:.2f} s  ratio {second / baseline:.1f}x")
    print(f"default hasher alone would take:    {default_hashing:.0f} s (estimated)")
    print(f"target: well under 60 s -> {'OK' if first < 30 else 'TOO SLOW'}")


if __name__ == "__main__":
    setup_test_environment()
    # A throwaway test database, created and migrated like the test suite's.
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        main()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
