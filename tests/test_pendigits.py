"""The pen-digit reader and the fixed split of writers."""

import numpy as np
import pytest

from train import pendigits

SNIPPET = """.INCLUDE        dene.doc
.LEXICON "0" "1" "2" "3" "4" "5" "6" "7" "8" "9"
.HIERARCHY      DIGIT

.SEGMENT DIGIT    0 ? "7"
.COMMENT 7 12  224
.PEN_DOWN
 100  400
 200  400
.PEN_UP
.DT 100
.PEN_DOWN
 120  300
 180  300
.PEN_UP
.SEGMENT DIGIT    1 ? "1"
.COMMENT 1 3  10
.PEN_DOWN
 150  450
 150  350
 150  250
.PEN_UP
"""


def test_parses_labels_writers_strokes_and_flips_y():
    seven, one = pendigits.parse_unipen(SNIPPET)
    assert (seven.label, seven.writer, len(seven.strokes)) == (7, 12, 2)
    assert (one.label, one.writer, len(one.strokes)) == (1, 3, 1)
    np.testing.assert_array_equal(seven.strokes[0], [[100, 100], [200, 100]])  # y = 500 - 400
    assert one.strokes[0][:, 1].tolist() == [50, 150, 250]  # drawn downwards on screen


def test_a_bad_point_line_is_reported_with_its_number():
    with pytest.raises(pendigits.PendigitsError, match="line 9"):
        pendigits.parse_unipen(SNIPPET.replace(" 200  400", " 200 x"))


def test_held_out_writers_are_ten_and_never_in_training():
    assert len(pendigits.HELD_OUT_WRITERS) == 10
    digits = pendigits.parse_unipen(SNIPPET)
    assert [d.writer for d in pendigits.held_out_digits(digits)] == [12, 3]
    assert pendigits.training_digits(digits) == []


def test_missing_or_different_file_is_one_clear_line(tmp_path):
    with pytest.raises(pendigits.PendigitsError, match="missing"):
        pendigits.read_digits(tmp_path / "none.tra")
    (tmp_path / "other.tra").write_text(SNIPPET)
    with pytest.raises(pendigits.PendigitsError, match="sha256 does not match"):
        pendigits.read_digits(tmp_path / "other.tra")


def test_the_real_file_has_the_published_counts():
    path = pendigits.default_path()
    if not path.exists():
        pytest.skip(f"{path} absent: the pen-digit data lives outside the project")
    digits = pendigits.read_digits(path)
    assert len(digits) == 7494
    assert np.bincount([d.label for d in digits]).tolist() == [
        780,
        779,
        780,
        719,
        780,
        720,
        720,
        778,
        719,
        719,
    ]
    assert len({d.writer for d in digits}) == 30
    held_out = pendigits.held_out_digits(digits)
    assert {d.writer for d in held_out} == set(pendigits.HELD_OUT_WRITERS)
    assert len(held_out) + len(pendigits.training_digits(digits)) == len(digits)
