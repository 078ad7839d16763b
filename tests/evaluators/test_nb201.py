"""Reference tests against the known facts of NAS-Bench-201."""

from __future__ import annotations

import gzip
import pickle
from pathlib import Path

import numpy as np
import pytest

from nasforge.evaluators import NB201Evaluator
from nasforge.exceptions import ValidationError


@pytest.mark.parametrize(("dataset", "index", "test_acc"), [("cifar10", 6111, 94.3733), ("cifar100", 9930, 73.5133),
                                                             ("ImageNet16-120", 857, 47.3111)])
def test_known_optima(nb201_path: str, dataset: str, index: int, test_acc: float) -> None:
    ev = NB201Evaluator(nb201_path=nb201_path, dataset=dataset)
    column = ev.metric_column("test_acc")
    assert int(np.argmax(column)) == index
    arch = ev.natural_space().parse(ev.table.arch_str[index])
    assert ev.evaluate(arch)["test_acc"] == pytest.approx(test_acc, abs=1e-4)


def test_best_validation_and_means(nb201_path: str) -> None:
    ev = NB201Evaluator(nb201_path=nb201_path, dataset="cifar10")
    val = ev.metric_column("val_acc")
    assert int(np.argmax(val)) == 6111 and val.max() == pytest.approx(91.6067, abs=1e-4)
    means = [NB201Evaluator(nb201_path=nb201_path, dataset=d).metric_column("test_acc").mean()
             for d in ("cifar10", "cifar100", "ImageNet16-120")]
    assert means == pytest.approx([87.06, 61.39, 33.57], abs=0.02)  # "about", per the table README
    in16 = NB201Evaluator(nb201_path=nb201_path, dataset="imagenet16-120")
    best_val = int(np.argmax(in16.metric_column("val_acc")))
    assert in16.metric_column("test_acc")[best_val] == pytest.approx(46.2, abs=0.01)


def test_all_none_cell_and_costs(nb201_path: str) -> None:
    ev = NB201Evaluator(nb201_path=nb201_path, dataset="cifar10", latency_device="raspi4")
    space = ev.natural_space()
    metrics = ev.evaluate(space.parse("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"))
    assert metrics["test_acc"] == pytest.approx(10.0)
    assert set(metrics) == {"val_acc", "test_acc", "params_mb", "flops_m", "latency_ms", "train_time_s"}
    assert ev.cost_metric() == "train_time_s" and ev.report_metric() == "test_acc"
    assert "raspi4" in ev.table.latency_devices()


def test_noisy_observations_differ_from_the_mean(nb201_path: str) -> None:
    clean = NB201Evaluator(nb201_path=nb201_path, dataset="cifar10")
    noisy = NB201Evaluator(nb201_path=nb201_path, dataset="cifar10", noisy=True)
    assert not np.allclose(clean.metric_column("val_acc"), noisy.metric_column("val_acc"))
    np.testing.assert_array_equal(clean.metric_column("test_acc"), noisy.metric_column("test_acc"))


def test_noisy_observations_come_from_the_validation_column_only(nb201_path: str) -> None:
    clean = NB201Evaluator(nb201_path=nb201_path, dataset="cifar10")
    noisy = NB201Evaluator(nb201_path=nb201_path, dataset="cifar10", noisy=True, noise_seed=1)
    noise = noisy.metric_column("val_acc") - clean.metric_column("val_acc")
    assert abs(noise.mean()) < 0.02 and 0.25 < noise.std() < 0.35  # one run's spread around the mean
    columns = noisy.table.columns  # the single-seed *test* result must not leak into what a search selects by
    test_residual = 100.0 * (1.0 - columns["c10_test_err_1seed_st"]) - columns["c10_test_acc"]
    assert abs(np.corrcoef(noise, test_residual)[0, 1]) < 0.05
    again = NB201Evaluator(nb201_path=nb201_path, dataset="cifar10", noisy=True, noise_seed=1)
    np.testing.assert_array_equal(again.metric_column("val_acc"), noisy.metric_column("val_acc"))
    other = NB201Evaluator(nb201_path=nb201_path, dataset="cifar10", noisy=True, noise_seed=2, noise_std=1.0)
    assert 0.9 < (other.metric_column("val_acc") - clean.metric_column("val_acc")).std() < 1.1
    with pytest.raises(ValidationError, match="noisy"):
        NB201Evaluator(nb201_path=nb201_path, dataset="cifar100", noisy=True)


def test_picklable(nb201_path: str) -> None:
    ev = NB201Evaluator(nb201_path=nb201_path, dataset="cifar100")
    again = pickle.loads(pickle.dumps(ev))
    arch = ev.natural_space().parse(ev.table.arch_str[9930])
    assert again.evaluate(arch) == ev.evaluate(arch)


@pytest.mark.parametrize(("params", "message"), [({"dataset": "mnist"}, "dataset"),
                                                 ({"latency_device": "toaster"}, "latency_device"),
                                                 ({"noisy": "yes"}, "noisy"),
                                                 ({"noise_std": -1.0, "noisy": True}, "noise_std"),
                                                 ({"noise_std": 1.0}, "'noise_std' parameter .* only with noisy"),
                                                 ({"noise_seed": -1}, "noise_seed")])
def test_bad_parameters(nb201_path: str, params: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        NB201Evaluator(nb201_path=nb201_path, **params)  # type: ignore[arg-type]


def test_missing_and_corrupt_tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NASFORGE_NB201", raising=False)
    with pytest.raises(ValidationError, match="NASFORGE_NB201"):
        NB201Evaluator()
    with pytest.raises(ValidationError, match="not found"):
        NB201Evaluator(nb201_path=str(tmp_path / "nowhere"))
    bad = tmp_path / "nb201_tss.csv.gz"
    bad.write_bytes(b"not gzip at all")
    with pytest.raises(ValidationError, match="cannot be read"):
        NB201Evaluator(nb201_path=str(tmp_path))
    with gzip.open(bad, "wt") as handle:
        handle.write("index,arch_str\n0,x\n")
    with pytest.raises(ValidationError, match="must have the columns"):
        NB201Evaluator(nb201_path=str(bad))
