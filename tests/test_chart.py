"""The pie chart: slices cover the circle exactly, the answer's slice is the largest, the SVG is valid XML."""

import math
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recognizer.chart import BARS, COLOURS, bar_chart, percent, pie_chart, shares, slices

NS = {"svg": "http://www.w3.org/2000/svg"}
TYPICAL = [0.01, 0.6, 0.05, 0.2, 0.0, 0.04, 0.05, 0.03, 0.01, 0.01]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # raises on anything that is not well-formed XML


def legend(root: ET.Element) -> dict[int, str]:
    """Digit -> the percentage its legend entry shows."""
    entries = [t.text for t in root.findall("svg:text", NS) if t.text and ": " in t.text]
    return {int(digit): value for digit, value in (entry.split(": ") for entry in entries)}


def test_angles_sum_to_a_full_turn_largest_first():
    parts = slices(TYPICAL)
    assert sum(end - start for _, start, end in parts) == pytest.approx(360)
    assert parts[0][1] == 0 and parts[-1][2] == 360
    assert all(a[2] == pytest.approx(b[1]) for a, b in zip(parts, parts[1:], strict=False))  # no gaps
    assert parts[0][0] == 1  # the answer starts at 12 o'clock
    assert 4 not in [digit for digit, _, _ in parts]  # no slice for a zero share
    widths = [end - start for _, start, end in parts]
    assert widths == sorted(widths, reverse=True)
    assert widths[0] == pytest.approx(0.6 * 360)


def test_svg_is_accessible_and_its_legend_lists_every_digit():
    root = parse(pie_chart(TYPICAL, "B1 reads"))
    assert root.get("role") == "img"
    assert root.get("aria-label") == "B1 reads: 1 at 60.0%"
    assert root.find("svg:title", NS).text == "B1 reads: 1 at 60.0%"
    assert "3: 20.0%" in root.find("svg:desc", NS).text
    assert legend(root) == {d: f"{100 * p:.1f}%" for d, p in enumerate(TYPICAL)}
    assert len(root.findall("svg:path", NS)) == 9  # every non-zero share, none for the 0
    assert "style=" not in pie_chart(TYPICAL)  # the page's CSP forbids inline styles


def test_largest_slice_has_the_answers_colour():
    root = parse(pie_chart(TYPICAL))
    first = root.findall("svg:path", NS)[0]  # drawn first: the largest, from 12 o'clock
    assert first.get("fill") == COLOURS[1]


def test_a_certain_answer_is_a_full_circle():
    root = parse(pie_chart([0, 0, 0, 0, 0, 0, 0, 1.0, 0, 0]))
    circles = root.findall("svg:circle", NS)
    assert [c.get("fill") for c in circles][-1] == COLOURS[7]  # over the grey background disc
    assert root.findall("svg:path", NS) == []
    assert legend(root)[7] == "100%" and legend(root)[0] == "0.0%"


def test_nearly_certain_answer_is_a_circle_and_traces_are_listed():
    probabilities = [1e-7] * 9 + [1 - 9e-7]
    parts = slices(probabilities)
    assert len(parts) == 10 and sum(end - start for _, start, end in parts) == pytest.approx(360)
    root = parse(pie_chart(probabilities))
    assert root.findall("svg:circle", NS)[-1].get("fill") == COLOURS[9]
    assert root.findall("svg:path", NS) == []  # slivers of 0.00004 degrees are not drawn
    assert legend(root)[9] == ">99.9%" and legend(root)[0] == "<0.1%"


def test_two_way_tie_is_two_half_discs():
    root = parse(pie_chart([0, 0, 0, 0.5, 0, 0, 0, 0, 0.5, 0]))
    paths = root.findall("svg:path", NS)
    assert len(paths) == 2
    assert root.get("aria-label").endswith("3 at 50.0%")  # ties go to the lower digit, as argmax does


def test_all_zero_or_invalid_values_give_an_empty_disc_not_an_error():
    for values in ([0.0] * 10, [math.nan] * 10, [-1.0] * 10):
        root = parse(pie_chart(values))
        assert slices(values) == []
        assert root.findall("svg:path", NS) == [] and len(root.findall("svg:circle", NS)) == 1
    with pytest.raises(ValueError, match="expected 10"):
        pie_chart([1.0, 0.0])


def test_title_is_escaped():
    root = parse(pie_chart(TYPICAL, 'B<1> & "friends"'))
    assert root.find("svg:title", NS).text.startswith('B<1> & "friends"')


def test_unnormalised_values_are_shares_of_their_sum():
    assert slices([2, 0, 0, 0, 0, 0, 0, 0, 0, 2]) == [(0, 0.0, 180.0), (9, 180.0, 360.0)]


def test_percentages_never_round_doubt_away():
    assert [percent(s) for s in (0, 0.0004, 0.0123, 0.9994, 0.9996, 1.0)] == [
        "0.0%", "<0.1%", "1.2%", "99.9%", ">99.9%", "100%"]  # fmt: skip


@given(st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=10, max_size=10))
def test_any_ten_values_give_valid_svg_with_slices_covering_the_circle(values):
    root = parse(pie_chart(values))
    parts = slices(values)
    if sum(values) > 0:
        assert sum(end - start for _, start, end in parts) == pytest.approx(360)
        fractions = shares(values)  # as the chart sees them: two values a rounding apart may share one fraction
        assert fractions[parts[0][0]] == max(fractions)  # the largest slice belongs to the argmax (or a tie)
    assert len(legend(root)) == 10


def test_the_bar_chart_lists_the_likeliest_digits_longest_first():
    root = parse(bar_chart(TYPICAL, "B1's likeliest digits"))
    assert root.get("role") == "img"
    assert root.get("aria-label") == "B1's likeliest digits: 1 at 60.0%, 3 at 20.0%, 2 at 5.0%, 6 at 5.0%, 5 at 4.0%"
    widths = [float(rect.get("width")) for rect in root.findall("svg:rect", NS)]
    assert len(widths) == BARS and widths == sorted(widths, reverse=True)
    assert widths[0] == pytest.approx(0.6 * 150) and widths[1] == pytest.approx(0.2 * 150)
    assert "style=" not in bar_chart(TYPICAL)


def test_chart_text_off_the_slices_takes_the_pages_colour():
    # currentColor: legible on a light and on a dark page alike (a slice's own label is set against its colour).
    pie_legend = [t for t in parse(pie_chart(TYPICAL)).findall("svg:text", NS) if ": " in t.text]
    bar_text = parse(bar_chart(TYPICAL)).findall("svg:text", NS)
    assert len(pie_legend) == 10 and len(bar_text) == 2 * BARS
    assert all(t.get("fill") == "currentColor" for t in pie_legend + bar_text)
