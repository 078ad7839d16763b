"""Quality metrics of a trained network (scikit-learn); its costs come from ``nasforge.nn``."""

from __future__ import annotations

import warnings

import numpy as np

# The names each function returns (an evaluator declares its metrics from them).
CLASSIFICATION_METRICS = ("accuracy", "precision", "recall", "f1", "auc", "cross_entropy")
REGRESSION_METRICS = ("mse", "mae", "r2")


def classification_metrics(y: np.ndarray, logits: np.ndarray, n_classes: int) -> dict[str, float]:
    """accuracy, macro precision / recall / F1, one-vs-rest ROC AUC (NaN where undefined), cross-entropy."""
    from sklearn.metrics import accuracy_score, log_loss, precision_recall_fscore_support, roc_auc_score

    shifted = logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(shifted)
    probs /= probs.sum(axis=1, keepdims=True)
    pred = probs.argmax(axis=1)
    labels = list(range(n_classes))
    precision, recall, f1, _ = precision_recall_fscore_support(y, pred, labels=labels, average="macro", zero_division=0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            auc = (roc_auc_score(y, probs[:, 1]) if n_classes == 2
                   else roc_auc_score(y, probs, multi_class="ovr", labels=labels))
    except ValueError:  # a class absent from y
        auc = float("nan")
    return {"accuracy": float(accuracy_score(y, pred)), "precision": float(precision), "recall": float(recall),
            "f1": float(f1), "auc": float(auc), "cross_entropy": float(log_loss(y, probs, labels=labels))}


def regression_metrics(y: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    """mse, mae, r2."""
    from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

    return {"mse": float(mean_squared_error(y, pred)), "mae": float(mean_absolute_error(y, pred)),
            "r2": float(r2_score(y, pred))}
