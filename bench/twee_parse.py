"""Benchmark: reading a Twee 3 file as big as the import takes (1 MB) that is built to be slow.

A well-formed story of about 1 MB (passages in a chain, each with text and two links) is the
baseline. Against it, files of the same size made of lines that made the old regex-based
reader look for an ending from every position: runs of `[[`, unclosed links, passage headers
full of `[` or of spaces. Each is parsed (`scenarios.twee.twee_parse`, which refuses them with
their problems) best-of-5, alternating with the baseline; the script prints each ratio to the
baseline. Target: at most 1 x, i.e. a hostile file is read no slower than an ordinary one of
the same size (before the one-pass reader these took 19 to 54 s).

No database is needed. Usage:

    .venv/bin/python bench/twee_parse.py [--runs 5]
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

SIZE = 1_000_000
TARGET_RATIO = 1.0
HOSTILE = {
    "link brackets": "[[" * 4999,
    "unclosed links": "[[a" * 3333,
    "header brackets": ":: " + "[" * 9990,
    "header spaces": ":: x" + " " * 9990 + "y",
}


def ordinary_story() -> str:
    head = (
        ":: StoryTitle\nA long story\n\n:: StoryData\n"
        '{"ifid": "D674C58C-DEFA-4F70-B7A2-27742230C0FC", "start": "P0"}\n\n'
    )
    parts = [head]
    size = len(head)
    i = 0
    while size < SIZE - 200:
        part = (
            f":: P{i}\nYou see a post about a teacher on a friend's phone, and they ask what "
            f"you think of it.\n[[Tell an adult->P{i + 1}]]\n@feedback: That helps.\n"
            f"[[Scroll past->P{i + 1}]]\n\n"
        )
        parts.append(part)
        size += len(part)
        i += 1
    parts.append(f":: P{i} [ending-good]\nWell done.\n")
    return "".join(parts)


def best(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from scenarios.twee import TweeError, twee_parse

    ordinary = ordinary_story()
    twee_parse(ordinary)  # it must read cleanly, or the baseline means nothing

    def refused(text):
        try:
            twee_parse(text)
        except TweeError:
            return
        raise SystemExit("a hostile file was accepted")

    worst = 0.0
    print(f"Twee parse, files of about {SIZE:,} characters, best of {args.runs}")
    for name, line in HOSTILE.items():
        hostile = ":: A\n" + "\n".join([line] * (SIZE // len(line)))
        base = best(lambda: twee_parse(ordinary), args.runs)
        took = best(lambda h=hostile: refused(h), args.runs)
        base = min(base, best(lambda: twee_parse(ordinary), args.runs))
        ratio = took / base
        worst = max(worst, ratio)
        print(
            f"  {name:16} {took * 1000:8.1f} ms against the ordinary story's "
            f"{base * 1000:8.1f} ms: {ratio:.2f} x"
        )
    print(f"  worst ratio: {worst:.2f} x (target <= {TARGET_RATIO:g} x)")
    print("  OK" if worst <= TARGET_RATIO else "  ABOVE TARGET")
    return 0 if worst <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
