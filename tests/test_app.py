"""The browser-facing API and its pie chart, run natively on small networks written by the test."""

import math
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recognizer import app
from recognizer.chart import pie_chart, slices
from train.backprop import initial_network
from train.publish import publish

FOUR = [[(30, 10), (12, 60), (55, 60)], [(45, 25), (45, 95)]]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("weights")
    for seed, name in enumerate(["B1", "B2", "B3"]):
        network = initial_network([784, 16, 10], "relu", np.random.default_rng(seed))
        publish(network, {"name": name, "framing": "emnist" if name == "B3" else "mnist",
                          "trained_on": "test data (none)", "test_accuracy": 0.1}, folder)  # fmt: skip
    (folder / "B2.npz").write_bytes(b"broken")
    return app.load(folder)


def test_load_reports_ready_and_disabled_networks(loaded):
    status = {m["name"]: m for m in loaded["models"]}
    assert status["B1"]["ok"] and status["B3"]["ok"]
    assert not status["B2"]["ok"] and "sha256" in status["B2"]["reason"]
    assert status["B1"]["label"].startswith("784-16-10, test data")


def test_recognize_answers_with_every_networks_digit(loaded):
    answer = app.recognize("B1", FOUR)
    assert answer["state"] == "done" and answer["model"] == "B1" and answer["strokes"] == 2
    assert len(answer["probs"]) == 10 and math.isclose(sum(answer["probs"]), 1, abs_tol=1e-3)
    assert answer["digit"] == int(np.argmax(answer["probs"]))
    assert set(answer["answers"]) == {"B1", "B3", "vote"}
    assert len(answer["input"]) == 784
    vote = app.recognize("vote", FOUR)
    assert vote["answers"] == answer["answers"]


def test_vote_is_the_average_of_the_loaded_networks(loaded):
    probs = {name: np.array(app.recognize(name, FOUR)["probs"]) for name in ["B1", "B3"]}
    np.testing.assert_allclose(app.recognize("vote", FOUR)["probs"], (probs["B1"] + probs["B3"]) / 2, atol=2e-5)


def test_blank_is_idle_and_disabled_or_unknown_networks_are_refused(loaded):
    assert app.recognize("vote", [])["state"] == "idle"
    assert app.recognize("B1", [[(3, 3)]])["state"] == "idle"
    with pytest.raises(ValueError, match="B2: its weights could not be loaded"):
        app.recognize("B2", FOUR)
    with pytest.raises(ValueError, match="B9: unknown network"):
        app.recognize("B9", FOUR)


coordinate = st.floats(min_value=-1e5, max_value=1e5, allow_nan=False)
drawing = st.lists(st.lists(st.tuples(coordinate, coordinate), max_size=25), max_size=5)


@settings(max_examples=60, deadline=None)
@given(drawing, st.sampled_from(["B1", "B3", "vote"]))
def test_any_drawing_gives_an_answer_or_idle(loaded, strokes, model):
    answer = app.recognize(model, strokes)
    assert answer["state"] in ("done", "idle")


def test_pie_chart_slices_cover_the_circle_and_the_largest_is_the_answer():
    probabilities = [0.01, 0.6, 0.05, 0.2, 0.0, 0.04, 0.05, 0.03, 0.01, 0.01]
    parts = slices(probabilities)
    assert parts[0][0] == 1 and math.isclose(parts[-1][2], 1.0, abs_tol=1e-9)
    assert 4 not in [digit for digit, _, _ in parts]  # no slice for a zero share
    svg = ET.fromstring(pie_chart(probabilities, "B1 reads"))
    assert svg.get("role") == "img" and "1 at 60.0%" in svg.get("aria-label")
    assert len(svg.findall("{http://www.w3.org/2000/svg}path")) == 9
    assert "3: 20.0%" in "".join(svg.itertext())


def test_a_certain_answer_is_a_full_circle():
    svg = ET.fromstring(pie_chart([0, 0, 0, 0, 0, 0, 0, 1.0, 0, 0]))
    assert len(svg.findall("{http://www.w3.org/2000/svg}circle")) == 1
    assert svg.findall("{http://www.w3.org/2000/svg}path") == []
