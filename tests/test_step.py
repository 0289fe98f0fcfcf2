"""One learning step in slow motion and fooling a network (recognizer/step.py): every number a phase shows equals
a forward and backward pass written out here from the weights, the gradient check is below 1e-3 for every layer of
every network and would catch a wrong gradient, a step never changes the networks that read, and fooling does
what it says."""

import json

import numpy as np
import pytest

from files import WEIGHTS
from recognizer import api, step
from recognizer.models import load_listed
from recognizer.preprocess import to_network_input

SEVEN = [[(30, 20), (200, 20), (110, 250)]]  # a 7 in the pad's 280x280 units
ZERO = [[(140, 30), (70, 80), (60, 190), (140, 250), (215, 180), (205, 70), (140, 30)]]
NAMES = ["B1", "B2", "B3", "B4"]
reader, stepper = api.reader, api.stepper
RATE = 0.01


def call(name: str, **args) -> dict:
    """api.call as the worker makes it: JSON in, JSON out."""
    return json.loads(api.call(name, json.dumps(args)))


@pytest.fixture(scope="module")
def committed():
    reader.load(WEIGHTS)
    stepper.copies.clear()
    return {model.name: model.network for model in load_listed(WEIGHTS)}  # loaded anew: never the page's objects


def written_out(network, x: np.ndarray, target: int, l2: float):
    """The forward and backward passes of one input, in float64, straight from the equations: (activations
    [x, a_1, ...], probabilities, the cost, the errors [delta_1, ..., delta_L], dC/dW, dC/db)."""
    weights = [w.astype(np.float64) for w in network.weights]
    biases = [b.astype(np.float64) for b in network.biases]
    a, activations, zs = x.astype(np.float64), [x.astype(np.float64)], []
    for w, b in zip(weights[:-1], biases[:-1], strict=True):
        zs.append(a @ w + b)
        a = np.maximum(zs[-1], 0)
        activations.append(a)
    z = a @ weights[-1] + biases[-1]
    p = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    cost = -np.log(p[target]) + l2 / 2 * sum((w**2).sum() for w in weights)
    delta = p - np.eye(10)[target]
    deltas = [delta]
    for w, z_l in zip(weights[:0:-1], zs[::-1], strict=True):
        delta = (w @ delta) * (z_l > 0)
        deltas.insert(0, delta)
    grad_w = [np.outer(a, d) + l2 * w for a, d, w in zip(activations, deltas, weights, strict=True)]
    return activations, p, cost, deltas, grad_w, deltas


def probabilities_after(network, x: np.ndarray, grad_w, grad_b, rate: float) -> np.ndarray:
    a = x.astype(np.float64)
    moved = [
        (w - rate * gw, b - rate * gb)
        for w, b, gw, gb in zip(network.weights, network.biases, grad_w, grad_b, strict=True)
    ]
    for w, b in moved[:-1]:
        a = np.maximum(a @ w + b, 0)
    z = a @ moved[-1][0] + moved[-1][1]
    return np.exp(z - z.max()) / np.exp(z - z.max()).sum()


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(("strokes", "target"), [(SEVEN, 7), (SEVEN, 3), (ZERO, 6)])
def test_every_phase_equals_the_passes_written_out_from_the_weights(committed, name, strokes, target):
    network, l2 = committed[name], 2e-5
    x = to_network_input(strokes, "mnist")
    shown = call("step.show", model=name, strokes=strokes, target=target, rate=RATE)["result"]
    activations, p, cost, deltas, grad_w, grad_b = written_out(network, x, target, l2)

    assert shown["steps"] == 0 and shown["target"] == target and shown["layers"] == network.layers
    forward = shown["forward"]
    assert np.allclose(np.array(forward["input"]) / 255, x, atol=0.5 / 255)
    for layer, a in zip(forward["layers"], activations[1:], strict=True):
        assert np.allclose(layer["activations"], a, atol=1e-3)
    assert np.allclose(forward["probs"], p, atol=1e-4) and forward["digit"] == int(p.argmax())

    assert shown["cost"]["p"] == pytest.approx(p[target], rel=1e-4, abs=1e-9)
    assert shown["cost"]["cost"] == pytest.approx(cost, rel=1e-4)
    assert shown["cost"]["l2_term"] == pytest.approx(cost + np.log(p[target]), rel=1e-4)
    assert np.allclose(shown["output_error"]["delta"], deltas[-1], atol=1e-4)

    hidden = shown["hidden_errors"]
    assert [row["layer"] for row in hidden] == list(range(1, len(network.weights)))
    for row, delta in zip(hidden, deltas[:-1], strict=True):
        assert row["size"] == len(delta) and row["nonzero"] == np.count_nonzero(delta)
        assert row["scale"] == pytest.approx(np.abs(delta).max(), rel=1e-6)
        assert np.abs(np.array(row["delta"]) - 100 * delta / np.abs(delta).max()).max() <= 0.51

    gradient = shown["gradient"]
    j = gradient["neuron"] - 1
    assert j == np.abs(deltas[0]).argmax()  # by default, the neuron of the largest error
    column = grad_w[0][:, j]
    assert gradient["scale"] == pytest.approx(np.abs(column).max(), rel=1e-6)
    assert np.abs(np.array(gradient["picture"]) - 100 * column / np.abs(column).max()).max() <= 0.51
    assert gradient["delta"] == pytest.approx(deltas[0][j], rel=1e-6)
    assert gradient["bias"] == pytest.approx(grad_b[0][j], rel=1e-6)  # for one input, dC/db = delta
    for norm, gw, gb in zip(gradient["norms"], grad_w, grad_b, strict=True):
        assert norm["weights"] == pytest.approx(np.linalg.norm(gw), rel=1e-6)
        assert norm["biases"] == pytest.approx(np.linalg.norm(gb), rel=1e-6)

    update = shown["update"]
    before, after = network.weights[0][:, j], network.weights[0][:, j] - RATE * column
    scale = max(np.abs(before).max(), np.abs(after).max())
    assert update["scale"] == pytest.approx(scale, rel=1e-4) and update["rate"] == RATE
    assert np.abs(np.array(update["after"]) - 100 * after / scale).max() <= 0.51

    p_after = probabilities_after(network, x, grad_w, grad_b, RATE)
    assert np.allclose(shown["after"]["after"], p_after, atol=2e-4)
    assert shown["after"]["target_after"] == pytest.approx(p_after[target], rel=1e-3, abs=1e-6)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("strokes", [SEVEN, ZERO])
@pytest.mark.parametrize("target", [0, 3, 7])
def test_the_gradient_check_agrees_with_backprop_in_every_layer(committed, name, strokes, target):
    x = to_network_input(strokes, "mnist")
    check = step.gradient_check(committed[name], x, target, 2e-5)
    layers = {row["layer"] for row in check["rows"]}
    assert layers == set(range(1, len(committed[name].weights) + 1))
    assert check["max_relative_error"] < 1e-3
    assert all(row["backprop"] != 0 for row in check["rows"])


def test_the_gradient_check_catches_a_wrong_gradient(committed, monkeypatch):
    """A backprop that is off by 1% in one layer is caught: the check is no formality."""
    right = step.gradients

    def off(network, x, labels, l2):
        grad_w, grad_b, cost = right(network, x, labels, l2)
        grad_w[1] = grad_w[1] * 1.01
        return grad_w, grad_b, cost

    monkeypatch.setattr(step, "gradients", off)
    check = step.gradient_check(committed["B2"], to_network_input(SEVEN, "mnist"), 3, 2e-5)
    worst = {layer: max(r["error"] for r in check["rows"] if r["layer"] == layer) for layer in (1, 2, 3)}
    assert worst[1] < 1e-3 and worst[2] > 5e-3 and worst[3] < 1e-3


def test_a_step_raises_the_targets_probability_and_acts_on_a_copy(committed):
    stepper.copies.clear()
    first = call("step.show", model="B4", strokes=SEVEN, target=1, rate=RATE)["result"]
    assert first["after"]["target_after"] > first["after"]["target_before"]
    assert first["after"]["cost_after"] < first["cost"]["cost"]

    taken = call("step.again", model="B4", strokes=SEVEN, target=1, rate=RATE)["result"]
    assert taken["steps"] == 1  # the copy has taken the step shown, and this is the next one
    assert taken["after"]["target_before"] == pytest.approx(first["after"]["target_after"], rel=1e-4)
    for shipped, copy in zip(reader.networks["B4"].weights, stepper.copies["B4"][1].weights, strict=True):
        assert not np.shares_memory(shipped, copy)
    for shipped, file in zip(reader.networks["B4"].weights, committed["B4"].weights, strict=True):
        assert np.array_equal(shipped, file)  # the network that reads is the shipped one still
    assert reader.recognize("B4", SEVEN)["probs"] == pytest.approx(
        [round(float(p), 6) for p in committed["B4"].probabilities(to_network_input(SEVEN, "mnist"))]
    )

    other = call("step.show", model="B1", strokes=SEVEN, target=1, rate=RATE)["result"]
    assert other["steps"] == 0  # each network has its own copy
    back = call("step.reset", model="B4", strokes=SEVEN, target=1, rate=RATE)["result"]
    assert back["steps"] == 0 and back["after"]["target_before"] == first["after"]["target_before"]


def test_a_chosen_neuron_is_shown_and_a_missing_one_refused(committed):
    shown = call("step.show", model="B1", strokes=SEVEN, target=3, rate=RATE, neuron=5)["result"]
    assert shown["gradient"]["neuron"] == 5 and shown["update"]["neuron"] == 5
    refused = call("step.show", model="B1", strokes=SEVEN, target=3, rate=RATE, neuron=101)
    assert refused == {"error": "there is no neuron 101 in the first layer: it has 100"}


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ({"model": "vote", "target": 3, "rate": RATE}, "a step changes one network: choose B1, B2, ..."),
        ({"model": "B1", "target": 10, "rate": RATE}, "10 is not a digit 0-9"),
        ({"model": "B1", "target": 3, "rate": 0}, "the learning rate must be a number above 0 and at most 10, not 0"),
        (
            {"model": "B1", "target": 3, "rate": "fast"},
            "the learning rate must be a number above 0 and at most 10, not 'fast'",
        ),
        ({"model": "B9", "target": 3, "rate": RATE}, "B9: no such network (known: B1, B2, B3, B4, vote)"),
    ],
)
def test_bad_requests_get_one_line(committed, args, error):
    assert call("step.show", strokes=SEVEN, **args) == {"error": error}


def test_a_blank_drawing_has_no_step(committed):
    assert call("step.show", model="B1", strokes=[], target=3, rate=RATE) == {"error": "draw a digit first"}
    assert call("fool", model="B1", strokes=[], target=3) == {"error": "draw a digit first"}


def probabilities(network, x: np.ndarray) -> np.ndarray:
    """softmax(z / T) in float64, written out."""
    a = x
    for w, b in zip(network.weights[:-1], network.biases[:-1], strict=True):
        a = np.maximum(a @ w + b, 0)
    z = (a @ network.weights[-1] + network.biases[-1]) / network.temperature
    return np.exp(z - z.max()) / np.exp(z - z.max()).sum()


def log_probability(networks, x, target) -> float:
    return float(np.log(np.mean([probabilities(net, x)[target] for net in networks])))


@pytest.mark.parametrize("names", [["B2"], NAMES])
def test_the_input_gradient_is_the_derivative_of_the_targets_log_probability(committed, names):
    networks = [step.as_float64(committed[name]) for name in names]
    x = to_network_input(SEVEN, "mnist").astype(np.float64)
    _, grad = step.target_gradient(networks, x, 3)
    rng = np.random.default_rng(1)
    for i in rng.choice(np.flatnonzero(np.abs(grad) > 1e-3 * np.abs(grad).max()), 8, replace=False):
        e = np.zeros_like(x)
        e[i] = 1e-5
        numeric = (log_probability(networks, x + e, 3) - log_probability(networks, x - e, 3)) / 2e-5
        assert grad[i] == pytest.approx(numeric, rel=1e-4)


@pytest.mark.parametrize("model", ["B1", "vote"])
def test_fooling_makes_the_network_read_the_target_with_the_ink_it_reports(committed, model):
    fooled = call("fool", model=model, strokes=SEVEN, target=3)["result"]
    assert fooled["state"] == "done" and fooled["fooled"][model] and 0 < fooled["steps"] <= step.FOOL_STEPS
    x = to_network_input(SEVEN, "mnist")
    new = np.array(fooled["fooled_input"]) / 255
    assert np.allclose(np.array(fooled["original"]) / 255, x, atol=0.5 / 255)
    assert fooled["l2"] == pytest.approx(np.linalg.norm(new - x), abs=0.01)
    assert abs(fooled["pixels"] - (np.abs(new - x) > step.CHANGED).sum()) <= 2  # levels round to 1/255
    answers = {name: int(committed[name].probabilities(new).argmax()) for name in NAMES}
    answers["vote"] = int(np.mean([committed[name].probabilities(new) for name in NAMES], axis=0).argmax())
    assert fooled["answers"] == answers and answers[model] == 3
    assert fooled["fooled"] == {
        **{name: a == 3 for name, a in answers.items()},
        "digit_like": fooled["fooled"]["digit_like"],
    }
    assert isinstance(fooled["fooled"]["digit_like"], bool)


def test_fooling_says_when_it_could_not_within_the_limit(committed):
    x = to_network_input(SEVEN, "mnist")
    result = step.fool([committed["B4"]], x, 3, limit=2)
    assert not result["fooled"] and result["steps"] == 2
    assert result["input"].min() >= 0 and result["input"].max() <= 1
    assert (
        result["l2"] == pytest.approx(np.linalg.norm(result["change"]), rel=1e-5)
        and result["l2"] <= 2 * step.FOOL_STEP + 1e-6
    )


def test_a_drawing_the_network_already_reads_as_the_target_needs_no_change(committed):
    result = step.fool([committed["B1"]], to_network_input(SEVEN, "mnist"), 7)
    assert result["fooled"] and result["steps"] == 0 and result["l2"] == 0 and result["pixels"] == 0


@pytest.mark.parametrize("name", NAMES)
def test_the_gradient_check_holds_where_the_network_is_all_but_certain(committed, name):
    """Where p_y is 0.99999999 the gradient is tiny (1e-12): the check still agrees to 1e-3."""
    x = to_network_input(SEVEN, "mnist")
    assert committed[name].probabilities(x)[7] > 0.999
    check = step.gradient_check(committed[name], x, 7, 2e-5)
    assert check["max_relative_error"] < 1e-3


def test_the_cost_the_check_differences_is_minus_ln_p(committed):
    network = step.as_float64(committed["B2"])
    for strokes, target in [(SEVEN, 7), (SEVEN, 3), (ZERO, 0), (ZERO, 8)]:
        x = to_network_input(strokes, "mnist").astype(np.float64)
        a = x
        for w, b in zip(network.weights[:-1], network.biases[:-1], strict=True):
            a = np.maximum(a @ w + b, 0)
        z = a @ network.weights[-1] + network.biases[-1]
        wrong = np.exp(np.delete(z, target) - z[target]).sum()  # 1/p - 1, never rounded against 1
        assert step.data_cost(network, x, target) == pytest.approx(np.log1p(wrong), rel=1e-9)


def test_a_copy_starts_again_when_the_network_that_reads_is_another(committed):
    """Once teaching or training gives a network that reads anew, steps start from it, not from an older copy."""
    stepper.copies.clear()
    assert call("step.again", model="B3", strokes=SEVEN, target=1, rate=RATE)["result"]["steps"] == 1
    _, copy, steps = stepper.copies["B3"]
    stepper.copies["B3"] = (step.copy_of(reader.networks["B3"]), copy, steps)  # started from another network
    assert call("step.show", model="B3", strokes=SEVEN, target=1, rate=RATE)["result"]["steps"] == 0


# --- what the page reads of each phase: every field, named as step.js reads it --------------------------------


def test_each_phase_carries_the_fields_the_page_draws(committed):
    shown = call("step.show", model="B2", strokes=SEVEN, target=3, rate=RATE)["result"]
    assert (shown["model"], shown["rate"], shown["target"], shown["activation"]) == ("B2", RATE, 3, "ReLU")
    assert [layer["layer"] for layer in shown["forward"]["layers"]] == [1, 2, 3]
    assert set(shown["cost"]) == {"p", "cross_entropy", "l2_term", "lambda", "cost"} and shown["cost"]["lambda"] == 2e-5
    assert shown["cost"]["cross_entropy"] == pytest.approx(-np.log(shown["cost"]["p"]), rel=1e-9)
    assert shown["output_error"]["equation"] == "δ4 = p − y"
    first, second, third = shown["hidden_errors"]
    assert first["equation"] == "δ1 = (W2ᵀ δ2) ⊙ ReLU′(z1)" and first["shapes"] == "(150 × 200) · (200) ⊙ (150)"
    assert third["equation"] == "δ3 = (W4ᵀ δ4) ⊙ ReLU′(z3)" and third["shapes"] == "(100 × 10) · (10) ⊙ (100)"
    gradient = shown["gradient"]
    x = to_network_input(SEVEN, "mnist")
    assert gradient["input_ink"] == pytest.approx(np.abs(x).sum(), rel=1e-6)
    assert [norm["layer"] for norm in gradient["norms"]] == [1, 2, 3, 4]
    check = shown["check"]
    assert check["epsilon"] == step.EPSILON and len(check["rows"]) == 4 * step.CHECKED
    assert set(check["rows"][0]) == {"layer", "row", "column", "backprop", "numeric", "error"}


def test_the_update_shows_the_neurons_weights_before_after_and_their_change(committed):
    network = committed["B1"]
    shown = call("step.show", model="B1", strokes=SEVEN, target=3, rate=RATE, neuron=7)["result"]
    x = to_network_input(SEVEN, "mnist")
    _, _, _, _, grad_w, _ = written_out(network, x, 3, 2e-5)
    before = network.weights[0][:, 6].astype(np.float64)
    change = -RATE * grad_w[0][:, 6]
    update = shown["update"]
    scale = max(np.abs(before).max(), np.abs(before + change).max())
    assert np.abs(np.array(update["before"]) - 100 * before / scale).max() <= 0.51
    assert update["largest_change"] == pytest.approx(np.abs(change).max(), rel=1e-6)
    assert np.abs(np.array(update["change"]) - 100 * change / np.abs(change).max()).max() <= 0.51
    assert shown["after"]["cost_after"] == pytest.approx(
        -np.log(probabilities_after(network, x, grad_w, [d for d in written_out(network, x, 3, 2e-5)[3]], RATE)[3])
        + 1e-5 * sum(((w - RATE * g) ** 2).sum() for w, g in zip(network.weights, grad_w, strict=True)),
        rel=1e-6,
    )


def test_the_after_phase_and_the_output_error_keep_four_places(committed):
    shown = call("step.show", model="B3", strokes=ZERO, target=6, rate=RATE)["result"]
    for values in (shown["forward"]["probs"], shown["after"]["before"], shown["after"]["after"]):
        assert values == [round(v, 4) for v in values] and sum(values) == pytest.approx(1, abs=1e-3)
    assert shown["output_error"]["delta"] == [round(v, 4) for v in shown["output_error"]["delta"]]
    assert shown["after"]["before"] == shown["forward"]["probs"]


def test_the_gradient_check_rows_are_backprops_own_gradient_at_weights_the_drawing_moves(committed):
    network = committed["B1"]
    x = to_network_input(ZERO, "mnist")
    activations, _, _, deltas, grad_w, _ = written_out(network, x, 2, 2e-5)
    check = step.gradient_check(network, x, 2, 2e-5)
    for row in check["rows"]:
        layer = row["layer"] - 1
        assert activations[layer][row["row"]] != 0 and deltas[layer][row["column"]] != 0
        assert row["backprop"] == pytest.approx(grad_w[layer][row["row"], row["column"]], rel=1e-9)
        assert row["numeric"] == pytest.approx(row["backprop"], rel=1e-3)
        assert row["error"] == pytest.approx(abs(row["backprop"] - row["numeric"]) / abs(row["backprop"]), rel=1e-3)
    assert check == step.gradient_check(network, x, 2, 2e-5)  # the same weights each time: seeded


def test_a_layer_the_drawing_moves_not_at_all_is_checked_anywhere():
    outputs = [np.zeros((1, 4)), np.ones((1, 3)), np.ones((1, 2))]  # x (blank), a_1, p
    deltas = [np.ones((1, 3)), np.ones((1, 2))]
    chosen = step.checked_weights(outputs, deltas, __import__("random").Random(0))
    assert [layer for layer, _, _ in chosen] == [0] * step.CHECKED + [1] * step.CHECKED
    assert all(0 <= i < 4 and 0 <= j < 3 for layer, i, j in chosen if layer == 0)


def test_the_cost_the_check_and_after_use_is_the_training_cost(committed):
    network = step.as_float64(committed["B1"])
    x = to_network_input(SEVEN, "mnist").astype(np.float64)
    p = written_out(committed["B1"], x, 3, 0.5)
    assert step.cost_of(network, x, 3, 0.5) == pytest.approx(p[2], rel=1e-9)


def test_float64_and_copies(committed):
    network = committed["B4"]
    exact = step.as_float64(network)
    assert all(w.dtype == np.float64 for w in exact.weights + exact.biases)
    assert step.as_float64(exact) is exact
    copy = step.copy_of(exact)
    assert not any(
        np.shares_memory(a, b) for a, b in zip(copy.weights + copy.biases, exact.weights + exact.biases, strict=True)
    )


@pytest.mark.parametrize(("neuron", "ok"), [(0, False), (1, True), (100, True), (101, False)])
def test_the_neurons_of_the_first_layer_are_1_to_its_size(committed, neuron, ok):
    shown = call("step.show", model="B1", strokes=SEVEN, target=3, rate=RATE, neuron=neuron)
    assert ("result" in shown) == ok


@pytest.mark.parametrize(
    ("check", "value", "ok"),
    [
        *[
            ("digit", value, ok)
            for value, ok in [(0, True), (9, True), (-1, False), (10, False), (True, False), (3.0, False)]
        ],
        *[
            ("learning_rate", value, ok)
            for value, ok in [(10, True), (1e-4, True), (10.5, False), (0, False), (-1, False), (True, False)]
        ],
    ],
)
def test_a_target_is_a_digit_and_a_learning_rate_above_0_and_at_most_10(check, value, ok):
    if ok:
        assert getattr(step, check)(value) == value
    else:
        with pytest.raises(ValueError):
            getattr(step, check)(value)


def test_taking_and_resetting_a_step_keep_the_chosen_neuron_and_lambda_is_the_networks(committed, monkeypatch):
    fresh = step.Stepper(reader)  # a page's own
    assert fresh.reset("B1", SEVEN, 3, RATE, neuron=5)["gradient"]["neuron"] == 5  # no copy to forget yet
    assert fresh.again("B1", SEVEN, 3, RATE, neuron=5)["gradient"]["neuron"] == 5
    assert fresh.copies["B1"][2] == 1
    monkeypatch.setitem(reader.shipped.entries["B1"]["training"], "l2", 0.25)
    assert fresh.show("B1", SEVEN, 3, RATE)["cost"]["lambda"] == 0.25
    monkeypatch.delitem(reader.shipped.entries["B1"], "training")
    assert fresh.show("B1", SEVEN, 3, RATE)["cost"]["lambda"] == step.DEFAULT_L2


def test_fooling_in_the_page_reports_every_field(committed, monkeypatch):
    fooled = call("fool", model="B2", strokes=SEVEN, target=3)["result"]
    assert (fooled["model"], fooled["target"], fooled["limit"]) == ("B2", 3, step.FOOL_STEPS)
    x = to_network_input(SEVEN, "mnist")
    new = np.array(fooled["fooled_input"]) / 255
    assert 0 <= new.min() and new.max() <= 1 and np.abs(new - x).max() > 0.01
    change = new - x
    assert fooled["change_scale"] == pytest.approx(np.abs(change).max(), abs=0.01)
    assert np.abs(np.array(fooled["change"]) / 100 - change / np.abs(change).max()).max() < 0.05
    assert fooled["probability"] == pytest.approx(committed["B2"].probabilities(new)[3], abs=0.02)  # new: to 1/255
    assert fooled["probability"] == round(fooled["probability"], 4) and fooled["l2"] == round(fooled["l2"], 4)
    monkeypatch.setattr(step, "FOOL_STEPS", 1)
    failed = call("fool", model="B4", strokes=SEVEN, target=3)["result"]
    assert failed["state"] == "failed" and failed["steps"] == 1 and failed["limit"] == 1
    monkeypatch.setattr(reader.shipped, "check", None)
    assert call("fool", model="B1", strokes=SEVEN, target=3)["result"]["fooled"]["digit_like"] is True


def test_fooling_counts_its_moves_and_the_pixels_moved_by_more_than_a_tenth(committed):
    x = to_network_input(ZERO, "mnist")
    fooled = step.fool([committed["B1"]], x, 6, step=0.05, limit=200)
    assert fooled["fooled"] and fooled["input"].dtype == np.float32
    change = fooled["input"] - x
    assert fooled["pixels"] == int((np.abs(change) > step.CHANGED).sum()) > 0
    assert 0 < fooled["l2"] <= 0.05 * fooled["steps"] + 1e-6  # moves of 0.05 each, not all one way
    assert step.fool([committed["B1"]], x, 6, step=0.05, limit=fooled["steps"] - 1)["fooled"] is False
