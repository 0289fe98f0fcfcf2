"""The training loop: it learns, it is deterministic, and an interrupted run resumes to the same result."""

from dataclasses import replace

import numpy as np
import pytest

from recognizer.training import epoch_samples, learning_rate_at
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
