"""Temperature scaling (Guo et al. 2017): one number T per network so that its probabilities are honest.

A network trained with cross-entropy tends to be over-confident on digits unlike its training images. Dividing
its output-layer weighted inputs z by T before the softmax, softmax(z / T), softens (T > 1) or sharpens (T < 1)
every answer alike and never changes which digit wins. T is the value that makes the validation digits' true
labels most probable: it minimises the mean negative log-likelihood

    NLL(T) = mean over digits of [ log sum_j exp(z_j / T) - z_y / T ],

which is convex in 1/T, so a 1-D search over log T finds its one minimum. The validation digits are MNIST's
last 10,000 training digits, which no network trains on (a network trained in the page is fitted on 5,000 of
them); the held-out writers' drawn digits are never used.
"""

from __future__ import annotations

import math

import numpy as np

from .network import Network

DECIMALS = 4  # models.json keeps T to 4 decimals: far finer than the fit's own uncertainty
LOWEST, HIGHEST = 0.05, 20.0  # the search's range for T: far beyond any temperature a trained network needs
TOLERANCE = 1e-5  # on log T: T to about five significant digits
GOLDEN = (math.sqrt(5) - 1) / 2


def negative_log_likelihood(logits: np.ndarray, labels: np.ndarray, temperature: float) -> float:
    """Mean -log softmax(z / T)[y] over the rows of logits (n, 10) with true labels y (n,)."""
    z = np.asarray(logits, dtype=np.float64) / temperature
    z -= z.max(axis=1, keepdims=True)  # log-sum-exp without overflow
    log_sum = np.log(np.exp(z).sum(axis=1))
    return float((log_sum - z[np.arange(len(labels)), labels]).mean())


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The T in [LOWEST, HIGHEST] minimising the NLL, by golden-section search over log T."""

    def cost(log_t: float) -> float:
        return negative_log_likelihood(logits, labels, math.exp(log_t))

    low, high = math.log(LOWEST), math.log(HIGHEST)
    a, b = high - GOLDEN * (high - low), low + GOLDEN * (high - low)
    cost_a, cost_b = cost(a), cost(b)
    while high - low > TOLERANCE:
        if cost_a < cost_b:  # the minimum lies left of b
            high, b, cost_b = b, a, cost_a
            a = high - GOLDEN * (high - low)
            cost_a = cost(a)
        else:  # the minimum lies right of a
            low, a, cost_a = a, b, cost_b
            b = low + GOLDEN * (high - low)
            cost_b = cost(b)
    return math.exp((low + high) / 2)


def temperature_of(network: Network, inputs: np.ndarray, labels: np.ndarray) -> float:
    """The temperature a network's entry records, fitted on its raw outputs z for the validation inputs."""
    return round(fit_temperature(network.logits(inputs), labels), DECIMALS)
