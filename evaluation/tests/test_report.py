"""The drawn-digit section of docs/results.md, written from what `python -m train drawn` saved."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np

from evaluation import drawn, report
from harness.native import native_inputs

NAMES = ["B1", "B2", "B3", "B4", "vote"]


def saved_results(tmp_path, monkeypatch, page_digits: int) -> str:
    """Run the benchmark's summary on made-up answers, save it as drawn.json does, and write the section."""
    digits = [SimpleNamespace(label=i % 10) for i in range(40)]
    answers = [{name: d.label for name in NAMES} for d in digits]
    answers[1] = {**answers[1], "vote": 7}  # one 1 read as 7 by the vote
    answers = [{"answers": a, "digit_like": dict.fromkeys(NAMES, i != 2), "sure": True} for i, a in enumerate(answers)]
    results = {"digits": 40, "writers": [3, 6], "native": drawn.summary(digits, answers)}
    results |= {"page": drawn.summary(digits, answers), "page_digits": page_digits}
    results["agreement"] = {name: 1.0 for name in NAMES}
    (tmp_path / "drawn.json").write_text(json.dumps(results))
    monkeypatch.setattr(report, "DOCS", tmp_path)
    return report.drawn_section()


def test_the_section_gives_every_figure_per_network_and_per_digit(tmp_path, monkeypatch):
    section = saved_results(tmp_path, monkeypatch, page_digits=40)
    assert "*Page*: all of them drawn into the built page" in section
    assert "| page | 100.00% | 100.00% | 100.00% | 100.00% | 97.50% |" in section
    assert "| 1 | 100.00% | 100.00% | 100.00% | 100.00% | 75.00% |" in section  # 3 of the 4 ones
    assert "| vote | 1 -> 7 (1) |" in section
    assert np.isclose(json.loads((tmp_path / "drawn.json").read_text())["page"]["vote"]["accuracy"], 0.975)
    assert json.loads((tmp_path / "drawn.json").read_text())["page"]["B2"]["not_a_digit"] == 1 / 40  # the 2


def test_a_partial_page_run_says_how_many_were_drawn(tmp_path, monkeypatch):
    section = saved_results(tmp_path, monkeypatch, page_digits=20)
    assert "*Page*: 20 of them (the first of each kind" in section


def test_the_augmentation_picture_shows_each_digit_beside_its_distorted_versions(tmp_path):
    from matplotlib.image import imread

    from evaluation.pictures import plot_augmentation

    digits = np.zeros((3, 28, 28), np.uint8)
    digits[:, 6:22, 12:16] = 255  # three bars ("ones")
    plot_augmentation(digits, tmp_path / "augmentation.png", copies=4)
    picture = imread(tmp_path / "augmentation.png")
    assert picture.shape[:2] == (3 * 60, (1 + 4) * 60)  # 0.6 inch a digit at 100 dpi: 3 rows, 5 columns
    assert picture[..., :3].min() < 0.2 and picture[..., :3].max() > 0.9  # ink on white


def test_the_calibration_figures_on_drawn_digits_are_the_pages_own_answers(pen_digits):
    """The report's drawn-digit probabilities (native_inputs, before_and_after) are exactly what app.recognize
    answers for the same strokes, with the committed networks and their temperatures."""
    from evaluation.calibration import before_and_after
    from files import WEIGHTS
    from recognizer.app import loaded
    from recognizer.models import load_models, read_manifest
    from train import pendigits

    reader = loaded(WEIGHTS)
    networks, _ = load_models(WEIGHTS)
    framing = {entry["name"]: entry["framing"] for entry in read_manifest(WEIGHTS)}
    digits = pendigits.held_out_digits(pen_digits)[::500]
    inputs = native_inputs([d.strokes for d in digits], set(framing.values()))
    pairs = before_and_after(networks, {name: inputs[framing[name]] for name in networks})
    for i, digit in enumerate(digits):
        strokes = [s.tolist() for s in digit.strokes]
        for name, shown in [*((n, n) for n in networks), ("Vote", "vote")]:
            np.testing.assert_allclose(reader.recognize(shown, strokes)["probs"], pairs[name][1][i], atol=2e-6)
    assert not np.allclose(pairs["B4"][0], pairs["B4"][1])  # before: without B4's temperature of 1.33
