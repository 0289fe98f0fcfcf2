"""The inside view (recognizer/inside.py): every number it shows is the forward pass's, its gradients are
derivatives, and silencing a neuron silences exactly that neuron."""

import json

import numpy as np
import pytest

from files import WEIGHTS
from recognizer import api, inside
from recognizer.backprop import initial_network, score_gradients
from recognizer.network import Network, relu, softmax
from recognizer.preprocess import to_network_input

SEVEN = [[(30, 20), (200, 20), (110, 250)]]  # a 7 in the pad's 280x280 units
reader = api.reader  # the page's, which its calls (api.call) read with


def call(name: str, **args) -> dict:
    """api.call as the worker makes it: JSON in, JSON out."""
    return json.loads(api.call(name, json.dumps(args)))


@pytest.fixture(scope="module")
def committed():
    reader.load(WEIGHTS)
    return reader.networks


def answered(model: str, silenced: dict | None = None) -> dict:
    """recognize()'s answer to the seven, with inside_of()'s view of it (as the page gets both) under "inside"."""
    return {**reader.recognize(model, SEVEN, silenced), "inside": reader.inside(model, SEVEN, silenced)}


def layer_by_layer(network: Network, x: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Hidden activations and output scores written out from the weights, independently of backprop.py."""
    activations, a = [], x.astype(np.float64)
    for w, b in zip(network.weights[:-1], network.biases[:-1], strict=True):
        a = relu(a @ w.astype(np.float64) + b)
        activations.append(a)
    return activations, a @ network.weights[-1].astype(np.float64) + network.biases[-1]


@pytest.mark.parametrize("model", ["B1", "B2", "B3", "B4", "vote"])
def test_every_number_shown_is_the_forward_pass(committed, model):
    answer = answered(model)
    view = answer["inside"]
    assert view["model"] == model and view["digit"] == answer["digit"] == 7 and view["probs"] == answer["probs"]
    names = list(committed) if model == "vote" else [model]
    assert [part["network"] for part in view["networks"]] == names
    for part in view["networks"]:
        network = committed[part["network"]]
        x = to_network_input(SEVEN, reader.shipped.framing_of(part["network"]))  # its own framing
        np.testing.assert_allclose(np.array(part["input"]) / 255, x, atol=0.5 / 255)
        activations, z = layer_by_layer(network, x)
        assert [layer["size"] for layer in part["layers"]] == network.layers[1:-1]
        for layer, a in zip(part["layers"], activations, strict=True):
            np.testing.assert_allclose(layer["activations"], a, atol=2e-3)
            assert layer["active"] == int((a > 0).sum())
        np.testing.assert_allclose(part["out"]["scores"], z, atol=2e-3)
        np.testing.assert_allclose(part["probs"], network.probabilities(x), atol=1e-6)
        np.testing.assert_allclose(part["probs"], softmax(z / network.temperature), atol=1e-5)
        assert part["out"]["temperature"] == network.temperature


def test_the_equations_name_each_layers_shapes(committed):
    rows = inside.equations(committed["B2"])
    assert [row["equation"] for row in rows[:3]] == [
        "a1 = ReLU(W1 x + b1)",
        "a2 = ReLU(W2 a1 + b2)",
        "a3 = ReLU(W3 a2 + b3)",
    ]
    assert [row["shapes"] for row in rows] == [
        "W1 is 150 × 784, b1 has 150",
        "W2 is 200 × 150, b2 has 200",
        "W3 is 100 × 200, b3 has 100",
        "W4 is 10 × 100, b4 has 10",
    ]
    assert rows[3]["equation"].startswith("z = W4 a3 + b4;  p = softmax(z / T)")
    part = reader.inside("B2", SEVEN)["networks"][0]
    assert [layer["layer"] for layer in part["layers"]] == [1, 2, 3]
    assert [{k: layer[k] for k in ("equation", "shapes")} for layer in part["layers"]] == rows[:3]
    assert {k: part["out"][k] for k in ("equation", "shapes", "digit")} == {**rows[3], "digit": 7}


def test_the_numbers_shown_are_rounded_as_the_page_draws_them(committed):
    part = reader.inside("B1", SEVEN)["networks"][0]
    x = to_network_input(SEVEN, "mnist")
    first = relu(x @ committed["B1"].weights[0] + committed["B1"].biases[0]).astype(np.float64)
    assert part["layers"][0]["activations"] == np.round(first, 3).tolist()
    assert all(type(level) is int for level in part["input"] + part["why"])
    looks = call("neuron", network="B1", neuron="1:5")["result"]
    assert looks["bias"] == round(float(committed["B1"].biases[0][4]), 4)
    assert inside.normalised(np.zeros(3)) == ([0.0, 0.0, 0.0], 0.0)  # a neuron with no weights: no division
    assert inside.strongest(np.array([0.12345, 0.0, -1.0, 2.0, 0.0, 0.5])) == [
        {"neuron": 4, "adds": 2.0},
        {"neuron": 6, "adds": 0.5},
        {"neuron": 1, "adds": 0.123},
    ]  # only neurons that added, largest first
    ties = inside.strongest(np.r_[np.ones(50), 2 * np.ones(3), np.ones(50)])
    assert [path["neuron"] for path in ties] == [51, 52, 53, 1, 2]  # equal ones in the order of the layer


def small_network(seed: int = 0) -> Network:
    rng = np.random.default_rng(seed)
    network = initial_network([12, 7, 5, 4], "relu", rng)
    return Network(
        [w.astype(np.float64) for w in network.weights], [rng.normal(0, 0.3, b.shape) for b in network.biases]
    )


def test_the_score_gradients_are_derivatives():
    network, x, digit, eps = small_network(), np.random.default_rng(1).random(12), 2, 1e-3  # logits takes float32
    outputs, gradients = score_gradients(network, x, digit)

    def score(x_):
        return network.logits(x_)[digit]

    numeric = [(score(x + eps * e) - score(x - eps * e)) / (2 * eps) for e in np.eye(12)]
    np.testing.assert_allclose(gradients[0], numeric, rtol=1e-4, atol=1e-6)
    # through a hidden layer: nudge a1 and run the rest of the network
    rest = Network(network.weights[1:], network.biases[1:])
    a1 = outputs[1]
    numeric = [(rest.logits(a1 + eps * e)[digit] - rest.logits(a1 - eps * e)[digit]) / (2 * eps) for e in np.eye(7)]
    np.testing.assert_allclose(gradients[1], numeric, rtol=1e-4, atol=1e-6)


def test_the_heat_map_is_gradient_times_input(committed):
    view = reader.inside("B1", SEVEN)["networks"][0]
    x = to_network_input(SEVEN, "mnist")
    _, gradients = score_gradients(committed["B1"], x, 7)
    why = np.array(view["why"]) / 100 * view["why_scale"]
    np.testing.assert_allclose(why, x * gradients[0], atol=0.005 * view["why_scale"])
    assert max(np.abs(view["why"])) == 100 and min(view["why"]) < 0 < max(view["why"])  # ink pushed both ways


def test_the_paths_are_the_neurons_that_add_most_to_the_answer(committed):
    part = reader.inside("B3", SEVEN)["networks"][0]
    x = to_network_input(SEVEN, reader.shipped.framing_of("B3"))
    a1 = layer_by_layer(committed["B3"], x)[0][0]
    adds = a1 * committed["B3"].weights[1][:, 7]  # the last hidden layer: activation times weight to the answer
    expected = np.argsort(-adds)[: inside.PATHS] + 1
    assert [path["neuron"] for path in part["layers"][0]["paths"]] == expected.tolist()
    np.testing.assert_allclose(
        [path["adds"] for path in part["layers"][0]["paths"]], np.sort(adds)[::-1][:5], atol=1e-3
    )


def test_silencing_a_neuron_zeroes_exactly_its_activation_and_the_answers_follow(committed):
    before = answered("vote")
    b2 = before["inside"]["networks"][1]
    strongest = b2["layers"][0]["paths"][0]["neuron"]
    after = answered("vote", {"B2": [f"1:{strongest}"]})
    quiet = after["inside"]["networks"][1]
    a_before, a_after = np.array(b2["layers"][0]["activations"]), np.array(quiet["layers"][0]["activations"])
    assert a_before[strongest - 1] > 0 and a_after[strongest - 1] == 0
    changed = np.flatnonzero(a_before != a_after)
    assert changed.tolist() == [strongest - 1]  # exactly that neuron in its own layer
    assert quiet["layers"][0]["silenced"] == [strongest] and quiet["silenced"] == 1
    assert after["silenced"] == {"B2": 1} and before["silenced"] == {}
    # the answers follow: B2's probabilities are a forward pass with that activation forced to 0
    x = to_network_input(SEVEN, reader.shipped.framing_of("B2"))
    network = committed["B2"]
    a = relu(x @ network.weights[0] + network.biases[0])
    a[strongest - 1] = 0
    for w, b in zip(network.weights[1:-1], network.biases[1:-1], strict=True):
        a = relu(a @ w + b)
    expected = softmax((a @ network.weights[-1] + network.biases[-1]) / network.temperature)
    np.testing.assert_allclose(quiet["probs"], expected, atol=1e-5)
    assert quiet["probs"] != b2["probs"] and after["probs"] != before["probs"]
    others = [part["probs"] for part in after["inside"]["networks"] if part["network"] != "B2"]
    assert others == [part["probs"] for part in before["inside"]["networks"] if part["network"] != "B2"]
    np.testing.assert_allclose(
        after["probs"], np.mean([p["probs"] for p in after["inside"]["networks"]], axis=0), atol=2e-6
    )
    # restoring is asking without it; the shipped networks themselves never changed
    assert reader.recognize("vote", SEVEN, {})["probs"] == before["probs"]


def test_silencing_every_first_layer_neuron_leaves_only_the_biases(committed):
    everyone = [f"1:{j}" for j in range(1, 101)]
    answer = answered("B1", {"B1": everyone})
    part = answer["inside"]["networks"][0]
    assert part["layers"][0]["active"] == 0 and answer["silenced"] == {"B1": 100}
    blank = reader.recognize("B1", [[(0, 0), (279, 279)], [(0, 279), (279, 0)]], {"B1": everyone})
    assert blank["probs"] == answer["probs"]  # whatever the drawing: nothing reaches the second layer


def test_a_neuron_of_the_last_hidden_layer_can_be_silenced(committed):
    assert answered("B2", {"B2": ["3:100"]})["silenced"] == {"B2": 1}


def test_a_neuron_named_twice_is_silenced_once_and_shown_under_its_own_layer(committed):
    answer = answered("B2", {"B2": ["2:7", "1:3", "2:7"]})
    part = answer["inside"]["networks"][0]
    assert answer["silenced"] == {"B2": 2} and part["silenced"] == 2
    assert [layer["silenced"] for layer in part["layers"][:3]] == [[3], [7], []]
    assert answer["probs"] == answered("B2", {"B2": ["1:3", "2:7"]})["probs"]


@pytest.mark.parametrize(
    ("silenced", "reason"),
    [
        ({"B9": ["1:1"]}, "no network B9"),
        ({"B1": ["3:1"]}, "there is no neuron 3:1"),
        ({"B1": ["1:101"]}, "there is no neuron 1:101"),
        ({"B1": ["1:0"]}, "there is no neuron 1:0"),
        ({"B1": ["0:1"]}, "there is no neuron 0:1"),  # not an output weight of a digit
        ({"B1": ["2:11"]}, "there is no neuron 2:11: the hidden layers have 100, 10 neurons$"),
        ({"B1": ["seven"]}, "names no neuron"),
        (["B1"], "must be given by network"),
    ],
)
def test_a_bad_neuron_is_refused_in_one_line(committed, silenced, reason):
    with pytest.raises(ValueError, match=reason) as refused:
        reader.recognize("vote", SEVEN, silenced)
    assert "\n" not in str(refused.value)


def test_a_neuron_shows_its_incoming_weights(committed):
    looks = call("neuron", network="B2", neuron="1:17")["result"]
    column = committed["B2"].weights[0][:, 16]
    assert len(looks["weights"]) == 784 and looks["from"] == "x" and looks["neuron"] == "1:17"
    np.testing.assert_allclose(np.array(looks["weights"]) * looks["scale"], column, atol=1e-3 * looks["scale"])
    assert looks["bias"] == pytest.approx(float(committed["B2"].biases[0][16]), abs=1e-4)
    deeper = call("neuron", network="B2", neuron="2:5")["result"]
    assert len(deeper["weights"]) == 150 and deeper["from"] == "a1"
    assert call("neuron", network="B2", neuron="5:1")["error"].startswith("there is no neuron 5:1")
    assert call("neuron", network="B7", neuron="1:1") == {"error": "no network B7 is loaded"}


def test_the_view_is_its_own_request_and_a_reading_never_waits_for_it(committed):
    assert "inside" not in reader.recognize("vote", SEVEN)
    assert "inside" not in call("recognize", model="vote", strokes=SEVEN)["result"]
    view = call("inside", model="vote", strokes=SEVEN, silenced={"B2": ["1:3"]})["result"]
    assert (view["state"], view["model"], view["strokes"]) == ("done", "vote", 1)
    assert view["networks"][1]["silenced"] == 1
    assert call("inside", model="vote", strokes=[[(5, 5)]])["result"] == {
        "state": "idle",
        "model": "vote",
        "strokes": 1,
    }
    assert call("inside", model="B7", strokes=SEVEN)["error"].startswith("B7: no such network")


def test_each_network_shows_its_own_framing(tmp_path):
    import shutil

    shutil.copytree(WEIGHTS, tmp_path, dirs_exist_ok=True)
    manifest = json.loads((tmp_path / "models.json").read_text())
    manifest["models"][3]["framing"] = "emnist"  # B4 reads EMNIST's framing, the others MNIST's
    (tmp_path / "models.json").write_text(json.dumps(manifest))
    try:
        reader.load(tmp_path)
        parts = {part["network"]: part for part in reader.inside("vote", SEVEN)["networks"]}
        for name, framing in [("B1", "mnist"), ("B4", "emnist")]:
            x = to_network_input(SEVEN, framing)
            np.testing.assert_allclose(np.array(parts[name]["input"]) / 255, x, atol=0.5 / 255)
            np.testing.assert_allclose(parts[name]["probs"], reader.networks[name].probabilities(x), atol=1e-6)
        assert parts["B1"]["input"] != parts["B4"]["input"]
    finally:
        reader.load(WEIGHTS)
