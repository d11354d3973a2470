"""Benchmark: checking and extracting an H5P package, against a bare unzip.

`inspect_package` + `extract_package_safely` (every safety rule, bytes counted as written)
on the true/false sample from ../shared/h5p-samples/ (or a synthetic package of 300 files
when it is absent), compared with `zipfile.ZipFile.extractall` of the same archive in the
same run. Prints best-of-N times and the ratio (target: at most 2 x the bare unzip).

    .venv/bin/python bench/h5p_extract.py [--runs 15]
"""

import argparse
import io
import json
import os
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from h5p.validation import extract_package_safely, inspect_package  # noqa: E402

SAMPLE = ROOT.parent / "shared" / "h5p-samples" / "h5p-standalone-truefalse.h5p"


def synthetic() -> bytes:
    library = {
        "machineName": "H5P.Bench",
        "majorVersion": 1,
        "minorVersion": 0,
        "preloadedJs": [{"path": "bench.js"}],
    }
    files = {
        "h5p.json": json.dumps(
            {
                "title": "Bench",
                "mainLibrary": "H5P.Bench",
                "preloadedDependencies": [
                    {"machineName": "H5P.Bench", "majorVersion": 1, "minorVersion": 0}
                ],
            }
        ),
        "content/content.json": "{}",
        "H5P.Bench-1.0/library.json": json.dumps(library),
        "H5P.Bench-1.0/bench.js": "var x = 1;\n" * 2000,
    }
    for n in range(300):
        files[f"content/images/{n}.png"] = os.urandom(4096)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def timed(work) -> float:
    target = Path(tempfile.mkdtemp(prefix="h5p-bench-"))
    start = time.perf_counter()
    work(target)
    elapsed = time.perf_counter() - start
    shutil.rmtree(target)
    return elapsed


def best_of_pairs(runs: int, first, second) -> tuple[float, float]:
    """Alternate the two, so that the shared machine's noise falls on both alike."""
    a, b = [], []
    for _ in range(runs):
        a.append(timed(first))
        b.append(timed(second))
    return min(a), min(b)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    data = SAMPLE.read_bytes() if SAMPLE.exists() else synthetic()
    label = SAMPLE.name if SAMPLE.exists() else "synthetic package (sample absent)"

    def checked(target):
        manifest = inspect_package(io.BytesIO(data))
        extract_package_safely(io.BytesIO(data), manifest, target)

    def bare(target):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            archive.extractall(target)

    baseline, ours = best_of_pairs(args.runs, bare, checked)
    print(f"package: {label}, {len(data):,} bytes")
    print(f"bare extractall: {baseline * 1000:.1f} ms (best of {args.runs})")
    print(f"checked extract: {ours * 1000:.1f} ms (best of {args.runs})")
    print(f"ratio: {ours / baseline:.2f} x (target <= 2)")


if __name__ == "__main__":
    main()
