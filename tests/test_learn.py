"""Teaching, natively through the shipped code: the anchored fine-tuning (learn.py), the examples and their
file (examples.py), and the worker's API (api.py, teach.py) on the committed networks and rehearsal digits."""

import io
import json

import numpy as np
import pytest

from files import REHEARSAL, WEIGHTS
from harness.native import loaded_networks, native_inputs, vote_answers
from recognizer import api
from recognizer import examples as ex
from recognizer.backprop import cross_entropy, forward_keeping_activations, initial_network
from recognizer.learn import Personal, Teaching, anchored_gradients, distorted_batches, rehearsal_from_bytes

SEVEN = [[[20, 20], [120, 20], [60, 160]]]
TWO = [[[30, 40], [60, 10], [100, 30], [90, 70], [30, 150], [120, 150]]]


def anchored_cost(network, shipped, x, labels, anchor) -> float:
    parameters = zip(network.weights + network.biases, shipped.weights + shipped.biases, strict=True)
    distance = sum(float(np.sum((p.astype(np.float64) - p0) ** 2)) for p, p0 in parameters)
    return cross_entropy(forward_keeping_activations(network, x)[-1], labels) + 0.5 * anchor * distance


def test_anchored_gradients_match_numerical_ones():
    rng = np.random.default_rng(0)
    shipped = initial_network([6, 5, 4], "tanh", rng)
    network = initial_network([6, 5, 4], "tanh", rng)  # away from the shipped weights: the pull is not zero
    for p in network.weights + network.biases:
        p += rng.normal(0, 0.1, p.shape).astype(np.float32)
    x, labels = rng.random((3, 6)).astype(np.float32), np.array([0, 3, 1])
    grad_w, grad_b = anchored_gradients(network, shipped, x, labels, anchor=0.7)
    for analytic, parameter in zip(grad_w + grad_b, network.weights + network.biases, strict=True):
        for index in [(0,) * parameter.ndim, tuple(s - 1 for s in parameter.shape)]:
            saved = parameter[index]
            parameter[index] = saved + 1e-2
            up = anchored_cost(network, shipped, x, labels, 0.7)
            parameter[index] = saved - 1e-2
            down = anchored_cost(network, shipped, x, labels, 0.7)
            parameter[index] = saved
            assert analytic[index] == pytest.approx((up - down) / 2e-2, rel=2e-2, abs=1e-4)


def test_each_batch_holds_the_newest_example_kept_ones_and_rehearsal_digits():
    settings = Teaching(steps=3, newest=4, kept=2, rehearsal=5)
    images = np.zeros((3, 784), np.float32)
    rehearsal = (np.zeros((20, 784), np.float32), np.arange(20) % 10 + 10)  # labels 10..19: tell them apart
    x, y = distorted_batches(images, np.array([7, 8, 9]), rehearsal, np.random.default_rng(0), settings)
    assert x.shape == (3, 11, 784) and y.shape == (3, 11)
    assert (y[:, :4] == 9).all()  # the newest is the last
    assert np.isin(y[:, 4:6], [7, 8, 9]).all()
    assert (y[:, 6:] >= 10).all()
    again = distorted_batches(images, np.array([7, 8, 9]), rehearsal, np.random.default_rng(0), settings)
    assert np.array_equal(x, again[0]) and np.array_equal(y, again[1])


@pytest.fixture(scope="module")
def shipped():
    networks, framings = loaded_networks(WEIGHTS)
    rehearsal = rehearsal_from_bytes(REHEARSAL.read_bytes(), set(framings.values()))
    return networks, framings, rehearsal


def vote_of(networks, framings, strokes) -> int:
    return int(vote_answers(networks, framings, native_inputs([strokes], set(framings.values())))[0])


def test_teaching_makes_the_personal_copies_read_the_drawing_as_taught_and_leaves_the_shipped_ones(shipped):
    networks, framings, rehearsal = shipped
    before = {name: [p.copy() for p in n.weights + n.biases] for name, n in networks.items()}
    assert vote_of(networks, framings, TWO) == 2
    personal = Personal(networks, framings, Teaching(), rehearsal)
    for _ in range(3):
        personal.teach(TWO, 3)
    assert vote_of(personal.networks, framings, TWO) == 3
    assert vote_of(networks, framings, TWO) == 2
    for name, n in networks.items():
        assert all(np.array_equal(a, b) for a, b in zip(before[name], n.weights + n.biases, strict=True))


def test_the_same_examples_in_the_same_order_give_the_same_copies(shipped):
    networks, framings, rehearsal = shipped
    copies = []
    for _ in range(2):
        personal = Personal(networks, framings, Teaching(), rehearsal)
        personal.teach(TWO, 3)
        personal.teach(SEVEN, 1)
        copies.append(personal.networks["B4"].weights[0])
    assert np.array_equal(*copies)


def test_a_blank_example_is_refused_and_changes_nothing(shipped):
    networks, framings, rehearsal = shipped
    personal = Personal(networks, framings, Teaching(), rehearsal)
    with pytest.raises(ValueError, match="too little ink"):
        personal.teach([[[5, 5]]], 1)
    assert personal.labels == [] and all(not inputs for inputs in personal.inputs.values())


# --- the rehearsal digits -----------------------------------------------------------------------------------


def npz(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def test_the_committed_rehearsal_digits_hold_every_digit():
    images, labels = rehearsal_from_bytes(REHEARSAL.read_bytes(), {"mnist"})["mnist"]
    assert images.shape == (1000, 784) and images.dtype == np.float32 and 0 <= images.min() and images.max() <= 1
    assert np.bincount(labels).tolist() == [100] * 10


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a zip", "not a readable .npz"),
        (npz(images=np.zeros((10, 28, 28), np.float32), labels=np.arange(10, dtype=np.uint8)), "uint8 images"),
        (npz(images=np.zeros((10, 28, 28), np.uint8), labels=np.arange(9, dtype=np.uint8)), "uint8 images"),
        (npz(images=np.zeros((10, 28, 28), np.uint8)), "uint8 images"),
        (npz(images=np.zeros((10, 28, 28), np.uint8), labels=np.zeros(10, np.uint8)), "every digit"),
    ],
)
def test_a_bad_rehearsal_file_is_refused_in_one_line(data, message):
    with pytest.raises(ValueError, match=message) as refused:
        rehearsal_from_bytes(data, {"mnist"})
    assert "\n" not in str(refused.value)


# --- a file of examples -------------------------------------------------------------------------------------


def test_examples_go_to_a_file_and_come_back_the_same():
    examples = [{"digit": 2, "strokes": TWO}, {"digit": 7, "strokes": SEVEN}]
    assert ex.read_examples_file(ex.examples_file(examples)) == examples


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not a file of examples: it is not JSON"),
        (json.dumps({"examples": []}), 'it does not say "kind"'),
        (json.dumps({"kind": "something else", "version": 1, "examples": []}), 'it does not say "kind"'),
        (json.dumps({"kind": ex.KIND, "version": 2, "examples": []}), "version 2 of the format"),
        (json.dumps({"kind": ex.KIND, "version": 1, "examples": {}}), "not a list"),
        (
            json.dumps({"kind": ex.KIND, "version": 1, "examples": [{"digit": 10, "strokes": TWO}]}),
            "example 1: digit 10",
        ),
        (
            json.dumps({"kind": ex.KIND, "version": 1, "examples": [{"digit": True, "strokes": TWO}]}),
            "digit True",
        ),
        (
            json.dumps({"kind": ex.KIND, "version": 1, "examples": [{"digit": 1, "strokes": TWO}, {"digit": 1}]}),
            "example 2: not an example",
        ),
        (
            json.dumps({"kind": ex.KIND, "version": 1, "examples": [{"digit": 1, "strokes": [[[1, "a"]]]}]}),
            "point 1",
        ),
        (
            json.dumps({"kind": ex.KIND, "version": 1, "examples": [{"digit": 1, "strokes": [[[3, 3]]]}]}),
            "little ink",
        ),
        (
            json.dumps(
                {
                    "kind": ex.KIND,
                    "version": 1,
                    "examples": [{"digit": 1, "strokes": [[[0, i] for i in range(6000)]]}],
                }
            ),
            "6,000 points",
        ),
    ],
)
def test_a_damaged_or_foreign_file_is_refused_in_one_line(text, message):
    with pytest.raises(ValueError, match=message) as refused:
        ex.read_examples_file(text)
    assert "\n" not in str(refused.value)


# --- the worker's API ---------------------------------------------------------------------------------------

reader = api.reader  # the page's, which its calls (api.call) read with
teacher = reader.teacher


def call(name: str, **args) -> dict:
    """api.call as the worker makes it: JSON in, JSON out."""
    return json.loads(api.call(name, json.dumps(args)))


@pytest.fixture
def loaded(tmp_path):
    reader.load(WEIGHTS)
    yield tmp_path
    teacher.forget()


def load_rehearsal():
    assert "error" not in call("teach.load_rehearsal", path=str(REHEARSAL))


def test_kept_examples_are_learned_then_the_personal_copies_answer_beside_the_shipped_answer(loaded):
    assert reader.recognize("vote", TWO)["personal"] is False
    status = teacher.add([{"digit": 3, "strokes": TWO}] * 2)
    assert status == {"examples": 2, "per_digit": [0, 0, 0, 2, 0, 0, 0, 0, 0, 0], "learned": 0, "personal": False}
    load_rehearsal()
    assert teacher.learn_next()["learned"] == 1
    assert reader.recognize("vote", TWO)["personal"] is False  # until every example is learned: the shipped answer
    assert teacher.learn_next() == {**status, "learned": 2, "personal": True}
    answer = reader.recognize("vote", TWO)
    assert answer["personal"] is True and answer["digit"] == 3
    assert answer["shipped"]["digit"] == 2
    assert teacher.forget()["examples"] == 0
    assert reader.recognize("vote", TWO)["digit"] == 2


def test_learning_needs_the_rehearsal_digits(loaded):
    teacher.rehearsal = None
    teacher.add([{"digit": 3, "strokes": TWO}])
    assert "rehearsal digits are not loaded" in call("teach.learn_next")["error"]


def test_a_bad_example_is_refused_and_none_of_its_batch_is_kept(loaded):
    reply = call("teach.add", examples=[{"digit": 3, "strokes": TWO}, {"digit": 3, "strokes": [[[1, 1]]]}])
    assert reply == {"error": "example 2: too little ink to learn from"}
    assert teacher.status()["examples"] == 0


def test_saved_copies_are_used_again_only_for_the_same_networks_and_examples(loaded):
    load_rehearsal()
    teacher.add([{"digit": 3, "strokes": TWO}])
    teacher.learn_next()
    saved = loaded / "personal.npz"
    teacher.save(str(saved))
    reading = reader.recognize("vote", TWO)["probs"]

    reader.load(WEIGHTS)  # a new visit: the examples come back from storage, the copies from the file
    teacher.add([{"digit": 3, "strokes": TWO}])
    assert teacher.restore(str(saved))["restored"] is True
    assert teacher.status()["personal"] is True
    assert reader.recognize("vote", TWO)["probs"] == reading
    load_rehearsal()  # fetched only when there is something to learn: after the copies were restored
    teacher.add([{"digit": 1, "strokes": SEVEN}])
    teacher.learn_next()
    assert teacher.learner.rehearsal is teacher.rehearsal  # the restored copies learn with the rehearsal digits too

    reader.load(WEIGHTS)
    teacher.add([{"digit": 3, "strokes": TWO}] * 2)  # other examples than the copies learned
    assert teacher.restore(str(saved))["restored"] is False

    reader.load(WEIGHTS)
    reader.shipped.entries["B1"] = {
        **reader.shipped.entries["B1"],
        "sha256": "0" * 64,
    }  # other networks (a new version of the site)
    teacher.add([{"digit": 3, "strokes": TWO}])
    assert teacher.restore(str(saved))["restored"] is False

    damaged = loaded / "damaged.npz"
    damaged.write_bytes(saved.read_bytes()[:1000])
    reader.load(WEIGHTS)
    teacher.add([{"digit": 3, "strokes": TWO}])
    assert teacher.restore(str(damaged))["restored"] is False
    assert teacher.status() == {**teacher.status(), "learned": 0, "personal": False}


def test_an_imported_file_adds_only_the_examples_not_kept_yet(loaded):
    teacher.add([{"digit": 3, "strokes": TWO}])
    text = ex.examples_file([{"digit": 3, "strokes": TWO}, {"digit": 7, "strokes": SEVEN}])
    assert call("teach.new_examples", text=text)["result"] == {
        "examples": [{"digit": 7, "strokes": SEVEN}],
        "repeated": 1,
    }
    assert json.loads(call("teach.examples_file")["result"]["text"]) == {
        "kind": ex.KIND,
        "version": 1,
        "examples": [{"digit": 3, "strokes": TWO}],
    }
    assert "error" in call("teach.new_examples", text="[]")


def test_loading_the_networks_again_forgets_copies_made_from_the_old_ones(loaded):
    load_rehearsal()
    teacher.add([{"digit": 3, "strokes": TWO}])
    teacher.learn_next()
    reader.load(WEIGHTS)
    assert teacher.status()["examples"] == 0
    assert "rehearsal digits are not loaded" in call("teach.learn_next")["error"]  # made for the old ones
