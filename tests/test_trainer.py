"""The training loop: it learns, it is deterministic, and an interrupted run resumes to the same result."""

from dataclasses import replace

import numpy as np
import pytest

from recognizer.training import (
    Run,
    epoch_samples,
    learning_rate_at,
    product_flops,
    product_operands,
    products_seconds,
    update_flops,
)
from train import trainer
from train.config import Settings
from train.dataset import TrainingSet
from train.trainer import train


def small_problem() -> TrainingSet:
    """Ten noisy prototypes of 'digits' as 784-pixel images, in a pool of 3 copies."""
    rng = np.random.default_rng(0)
    prototypes = rng.random((10, 784)) < 0.2
    labels = rng.integers(0, 10, 300)
    noise = rng.random((3, 300, 784)) < 0.05
    pool = (np.logical_xor(prototypes[labels][None], noise) * 255).astype(np.uint8)
    return TrainingSet(pool, labels, pool[0, :100] / np.float32(255), labels[:100], {"sets": []})


SETTINGS = Settings(layers=(784, 16, 10), epochs=4, batch_size=32, learning_rate=0.05, seed=3)


def test_learning_rate_decays_from_start_to_end():
    assert learning_rate_at(0, SETTINGS) == pytest.approx(SETTINGS.learning_rate)
    assert learning_rate_at(1, SETTINGS) == pytest.approx(SETTINGS.final_learning_rate)
    rates = [learning_rate_at(p, SETTINGS) for p in np.linspace(0, 1, 11)]
    assert rates == sorted(rates, reverse=True)


def test_epoch_uses_every_image_equally_often():
    copies, images = epoch_samples(100, 5, 250, np.random.default_rng(0))
    counts = np.bincount(images, minlength=100)
    assert len(images) == 250 and counts.min() >= 2 and counts.max() <= 3
    assert set(np.unique(copies)) <= set(range(5))


def test_training_learns_and_is_deterministic(tmp_path):
    data = small_problem()
    network, history = train("T", SETTINGS, data)
    again, _ = train("T", SETTINGS, data)
    assert history.validation_accuracy[-1] > 0.95
    assert history.loss[-1] < history.loss[0]
    assert all(np.array_equal(a, b) for a, b in zip(network.weights, again.weights, strict=True))


def test_interrupted_training_resumes_to_the_same_network(tmp_path, monkeypatch, capsys):
    data = small_problem()
    whole, _ = train("T", SETTINGS, data)
    checkpoint = tmp_path / "T.pickle"
    real_save = trainer.save_checkpoint

    def save_then_interrupt(path, state):
        real_save(path, state)
        if state["epoch"] == 2:
            raise KeyboardInterrupt  # as if Ctrl-C arrived right after epoch 2

    monkeypatch.setattr(trainer, "save_checkpoint", save_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        train("T", SETTINGS, data, checkpoint)
    monkeypatch.undo()
    capsys.readouterr()
    resumed, history = train("T", SETTINGS, data, checkpoint)
    assert "resuming after epoch 2" in capsys.readouterr().out
    assert len(history.loss) == 4
    assert all(np.array_equal(a, b) for a, b in zip(whole.weights, resumed.weights, strict=True))


def test_checkpoint_for_other_settings_is_not_reused(tmp_path, capsys):
    data = small_problem()
    checkpoint = tmp_path / "T.pickle"
    train("T", SETTINGS, data, checkpoint)
    _, history = train("T", replace(SETTINGS, l2=1e-3), data, checkpoint)
    assert len(history.loss) == SETTINGS.epochs
    assert "other settings" in capsys.readouterr().err


# --- one Run, step by step: which images each step learns from, at which rate, with which penalty ---------------


def small_run(images: int = 100, **changes) -> Run:
    settings = replace(SETTINGS, layers=(784, 8, 10), epochs=3, **changes)
    return Run(settings, images)


def run_through(run: Run, inputs: np.ndarray, labels: np.ndarray, available=None) -> list[list[np.ndarray]]:
    """Train the run to its end; the image indices of each step, grouped by epoch. available(epoch): how many
    images have arrived by then (all of them by default)."""
    epochs = []
    while not run.finished:
        if run.batch == 0:
            epochs.append([])
        _, rows = run.next_batch(available(run.epoch) if available else len(labels))
        epochs[-1].append(rows)
        run.step(inputs[rows], labels[rows])
    return epochs


def digits_like(n: int = 100) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    return rng.random((n, 784), dtype=np.float32), rng.integers(0, 10, n)


def test_each_epoch_learns_from_every_image_once_in_full_batches_but_the_last_and_in_its_own_order():
    inputs, labels = digits_like(100)
    epochs = run_through(small_run(), inputs, labels)
    assert len(epochs) == 3
    for batches in epochs:
        assert [len(rows) for rows in batches] == [32, 32, 32, 4]  # 100 images in batches of 32
        assert sorted(np.concatenate(batches).tolist()) == list(range(100))
    orders = [np.concatenate(batches).tolist() for batches in epochs]
    assert orders[0] != orders[1] != orders[2]


def test_images_that_arrive_during_a_run_are_learned_from_in_the_next_epoch():
    inputs, labels = digits_like(100)
    epochs = run_through(small_run(images=100), inputs, labels, available=lambda epoch: 50 if epoch == 0 else 100)
    assert np.concatenate(epochs[0]).max() < 50  # only the first part had arrived
    assert sorted(np.concatenate(epochs[1]).tolist()) == list(range(100))


def test_every_step_takes_the_schedules_rate_at_its_own_point_of_the_run():
    inputs, labels = digits_like(100)
    run = small_run()
    rates = []
    take_step = run.optimizer.step

    def step_noting_its_rate(network, grad_w, grad_b, rate):
        rates.append(rate)
        take_step(network, grad_w, grad_b, rate)

    run.optimizer.step = step_noting_its_rate
    run_through(run, inputs, labels)
    steps = 3 * 4
    assert rates == pytest.approx([learning_rate_at(i / steps, run.settings) for i in range(steps)])


def test_the_l2_penalty_changes_what_is_learned():
    inputs, labels = digits_like(100)
    plain, penalised = small_run(l2=0.0), small_run(l2=0.01)
    run_through(plain, inputs, labels)
    run_through(penalised, inputs, labels)
    assert np.abs(penalised.network.weights[0]).sum() < np.abs(plain.network.weights[0]).sum()  # smaller weights


def test_a_steps_products_and_update_are_counted_as_they_are_made():
    layers, batch = [784, 30, 20, 10], 8
    operands = product_operands(layers, batch, np.random.default_rng(0))
    assert [(a.shape, b.shape) for a, b in operands] == [
        ((8, 784), (784, 30)), ((784, 8), (8, 30)),  # the first layer: forward, weight gradient (no error sent back)
        ((8, 30), (30, 20)), ((30, 8), (8, 20)), ((8, 20), (20, 30)),  # then each: forward, gradient, error back
        ((8, 20), (20, 10)), ((20, 8), (8, 10)), ((8, 10), (10, 20)),
    ]  # fmt: skip
    assert all(a.dtype == b.dtype == np.float32 for a, b in operands)
    assert product_flops(layers, batch) == sum(2 * a.shape[0] * a.shape[1] * b.shape[1] for a, b in operands)
    assert update_flops(layers) == 5 * (785 * 30 + 31 * 20 + 21 * 10)  # every weight and bias, five operations


def test_the_products_are_timed_once_a_step_unless_asked_for_more():
    made = []
    seconds = products_seconds([(1, 2), (3, 4)], multiply=lambda a, b: made.append((a, b)))
    assert made == [(1, 2), (3, 4)] and 0 <= seconds < 1
    products_seconds([(5, 6)], steps=3, multiply=lambda a, b: made.append((a, b)))
    assert made[2:] == [(5, 6)] * 3


def test_the_products_timed_are_the_trainings_own_unless_told():
    operands = product_operands([784, 30, 10], 128, np.random.default_rng(0))
    assert products_seconds(operands) > 0  # the page's linalg.product (natively NumPy's matmul)
    with pytest.raises(ZeroDivisionError):
        products_seconds(operands, multiply=lambda a, b: 1 / 0)


def test_a_run_in_the_page_has_one_copy_of_each_image_and_its_settings_as_a_dict():
    run = small_run()
    copies, _ = run.next_batch(100)
    assert run.copies == 1 and not copies.any()
    assert run.settings.as_dict() == {**vars(run.settings), "layers": (784, 8, 10)}
