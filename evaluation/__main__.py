"""python -m evaluation: one command for each measurement, each writing or printing its figures.

python -m evaluation report           docs/results.md from the committed weights (and docs/drawn.json)
python -m evaluation drawn            the held-out writers' digits drawn into the built page (~31 minutes)
python -m evaluation offdigits        letters, shapes, marks and scribbles drawn into the built page (~25 minutes)
python -m evaluation training-speed   B4's training speed against NumPy's own matrix-multiply rate; with --page,
                                      "Train your own" in the built page with its defaults, beside natively (~5 min)
python -m evaluation page-speed       the built page's start-up and answer times: Chromium, then every engine
python -m evaluation inside-speed     what the inside view adds to a reading's time and to a first visit's bytes
python -m evaluation augmentation     a picture of MNIST digits beside their distorted versions
python -m evaluation examples         site/examples.json: the held-out digits the page's "Try an example" draws,
                                      and site/digits/pen.json: those "Where it goes wrong" reads
python -m evaluation teaching         docs/teaching.md: what correcting a few drawings teaches, on the held-out
                                      writers natively, and one correction's time in the built page (~5 minutes)
python -m evaluation mutants [MODULE] docs/mutants.md: the share of small changes to each module of site/py/recognizer
                                      that its unit tests catch (mutation testing with mutmut; ./dev mutants)
python -m evaluation peers            "Train your own" in the built page beside TensorFlow.js (wasm, cpu) training
                                      the same network in the same Chromium, alternating (~2 minutes; npm ci first)
python -m evaluation step-speed       one learning step and "Fool it" timed in the built page; fooling B1 and the
                                      vote measured on MNIST's test digits (~5 minutes)
python -m evaluation lab-speed        "Where it goes wrong" timed in the built page: opening it, the map's dot after a
                                      stroke; docs/lab.png (~3 minutes)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from files import DATA, DIST, DOCS, shown
from recognizer.models import WeightsError
from train.data import DataError

COMMANDS = ["report", "drawn", "offdigits", "training-speed", "page-speed", "inside-speed", "augmentation"]
COMMANDS += ["examples", "teaching", "mutants", "peers", "step-speed", "lab-speed"]


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m evaluation",
        description="Measure the networks and the page with the shipped code.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__,
    )
    parser.add_argument("command", choices=COMMANDS)
    parser.add_argument("modules", nargs="*", help="mutants: only these modules (default: every one measured)")
    parser.add_argument(
        "--dist", type=Path, default=DIST, help="drawn, page-speed, peers: the built site (default dist/)"
    )
    parser.add_argument(
        "--mode",
        choices=["both", "native", "page"],
        default="both",
        help="drawn, offdigits: through the page, natively, or both",
    )
    parser.add_argument("--per-digit", type=int, help="drawn: only the first N held-out digits of each kind")
    parser.add_argument(
        "--pages", type=int, default=2, help="drawn, offdigits: pages drawing at once, each in its own browser"
    )
    parser.add_argument(
        "--before",
        type=Path,
        help="inside-speed, step-speed, lab-speed: a build without the feature, to compare first visits' bytes",
    )
    parser.add_argument("--page", action="store_true", help="training-speed: train in the built page")
    parser.add_argument("--runs", type=int, default=5, help="page-speed: fresh browser profiles (default 5)")
    parser.add_argument("--rounds", type=int, default=2, help="peers: rounds of ours, wasm, cpu (default 2)")
    parser.add_argument("--data-dir", type=Path, default=DATA, help="report: MNIST's cache folder")
    parser.add_argument(
        "--writers",
        choices=["held-out", "training"],
        default="held-out",
        help="teaching: whose digits (the training writers' figures are printed only: they chose the settings)",
    )
    parser.add_argument(
        "--settings", type=json.loads, help='teaching: other settings to try, as JSON: {"learning_rate": 0.003}'
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(sys.argv[1:] if argv is None else argv)
    needs_site = (
        args.command in ("page-speed", "inside-speed", "peers", "step-speed", "lab-speed")
        or (args.command == "training-speed" and args.page)
        or (args.command in ("drawn", "offdigits") and args.mode != "native")
        or (args.command == "teaching" and args.writers == "held-out")
    )
    if needs_site and not (args.dist / "build.json").exists():
        print(f"error: {shown(args.dist)} is not a built site: run `python3 build.py` first", file=sys.stderr)
        return 1
    try:
        if args.command == "report":
            from .report import write_report

            write_report(args.data_dir)
        elif args.command == "drawn":
            from .drawn import benchmark

            benchmark(args.mode, args.per_digit, args.pages, args.dist)
        elif args.command == "offdigits":
            from .drawn import off_digit_benchmark

            off_digit_benchmark(args.mode, args.pages, args.dist)
        elif args.command == "training-speed":
            if args.page:
                from .training_page import benchmark

                benchmark(args.dist)
            else:
                from .training_speed import benchmark

                benchmark()
        elif args.command == "page-speed":
            from .page_speed import benchmark

            benchmark(args.runs, args.dist)
        elif args.command == "inside-speed":
            from .inside_speed import benchmark

            benchmark(args.dist, args.before)
        elif args.command == "teaching":
            from recognizer.learn import Teaching

            from .teaching import benchmark

            settings = Teaching(**args.settings) if args.settings else None
            benchmark(args.writers, settings, args.dist if args.writers == "held-out" else None)
        elif args.command == "step-speed":
            from .step_speed import benchmark

            benchmark(args.dist, args.before)
        elif args.command == "lab-speed":
            from .lab_speed import benchmark

            benchmark(args.dist, args.before)
        elif args.command == "peers":
            from .peers import benchmark

            benchmark(args.dist, args.rounds)
        elif args.command == "mutants":
            from .mutants import main as mutants

            return mutants(args.modules)
        elif args.command == "examples":
            from .examples import write_examples, write_pen_digits

            write_examples()
            write_pen_digits()
        else:
            from train.data import load_mnist

            from .pictures import plot_augmentation

            path = DOCS / "augmentation.png"
            plot_augmentation(load_mnist(args.data_dir).train_images[:12], path)
            print(f"wrote {shown(path)}")
    except (DataError, WeightsError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
