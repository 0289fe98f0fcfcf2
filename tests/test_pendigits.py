"""The pen-digit reader and the fixed split of writers."""

import gzip

import numpy as np
import pytest

from files import PENDIGITS
from train import pendigits
from train.data import DataError

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
    with pytest.raises(DataError, match="line 9: cannot read '200 x'"):
        pendigits.parse_unipen(SNIPPET.replace(" 200  400", " 200 x"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ((".COMMENT 1 3  10\n", ""), "line 16: no writer 1..30 \\(.COMMENT names none\\)"),
        (("1 3  10", "1 31  10"), "line 16: no writer 1..30 \\(.COMMENT names 31\\)"),
        (('? "1"', '? "12"'), "line 16: label 12, expected a digit 0..9"),
        (("1 3  10\n.PEN_DOWN", "1 3  10\n.PEN_UP"), "line 16: digit without strokes"),
    ],
)
def test_a_digit_that_would_escape_the_split_stops_the_reading(change, message):
    # Without a known writer a digit would land in neither or the wrong side of the split.
    with pytest.raises(DataError, match=message):
        pendigits.parse_unipen(SNIPPET.replace(*change))


def test_held_out_writers_are_ten_and_never_in_training():
    assert len(pendigits.HELD_OUT_WRITERS) == 10
    digits = pendigits.parse_unipen(SNIPPET)
    assert [d.writer for d in pendigits.held_out_digits(digits)] == [12, 3]
    assert pendigits.training_digits(digits) == []
    seven, one = pendigits.parse_unipen(SNIPPET.replace("7 12  224", "7 13  224"))  # writer 13 trains
    assert pendigits.training_digits([seven, one]) == [seven] and pendigits.held_out_digits([seven, one]) == [one]


def test_missing_damaged_or_different_file_is_one_clear_line(tmp_path):
    with pytest.raises(DataError, match="none.tra.gz: missing") as error:
        pendigits.read_digits(tmp_path / "none.tra.gz")
    assert "\n" not in str(error.value)
    (tmp_path / "other.tra.gz").write_bytes(gzip.compress(SNIPPET.encode()))
    with pytest.raises(DataError, match=f"other.tra.gz: sha256 is .*, expected {pendigits.SHA256[:16]}") as error:
        pendigits.read_digits(tmp_path / "other.tra.gz")
    assert "\n" not in str(error.value)
    (tmp_path / "cut.tra.gz").write_bytes(PENDIGITS.read_bytes()[:5000])
    with pytest.raises(DataError, match="cut.tra.gz: damaged gzip") as error:
        pendigits.read_digits(tmp_path / "cut.tra.gz")
    assert "\n" not in str(error.value)


def test_the_file_ships_with_the_project_with_its_credit_and_licence():
    assert PENDIGITS.exists() and PENDIGITS.suffix == ".gz"
    credit = (PENDIGITS.parent / "README.md").read_text()
    assert "Alpaydin" in credit and "Alimoglu" in credit and "CC BY 4.0" in credit and pendigits.SHA256 in credit


def test_the_real_file_has_the_published_counts(pen_digits):
    digits = pen_digits
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
    assert {d.writer for d in digits} == set(range(1, 31))
    assert np.bincount([len(d.strokes) for d in digits]).tolist() == [0, 5564, 1921, 9]
    points = np.concatenate([stroke for d in digits for stroke in d.strokes])
    assert points.min() >= 0 and points.max() <= 500
    held_out = pendigits.held_out_digits(digits)
    assert {d.writer for d in held_out} == set(pendigits.HELD_OUT_WRITERS)
    assert len(held_out) + len(pendigits.training_digits(digits)) == len(digits)
