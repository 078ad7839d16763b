"""What a trained network needs to be used on raw inputs: the input preprocessing, the feature order and the
class names, and the ``predict`` functions the generated ``model.py`` offers with them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nasforge.exceptions import ValidationError

if TYPE_CHECKING:
    from nasforge.evaluators import Evaluator

TASKS = ("classification", "regression")

# The functions of the generated model.py that use the network on raw inputs. Template code: every value in it
# comes from the constants (TASK, PREPROCESSING, CLASS_NAMES, FEATURE_NAMES, INPUT_SHAPE) written as literals.
PREDICT_SOURCE = '''
_LOADED = {}


def load(weights=None) -> nn.Module:
    """The trained network: ``build()`` with the weights saved next to this file (or those in ``weights``)."""
    path = Path(__file__).with_name("weights.pt") if weights is None else weights
    net = build()
    net.load_state_dict(torch.load(path, weights_only=True, map_location="cpu"))
    return net.eval()


def preprocess(raw_inputs) -> torch.Tensor:
    """Raw inputs (as in the data the network was searched on) as the network's input, (N, *INPUT_SHAPE).

    The same transformation as in training: PREPROCESSING, fitted on the rows the network was trained on.
    """
    if PREPROCESSING is None:
        x = np.asarray(raw_inputs, dtype=np.float32)
    else:
        x = np.asarray(apply_preprocessing(PREPROCESSING, raw_inputs), dtype=np.float32)
    return torch.from_numpy(np.ascontiguousarray(x.reshape(-1, *INPUT_SHAPE)))


def outputs(raw_inputs, net=None, batch_size=2048) -> torch.Tensor:
    """The network's outputs (logits or values) for raw inputs, (N, outputs); ``net`` defaults to ``load()``."""
    if net is None:
        if "net" not in _LOADED:
            _LOADED["net"] = load()
        net = _LOADED["net"]
    net.eval()
    x = preprocess(raw_inputs)
    with torch.no_grad():  # in batches, as in the search, so the numbers are the same
        return torch.cat([net(x[i:i + batch_size]) for i in range(0, len(x), batch_size)])


def predict_proba(raw_inputs, net=None) -> np.ndarray:
    """Class probabilities for raw inputs, (N, classes), columns in CLASS_NAMES order (classification)."""
    if TASK != "classification":
        raise ValueError("predict_proba is for classifiers; this network predicts values (use predict).")
    return torch.softmax(outputs(raw_inputs, net), dim=1).numpy()


def predict(raw_inputs, net=None) -> np.ndarray:
    """Predictions for raw inputs: class names (class numbers when CLASS_NAMES is None) or regression values."""
    out = outputs(raw_inputs, net)
    if TASK == "regression":
        return out[:, 0].numpy()
    index = out.argmax(1).numpy()
    return index if CLASS_NAMES is None else np.asarray(CLASS_NAMES)[index]
'''
PREDICT_IMPORTS = ("import numpy as np", "from pathlib import Path")


@dataclass(frozen=True)
class ModelIO:
    """What a network's raw inputs and outputs are: written to ``arch.json`` and ``model.py``.

    Attributes:
        task: "classification" or "regression".
        preprocessing: the fitted input transformation (see ``nasforge.data.apply_preprocessing``), or None when
            the raw inputs are the network's inputs.
        class_names: the name of each output class, in output order (None: class numbers).
        feature_names: the columns of a raw tabular row, in order (None for images).
    """

    task: str
    preprocessing: dict[str, Any] | None = None
    class_names: list[str] | None = None
    feature_names: list[str] | None = None

    def __post_init__(self) -> None:
        if self.task not in TASKS:
            raise ValidationError(f"The 'task' parameter of ModelIO must be one of {list(TASKS)}. "
                                  f"Got {self.task!r} instead.")

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible form (the keys ``arch.json`` holds)."""
        return {"task": self.task, "preprocessing": self.preprocessing, "class_names": self.class_names,
                "feature_names": self.feature_names}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelIO:
        """The inverse of :meth:`to_dict`."""
        return cls(task=str(data["task"]), preprocessing=data.get("preprocessing"),
                   class_names=data.get("class_names"), feature_names=data.get("feature_names"))

    def constants(self) -> dict[str, Any]:
        """The module-level names ``model.py``'s predict functions read."""
        return {"TASK": self.task, "PREPROCESSING": self.preprocessing, "CLASS_NAMES": self.class_names,
                "FEATURE_NAMES": self.feature_names}

    def functions(self) -> list[Callable[..., Any]]:
        """The nasforge functions copied into ``model.py`` (the preprocessing, when there is one)."""
        if self.preprocessing is None:
            return []
        from nasforge.data import apply_preprocessing

        return [apply_preprocessing]


def model_io(evaluator: Evaluator | None, fit_on: str = "train+val") -> ModelIO | None:
    """The inputs and outputs of the networks ``evaluator`` trains (None for evaluators that train none):
    the preprocessing fitted on ``fit_on`` ("train+val": the rows a final model is trained on)."""
    from nasforge.evaluators import TrainingEvaluator

    if not isinstance(evaluator, TrainingEvaluator):
        return None
    dataset = evaluator.dataset
    return ModelIO(task=dataset.task, preprocessing=evaluator.preprocessing(fit_on=fit_on),
                   class_names=dataset.class_names, feature_names=dataset.feature_names)
