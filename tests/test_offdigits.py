"""The check set of drawings that are not digits (harness/offdigits.py)."""

import numpy as np
import pytest

from harness import offdigits


@pytest.fixture(scope="module")
def drawings() -> list[offdigits.OffDigit]:
    return offdigits.check_drawings(per_template=4, seed=7)


def same(a: list[offdigits.OffDigit], b: list[offdigits.OffDigit]) -> bool:
    return len(a) == len(b) and all(
        x.name == y.name and len(x.strokes) == len(y.strokes) and all(map(np.array_equal, x.strokes, y.strokes))
        for x, y in zip(a, b, strict=True)
    )


def test_the_same_seed_gives_the_same_drawings_and_another_seed_others(drawings):
    assert same(drawings, offdigits.check_drawings(per_template=4, seed=7))
    assert not same(drawings, offdigits.check_drawings(per_template=4, seed=8))


def test_every_template_gives_per_template_drawings_in_order():
    names = list(offdigits.templates())
    assert [d.name for d in offdigits.check_drawings(per_template=3)] == [name for name in names for _ in range(3)]


def test_strokes_are_finite_pen_paths_and_drawings_are_300_high(drawings):
    for drawing in drawings:
        assert drawing.strokes, drawing.name
        for stroke in drawing.strokes:
            assert stroke.dtype == np.float64 and stroke.ndim == 2 and stroke.shape[1] == 2, drawing.name
            assert len(stroke) >= 2 and np.isfinite(stroke).all(), drawing.name
        every_point = np.concatenate(drawing.strokes)
        assert np.ptp(every_point[:, 1]) == pytest.approx(300, rel=0.05), drawing.name


def test_templates_sit_in_the_unit_box():
    for name, (_, strokes) in offdigits.templates().items():
        every_point = np.concatenate(strokes)
        assert every_point.min() >= -1e-9 and every_point.max() <= 1 + 1e-9, name
        assert all(offdigits.MIN_POINTS <= len(s) <= offdigits.MAX_POINTS for s in strokes), name


def test_the_four_kinds_and_no_letter_that_is_a_digit_by_another_name():
    table = offdigits.templates()
    assert {kind for kind, _ in table.values()} == set(offdigits.KINDS)
    letters = {name[0] for name, (kind, _) in table.items() if kind == "letter"}
    assert letters.isdisjoint("OIbgloqsz")  # O is 0 and I is 1; these lowercase letters look like digits
    assert set("ABCDEFGHJKLMNPQRSTUVWXYZaefhkmnrtuwxy") <= letters
    assert not {"circle", "oval", "line"} & set(table)  # a 0 and a 1 under other names


def test_instances_of_each_template_differ_from_each_other(drawings):
    by_name: dict[str, list[offdigits.OffDigit]] = {}
    for drawing in drawings:
        by_name.setdefault(drawing.name, []).append(drawing)
    for name, instances in by_name.items():
        for i, a in enumerate(instances):
            for b in instances[i + 1 :]:
                first_a, first_b = a.strokes[0], b.strokes[0]
                assert len(first_a) != len(first_b) or not np.allclose(first_a, first_b), name
