"""Where each network goes wrong (recognizer/errors.py, lab.py, testsets.py): the lab's confusion matrices equal the
report's, computed independently from MNIST's files and from the held-out writers' strokes; the digits behind a
cell, the disagreements, the projections and the nearest digits equal brute-force computations; a drawing lands on
the map where its image's digit does; a damaged set is refused in one line; and the lab scores a network again when
it changes."""

import base64
import io
import json

import numpy as np
import pytest

from evaluation import report
from evaluation.examples import PEN, pen_file
from evaluation.measure import confusion_matrix
from files import DATA, DOCS, WEIGHTS
from harness.native import loaded_networks, native_inputs
from recognizer import errors, testsets
from recognizer import lab as labs
from recognizer.app import Reader
from recognizer.examples import drawing_problem
from recognizer.lab import Lab
from recognizer.preprocess import to_network_input
from train import pendigits
from train.data import as_inputs, load_mnist

rng = np.random.default_rng(3)


def digits_file(images: np.ndarray, labels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, images=images.astype(np.uint8), labels=labels.astype(np.uint8))
    return buffer.getvalue()


@pytest.fixture(scope="module")
def mnist():
    return load_mnist()


@pytest.fixture(scope="module")
def lab(mnist, tmp_path_factory):
    """A lab of the committed networks that has read MNIST's 10,000 test digits (from a file as the page gets it)
    and the held-out writers' pen digits (the committed site/digits/pen.json)."""
    path = tmp_path_factory.mktemp("lab") / "test.npz"
    path.write_bytes(digits_file(mnist.test_images, mnist.test_labels))
    reader = Reader()
    reader.load(WEIGHTS)
    lab = Lab(reader)
    assert lab.add_set("mnist", str(path)) == {"set": "mnist", "digits": 10_000}
    assert lab.add_set("pen", str(PEN)) == {"set": "pen", "digits": 2_498}
    while lab.score(seconds=1)["state"] != "done":
        pass
    return lab


# --- the matrices equal the report's ---------------------------------------------------------------------------


def test_every_matrix_equals_the_reports_counts(lab):
    """The report's probabilities come from MNIST's own files through evaluation/report.py, not through the lab."""
    probabilities, truth = report.test_probabilities(WEIGHTS, DATA)
    for name, p in probabilities.items():
        model = "vote" if name == "Vote" else name
        shown = lab.matrix(model, "mnist")
        expected = confusion_matrix(truth, p.argmax(axis=1))
        assert shown["counts"] == expected.tolist(), name
        assert shown["digits"] == 10_000
        assert shown["accuracy"] == pytest.approx(np.trace(expected) / 10_000, abs=1e-6)
        assert shown["recall"] == pytest.approx([expected[d, d] / expected[d].sum() for d in range(10)], abs=1e-6)


def test_the_pen_digits_matrices_are_the_held_out_writers_native_readings(lab, pen_digits):
    """Computed from the pen-digit file's own strokes through harness/native.py, as `evaluation drawn` does."""
    held_out = pendigits.held_out_digits(pen_digits)
    networks, framings = loaded_networks(WEIGHTS)
    inputs = native_inputs([d.strokes for d in held_out], set(framings.values()))
    truth = np.array([d.label for d in held_out])
    probabilities = {name: net.probabilities(inputs[framings[name]]) for name, net in networks.items()}
    probabilities["vote"] = np.mean(list(probabilities.values()), axis=0)
    recorded = json.loads((DOCS / "drawn.json").read_text())["native"]
    for name, p in probabilities.items():
        shown = lab.matrix(name, "pen")
        assert shown["counts"] == confusion_matrix(truth, p.argmax(axis=1)).tolist(), name
        assert shown["accuracy"] == pytest.approx(recorded[name]["accuracy"], abs=1e-6)  # docs/results.md's


def test_the_committed_pen_digits_are_the_held_out_writers(pen_digits):
    assert PEN.read_bytes() == pen_file(pendigits.held_out_digits(pen_digits))
    writers = {digit["writer"] for digit in json.loads(PEN.read_text())["digits"]}
    assert writers == set(pendigits.HELD_OUT_WRITERS)


def test_a_pen_digit_is_shown_as_the_network_sees_it_and_opens_as_its_strokes(lab, pen_digits):
    mistakes = np.array(lab.matrix("B1", "pen")["counts"]) * (1 - np.eye(10, dtype=int))
    truth, answer = np.unravel_index(mistakes.argmax(), (10, 10))  # B1's commonest mistake on them
    found = lab.cell("B1", "pen", truth, answer)["digits"][0]
    digit = pendigits.held_out_digits(pen_digits)[found["index"]]
    assert digit.label == found["label"] == truth and found["answer"] == answer
    assert found["strokes"] == [s.astype(int).tolist() for s in digit.strokes]
    seen = to_network_input(found["strokes"])
    assert base64.b64decode(found["image"]) == np.rint(seen * 255).astype(np.uint8).tobytes()
    assert lab.reader.recognize("B1", found["strokes"])["probs"] == pytest.approx(
        lab.answers("B1", "pen")[0][found["index"]], abs=1e-6
    )


@pytest.mark.parametrize(
    "text, problem",
    [
        (b"{", "digits/pen.json is not a file of pen digits"),
        (b'{"digits": [{"label": 3}]}', "digits/pen.json is not a file of pen digits"),
        (b'{"digits": []}', "digits/pen.json does not hold 1 to 10,000 digits"),
        (b'{"digits": [{"label": 10, "strokes": [[[1, 2]]]}]}', "digit 1: its label 10 is not a digit 0..9"),
        (b'{"digits": [{"label": 3.0, "strokes": [[[1, 2]]]}]}', "digit 1: its label 3.0 is not a digit 0..9"),
        (b'{"digits": [{"label": 3, "strokes": [[[1, "x"]]]}]}', "digit 1: stroke 1, point 1 is"),
        (b'{"digits": [{"label": 3, "strokes": [{"image": []}]}]}', "digit 1: it is an image, not strokes"),
    ],
)
def test_a_damaged_pen_file_is_refused_in_one_line(text, problem):
    with pytest.raises(ValueError, match=problem.replace(".", r"\.")):
        testsets.pen_digits(text, "digits/pen.json")


def test_confusion_counts_each_pair():
    truth, answers = rng.integers(0, 10, 500), rng.integers(0, 10, 500)
    counts = errors.confusion(truth, answers)
    for t in range(10):
        for p in range(10):
            assert counts[t, p] == sum(1 for a, b in zip(truth, answers, strict=True) if (a, b) == (t, p))
    assert errors.recall(counts)[4] == counts[4, 4] / (truth == 4).sum()


# --- the digits behind a cell, and where two networks disagree -------------------------------------------------


def test_a_cell_holds_exactly_its_digits_surest_first():
    truth = rng.integers(0, 10, 2000)
    probabilities = rng.dirichlet(np.ones(10) * 0.3, 2000)
    found = errors.in_cell(truth, probabilities, 8, 3)
    expected = [i for i in range(2000) if truth[i] == 8 and probabilities[i].argmax() == 3]
    assert sorted(found.tolist()) == expected and len(expected) > 5
    assert np.all(np.diff(probabilities[found, 3]) <= 0)


def test_the_lab_shows_a_cells_digits_with_their_images(lab, mnist):
    cell = lab.cell("B1", "mnist", 9, 4)
    assert cell["total"] == lab.matrix("B1", "mnist")["counts"][9][4] == len(cell["digits"])
    for digit in cell["digits"]:
        assert digit["label"] == 9 and digit["answer"] == 4
        assert base64.b64decode(digit["image"]) == mnist.test_images[digit["index"]].tobytes()
    more, first = lab.cell("vote", "mnist", 1, 1, start=48, count=10), lab.cell("vote", "mnist", 1, 1, count=58)
    assert [d["index"] for d in more["digits"]] == [d["index"] for d in first["digits"]][48:]
    assert more["total"] == first["total"] > 1000 and more["start"] == 48


def test_disagreements_are_the_digits_one_gets_right_and_the_other_wrong(lab, mnist):
    truth = mnist.test_labels
    out = lab.disagree("B1", "vote", "mnist")
    b1 = lab.answers("B1", "mnist")[0].argmax(axis=1)
    votes = lab.answers("vote", "mnist")[0].argmax(axis=1)
    assert out["a_only"] == sum(1 for i in range(10_000) if b1[i] == truth[i] != votes[i])
    assert out["b_only"] == sum(1 for i in range(10_000) if votes[i] == truth[i] != b1[i])
    assert out["b_only"] > out["a_only"] > 0  # the vote gets right more of B1's mistakes than the other way
    assert all(d["answer"] == b1[d["index"]] != d["label"] for d in out["b_digits"])  # each with B1's answer
    assert all(d["answer"] == votes[d["index"]] != d["label"] for d in out["a_digits"])


def test_one_digit_is_read_by_every_network_with_why(lab):
    index = lab.cell("B1", "mnist", 8, 3)["digits"][0]["index"]
    out = lab.digit("B1", "mnist", index)
    assert out["label"] == 8 and out["answer"] == 3
    readers = {r["model"]: r for r in out["readers"]}
    assert list(readers) == ["B1", "B2", "B3", "B4", "vote"]
    assert readers["B1"]["answer"] == 3 and len(readers["B1"]["why"]) == 784 and readers["vote"]["why"] == []
    with pytest.raises(ValueError, match="no test digit 10000"):
        lab.digit("B1", "mnist", 10_000)


# --- the map ---------------------------------------------------------------------------------------------------


def test_principal_axes_are_the_covariances_top_eigenvectors():
    points = rng.normal(size=(300, 6)) @ rng.normal(size=(6, 6))
    mean, axes = errors.principal_axes(points)
    values, vectors = np.linalg.eigh(np.cov(points.T))
    top = vectors[:, np.argsort(values)[::-1][:2]]
    assert np.allclose(mean, points.mean(axis=0))
    assert np.allclose(np.abs(top.T @ axes), np.eye(2), atol=1e-6)


def test_fisher_axes_solve_the_generalised_eigenproblem():
    labels = rng.integers(0, 10, 600)
    points = rng.normal(size=(600, 8)) + rng.normal(size=(10, 8))[labels] * 3
    _, axes = errors.fisher_axes(points, labels, ridge=0)
    within = sum(np.cov(points[labels == d].T, bias=True) * (labels == d).sum() for d in range(10))
    means = np.stack([points[labels == d].mean(axis=0) for d in range(10)]) - points.mean(axis=0)
    between = sum((labels == d).sum() * np.outer(means[d], means[d]) for d in range(10))
    values, vectors = np.linalg.eig(np.linalg.solve(within, between))
    top = np.real(vectors[:, np.argsort(-np.real(values))[:2]])
    top /= np.linalg.norm(top, axis=0)
    assert np.allclose(np.abs(np.sum(top * axes, axis=0)), 1, atol=1e-6)


def test_the_nearest_digits_are_the_true_nearest():
    points = rng.normal(size=(3000, 40)).astype(np.float32)
    for point in rng.normal(size=(5, 40)):
        brute = sorted(range(3000), key=lambda i: float(((points[i] - point) ** 2).sum()))[:5]
        assert errors.nearest(points, point, 5).tolist() == brute


@pytest.mark.parametrize("model", ["B2", "vote"])
@pytest.mark.parametrize("projection", ["pca", "fisher"])
def test_a_digit_opened_as_its_image_lands_where_it_is_on_the_map(lab, mnist, model, projection):
    shown = lab.map(model, "mnist", projection)
    assert len(shown["points"]) == labs.MAP_DIGITS and shown["labels"] == mnist.test_labels[:2000].tolist()
    for index in (0, 1234):
        image = [{"image": mnist.test_images[index].ravel().tolist()}]
        where = lab.locate(model, image, "mnist", projection)
        assert [where["x"], where["y"]] == pytest.approx(shown["points"][index], abs=1e-4)
        assert where["neighbours"][0]["index"] == index and len(where["neighbours"]) == labs.NEIGHBOURS


def test_a_drawings_place_is_its_layer_projected_natively(lab):
    seven = [[(30, 20), (200, 20), (110, 250)]]
    where = lab.locate("B4", seven, "mnist", "pca")
    network = lab.reader.networks["B4"]
    layer = network.hidden(to_network_input(seven)).astype(np.float64)
    hidden = lab.answers("B4", "mnist")[1][:2000].astype(np.float64)
    mean = hidden.mean(axis=0)
    _, _, vt = np.linalg.svd(hidden - mean, full_matrices=False)
    axes = vt[:2].T * np.sign(vt[:2].T[np.abs(vt[:2].T).argmax(axis=0), [0, 1]])
    placed = (hidden - mean) @ axes
    expected = ((layer - mean) @ axes - placed.min(axis=0)) / np.ptp(placed, axis=0)
    assert [where["x"], where["y"]] == pytest.approx(expected.tolist(), abs=1e-4)
    every = lab.answers("B4", "mnist")[1].astype(np.float64)
    brute = np.argsort(((every - layer) ** 2).sum(axis=1), kind="stable")[:5]
    assert [n["index"] for n in where["neighbours"]] == brute.tolist()
    assert lab.locate("B4", [[(5, 5)]], "mnist", "pca")["state"] == "idle"


# --- the lab's states --------------------------------------------------------------------------------------------


def test_nothing_is_shown_before_the_digits_arrive_or_of_an_unknown_network(tmp_path):
    reader = Reader()
    reader.load(WEIGHTS)
    lab = Lab(reader)
    with pytest.raises(ValueError, match="the mnist digits have not arrived"):
        lab.matrix("B1", "mnist")
    with pytest.raises(ValueError, match="letters: no such set"):
        lab.add_set("letters", "x")
    damaged = tmp_path / "test.npz"
    damaged.write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(ValueError, match="digits/test.npz is not a readable .npz"):
        lab.add_set("mnist", str(damaged))
    few = tmp_path / "few.npz"
    few.write_bytes(digits_file(np.zeros((1500, 28, 28)), np.arange(1500) % 10))
    lab.add_set("mnist", str(few))
    assert lab.score(seconds=0) == {"state": "scoring", "done": 0, "total": 1500 * (4 + 1)}  # framed, and read by 4
    with pytest.raises(ValueError, match="B1 has not read the mnist digits yet"):
        lab.matrix("B1", "mnist")
    first = lab.score(seconds=0.0001)
    assert first["state"] == "scoring" and first["done"] == labs.BATCH  # one batch framed
    while lab.score()["state"] != "done":
        pass
    with pytest.raises(ValueError, match="B9: no such network"):
        lab.matrix("B9", "mnist")
    with pytest.raises(ValueError, match="tsne: no such projection"):
        lab.map("B1", "mnist", "tsne")


def test_a_network_that_changes_is_scored_again(lab):
    reader = lab.reader
    before = lab.matrix("B3", "mnist")
    lab.map("B3", "mnist", "pca")
    original = reader.shipped.networks["B3"]
    changed = type(original)([-w for w in original.weights], original.biases, original.activation)
    reader.shipped.networks["B3"] = changed
    try:
        with pytest.raises(ValueError, match="B3 has not read"):
            lab.matrix("B3", "mnist")
        assert lab.score(seconds=5)["state"] == "done"
        assert lab.matrix("B3", "mnist")["counts"] != before["counts"]
        assert lab.maps["mnist", "B3", "pca"][0][0] is original  # until the map is asked for again:
        lab.map("B3", "mnist", "pca")
        assert lab.maps["mnist", "B3", "pca"][0][0] is changed
    finally:
        reader.shipped.networks["B3"] = original
        while lab.score(seconds=5)["state"] != "done":
            pass
    assert lab.matrix("B3", "mnist") == before


# --- a test digit opened in the pad --------------------------------------------------------------------------------


def test_an_image_drawing_reads_as_the_test_digit_does(lab, mnist):
    reader = lab.reader
    index = lab.cell("B1", "mnist", 9, 4)["digits"][0]["index"]
    image = [{"image": mnist.test_images[index].ravel().tolist()}]
    answer = reader.recognize("B1", image)
    assert answer["digit"] == 4 and answer["strokes"] == 1
    assert answer["probs"] == pytest.approx(lab.answers("B1", "mnist")[0][index], abs=1e-6)
    assert json.loads(json.dumps(reader.inside("vote", image)))["networks"][0]["input"] == image[0]["image"]


@pytest.mark.parametrize(
    "drawing, problem",
    [
        ([{"image": [0] * 783}], "an image drawing is one {image: 784 grey levels}, alone"),
        ([{"image": [0] * 784}, [[1, 2]]], "an image drawing is one {image: 784 grey levels}, alone"),
        ([{"image": [0] * 784, "label": 3}], "an image drawing is one {image: 784 grey levels}, alone"),
        ([{"image": [256] + [0] * 783}], "an image drawing's grey levels are whole numbers 0..255"),
        ([{"image": [0.5] + [0] * 783}], "an image drawing's grey levels are whole numbers 0..255"),
        ([{"image": [True] + [0] * 783}], "an image drawing's grey levels are whole numbers 0..255"),
        ([{"image": [0] * 784}], None),
    ],
)
def test_an_image_drawing_is_checked(drawing, problem):
    assert drawing_problem(drawing) == problem


def test_a_blank_image_is_no_drawing():
    assert to_network_input([{"image": [0] * 784}]) is None
    assert to_network_input([{"image": [0] * 783 + [255]}], "emnist") is not None


def test_the_map_of_a_network_training_is_drawn_again_after_each_epoch(lab, mnist, tmp_path):
    trainer = lab.reader.trainer
    parts = {"train-1": (mnist.train_images[:10_000], mnist.train_labels[:10_000])}
    parts["validation"] = (mnist.validation_images[:5000], mnist.validation_labels[:5000])
    parts["test"] = (mnist.test_images, mnist.test_labels)
    for kind, (images, labels) in parts.items():
        (tmp_path / kind).write_bytes(digits_file(images, labels))
        trainer.add_part(kind, str(tmp_path / kind))
    with pytest.raises(ValueError, match="no network is training"):
        lab.map(labs.TRAINING, "mnist", "pca")
    trainer.start({"layers": "20", "epochs": "3", "digits": "2000", "batch": "50"})
    seven = [[(30, 20), (200, 20), (110, 250)]]
    try:
        maps = []
        for _ in range(100_000):  # a step or so at a time
            if len(maps) == 2 or trainer.session.finished:
                break
            trainer.train(0.0001)
            epochs = len(trainer.session.history)
            if epochs > len(maps) and not trainer.session.finished:
                maps.append((lab.map(labs.TRAINING, "mnist", "pca"), lab.locate(labs.TRAINING, seven, "mnist", "pca")))
        (first, where_first), (second, where_second) = maps
        assert (first["epochs"], second["epochs"]) == (1, 2)
        assert len(second["points"]) == labs.MAP_DIGITS and first["points"] != second["points"]
        assert (where_first["x"], where_first["y"]) != (where_second["x"], where_second["y"])
        network = trainer.session.run.network
        hidden = network.hidden(as_inputs(mnist.test_images[: labs.MAP_DIGITS].reshape(-1, 784)))
        layer = network.hidden(to_network_input(seven))
        brute = np.argsort(((hidden.astype(np.float64) - layer) ** 2).sum(axis=1), kind="stable")[:5]
        assert [n["index"] for n in where_second["neighbours"]] == brute.tolist()
    finally:
        trainer.session = None
