"""Temperature scaling: make a model's confidence mean what it says (fitted on validation data).

One scalar T divides the logits; T is chosen to minimise the negative log-likelihood of the
validation labels (a 1-D search, no gradient needed). `ece` measures how far confidence and
accuracy disagree (expected calibration error, 10 equal-width bins).
"""

from __future__ import annotations

import numpy as np


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    z = np.asarray(logits, np.float64) / temperature
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def nll(logits: np.ndarray, labels: np.ndarray, temperature: float = 1.0) -> float:
    p = softmax(logits, temperature)[np.arange(len(labels)), labels]
    return float(-np.log(np.maximum(p, 1e-12)).mean())


def fit_temperature(logits: np.ndarray, labels: np.ndarray, lo: float = 0.25, hi: float = 8.0) -> float:
    """The T in [lo, hi] with the lowest validation NLL (log-spaced grid, then a finer one)."""
    if len(labels) == 0:
        return 1.0
    grid = np.geomspace(lo, hi, 60)
    best = grid[int(np.argmin([nll(logits, labels, t) for t in grid]))]
    fine = np.linspace(best / 1.1, best * 1.1, 41)
    return float(fine[int(np.argmin([nll(logits, labels, t) for t in fine]))])


def ece(probs: np.ndarray, labels: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error of the top-1 confidence."""
    if len(labels) == 0:
        return float("nan")
    conf = probs.max(axis=1)
    correct = probs.argmax(axis=1) == labels
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        m = (conf > a) & (conf <= b)
        if m.any():
            total += m.mean() * abs(conf[m].mean() - correct[m].mean())
    return float(total)


def report(logits: np.ndarray, labels: np.ndarray) -> dict:
    """The fitted temperature with validation NLL and ECE before and after (what checkpoints keep)."""
    t = fit_temperature(logits, labels)
    return {"temperature": round(t, 4), "val_nll_t1": round(nll(logits, labels), 4),
            "val_nll": round(nll(logits, labels, t), 4), "val_ece_t1": round(ece(softmax(logits), labels), 4),
            "val_ece": round(ece(softmax(logits, t), labels), 4)}
