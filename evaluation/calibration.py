"""How honest the networks' confidence is: the expected calibration error, and answers above and below a threshold.

A network is calibrated when, of all the answers it gives with confidence about p, a share of about p is right.
The expected calibration error (ECE; Naeini et al. 2015, Guo et al. 2017) measures how far it is from that: the
answers are put in BINS equal-width bins by their confidence (the probability of the answer), and

    ECE = sum over bins of (answers in the bin / all answers) * |accuracy in the bin - mean confidence in the bin|.
"""

from __future__ import annotations

import numpy as np

from recognizer.network import Network, softmax

BINS = 15
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.99)  # candidates for app.SURE
MOST_WRONG = 0.001  # an answer called sure may be wrong at most 1 time in 1,000 (on the validation digits)


def expected_calibration_error(probabilities: np.ndarray, labels: np.ndarray, bins: int = BINS) -> float:
    """The ECE of probabilities (n, 10) against the true labels (n,), over `bins` equal-width confidence bins."""
    confidence = probabilities.max(axis=1)
    right = probabilities.argmax(axis=1) == labels
    # Bin k holds confidences in (k / bins, (k + 1) / bins]; a confidence of exactly 0 would go in bin 0.
    which = np.clip(np.ceil(confidence * bins).astype(int) - 1, 0, bins - 1)
    count = np.bincount(which, minlength=bins)
    gap = np.bincount(which, weights=right - confidence, minlength=bins)  # per bin: (accuracy - confidence) * count
    return float(np.abs(gap).sum() / count.sum())


def answers_around(probabilities: np.ndarray, labels: np.ndarray, threshold: float) -> dict:
    """Answers at or above a confidence threshold (sure) and below it (not sure): how many of each, how many right."""
    sure = probabilities.max(axis=1) >= threshold
    right = probabilities.argmax(axis=1) == labels
    return {
        "threshold": threshold,
        "not_sure": float(1 - sure.mean()),  # the share of answers the page would call not sure
        "sure_accuracy": float(right[sure].mean()) if sure.any() else float("nan"),
        "not_sure_accuracy": float(right[~sure].mean()) if (~sure).any() else float("nan"),
        "wrong_caught": float((~sure & ~right).sum() / max((~right).sum(), 1)),  # of the mistakes, how many not sure
    }


def before_and_after(networks: dict[str, Network], inputs: dict[str, np.ndarray]) -> dict[str, tuple]:
    """Each network's probabilities without its temperature (T = 1) and with it (as shipped), for its inputs; and
    the vote's, the average of the networks' either way."""
    pairs = {}
    for name, network in networks.items():
        logits = network.logits(inputs[name]).astype(np.float64)
        pairs[name] = (softmax(logits), softmax(logits / network.temperature))
    pairs["Vote"] = tuple(np.mean([pair[i] for pair in pairs.values()], axis=0) for i in (0, 1))
    return pairs


def lowest_sure_threshold(probabilities: np.ndarray, labels: np.ndarray) -> float:
    """The rule for app.SURE: the lowest candidate threshold at which at most MOST_WRONG of the answers called
    sure are wrong (applied to the vote on the validation digits)."""
    for threshold in THRESHOLDS:
        if 1 - answers_around(probabilities, labels, threshold)["sure_accuracy"] <= MOST_WRONG:
            return threshold
    return THRESHOLDS[-1]
