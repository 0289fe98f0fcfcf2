"""The browser-facing API, run natively on small random networks written by the test into a temporary folder."""

import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recognizer import api
from recognizer.app import CANDIDATES, SURE
from recognizer.models import WeightsError, network_to_bytes, sha256_bytes
from recognizer.network import Network
from recognizer.preprocess import to_network_input

FOUR = [[(30, 10), (12, 60), (55, 60)], [(45, 25), (45, 95)]]
TRAINED_ON = {
    "sets": [{"name": "MNIST", "images": 50000}, {"name": "pen digits", "images": 4996, "writers": 20}],
    "augmentation": {"copies": 39, "kinds": ["affine", "elastic", "thickness"]},
    "images_per_epoch": 240000,
}


reader = api.reader  # the page's, which its calls (api.call) read with


def call(name: str, **args) -> dict:
    """api.call as the worker makes it: JSON in, JSON out."""
    return json.loads(api.call(name, json.dumps(args)))


def random_network(layers: list[int], seed: int) -> Network:
    rng = np.random.default_rng(seed)
    weights = [
        rng.normal(0, 1 / math.sqrt(n), (n, m)).astype(np.float32) for n, m in zip(layers, layers[1:], strict=False)
    ]
    biases = [rng.normal(0, 0.1, m).astype(np.float32) for m in layers[1:]]
    return Network(weights, biases, "relu")


def write_weights(folder, specs: dict[str, tuple[list[int], str]]) -> None:
    """One .npz per network and a models.json listing them with their hashes."""
    entries = []
    for seed, (name, (layers, framing)) in enumerate(specs.items()):
        data = network_to_bytes(random_network(layers, seed))
        (folder / f"{name}.npz").write_bytes(data)
        colour = "green" if name in ("B3", "B4") else "blue"
        entries.append({"name": name, "file": f"{name}.npz", "layers": layers, "activation": "relu",
                        "colour": colour, "framing": framing, "trained_on": TRAINED_ON, "test_accuracy": 0.9871,
                        "sha256": sha256_bytes(data)})  # fmt: skip
    (folder / "models.json").write_text(json.dumps({"models": entries}))


@pytest.fixture(scope="module")
def weights(tmp_path_factory):
    """B1 and B4 load (B4 framed as EMNIST); B2's file is damaged; B3's file is missing."""
    folder = tmp_path_factory.mktemp("weights")
    layers = {"B1": [784, 20, 10, 10], "B2": [784, 16, 10], "B3": [784, 12, 10], "B4": [784, 24, 16, 10]}
    write_weights(folder, {name: (shape, "emnist" if name == "B4" else "mnist") for name, shape in layers.items()})
    (folder / "B2.npz").write_bytes(b"broken")
    (folder / "B3.npz").unlink()
    return folder


@pytest.fixture
def status(weights):
    return reader.load(weights)  # the reader keeps what it loaded, as the worker does between messages


def test_load_reports_each_network_ready_or_disabled_with_its_reason(status):
    models = {m["name"]: m for m in status["models"]}
    assert list(models) == ["B1", "B2", "B3", "B4"]
    assert status["ready"] == ["B1", "B4"]
    assert models["B1"]["ok"] and models["B4"]["ok"] and models["B1"]["reason"] == ""
    assert not models["B2"]["ok"] and "sha256 does not match" in models["B2"]["reason"]
    assert not models["B3"]["ok"] and models["B3"]["reason"] == "B3.npz: missing"
    assert models["B1"]["layers"] == "784-20-10-10" and models["B1"]["accuracy"] == "98.71%"
    assert models["B1"]["colour"] == "blue" and models["B4"]["colour"] == "green"
    assert models["B1"]["trained_on"] == "MNIST + pen digits, 240,000 images an epoch"
    assert models["B1"]["details"] == (
        "MNIST (50,000 digits) + pen digits (4,996 digits by 20 writers), each in 39 distorted versions "
        "(affine, elastic, thickness); 240,000 images an epoch"
    )
    json.dumps(status)  # the worker sends it to the page as JSON


def test_the_colour_key_is_made_from_what_each_network_was_trained_on(status):
    # Made from models.json's fields, never from prose: each colour names its networks and their data.
    assert status["key"] == [
        {"colour": "blue", "names": ["B1", "B2"], "trained_on": "MNIST + pen digits, 240,000 images an epoch"},
        {"colour": "green", "names": ["B3", "B4"], "trained_on": "MNIST + pen digits, 240,000 images an epoch"},
    ]


def test_the_committed_networks_are_described_by_their_own_fields():
    from files import WEIGHTS

    status = reader.load(WEIGHTS)
    assert [(group["colour"], group["names"]) for group in status["key"]] == [
        ("blue", ["B1", "B2"]),
        ("green", ["B3", "B4"]),
    ]
    assert [group["trained_on"] for group in status["key"]] == [
        "MNIST + pen digits, 54,996 images an epoch",
        "MNIST + pen digits, 240,000 images an epoch",
    ]


def test_a_missing_manifest_is_one_clear_error(tmp_path):
    with pytest.raises(WeightsError, match="models.json: missing"):
        reader.load(tmp_path)


def test_recognize_answers_with_every_loaded_networks_digit(status):
    answer = reader.recognize("B1", FOUR)
    assert answer["state"] == "done" and answer["model"] == "B1" and answer["strokes"] == 2
    assert len(answer["probs"]) == 10 and math.isclose(sum(answer["probs"]), 1, abs_tol=1e-4)
    assert answer["digit"] == int(np.argmax(answer["probs"]))
    assert answer["answers"]["B1"] == answer["digit"]
    assert set(answer["answers"]) == {"B1", "B4", "vote"}
    assert len(answer["input"]) == 784 and 0 <= min(answer["input"]) and max(answer["input"]) <= 1
    assert answer["chart_svg"].startswith("<svg") and "B1 reads" in answer["chart_svg"]
    assert answer["bars_svg"].startswith("<svg") and "B1's likeliest digits" in answer["bars_svg"]
    json.dumps(answer)


def test_an_answer_says_whether_it_is_sure_and_lists_the_likeliest_digits(status):
    answer = reader.recognize("B4", FOUR)
    probabilities = np.array(answer["probs"])
    assert answer["sure"] == (probabilities.max() >= SURE)
    order = np.argsort(-probabilities, kind="stable")[:CANDIDATES]
    assert [c["digit"] for c in answer["candidates"]] == order.tolist()
    assert answer["candidates"][0]["digit"] == answer["digit"]
    assert answer["candidates"][0]["confidence"] == answer["confidence"]  # one rounding rule: the chart's
    assert reader.recognize("vote", FOUR)["answers"] == answer["answers"]


def test_each_network_sees_its_own_framing(status):
    mnist, emnist = reader.recognize("B1", FOUR)["input"], reader.recognize("B4", FOUR)["input"]
    assert mnist != emnist
    assert reader.recognize("vote", FOUR)["input"] == mnist  # the vote shows the first network's input
    # B4 reads EMNIST's framing: its probabilities are its forward pass on that input, not on MNIST's
    framed = {framing: to_network_input(FOUR, framing) for framing in ("mnist", "emnist")}
    np.testing.assert_allclose(emnist, framed["emnist"], atol=5e-4)
    b4 = reader.recognize("B4", FOUR)["probs"]
    np.testing.assert_allclose(b4, reader.networks["B4"].probabilities(framed["emnist"]), atol=1e-6)
    assert not np.allclose(b4, reader.networks["B4"].probabilities(framed["mnist"]), atol=1e-4)


def test_vote_is_the_average_of_the_networks_that_loaded(status):
    probs = {name: np.array(reader.recognize(name, FOUR)["probs"]) for name in ["B1", "B4"]}
    vote = reader.recognize("vote", FOUR)
    np.testing.assert_allclose(vote["probs"], (probs["B1"] + probs["B4"]) / 2, atol=2e-6)
    assert vote["digit"] == int(np.argmax(vote["probs"])) == vote["answers"]["vote"]
    assert "The vote reads" in vote["chart_svg"]


def test_the_answer_does_not_depend_on_where_or_how_big_the_digit_is_drawn(status):
    moved = [[(3 * x + 400, 3 * y + 250) for x, y in stroke] for stroke in FOUR]
    # MNIST's framing sees the same 28x28 image (EMNIST's, drawn 100 pixels tall first, nearly the same)
    np.testing.assert_allclose(to_network_input(moved, "mnist"), to_network_input(FOUR, "mnist"), atol=1e-6)
    assert reader.recognize("vote", moved)["probs"] == pytest.approx(reader.recognize("vote", FOUR)["probs"], abs=2e-3)


def test_blank_drawings_are_idle(status):
    assert reader.recognize("vote", []) == {"state": "idle", "model": "vote", "strokes": 0}
    assert reader.recognize("B1", [[(3, 3)]])["state"] == "idle"  # a dot
    assert reader.recognize("B1", [[], []]) == {"state": "idle", "model": "B1", "strokes": 2}


def test_disabled_or_unknown_networks_are_refused_with_the_reason(status):
    with pytest.raises(ValueError, match="B2 is disabled: B2.npz: sha256 does not match"):
        reader.recognize("B2", FOUR)
    with pytest.raises(ValueError, match="B3 is disabled: B3.npz: missing"):
        reader.recognize("B3", FOUR)
    with pytest.raises(ValueError, match=r"B9: no such network \(known: B1, B2, B3, B4, vote\)"):
        reader.recognize("B9", FOUR)


def test_with_no_network_loaded_even_the_vote_is_refused(tmp_path):
    write_weights(tmp_path, {"B1": ([784, 10], "mnist")})
    (tmp_path / "B1.npz").write_bytes(b"")
    assert reader.load(tmp_path)["ready"] == []
    with pytest.raises(ValueError, match="no network is loaded"):
        reader.recognize("vote", FOUR)


# Any drawing: random strokes, single points, strokes filling the whole box, huge or negative coordinates.
coordinate = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)
point = st.tuples(coordinate, coordinate)
stroke = st.lists(point, min_size=0, max_size=30)
box_filler = st.just([[(0, 0), (280, 0), (280, 280), (0, 280), (0, 0), (280, 280)], [(280, 0), (0, 280)]])
drawing = st.one_of(st.lists(stroke, max_size=6), box_filler, st.lists(st.lists(point, max_size=1), max_size=4))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawing, st.sampled_from(["B1", "B4", "vote"]))
def test_any_drawing_gives_an_answer_or_idle_never_an_exception(status, strokes, model):
    answer = reader.recognize(model, strokes)
    assert answer["state"] in ("done", "idle") and answer["strokes"] == len(strokes)
    if answer["state"] == "done":
        assert math.isclose(sum(answer["probs"]), 1, abs_tol=1e-4)
        assert all(0 <= v <= 1 for v in answer["input"])


def test_a_bad_entry_is_listed_disabled_with_its_reason_and_the_others_load(tmp_path):
    write_weights(tmp_path, {"B1": ([784, 10], "mnist"), "B2": ([784, 12, 10], "mnist"), "B3": ([784, 10], "mnist")})
    manifest = json.loads((tmp_path / "models.json").read_text())
    b1, b2, b3 = manifest["models"]
    b2["framing"] = "emnist2"
    b3["test_accuracy"] = "98.7%"
    unnamed = {k: v for k, v in b1.items() if k != "name"}
    manifest["models"] += [unnamed, {**b1, "name": 42}, {**b1, "name": "<b>B9</b>"}, {**b1, "name": "vote"}, b1]
    (tmp_path / "models.json").write_text(json.dumps(manifest))
    status = reader.load(tmp_path)
    assert status["ready"] == ["<b>B9</b>", "B1"]  # a name is text: the page shows it as text
    assert [(m["name"], m["ok"], m["reason"]) for m in status["models"]] == [
        ("B1", True, ""),
        ("B2", False, "models.json: framing 'emnist2' is not one of mnist, emnist"),
        ("B3", False, "models.json: test_accuracy '98.7%' is not a number from 0 to 1"),
        ("entry 4", False, "models.json: name missing"),
        ("entry 5", False, "models.json: name 42 is not a name of 1 to 40 printable characters"),
        ("<b>B9</b>", True, ""),
        ("vote (entry 7)", False, "models.json: entry 7's name 'vote' is already taken"),
        ("B1 (entry 8)", False, "models.json: entry 8's name 'B1' is already taken"),
    ]
    for model in status["models"]:
        assert all(isinstance(model[field], str) for field in ("layers", "colour", "accuracy", "trained_on", "details"))
    assert status["models"][2]["accuracy"] == "untested" and status["models"][2]["layers"] == "784-10"
    assert reader.recognize("vote", FOUR)["answers"].keys() == {"B1", "<b>B9</b>", "vote"}
    assert "&lt;b&gt;B9&lt;/b&gt; reads" in reader.recognize("<b>B9</b>", FOUR)["chart_svg"]
    with pytest.raises(ValueError, match="^B2 is disabled: models.json: framing 'emnist2' is not one of"):
        reader.recognize("B2", FOUR)


def test_a_manifest_listing_no_networks_is_one_plain_error(tmp_path):
    (tmp_path / "models.json").write_text('{"models": []}')
    assert call("load", weights_dir=str(tmp_path)) == {"error": "models.json lists no networks"}


@pytest.mark.parametrize(
    ("strokes", "reason"),
    [
        ([(30, 10), (12, 60)], "stroke 1, point 1 is 30, not an (x, y) pair of numbers"),  # one stroke too few
        ([[30, 10, 12, 60]], "stroke 1, point 1 is 30, not an (x, y) pair of numbers"),
        ([[[30, 10, 5]]], "stroke 1, point 1 is [30, 10, 5], not an (x, y) pair of numbers"),
        ([[[[30, 10]]]], "stroke 1, point 1 is [[30, 10]], not an (x, y) pair of numbers"),  # one level too many
        ([FOUR[0], [(45, 25), ("45", "95")]], "stroke 2, point 2 is ('45', '95'), not an (x, y) pair of numbers"),
        ([[(True, False), (1, 2)]], "stroke 1, point 1 is (True, False), not an (x, y) pair of numbers"),
        ([FOUR[0], 7], "stroke 2 is 7, not a list of (x, y) points"),
        ("FOUR", "a drawing is a list of strokes, not 'FOUR'"),
        ({"strokes": FOUR}, "a drawing is a list of strokes, not {'strokes': [[(30, 10), (12, 60), (55..."),
    ],
)
def test_a_drawing_that_is_not_strokes_of_points_is_refused_in_one_line(status, strokes, reason):
    with pytest.raises(ValueError) as error:
        reader.recognize("vote", strokes)
    assert str(error.value) == reason


# --- whether a drawing is a digit at all (the committed check, recognizer/digitlike.py) ---------------------------

STAR = [[(50, 0), (80, 95), (0, 35), (100, 35), (20, 95), (50, 0)]]  # one stroke, five points


@pytest.fixture
def committed():
    from files import WEIGHTS

    return reader.load(WEIGHTS)


def test_a_drawing_that_is_not_a_digit_is_never_sure_however_sure_the_networks_are(committed, not_a_digit):
    assert committed["check"] == {"ok": True, "reason": ""}
    drawing = [stroke.tolist() for stroke in not_a_digit]
    answer = reader.recognize("vote", drawing)
    assert answer["state"] == "done" and answer["digit"] in range(10)  # the likeliest digit is still given
    assert max(answer["probs"]) >= SURE  # the vote alone would call it sure...
    assert answer["digit_like"] is False and answer["sure"] is False  # ...but it is not a digit
    assert answer["digit_like_of"] == dict.fromkeys(["B1", "B2", "B3", "B4", "vote"], False)
    assert "not a digit" in answer["chart_svg"] and "not a digit" not in answer["bars_svg"]
    assert reader.recognize("B2", STAR)["digit_like"] is False


def test_a_held_out_writers_digit_is_digit_like(committed, pen_digits):
    from train import pendigits

    digit = pendigits.held_out_digits(pen_digits)[0]
    answer = reader.recognize("vote", [s.tolist() for s in digit.strokes])
    assert answer["digit_like"] is True and "not a digit" not in answer["chart_svg"]
    assert answer["digit"] == digit.label and answer["sure"] is True  # a clear digit is read, and sure


def test_a_missing_check_costs_only_itself(tmp_path, not_a_digit):
    import shutil

    from files import WEIGHTS

    shutil.copytree(WEIGHTS, tmp_path / "weights")
    (tmp_path / "weights" / "check.npz").unlink()
    status = reader.load(tmp_path / "weights")
    assert status["check"] == {"ok": False, "reason": "check.npz: missing"}
    assert all(model["ok"] for model in status["models"])
    answer = reader.recognize("vote", STAR)  # every drawing counts as a digit, as before there was a check
    assert answer["digit_like"] is True and answer["state"] == "done"
    answer = reader.recognize("vote", [stroke.tolist() for stroke in not_a_digit])
    assert answer["digit_like"] is True and answer["sure"] is True  # sure, as the vote's probability says


def test_teaching_a_style_the_check_refuses_makes_it_digit_like(committed):
    from files import REHEARSAL

    assert reader.recognize("vote", STAR)["digit_like"] is False
    reader.teacher.load_rehearsal(str(REHEARSAL))
    for size in (100, 90, 110):
        reader.teacher.add([{"digit": 4, "strokes": [[(x * size / 100, y * size / 100) for x, y in STAR[0]]]}])
        reader.teacher.learn_next()
    answer = reader.recognize("vote", [[(x * 1.05, y) for x, y in STAR[0]]])
    assert answer["personal"] and answer["digit_like"] is True and answer["digit"] == 4
    assert answer["shipped"]["digit_like"] is False  # the shipped check still refuses it
    reader.teacher.forget()
