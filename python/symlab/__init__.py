"""Load SymmetryLab's exports and results databases into numpy arrays and pandas DataFrames.

Pure Python on numpy and pandas (and the standard library's sqlite3): no build step, nothing
to install but those two. The formats are described in `symlab data export --help` and
docs/architecture.md.

    import symlab
    d = symlab.load_npz("er.train.npz")          # arrays; d["parameters"] is a dict
    runs = symlab.load_runs("results/NAME/results.sqlite")   # one row per run
    runs = symlab.load_runs("export/runs.jsonl")   # or .csv/.npz: `symlab runs export --out export`
    curves = symlab.load_curves("results/NAME/results.sqlite")
"""

import json
import pathlib
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


_EXPORT_SUFFIXES = (".jsonl", ".csv", ".npz")


def _export_file(path, table):
    """The file of `table` ("runs" or "curves") that `path` names: the file itself, or in an
    export directory DIR/TABLE.jsonl, .npz or .csv (the first that exists); None for a database."""
    p = pathlib.Path(path)
    if p.is_dir():
        for suffix in _EXPORT_SUFFIXES:
            if (p / (table + suffix)).exists():
                return p / (table + suffix)
        raise FileNotFoundError(f"{p}: no {table}.jsonl, {table}.npz or {table}.csv (written by `symlab runs export`)")
    return p if p.suffix in _EXPORT_SUFFIXES else None


def _unformula(value):
    # `symlab runs export --format csv` prefixes text that a spreadsheet would run as a formula
    # (=, +, -, @, tab, CR first) with ' (OWASP's advice): undo it.
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value


def _read_table(path):
    """A table of `symlab runs export` as a DataFrame, whatever its format."""
    import pandas as pd

    path = pathlib.Path(path)
    if path.suffix == ".jsonl":
        with open(path, encoding="utf-8") as f:
            frame = pd.DataFrame.from_records([json.loads(line) for line in f if line.strip()])
    elif path.suffix == ".npz":
        with np.load(path, allow_pickle=False) as f:
            # Text columns use "" for a missing value (npz has no null for strings).
            frame = pd.DataFrame({k: (np.where(f[k] == "", None, f[k]).astype(object) if f[k].dtype.kind == "U" else f[k])
                                  for k in f.files})
    else:
        frame = pd.read_csv(path, keep_default_na=False, na_values=[""], dtype={"tags": str, "note": str, "message": str})
        for c in frame.columns:
            if frame[c].dtype == object:
                # Missing text is None, as from the database and the other formats.
                frame[c] = frame[c].map(_unformula).astype(object).where(frame[c].notna(), None)
    if "tags" in frame.columns:
        frame["tags"] = frame["tags"].fillna("")   # untagged: "" in every format, as load_runs(db) gives
    return frame


def load_runs(path, config="resolved"):
    """One row per run: id, experiment, seed, status, message, tags, note, the run's environment
    columns, every config key as a column ("data.n_train", "model.options.width", …) and every
    final metric as a column ("metric.test_mse", …).

    `path` is a results database, a runs table written by `symlab runs export` (runs.jsonl,
    runs.csv, runs.npz) or its directory. config="resolved" reads the fully resolved config
    (every default explicit: a default is a value, not NaN) where the database has it, else the
    config as written; config="written" always the latter (databases only: an export holds the
    resolved parameters and the written config as JSON in its "config" column).
    """
    import pandas as pd

    exported = _export_file(path, "runs")
    if exported is not None:
        return _read_table(exported)
    with _connect(path) as con:
        columns = [r[1] for r in con.execute("PRAGMA table_info(runs)")]
        rows = con.execute("SELECT * FROM runs ORDER BY experiment, point_index, seed").fetchall()
        metrics = con.execute("SELECT run_id, name, value FROM metrics").fetchall()
        has_tags = con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'run_tags'").fetchone()
        tags = {}
        if has_tags:
            for run_id, tag in con.execute("SELECT run_id, tag FROM run_tags ORDER BY run_id, tag"):
                tags.setdefault(run_id, []).append(tag)
    records = []
    for row in rows:
        r = dict(zip(columns, row))
        text = r.pop("config")
        resolved = r.pop("resolved_config", None)
        r["tags"] = ",".join(tags.get(r["id"], []))
        tree = json.loads(resolved if (config == "resolved" and resolved) else text)
        r.update(flatten(tree))
        records.append(r)
    frame = pd.DataFrame.from_records(records)
    if metrics:
        m = pd.DataFrame(metrics, columns=["id", "name", "value"]).pivot(index="id", columns="name", values="value")
        m.columns = ["metric." + c for c in m.columns]
        frame = frame.merge(m, left_on="id", right_index=True, how="left")
    return frame


def load_curves(path):
    """Every logged evaluation: run_id, step, split, metric, value (long format), from a results
    database or from `symlab runs export`'s curves table (curves.jsonl/.csv/.npz or its directory)."""
    import pandas as pd

    exported = _export_file(path, "curves")
    if exported is not None:
        return _read_table(exported)
    with _connect(path) as con:
        return pd.read_sql_query("SELECT run_id, step, split, metric, value FROM curves ORDER BY rowid", con)
