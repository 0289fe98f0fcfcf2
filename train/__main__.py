"""python -m train: train the networks from scratch and publish them into site/weights/.

python -m train all            train B1, B2, B3 and B4 (about 20 minutes on 2 cores)
python -m train B3             train one network; an interrupted run resumes from checkpoints/
python -m train calibrate      fit the committed networks' temperatures on the validation digits, without
                               training (models.json's temperature fields change; the weights do not)
python -m train republish      write the committed networks' files again as publishing now writes them (int8
                               weights), with their MNIST test accuracy measured again on what is shipped
python -m train rehearsal      site/rehearsal.npz: the MNIST training digits the page rehearses while
                               it learns a person's examples
python -m train check          site/weights/check.npz: the check that a drawing is a digit at all (reference
                               digits and a network that learned what is not a digit; about 10 minutes)

Measuring them is the evaluation package's job: python -m evaluation --help.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from files import CHECKPOINTS, DATA, WEIGHTS, shown
from recognizer.models import WeightsError, load_models, read_manifest

from .config import AUGMENTED_COPIES, MODELS, settings_for
from .data import DataError


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m train",
        description="Train the recognizer's networks from scratch with NumPy.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__,
    )
    parser.add_argument(
        "what",
        nargs="+",
        choices=[*MODELS, "all", "calibrate", "republish", "rehearsal", "check"],
        help="the networks to train, or calibrate, republish, rehearsal or check",
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
    parser.add_argument("--data-dir", type=Path, default=DATA, help="download and cache folder")
    args = parser.parse_args(argv)
    for alone in ("calibrate", "republish", "rehearsal", "check"):
        if alone in args.what and len(args.what) > 1:
            parser.error(f"{alone} works alone")
    return args


def train_networks(names: list[str], args: argparse.Namespace) -> None:
    from recognizer.preprocess import frame_images
    from recognizer.temperature import temperature_of
    from recognizer.training import accuracy

    from .data import as_inputs, load_mnist
    from .dataset import training_set
    from .publish import as_published, publish
    from .trainer import train

    mnist = load_mnist(args.data_dir)
    sets = {}
    for name in names:
        settings = settings_for(name, epochs=args.epochs, seed=args.seed)
        emnist = args.emnist if name in ("B3", "B4") else None
        if emnist not in sets:
            sets[emnist] = training_set(emnist, not args.no_drawn, args.copies, settings.seed, args.data_dir)
        data, framing = sets[emnist]
        checkpoint = CHECKPOINTS / f"{name}.pickle"
        if args.fresh:
            checkpoint.unlink(missing_ok=True)
        began = time.perf_counter()
        network, history = train(name, settings, data, checkpoint)
        network = as_published(network)  # its accuracy and temperature are those of the weights shipped
        seconds = sum(history.seconds)
        test_inputs = frame_images(as_inputs(mnist.test_images.reshape(-1, 784)), framing)
        test_accuracy = accuracy(network, test_inputs, mnist.test_labels)
        entry = publish(
            network,
            {
                "name": name,
                "colour": MODELS[name].colour,
                "framing": framing,
                "trained_on": {**data.trained_on, "images_per_epoch": settings.epoch_size or len(data.labels)},
                "test_accuracy": round(test_accuracy, 4),
                "temperature": temperature_of(network, data.validation_inputs, data.validation_labels),
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
            f"-> {shown(WEIGHTS / entry['file'])}"
        )


def calibrate_networks(args: argparse.Namespace) -> None:
    """Fit each committed network's temperature on the validation digits (in its framing) and record it."""
    from recognizer.preprocess import frame_images
    from recognizer.temperature import temperature_of

    from .data import as_inputs, load_mnist
    from .publish import record_temperatures

    networks, failures = load_models(WEIGHTS)
    if failures:
        raise WeightsError("; ".join(f"{name}: {reason}" for name, reason in failures.items()))
    mnist = load_mnist(args.data_dir)
    inputs = as_inputs(mnist.validation_images.reshape(-1, 784))
    temperatures = {}
    for entry in read_manifest(WEIGHTS):
        framed = frame_images(inputs, entry["framing"])
        temperatures[entry["name"]] = temperature_of(networks[entry["name"]], framed, mnist.validation_labels)
        print(f"{entry['name']}: temperature {temperatures[entry['name']]}", flush=True)
    record_temperatures(temperatures)
    print(f"-> {shown(WEIGHTS / 'models.json')}")


def republish_networks(args: argparse.Namespace) -> None:
    """Write each committed network's file again as publishing writes it now, with the MNIST test accuracy of what
    is shipped; its temperature and everything else in its entry stay (python -m train calibrate fits those)."""
    from recognizer.preprocess import frame_images
    from recognizer.training import accuracy

    from .data import as_inputs, load_mnist
    from .publish import as_published, publish

    networks, failures = load_models(WEIGHTS)
    if failures:
        raise WeightsError("; ".join(f"{name}: {reason}" for name, reason in failures.items()))
    mnist = load_mnist(args.data_dir)
    inputs = as_inputs(mnist.test_images.reshape(-1, 784))
    for entry in read_manifest(WEIGHTS):
        network = as_published(networks[entry["name"]])
        test_accuracy = accuracy(network, frame_images(inputs, entry["framing"]), mnist.test_labels)
        entry = publish(network, {**entry, "test_accuracy": round(test_accuracy, 4)})
        print(f"{entry['name']}: MNIST test accuracy {100 * test_accuracy:.2f}% -> {shown(WEIGHTS / entry['file'])}")


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(sys.argv[1:] if argv is None else argv)
    try:
        if args.what == ["calibrate"]:
            calibrate_networks(args)
        elif args.what == ["republish"]:
            republish_networks(args)
        elif args.what == ["check"]:
            from .check import check_arrays, fit_check
            from .publish import publish_check

            check, entry = fit_check(args.data_dir)
            entry = publish_check(check_arrays(check), entry)
            limits = f"farthest {entry['farthest']}, most doubt {entry['most_doubt']}"
            print(f"check: {limits} -> {shown(WEIGHTS / entry['file'])}")
        elif args.what == ["rehearsal"]:
            from .data import load_mnist
            from .publish import publish_rehearsal

            mnist = load_mnist(args.data_dir)
            print(f"-> {shown(publish_rehearsal(mnist.train_images, mnist.train_labels))}")
        else:
            train_networks(list(MODELS) if "all" in args.what else [n for n in MODELS if n in args.what], args)
    except (DataError, WeightsError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted: run the same command again to resume from the last finished epoch", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
