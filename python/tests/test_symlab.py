"""python/symlab against real exports of the symlab binary (built by `make test` before this runs)."""

import os
import pathlib
import subprocess

import numpy as np
import pytest

import symlab

ROOT = pathlib.Path(__file__).resolve().parents[2]
SYMLAB = os.environ.get("SYMLAB", str(ROOT / ".build" / "release" / "symlab"))


def run(*args, cwd):
    done = subprocess.run([SYMLAB, *args], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_er_parity_export_loads_as_numpy_arrays_in_pytorch_geometric_layout(tmp_path):
    run("data", "export", "er-parity", "--option", "n=8", "--samples", "6", "--seed", "3", "--split", "all", "--out", "er.npz", cwd=tmp_path)
    d = symlab.load_npz(tmp_path / "er.test.npz")
    assert d["parameters"]["class"] == "er-parity" and d["parameters"]["n"] == "8"
    assert "target.subset_degrees" in d["parameters"]
    assert d["y"].shape == (6,) and d["ptr"].tolist() == list(range(0, 49, 8))
    assert d["x"].shape == (48, 1) and d["batch"].tolist() == [g for g in range(6) for _ in range(8)]
    e = d["edge_index"]
    assert e.dtype == np.int64 and e.shape[0] == 2
    # Every edge stays inside its graph, and both directions are listed.
    assert (d["batch"][e[0]] == d["batch"][e[1]]).all()
    assert set(map(tuple, e.T)) == set(map(tuple, e[::-1].T))
    # One graph with local indices; its label is the parity of its degree counts (±1).
    x, local, y = symlab.graph(d, 2)
    assert x.shape == (8, 1) and local.min() >= 0 and local.max() < 8 and y in (-1.0, 1.0)
    degrees = np.bincount(local[0], minlength=8)
    counts = np.bincount(degrees, minlength=8)
    S = [int(s) for s in d["parameters"]["target.subset_degrees"].split(",")]
    b = int(d["parameters"]["target.sign_bit"])
    assert y == (-1.0) ** (b + sum(counts[s] for s in S))
    # The splits differ; the same seed gives the same arrays.
    assert not np.array_equal(symlab.load_npz(tmp_path / "er.train.npz")["y_clean"][:1], [np.nan])
    run("data", "export", "er-parity", "--option", "n=8", "--samples", "6", "--seed", "3", "--split", "test", "--out", "again.npz", cwd=tmp_path)
    assert np.array_equal(symlab.load_npz(tmp_path / "again.npz")["edge_index"], e)


def test_dense_export_and_csv_agree(tmp_path):
    run("data", "export", "sparse-parity", "--option", "n=6", "--samples", "5", "--out", "sp.npz", cwd=tmp_path)
    run("data", "export", "sparse-parity", "--option", "n=6", "--samples", "5", "--out", "sp.csv", cwd=tmp_path)
    d = symlab.load_npz(tmp_path / "sp.npz")
    csv = np.genfromtxt(tmp_path / "sp.csv", delimiter=",", skip_header=1)
    assert d["x"].shape == (5, 6)
    assert np.array_equal(csv[:, 1:7], d["x"]) and np.array_equal(csv[:, 7], d["y"])


def test_a_results_database_loads_as_one_row_per_run_with_parameters_and_metrics(tmp_path):
    (tmp_path / "spec.yaml").write_text(
        "name: py\n"
        "data: {class: sparse-parity, options: {n: 8, k: 2}, n_train: 32, n_val: 8, n_test: 32}\n"
        "model: {name: mlp, options: {width: 8}}\n"
        "optimizer: {name: adam, lr: 0.01}\n"
        "training: {steps: 4, eval_every: 2}\n"
        "seeds: [0, 1]\n"
        "sweep: {product: {model.options.width: [4, 8]}}\n")
    run("run", "spec.yaml", "--db", "r.sqlite", cwd=tmp_path)
    runs = symlab.load_runs(tmp_path / "r.sqlite")
    assert len(runs) == 4 and set(runs["status"]) == {"done"}
    assert sorted(runs["model.options.width"].tolist()) == [4, 4, 8, 8]
    assert runs["data.n_train"].tolist() == [32] * 4
    assert runs["metric.test_mse"].notna().all()
    curves = symlab.load_curves(tmp_path / "r.sqlite")
    assert set(curves["split"]) >= {"train", "test"} and set(curves["run_id"]) == set(runs["id"])


SPEC_WITHOUT_DEFAULTS = (
    "name: defaults\n"
    "data: {class: sparse-parity, options: {n: 8, k: 2}, n_train: 32, n_val: 8, n_test: 32}\n"
    "model: {name: mlp, options: {width: 8}}\n"
    "optimizer: {name: adam}\n"
    "training: {steps: 4, eval_every: 2}\n"
    "seeds: [0, 1]\n"
    "sweep: {product: {optimizer.lr: [0.01, 0.02]}}\n")


def parameter_columns(frame):
    return [c for c in frame.columns if "." in c and not c.startswith("metric.")]


def test_a_results_database_has_one_column_per_resolved_parameter_and_no_nan_for_defaults(tmp_path):
    (tmp_path / "spec.yaml").write_text(SPEC_WITHOUT_DEFAULTS)
    run("run", "spec.yaml", "--db", "r.sqlite", cwd=tmp_path)
    runs = symlab.load_runs(tmp_path / "r.sqlite")
    assert len(runs) == 4
    # Defaults the spec never wrote are columns with their values.
    for column, value in [("optimizer.weight_decay", 0), ("optimizer.momentum", 0.9), ("optimizer.schedule", "constant"),
                          ("training.batch_size", 0), ("training.loss", "mse"), ("training.patience", 0),
                          ("model.options.init_scale", 1), ("model.options.depth", 2), ("model.options.activation", "relu"),
                          ("data.options.noise", 0), ("precision", "f64"), ("threads", 1)]:
        assert runs[column].tolist() == [value] * 4, column
    assert sorted(runs["optimizer.lr"].tolist()) == [0.01, 0.01, 0.02, 0.02]
    params = parameter_columns(runs)
    assert len(params) >= 25
    assert not runs[params].isna().any().any(), runs[params].isna().sum()
    # The config as written lacks them: what pandas users got before.
    written = symlab.load_runs(tmp_path / "r.sqlite", config="written")
    assert "optimizer.weight_decay" not in written.columns and "training.batch_size" not in written.columns


def test_runs_exports_load_as_the_database_does_in_every_format(tmp_path):
    (tmp_path / "spec.yaml").write_text(SPEC_WITHOUT_DEFAULTS + "tags: [baseline]\n")
    run("run", "spec.yaml", "--db", "r.sqlite", cwd=tmp_path)
    db = symlab.load_runs(tmp_path / "r.sqlite").sort_values("id").reset_index(drop=True)
    first = db["id"][0]
    run("runs", "note", "--db", "r.sqlite", first, "=SUM(A1) -- a formula-looking note", cwd=tmp_path)
    run("runs", "tag", "--db", "r.sqlite", first, "+plus", cwd=tmp_path)
    db = symlab.load_runs(tmp_path / "r.sqlite").sort_values("id").reset_index(drop=True)
    assert db["tags"][0] == "+plus,baseline" and db["note"][0].startswith("=SUM")
    params = parameter_columns(db)
    db_curves = symlab.load_curves(tmp_path / "r.sqlite")
    for fmt in ["csv", "jsonl", "npz"]:
        run("runs", "export", "--db", "r.sqlite", "--format", fmt, "--out", fmt, cwd=tmp_path)
        for source in [tmp_path / fmt / f"runs.{fmt}", tmp_path / fmt]:
            ex = symlab.load_runs(source).sort_values("id").reset_index(drop=True)
            assert set(parameter_columns(ex)) == set(params), fmt
            assert not ex[params].isna().any().any(), fmt
            for c in params + ["seed", "status", "tags", "note"]:
                assert ex[c].tolist() == db[c].tolist(), (fmt, c)
            assert np.allclose(ex["metric.test_mse"], db["metric.test_mse"]), fmt
        curves = symlab.load_curves(tmp_path / fmt)
        assert len(curves) == len(db_curves) and list(curves.columns) == ["run_id", "step", "split", "metric", "value"]
        assert np.allclose(curves["value"].to_numpy(float), db_curves["value"].to_numpy(float), equal_nan=True)
    # In the CSV file itself the formula-looking cells are neutralised.
    text = (tmp_path / "csv" / "runs.csv").read_text()
    assert "'=SUM(A1)" in text and "'+plus,baseline" in text


def test_saved_weights_load_with_numpy_by_layer_name(tmp_path):
    spec = tmp_path / "w.yaml"
    spec.write_text(
        "name: w\n"
        "data: {class: sparse-parity, options: {n: 8, k: 2}, n_train: 32, n_val: 8, n_test: 16}\n"
        "model: {name: mlp, options: {width: 4}}\n"
        "optimizer: {name: adam, lr: 0.01}\n"
        "training: {steps: 5, eval_every: 5, save_weights: true}\n"
        "seeds: [0]\n"
    )
    run("run", "w.yaml", "--db", "r/results.sqlite", cwd=tmp_path)
    files = list((tmp_path / "r" / "weights").glob("*.npz"))
    assert len(files) == 1
    w = np.load(files[0])
    assert w["layer1.weight"].shape == (8, 4) and w["layer1.bias"].shape == (4,)
    assert w["readout.weight"].shape == (4, 1) and w["readout.bias"].shape == (1,)
    assert w["layer1.weight"].dtype == np.float64 and np.isfinite(w["layer1.weight"]).all()
    import json
    meta = json.loads(str(w["run"]))
    assert meta["experiment"] == "w" and meta["seed"] == 0 and files[0].stem == meta["id"]
    assert meta["config"]["training"]["save_weights"] is True
