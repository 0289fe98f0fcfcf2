"""One step of gradient descent on one drawing, phase by phase, and the input gradient that fools a network.

How it learns: for the drawing x and the digit y it should be, backpropagation (backprop.py, the code that trained
B1-B4) gives every layer's error delta_l = dC/dz_l and the gradients dC/dW_l = a_{l-1} delta_l (+ lambda W_l); one
step moves every weight against its gradient, W <- W - eta dC/dW. The cost is the training's:
C = -ln p_y + (lambda/2) sum w^2, with p = softmax(z) (T = 1, as in training).

How it can be fooled: the same backward pass, started from the output instead of the cost, gives the gradient of
the target digit's log-probability with respect to the 784 pixels. Moving the input a little along it, again and
again, until the network reads the target, shows how little ink that takes.

A step acts on a scratch copy of the network (Stepper): the networks that read the drawing never change.
"""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np

from .backprop import MomentumSGD, backward, cross_entropy, errors, gradients, hidden_outputs, l2_penalty, scores
from .inside import NAMES, levels, rounded
from .linalg import product
from .network import Network, softmax, vote
from .shipped import VOTE

PHASES = ["forward", "cost", "output-error", "hidden-error", "gradient", "update", "after", "check"]
CHECKED = 3  # weights of each layer whose gradient is checked against the centred difference
EPSILON = 1e-4  # the centred difference's step, in float64: small enough that no ReLU turns, large enough for rounding
DEFAULT_L2 = 2e-5  # lambda for a network whose entry does not say how it was trained (yours)
FOOL_STEP = 0.1  # the length (L2, in pixel values 0..1) of each move of the input
FOOL_STEPS = 300  # the most moves fooling may take: then it says it could not
CHANGED = 0.1  # a pixel counts as changed when it moved by more than this


def as_float64(network: Network) -> Network:
    """A copy in float64 (the network itself if it is already)."""
    if all(w.dtype == np.float64 for w in network.weights):
        return network
    return replace(
        network,
        weights=[w.astype(np.float64) for w in network.weights],
        biases=[b.astype(np.float64) for b in network.biases],
    )


def copy_of(network: Network) -> Network:
    return replace(network, weights=[w.copy() for w in network.weights], biases=[b.copy() for b in network.biases])


def picture(values: np.ndarray) -> tuple[list[int], float]:
    """Signed values as whole percents of their largest magnitude (-100..100, a picture's pixels), and that
    magnitude."""
    scale = float(np.abs(values).max())
    return levels(values / (scale or 1.0), 100), scale


def cost_of(network: Network, x: np.ndarray, target: int, l2: float) -> float:
    """C = -ln p_target + (lambda/2) sum w^2 for one input x (784,), p the training's softmax (T = 1)."""
    outputs = hidden_outputs(network, x[None, :])
    return cross_entropy(softmax(scores(network, outputs[-1])), np.array([target])) + l2_penalty(network, l2)


def data_cost(network: Network, x: np.ndarray, target: int) -> float:
    """-ln p_target for one input, as ln(1 + sum over k != target of exp(z_k - z_target)): to the last figure even
    where p_target is 0.99999999 and 1 - p would be lost to rounding (the gradient check takes differences of it)."""
    z = scores(network, hidden_outputs(network, x[None, :])[-1])[0]
    others = np.delete(z - z[target], target)
    top = float(others.max())
    if top > 0:  # p_target is small: exp(others) could overflow; take the largest out
        return top + float(np.log(np.exp(-top) + np.exp(others - top).sum()))
    return float(np.log1p(np.exp(others).sum()))


# --- one step, phase by phase -----------------------------------------------------------------------------


def forward_phase(outputs: list[np.ndarray]) -> dict:
    probabilities = outputs[-1][0]
    return {
        "input": levels(outputs[0][0], 255),
        "layers": [{"layer": layer, "activations": rounded(a[0])} for layer, a in enumerate(outputs[1:-1], start=1)],
        "probs": rounded(probabilities, 4),
        "digit": int(probabilities.argmax()),
    }


def cost_phase(network: Network, probabilities: np.ndarray, target: int, l2: float) -> dict:
    p = float(probabilities[target])
    loss = -np.log(max(p, 1e-12))
    penalty = l2_penalty(network, l2)
    return {"p": p, "cross_entropy": float(loss), "l2_term": penalty, "lambda": l2, "cost": float(loss) + penalty}


def hidden_error_phase(network: Network, deltas: list[np.ndarray]) -> list[dict]:
    """Each hidden layer's error, from the first: its values (normalised, for a picture), and how many neurons carry
    any (f'(z) is zero at the others: for ReLU, those that were off)."""
    f = NAMES[network.activation]
    sizes = network.layers
    rows = []
    for layer, delta in enumerate(deltas[:-1], start=1):
        values, scale = picture(delta[0])
        rows.append(
            {
                "layer": layer,
                "size": sizes[layer],
                "delta": values,
                "scale": scale,
                "nonzero": int(np.count_nonzero(delta[0])),
                "equation": f"δ{layer} = (W{layer + 1}ᵀ δ{layer + 1}) ⊙ {f}′(z{layer})",
                "shapes": f"({sizes[layer]} × {sizes[layer + 1]}) · ({sizes[layer + 1]}) ⊙ ({sizes[layer]})",
            }
        )
    return rows


def chosen_neuron(deltas: list[np.ndarray], neuron: int | None) -> int:
    """The first hidden layer's neuron (from 1) whose weights are shown: the one asked for, or the one with the
    largest error."""
    size = deltas[0].shape[1]
    if neuron is None:
        return int(np.abs(deltas[0][0]).argmax()) + 1
    if not 1 <= int(neuron) <= size:
        raise ValueError(f"there is no neuron {neuron} in the first layer: it has {size}")
    return int(neuron)


def gradient_phase(x: np.ndarray, deltas, grad_w, grad_b, neuron: int) -> dict:
    """The chosen first-layer neuron's weight gradient: delta_j x (the drawing scaled by its error) plus lambda w,
    as a picture; its bias gradient; and every layer's gradient norms."""
    pixels, scale = picture(grad_w[0][:, neuron - 1])
    return {
        "neuron": neuron,
        "delta": float(deltas[0][0, neuron - 1]),
        "picture": pixels,
        "scale": scale,
        "bias": float(grad_b[0][neuron - 1]),
        "input_ink": float(np.abs(x).sum()),
        "norms": [
            {"layer": layer, "weights": float(np.linalg.norm(gw)), "biases": float(np.linalg.norm(gb))}
            for layer, (gw, gb) in enumerate(zip(grad_w, grad_b, strict=True), start=1)
        ],
    }


def update_phase(before: Network, after: Network, neuron: int, rate: float) -> dict:
    """The chosen neuron's incoming weights before and after the step, on one scale so they compare."""
    w0, w1 = before.weights[0][:, neuron - 1], after.weights[0][:, neuron - 1]
    scale = float(max(np.abs(w0).max(), np.abs(w1).max())) or 1.0
    return {
        "neuron": neuron,
        "rate": rate,
        "before": levels(w0 / scale, 100),
        "after": levels(w1 / scale, 100),
        "scale": scale,
        "change": levels((w1 - w0) / (float(np.abs(w1 - w0).max()) or 1.0), 100),
        "largest_change": float(np.abs(w1 - w0).max()),
    }


def checked_weights(outputs: list[np.ndarray], deltas: list[np.ndarray], rng: random.Random) -> list[tuple]:
    """(layer from 0, i, j) for CHECKED weights of each layer, drawn at random among those the drawing moves
    (a_{l-1}[i] and delta_l[j] not zero), or among all when it moves none of a layer's. Python's own random:
    the page loads numpy.random only for learning."""
    chosen = []
    for layer, (a, delta) in enumerate(zip(outputs[:-1], deltas, strict=True)):
        rows, columns = np.flatnonzero(a[0]), np.flatnonzero(delta[0])
        if not len(rows) or not len(columns):
            rows, columns = np.arange(a.shape[1]), np.arange(delta.shape[1])
        for _ in range(CHECKED):
            chosen.append((layer, int(rng.choice(rows.tolist())), int(rng.choice(columns.tolist()))))
    return chosen


def gradient_check(network: Network, x: np.ndarray, target: int, l2: float, seed: int = 0) -> dict:
    """Backprop's dC/dw beside the centred difference (C(w + e) - C(w - e)) / 2e for a few weights of each layer,
    all in float64, and their relative error |b - n| / max(|b|, |n|). C's two parts are differenced apart: the
    penalty's terms of every other weight cancel, leaving (lambda/2)((w + e)^2 - (w - e)^2)."""
    exact = as_float64(network)
    x64 = x.astype(np.float64)
    labels = np.array([target])
    grad_w, _, _ = gradients(exact, x64[None, :], labels, l2)
    outputs, deltas = errors(exact, x64[None, :], labels)
    rows = []
    for layer, i, j in checked_weights(outputs, deltas, random.Random(seed)):
        w = exact.weights[layer]
        kept = float(w[i, j])
        w[i, j] = kept + EPSILON
        up = data_cost(exact, x64, target) + 0.5 * l2 * (kept + EPSILON) ** 2
        w[i, j] = kept - EPSILON
        down = data_cost(exact, x64, target) + 0.5 * l2 * (kept - EPSILON) ** 2
        w[i, j] = kept
        numeric, backprop = (up - down) / (2 * EPSILON), float(grad_w[layer][i, j])
        error = abs(backprop - numeric) / max(abs(backprop), abs(numeric), 1e-300)
        rows.append(
            {"layer": layer + 1, "row": i, "column": j, "backprop": backprop, "numeric": numeric, "error": error}
        )
    return {"rows": rows, "max_relative_error": max(row["error"] for row in rows), "epsilon": EPSILON}


def slow_step(network: Network, x: np.ndarray, target: int, rate: float, l2: float, neuron: int | None = None):
    """(every phase of one gradient-descent step on the input x (784,) towards `target`, the network after it, in
    float64). The network given is not changed. In float64 because one drawing's errors can be tiny: where p_y is
    0.99999, float32 keeps one figure of p - y."""
    network = as_float64(network)
    x = np.asarray(x, dtype=np.float64)
    labels = np.array([target])
    outputs, deltas = errors(network, x[None, :], labels)
    grad_w, grad_b, _ = gradients(network, x[None, :], labels, l2)
    after = copy_of(network)
    MomentumSGD(after, momentum=0.0).step(after, grad_w, grad_b, rate)  # the training's step, from rest: -eta g
    neuron = chosen_neuron(deltas, neuron)
    before_p = outputs[-1][0]
    after_p = errors(after, x[None, :], labels)[0][-1][0]
    f = NAMES[network.activation]
    phases = {
        "forward": forward_phase(outputs),
        "cost": cost_phase(network, before_p, target, l2),
        "output_error": {"delta": rounded(deltas[-1][0], 4), "equation": f"δ{len(deltas)} = p − y"},
        "hidden_errors": hidden_error_phase(network, deltas),
        "gradient": gradient_phase(x, deltas, grad_w, grad_b, neuron),
        "update": update_phase(network, after, neuron, rate),
        "after": {
            "before": rounded(before_p, 4),
            "after": rounded(after_p, 4),
            "target_before": float(before_p[target]),
            "target_after": float(after_p[target]),
            "cost_after": cost_of(after, x, target, l2),
        },
        "check": gradient_check(network, x, target, l2),
    }
    return {"target": target, "activation": f, "layers": network.layers, **phases}, after


class Stepper:
    """What the page's "One step" and "Fool it" ask of Python, on the drawing as the Reader (app.py) reads it: the
    scratch copies that steps act on, one per network, each with how many steps it has taken from the network that
    reads (a new network there, taught or trained, starts its copy afresh)."""

    def __init__(self, reader):
        self.reader = reader
        self.copies: dict[str, tuple[Network, Network, int]] = {}  # name -> (network it started from, copy, steps)

    def read(self, model: str, strokes):
        """The Reader's reading of the drawing (app.Reading); ValueError with one line for a blank one."""
        read = self.reader.reading(model, strokes, None)
        if read is None:
            raise ValueError("draw a digit first")
        return read

    def current(self, model: str, strokes) -> tuple[Network, Network, np.ndarray, float, int]:
        """(the network that reads as model, its copy, the drawing framed for it, lambda, steps the copy has taken)."""
        if model == VOTE:
            raise ValueError("a step changes one network: choose B1, B2, ...")
        read = self.read(model, strokes)
        network = read.answering[model]
        start, copy, steps = self.copies.get(model, (network, network, 0))
        if start is not network:  # the network that reads has changed (taught, trained): its copy starts again
            copy, steps = network, 0
        entry = self.reader.entry_of(model)
        l2 = float(entry.get("training", {}).get("l2", DEFAULT_L2))
        return network, copy, read.inputs[self.reader.framing_of(model)], l2, steps

    def show(self, model: str, strokes, target: int, rate: float, neuron: int | None = None) -> dict:
        """The next step of `model`'s copy on the drawing towards `target` (0-9) at learning rate `rate`, every
        phase of it; the copy is not changed (again() takes it)."""
        target, rate = digit(target), learning_rate(rate)
        _, network, x, l2, steps = self.current(model, strokes)
        phases, _ = slow_step(network, x, target, rate, l2, neuron)
        return {"model": model, "steps": steps, "rate": rate, **phases}

    def again(self, model: str, strokes, target: int, rate: float, neuron: int | None = None) -> dict:
        """The step shown is taken: the copy moves on by it, and the step after it is shown."""
        target, rate = digit(target), learning_rate(rate)
        start, network, x, l2, steps = self.current(model, strokes)
        self.copies[model] = (start, slow_step(network, x, target, rate, l2)[1], steps + 1)
        return self.show(model, strokes, target, rate, neuron)

    def reset(self, model: str, strokes, target: int, rate: float, neuron: int | None = None) -> dict:
        """Back to the network that reads: the copy is forgotten."""
        self.copies.pop(model, None)
        return self.show(model, strokes, target, rate, neuron)

    def fool(self, model: str, strokes, target: int) -> dict:
        """Fool `model` (a network or the vote) into reading `target` on the drawing (fool()), and what every
        network, the vote and the digit check make of the input that fooled it."""
        target = digit(target)
        read = self.read(model, strokes)
        voters = [read.answering[name] for name in read.voters]
        fooling = voters if model == VOTE else [read.answering[model]]
        framed = read.inputs[self.reader.framing_of(model if model != VOTE else read.voters[0])]
        result = fool(fooling, framed, target, limit=FOOL_STEPS)
        fooled = result["input"]
        answers = {name: int(network.probabilities(fooled).argmax()) for name, network in read.answering.items()}
        answers[VOTE] = int(vote([read.answering[name].probabilities(fooled) for name in read.voters]).argmax())
        check = self.reader.shipped.check
        digit_like = check is None or bool(check.digit_like(fooled[None, :])[0])
        change, scale = picture(result["change"])
        return {
            "model": model,
            "target": target,
            "state": "done" if result["fooled"] else "failed",
            "steps": result["steps"],
            "limit": FOOL_STEPS,
            "l2": round(result["l2"], 4),
            "pixels": result["pixels"],
            "probability": round(result["probability"], 4),
            "original": levels(framed, 255),
            "fooled_input": levels(fooled, 255),
            "change": change,
            "change_scale": scale,
            "answers": answers,
            "fooled": {**{name: answer == target for name, answer in answers.items()}, "digit_like": digit_like},
        }


def digit(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 9:
        raise ValueError(f"{value!r} is not a digit 0-9")
    return value


def learning_rate(value) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 10:
        raise ValueError(f"the learning rate must be a number above 0 and at most 10, not {value!r}")
    return float(value)


# --- fooling it ---------------------------------------------------------------------------------------------


def target_gradient(networks: list[Network], x: np.ndarray, target: int) -> tuple[np.ndarray, np.ndarray]:
    """(the probabilities of the networks' average, d ln p_target / dx) for one input x (784,), p the page's
    (softmax(z / T), averaged over the networks as the vote does; one network is its own vote).

    For one network, d ln p_t / dz = (e_t - p) / T; for the average p_t = mean_n p_t^n, network n's part is
    weighted by p_t^n / sum_m p_t^m. The backward pass takes each to the input: dC/dx = delta_1 W_1^T."""
    parts = []
    for network in networks:
        outputs = hidden_outputs(network, x[None, :])
        p = softmax(scores(network, outputs[-1]) / network.temperature)
        parts.append((network, outputs, p))
    p_target = np.array([p[0, target] for _, _, p in parts])
    share = p_target / max(p_target.sum(), 1e-30)
    grad = np.zeros_like(x)
    for (network, outputs, p), weight in zip(parts, share, strict=True):
        delta = -p.copy()
        delta[0, target] += 1
        delta *= weight / network.temperature
        first = backward(network, outputs, delta)[0]
        grad += product(first, network.weights[0].T)[0]
    return np.mean([p[0] for _, _, p in parts], axis=0), grad


def fool(networks: list[Network], x: np.ndarray, target: int, step: float = FOOL_STEP, limit: int = FOOL_STEPS) -> dict:
    """Move the input x (784,) along the gradient of ln p_target, `step` at a time (pixels kept within 0..1), until
    the networks' average reads `target` or `limit` moves are made. Returns the fooled input, the moves, whether it
    worked, the change's L2 norm and how many pixels moved by more than CHANGED."""
    original = np.asarray(x, dtype=np.float32)
    fooled = original.copy()
    moves = 0
    probabilities, grad = target_gradient(networks, fooled, target)
    while probabilities.argmax() != target and moves < limit:
        norm = float(np.linalg.norm(grad))
        if norm == 0:
            break
        fooled = np.clip(fooled + (step / norm) * grad, 0, 1).astype(np.float32)
        moves += 1
        probabilities, grad = target_gradient(networks, fooled, target)
    change = fooled - original
    return {
        "input": fooled,
        "change": change,
        "steps": moves,
        "fooled": bool(probabilities.argmax() == target),
        "l2": float(np.linalg.norm(change)),
        "pixels": int((np.abs(change) > CHANGED).sum()),
        "probability": float(probabilities[target]),
    }
