"""Every picture the evaluation draws, with matplotlib: the vote's confusion matrix, the training curves,
the drawn digits the vote misread, digits beside their distorted copies (what training sees), and the check
set of drawings that are not digits."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure  # no pyplot: figures drawn straight into files, no window, no global state

from harness.offdigits import OffDigit
from recognizer.augment import AugmentParams, augment


def plot_confusion(matrix: np.ndarray, title: str, path: Path) -> None:
    errors = matrix * (1 - np.eye(10, dtype=int))
    fig = Figure(figsize=(5.2, 4.6))
    ax = fig.subplots()
    image = ax.imshow(errors, cmap="Reds")
    for i in range(10):
        for j in range(10):
            if matrix[i, j]:
                colour = "white" if errors[i, j] > errors.max() / 2 else "black"
                text = str(matrix[i, j]) if i != j else f"{matrix[i, j]}"
                ax.text(j, i, text, ha="center", va="center", fontsize=6.5, color="grey" if i == j else colour)
    ax.set(xticks=range(10), yticks=range(10), xlabel="answer", ylabel="true digit", title=title)
    fig.colorbar(image, ax=ax, label="mistakes")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def plot_training_curves(entries: list[dict], path: Path) -> None:
    fig = Figure(figsize=(10, 3.8))
    loss_ax, accuracy_ax = fig.subplots(1, 2)
    for entry in entries:
        history = entry["training"]["history"]
        epochs = np.arange(1, len(history["loss"]) + 1)
        loss_ax.plot(epochs, history["loss"], label=entry["name"])
        accuracy_ax.plot(epochs, 100 * np.array(history["validation_accuracy"]), label=entry["name"])
    loss_ax.set(xlabel="epoch", ylabel="training cost (cross-entropy + L2)", yscale="log")
    accuracy_ax.set(xlabel="epoch", ylabel="validation accuracy (%)", ylim=(97.5, 100))
    for ax in (loss_ax, accuracy_ax):
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def plot_misread(digits, answers, inputs, path: Path, how_many: int = 16) -> None:
    """What was drawn, what the network saw, what the vote said, for the first misread digits."""
    wrong = [i for i, (d, a) in enumerate(zip(digits, answers, strict=True)) if a["vote"] != d.label][:how_many]
    if not wrong:
        return
    fig = Figure(figsize=(1.2 * len(wrong), 2.8))
    axes = fig.subplots(2, len(wrong), squeeze=False)
    for column, i in enumerate(wrong):
        for stroke in digits[i].strokes:
            axes[0, column].plot(stroke[:, 0], -stroke[:, 1], "k-", linewidth=2)
        axes[0, column].set_aspect("equal")
        axes[0, column].set_title(f"drawn {digits[i].label}", fontsize=8)
        axes[1, column].imshow(np.reshape(inputs[i], (28, 28)), cmap="gray")
        axes[1, column].set_title(f"read {answers[i]['vote']}", fontsize=8, color="#b00020")
    for ax in axes.ravel():
        ax.axis("off")
    fig.suptitle("Misread by the vote: the strokes (top), the 28x28 input the networks saw (bottom)", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def plot_non_digits(drawings: list, path: Path, per_kind: int = 8) -> None:
    """The first `per_kind` non-digits of each kind (train/nondigits.py), as the networks see them (28x28)."""
    from recognizer.preprocess import to_network_input

    kinds = list(dict.fromkeys(d.kind for d in drawings))
    fig = Figure(figsize=(0.75 * per_kind + 1.2, 0.75 * len(kinds)))
    axes = fig.subplots(len(kinds), per_kind, squeeze=False)
    for row, kind in enumerate(kinds):
        chosen = [d for d in drawings if d.kind == kind][:per_kind]
        for column, drawing in enumerate(chosen):
            x = to_network_input([s.tolist() for s in drawing.strokes], "mnist")
            axes[row, column].imshow(np.reshape(x, (28, 28)), cmap="gray_r", vmin=0, vmax=1)
        axes[row, 0].set_ylabel(kind, rotation=0, ha="right", va="center", fontsize=8)
    for ax in axes.ravel():
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(False)
    fig.tight_layout()
    fig.savefig(path, dpi=90)


def plot_flagged_digits(digits: list, inputs: np.ndarray, path: Path, how_many: int = 24) -> None:
    """Real digits the check called not a digit: the strokes, with the digit they are, above the 28x28 input."""
    digits, inputs = digits[:how_many], inputs[:how_many]
    fig = Figure(figsize=(max(1.0 * len(digits), 3), 2.4))
    axes = fig.subplots(2, max(len(digits), 1), squeeze=False)
    for column, (digit, x) in enumerate(zip(digits, inputs, strict=True)):
        for stroke in digit.strokes:
            axes[0, column].plot(stroke[:, 0], -stroke[:, 1], "k-", linewidth=2)
        axes[0, column].set_aspect("equal")
        axes[0, column].set_title(f"a {digit.label}", fontsize=8)
        axes[1, column].imshow(np.reshape(x, (28, 28)), cmap="gray")
    for ax in axes.ravel():
        ax.axis("off")
    if not digits:
        axes[0, 0].text(0.5, 0.5, "none", ha="center", va="center")
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def plot_augmentation(images: np.ndarray, path: Path, copies: int = 10, seed: int = 0) -> None:
    """Each digit (a row) beside `copies` distorted versions of it, as training sees them."""
    rng = np.random.default_rng(seed)
    versions = [images / 255, *(augment(images, rng, params=AugmentParams()) for _ in range(copies))]
    fig = Figure(figsize=(0.6 * len(versions), 0.6 * len(images)))
    axes = fig.subplots(len(images), len(versions), squeeze=False)
    for row, column in np.ndindex(axes.shape):
        axes[row, column].imshow(versions[column][row], cmap="gray_r", vmin=0, vmax=1)
        axes[row, column].axis("off")
    axes[0, 0].set_title("digit", fontsize=7)
    axes[0, 1].set_title("distorted versions", fontsize=7, loc="left")
    fig.tight_layout(pad=0.2)
    fig.savefig(path, dpi=100)


def plot_teaching(results: dict, errors: dict[str, tuple[float, float]], samples: dict[str, list], path: Path) -> None:
    """What teaching does: the styles (one writer's drawing each), how many of a writer's other drawings of a style
    the vote reads right after each correction, and the vote's error before and after teaching k of each digit.

    errors: for each k, the vote's error (before, after) on the writers' other digits, all writers pooled."""
    fig = Figure(figsize=(11, 3.4))
    grid = fig.add_gridspec(1, 4, width_ratios=[0.6, 0.6, 1.6, 1.4])
    for column, (style, strokes) in enumerate(samples.items()):
        ax = fig.add_subplot(grid[0, column])
        for i, stroke in enumerate(strokes):
            added = i == len(strokes) - 1 if style.startswith("slashed") else i == 0  # the style's own stroke
            ax.plot(stroke[:, 0], -stroke[:, 1], "-", color="#b00020" if added else "black", linewidth=2.5)
        ax.set_aspect("equal")
        ax.axis("off")
        ax.set_title(style, fontsize=9)
    curves = fig.add_subplot(grid[0, 2])
    for (style, sessions), colour in zip(results["styles"].items(), ["#2565a8", "#24804b"], strict=False):
        for session in sessions:
            curves.plot(100 * np.array(session["read_style"]), color=colour, alpha=0.25, linewidth=1)
        curves.plot(
            100 * np.mean([s["read_style"] for s in sessions], axis=0), color=colour, linewidth=2.5, label=style
        )
    curves.axhline(90, color="grey", linestyle=":", linewidth=1)
    curves.set(xlabel="corrections", ylabel="other drawings of the style read right (%)", ylim=(0, 102))
    curves.legend(fontsize=8, loc="lower right")
    curves.grid(alpha=0.3)
    bars = fig.add_subplot(grid[0, 3])
    ks = list(errors)
    for column, (offset, when, colour) in enumerate([(-0.2, "before", "#999999"), (0.2, "after", "#24804b")]):
        heights = [100 * errors[k][column] for k in ks]
        bars.bar(np.arange(len(ks)) + offset, heights, width=0.4, color=colour, label=f"{when} teaching")
    bars.set(
        xticks=range(len(ks)),
        xticklabels=ks,
        xlabel="drawings taught of each digit",
        ylabel="vote's error on the rest (%)",
    )
    bars.legend(fontsize=8)
    bars.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def plot_check_set(drawings: list[OffDigit], path, per_row: int = 16) -> None:
    """The check set's contact sheet: one instance of each name (the first), as drawn, with its name above it."""
    first: dict[str, OffDigit] = {}
    for drawing in drawings:
        first.setdefault(drawing.name, drawing)
    rows = -(-len(first) // per_row)
    fig = Figure(figsize=(per_row * 1.0, rows * 1.15))
    axes = fig.subplots(rows, per_row, squeeze=False).ravel()
    for ax in axes:
        ax.set_axis_off()
    for ax, drawing in zip(axes, first.values(), strict=False):
        for stroke in drawing.strokes:
            ax.plot(stroke[:, 0], stroke[:, 1], "k-", linewidth=1.2, solid_capstyle="round")
        ax.set_aspect("equal")
        ax.invert_yaxis()  # y points down, as on the screen
        ax.set_title(drawing.name, fontsize=6)
    fig.tight_layout()
    fig.savefig(Path(path), dpi=110)
