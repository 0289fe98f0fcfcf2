"""The drawn-digit benchmark (evaluation/drawn.py): its variations keep every digit inside the page's box, and
it refuses a folder that is not a built site."""

from __future__ import annotations

from evaluation import drawn
from files import shown
from harness.browser import fit_to_box, inside_box
from train import pendigits

BOX = {"x": 40.0, "y": 100.0, "width": 300.0, "height": 300.0}


def test_every_held_out_digit_with_its_benchmark_variation_stays_inside_the_box(pen_digits):
    digits = pendigits.held_out_digits(pen_digits)
    for digit, variation in zip(digits, drawn.variations(len(digits)), strict=True):
        assert inside_box(fit_to_box(digit.strokes, BOX, variation["height"], variation["offset"]), BOX)


def test_the_drawn_benchmark_refuses_a_folder_that_is_not_a_built_site(tmp_path, capsys):
    from evaluation.__main__ import main

    assert main(["drawn", "--mode", "page", "--dist", str(tmp_path)]) == 1
    assert (
        capsys.readouterr().err.strip() == f"error: {shown(tmp_path)} is not a built site: run `python3 build.py` first"
    )
