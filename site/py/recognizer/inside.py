"""What happens inside a network as it reads a drawing, for the page's "Inside" view.

For each network: its input x (784 pixels, in its own framing), every hidden layer's activations a_l, the
output layer's scores z and probabilities p = softmax(z / T), the hidden neurons that carried the answer, and
which pixels pushed the answer up or down. The numbers come from the forward and backward passes of
backprop.py, the ones that trained the networks.

Why a neuron matters: the answer's score z_k depends on a neuron's activation a through every path from it to
the output; its gradient dz_k/da sums them all (backpropagation). A neuron's contribution is a * dz_k/da; for
the last hidden layer that is its activation times its weight to the answer. For the input, x * dz_k/dx is the
heat map: the pixels whose ink raised the answer's score, and those whose ink lowered it.

Silencing a neuron: a copy of the network in which that neuron's incoming weights and bias are zero (so its ReLU
activation is 0) and so are its outgoing weights (so it sends nothing on, whatever its activation).
"""

from __future__ import annotations

import numpy as np

from .backprop import score_gradients, scores
from .network import Network

PATHS = 5  # how many of each hidden layer's neurons are marked as carrying the answer
NAMES = {"relu": "ReLU", "sigmoid": "sigmoid", "tanh": "tanh"}  # how an equation writes each activation

Neuron = tuple[int, int]  # (hidden layer from 1, neuron from 1), as the page numbers them


def neuron_named(text: str, network: Network) -> Neuron:
    """ "2:17" -> (2, 17): the 17th neuron of the network's 2nd hidden layer; ValueError with one line if it has
    no such neuron."""
    try:
        layer, number = (int(part) for part in str(text).split(":"))
    except ValueError:
        raise ValueError(f"{text!r} names no neuron: write it as layer:neuron, for example 1:17") from None
    sizes = network.layers[1:-1]
    if not 1 <= layer <= len(sizes) or not 1 <= number <= sizes[layer - 1]:
        raise ValueError(f"there is no neuron {text}: the hidden layers have {', '.join(map(str, sizes))} neurons")
    return layer, number


def silenced_neurons(spec: dict, networks: dict[str, Network]) -> dict[str, list[Neuron]]:
    """{"B2": ["1:17", ...]} (as the page sends it) -> {"B2": [(1, 17), ...]}; ValueError with one line if a
    network or neuron is unknown."""
    if not isinstance(spec, dict):
        raise ValueError("the silenced neurons must be given by network")
    unknown = [name for name in spec if name not in networks]
    if unknown:
        raise ValueError(f"no network {unknown[0]} to silence neurons of")
    return {name: sorted({neuron_named(text, networks[name]) for text in texts}) for name, texts in spec.items()}


def silenced(network: Network, neurons: list[Neuron]) -> Network:
    """A copy of the network in which each of `neurons` is silent (see the module's docstring)."""
    if not neurons:
        return network
    weights = [w.copy() for w in network.weights]
    biases = [b.copy() for b in network.biases]
    for layer, number in neurons:
        weights[layer - 1][:, number - 1] = 0
        biases[layer - 1][number - 1] = 0
        weights[layer][number - 1, :] = 0
    return Network(weights, biases, network.activation, network.temperature)


def with_silenced(networks: dict[str, Network], neurons: dict[str, list[Neuron]]) -> dict[str, Network]:
    """The networks, each with its silenced neurons silent."""
    return {name: silenced(network, neurons.get(name, [])) for name, network in networks.items()}


def equations(network: Network) -> list[dict]:
    """Each layer's equation and shapes in plain notation, x being the input; the last is the output layer's."""
    sizes = network.layers
    f = NAMES[network.activation]
    out = len(sizes) - 1
    rows = []
    for layer in range(1, out):
        before = "x" if layer == 1 else f"a{layer - 1}"
        rows.append(
            {
                "equation": f"a{layer} = {f}(W{layer} {before} + b{layer})",
                "shapes": f"W{layer} is {sizes[layer]} × {sizes[layer - 1]}, b{layer} has {sizes[layer]}",
            }
        )
    rows.append(
        {
            "equation": f"z = W{out} a{out - 1} + b{out};  p = softmax(z / T), T = {network.temperature:.3g}",
            "shapes": f"W{out} is {sizes[out]} × {sizes[out - 1]}, b{out} has {sizes[out]}",
        }
    )
    return rows


def rounded(values: np.ndarray, places: int = 3) -> list[float]:
    return np.round(values.astype(np.float64), places).tolist()


def normalised(values: np.ndarray) -> tuple[list[float], float]:
    """Values divided by their largest magnitude (so -1..1, for a picture), and that magnitude."""
    scale = float(np.abs(values).max())
    return rounded(values / scale if scale > 0 else values), scale


def levels(values: np.ndarray, most: int) -> list[int]:
    """Values of -1..1 as whole numbers of -most..most: a picture's pixels, which JSON carries faster than
    fractions (a reading with the view open waits for them)."""
    return np.rint(values * most).astype(int).tolist()


def strongest(contributions: np.ndarray) -> list[dict]:
    """The neurons (from 1) that added most to the answer's score, largest first; only those that added."""
    order = np.argsort(-contributions, kind="stable")[:PATHS]
    return [{"neuron": int(j) + 1, "adds": round(float(contributions[j]), 3)} for j in order if contributions[j] > 0]


def inside(network: Network, x: np.ndarray, digit: int, neurons: list[Neuron] = ()) -> dict:
    """Everything the view shows of one network reading the input x (784,), explaining its score for `digit`.
    `neurons`: those silenced in it (it is given already silenced: see silenced())."""
    outputs, gradients = score_gradients(network, x, digit)
    z = scores(network, outputs[-1][None, :])[0]
    rows = equations(network)
    layers = []
    for layer, (a, grad, row) in enumerate(zip(outputs[1:], gradients[1:], rows, strict=False), start=1):
        layers.append(
            {
                "layer": layer,
                "size": len(a),
                "activations": rounded(a),
                "active": int((a > 0).sum()),
                "paths": strongest(a * grad),
                "silenced": [number for at, number in neurons if at == layer],
                **row,
            }
        )
    why = outputs[0] * gradients[0]
    why_scale = float(np.abs(why).max())
    return {
        "input": levels(outputs[0], 255),  # grey levels 0-255 of the pixels x, each 0..1
        "layers": layers,
        "out": {"scores": rounded(z), "temperature": network.temperature, "digit": digit, **rows[-1]},
        "why": levels(why / (why_scale or 1), 100),  # x * dz/dx in percent of its largest magnitude, why_scale
        "why_scale": why_scale,
        "silenced": len(neurons),
    }


def incoming(network: Network, neuron: Neuron) -> dict:
    """What a hidden neuron looks for: its incoming weights (from the input's 784 pixels for the first layer,
    else from the layer before's neurons), normalised for a picture, and its bias."""
    layer, number = neuron
    weights, scale = normalised(network.weights[layer - 1][:, number - 1])
    return {
        "neuron": f"{layer}:{number}",
        "weights": weights,
        "scale": scale,
        "bias": round(float(network.biases[layer - 1][number - 1]), 4),
        "from": "x" if layer == 1 else f"a{layer - 1}",
    }


def view(model: str, networks: dict[str, Network], inputs: dict[str, np.ndarray], neurons: dict, answer: dict) -> dict:
    """The inside view of `model` reading a drawing: of one network, or for the vote ("vote") of every network and
    how their probabilities average. inputs: each network's input, by name; neurons: the silenced ones, by
    network; answer: {"digit": the answer explained, "probs": {name: the probabilities the page shows}}."""
    shown = networks if model == "vote" else {model: networks[model]}
    parts = [
        {
            "network": name,
            "probs": answer["probs"][name],
            **inside(network, inputs[name], answer["digit"], neurons.get(name, [])),
        }
        for name, network in shown.items()
    ]
    return {"model": model, "digit": answer["digit"], "probs": answer["probs"][model], "networks": parts}
