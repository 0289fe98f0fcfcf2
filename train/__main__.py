"""python -m train: train the networks, write the report, or run the training benchmark.

python -m train all            train B1, B2, B3 and B4 (about 30 minutes on 2 cores)
python -m train B3             train one network
python -m train report         write docs/results.md from the committed weights
python -m train bench          training speed of B4 against NumPy's own matrix-multiply rate
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from recognizer.models import WeightsError

from .config import AUGMENTED_COPIES, MODELS, settings_for
from .data import DATA_DIR, DataError
from .pendigits import PendigitsError

CHECKPOINTS = Path(__file__).resolve().parent.parent / "checkpoints"


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m train",
        description="Train the recognizer's networks from scratch with NumPy, report on them, or benchmark.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__,
    )
    parser.add_argument(
        "what", nargs="+", choices=[*MODELS, "all", "report", "bench", "drawn"], help="networks to train, or a job"
    )
    parser.add_argument(
        "--emnist",
        type=Path,
        metavar="FOLDER",
        help="train B3 and B4 on EMNIST digits from this folder (the four official emnist-digits-* files) "
        "instead of MNIST expanded by augmentation",
    )
    parser.add_argument(
        "--no-drawn", action="store_true", help="leave out the pen-drawn digits of the training writers"
    )
    parser.add_argument("--epochs", type=int, help="override the number of epochs")
    parser.add_argument("--seed", type=int, help="override the random seed (weights, batches, distortions)")
    parser.add_argument("--copies", type=int, default=AUGMENTED_COPIES, help="versions of each image in the pool")
    parser.add_argument("--fresh", action="store_true", help="ignore checkpoints and start from scratch")
    parser.add_argument(
        "--mode", choices=["both", "native", "page"], default="both", help="drawn: through the page, natively, or both"
    )
    parser.add_argument("--per-digit", type=int, help="drawn: only the first N held-out digits of each kind")
    parser.add_argument("--pages", type=int, default=2, help="drawn: pages drawing at once, each in its own browser")
    parser.add_argument("--dist", type=Path, help="drawn: the built site to draw into (default dist/)")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="download and cache folder")
    return parser.parse_args(argv)


def train_networks(names: list[str], args: argparse.Namespace) -> None:
    from recognizer.network import Network

    from .data import load_mnist
    from .dataset import frame_images, training_set
    from .publish import publish
    from .trainer import accuracy, as_inputs, train

    mnist = load_mnist(args.data_dir)
    sets = {}
    for name in names:
        settings = settings_for(name, epochs=args.epochs, seed=args.seed)
        emnist = args.emnist if name in ("B3", "B4") else None
        if emnist not in sets:
            sets[emnist] = training_set(emnist, not args.no_drawn, args.copies, settings.seed, args.data_dir)
        data, framing = sets[emnist]
        checkpoint = CHECKPOINTS / f"{name}.npz"
        if args.fresh:
            checkpoint.unlink(missing_ok=True)
        began = time.perf_counter()
        network: Network
        network, history = train(name, settings, data, checkpoint)
        seconds = sum(history.seconds)
        test_inputs = frame_images(as_inputs(mnist.test_images.reshape(-1, 784)), framing)
        test_accuracy = accuracy(network, test_inputs, mnist.test_labels)
        per_epoch = settings.epoch_size or len(data.labels)
        entry = publish(
            network,
            {
                "name": name,
                "framing": framing,
                "trained_on": f"{data.description}; {per_epoch:,} images an epoch",
                "test_accuracy": round(test_accuracy, 4),
                "training": {
                    **settings.as_dict(),
                    "seconds": round(seconds),
                    "best_epoch": 1 + max(range(len(history.loss)), key=history.validation_accuracy.__getitem__),
                    "validation_accuracy": round(max(history.validation_accuracy), 4),
                    "history": {
                        "loss": [round(v, 5) for v in history.loss],
                        "validation_accuracy": [round(v, 5) for v in history.validation_accuracy],
                    },
                },
            },
        )
        print(
            f"{name}: MNIST test accuracy {100 * test_accuracy:.2f}% "
            f"(training {seconds / 60:.1f} min, this run {(time.perf_counter() - began) / 60:.1f} min) "
            f"-> site/weights/{entry['file']}"
        )


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(sys.argv[1:] if argv is None else argv)
    try:
        if "report" in args.what:
            from .report import write_report

            write_report(args.data_dir)
        elif "drawn" in args.what:
            from .browser import DIST
            from .drawn import benchmark as drawn_benchmark

            site = args.dist or DIST
            if args.mode != "native" and not (site / "build.json").exists():
                print(f"error: {site} is not a built site: run `python3 build.py` first", file=sys.stderr)
                return 1
            drawn_benchmark(args.mode, args.per_digit, args.pages, site)
        elif "bench" in args.what:
            from .bench import benchmark

            benchmark()
        else:
            names = list(MODELS) if "all" in args.what else [n for n in MODELS if n in args.what]
            train_networks(names, args)
    except (DataError, PendigitsError, WeightsError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            "\ninterrupted: run the same command again to resume from the last finished epoch",
            file=sys.stderr,
        )
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
