"""Load SymmetryLab's exports and results databases into numpy arrays and pandas DataFrames.

Pure Python on numpy and pandas (and the standard library's sqlite3): no build step, nothing
to install but those two. The formats are described in `symlab data export --help` and
docs/architecture.md.

    import symlab
    d = symlab.load_npz("er.train.npz")          # arrays; d["parameters"] is a dict
    runs = symlab.load_runs("results/NAME/results.sqlite")   # one row per run
    curves = symlab.load_curves("results/NAME/results.sqlite")
"""

import json
import sqlite3

import numpy as np

__all__ = ["load_npz", "graph", "load_runs", "load_curves", "flatten"]


def load_npz(path):
    """The arrays of a `symlab data export … --out FILE.npz` file as a dict.

    Dense classes: x [N, ...], y, y_clean. Graph classes, in PyTorch Geometric's batched layout:
    x [nodes, F], edge_index [2, E] (global node indices), batch, ptr, num_nodes, y, y_clean.
    "parameters" is decoded from its JSON text into a dict (class, options, drawn target).
    """
    with np.load(path, allow_pickle=False) as f:
        out = {k: f[k] for k in f.files}
    out["parameters"] = json.loads(str(out["parameters"]))
    return out


def graph(d, g):
    """Graph g of a batched graph export: (x [n_g, F], edge_index [2, E_g] with local indices, y)."""
    lo, hi = int(d["ptr"][g]), int(d["ptr"][g + 1])
    e = d["edge_index"]
    keep = (e[0] >= lo) & (e[0] < hi)
    return d["x"][lo:hi], e[:, keep] - lo, d["y"][g]


def flatten(tree, prefix=""):
    """{"data": {"n_train": 10}} -> {"data.n_train": 10}; lists stay values."""
    out = {}
    for k, v in tree.items():
        key = prefix + k
        if isinstance(v, dict):
            out.update(flatten(v, key + "."))
        else:
            out[key] = v
    return out


def _connect(db):
    # Read-only: a results database may be shared; never write into it.
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True)


def load_runs(db, config="resolved"):
    """One row per run: id, experiment, seed, status, message, the run's environment columns,
    every config key as a column ("data.n_train", "model.options.width", …) and every final
    metric as a column ("metric.test_mse", …).

    config="resolved" reads the fully resolved config (every default explicit) where the
    database has it, else the config as written; config="written" always the latter.
    """
    import pandas as pd

    with _connect(db) as con:
        columns = [r[1] for r in con.execute("PRAGMA table_info(runs)")]
        rows = con.execute("SELECT * FROM runs ORDER BY experiment, point_index, seed").fetchall()
        metrics = con.execute("SELECT run_id, name, value FROM metrics").fetchall()
    records = []
    for row in rows:
        r = dict(zip(columns, row))
        text = r.pop("config")
        resolved = r.pop("resolved_config", None)
        tree = json.loads(resolved if (config == "resolved" and resolved) else text)
        r.update(flatten(tree))
        records.append(r)
    frame = pd.DataFrame.from_records(records)
    if metrics:
        m = pd.DataFrame(metrics, columns=["id", "name", "value"]).pivot(index="id", columns="name", values="value")
        m.columns = ["metric." + c for c in m.columns]
        frame = frame.merge(m, left_on="id", right_index=True, how="left")
    return frame


def load_curves(db):
    """Every logged evaluation: run_id, step, split, metric, value (long format)."""
    import pandas as pd

    with _connect(db) as con:
        return pd.read_sql_query("SELECT run_id, step, split, metric, value FROM curves ORDER BY rowid", con)
