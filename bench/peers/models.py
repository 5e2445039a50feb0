"""The benchmark models of `symlab bench steps`, shared by bench_torch.py and bench_jax.py.

Each entry is the same network SymmetryLab times under the same name (see
Sources/SymLabBench/Steps/StepModel.swift; `symlab bench steps` checks the parameter counts
the peers report against its own):

  mlp2      MLP 64→512→1, ReLU, batch 256                                     33,793 params
  mlp3      MLP 32→256→256→1, ReLU, batch 512                                 74,497 params
  gnn       256 graphs G(10, 1/2); 2 graph convolutions of width 64,
            h' = relu(h·W_root + b + (A·h)·W_nbr); sum over nodes; Linear(64, 1)  8,513 params
  cnn       256 inputs ±1 of length 16; one circular conv 1→32 channels, kernel 16;
            ReLU; mean over positions; Linear(32, 64)-ReLU-Linear(64, 1)       2,721 params
  gnn-hard  the hardness figures' GNN (depth 2, width 32, hidden 32, mean pooling)
            on 500 graphs G(16, 1/2) (full batch)                              3,265 params
  cnn-hard  the hardness figures' CNN (3 circular convs of 16 channels, kernel 3, sum
            pooling, head 16→32→1) on 500 ±1 inputs of length 16 (full batch) 2,209 params

Node features are all ones (one feature), as in SymmetryLab's graph classes. Circular
convolution: y[b, o, t] = Σ_i Σ_k W[o, i, k] x[b, i, (t + k) mod L] + bias[o], i.e. a valid
cross-correlation of x padded on the right with its first K−1 positions.
One training step: forward, mean squared error against fixed targets, backward, Adam (lr 1e-3).
"""

import numpy as np

MODELS = {
    "mlp2": dict(kind="mlp", inputs=64, widths=[512], batch=256),
    "mlp3": dict(kind="mlp", inputs=32, widths=[256, 256], batch=512),
    "gnn": dict(kind="gnn", nodes=10, widths=[64, 64], hidden=[], pooling="sum", batch=256),
    "cnn": dict(kind="cnn", length=16, channels=[32], kernel=16, hidden=[64], pooling="mean", batch=256),
    "gnn-hard": dict(kind="gnn", nodes=16, widths=[32, 32], hidden=[32], pooling="mean", batch=500),
    "cnn-hard": dict(kind="cnn", length=16, channels=[16, 16, 16], kernel=3, hidden=[32], pooling="sum", batch=500),
}


def make_data(spec, seed=0):
    """Fixed inputs and targets (float64 numpy arrays) of one model's batch."""
    rng = np.random.default_rng(seed)
    b = spec["batch"]
    y = rng.standard_normal(b)
    if spec["kind"] == "mlp":
        return dict(x=rng.standard_normal((b, spec["inputs"])), y=y)
    if spec["kind"] == "gnn":
        n = spec["nodes"]
        upper = np.triu(rng.random((b, n, n)) < 0.5, k=1)
        a = (upper | upper.transpose(0, 2, 1)).astype(np.float64)
        return dict(a=a, h=np.ones((b, n, 1)), y=y)
    if spec["kind"] == "cnn":
        x = np.where(rng.random((b, 1, spec["length"])) < 0.5, -1.0, 1.0)
        return dict(x=x, y=y)
    raise ValueError(f"unknown model kind {spec['kind']}")


def quantile(sorted_samples, f):
    """The same order statistic as SymmetryLab's TimingSummary: s[round((n − 1)·f)]."""
    i = min(len(sorted_samples) - 1, int(round((len(sorted_samples) - 1) * f)))
    return sorted_samples[i]


def summary(samples_ns):
    s = sorted(samples_ns)
    return dict(median_us=quantile(s, 0.5) / 1e3, p10_us=quantile(s, 0.1) / 1e3, p90_us=quantile(s, 0.9) / 1e3)


def parse_args(description):
    import argparse
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--models", default=",".join(MODELS), help="comma-separated: " + ", ".join(MODELS))
    p.add_argument("--precision", default="f32,f64", help="f32, f64 or both")
    p.add_argument("--threads", type=int, default=1, help="CPU threads")
    p.add_argument("--steps", type=int, default=300, help="timed steps")
    p.add_argument("--warmup", type=int, default=50, help="untimed steps first")
    args = p.parse_args()
    args.models = [m for m in args.models.split(",") if m]
    unknown = [m for m in args.models if m not in MODELS]
    if unknown:
        p.error(f"unknown model(s) {', '.join(unknown)}; the models are {', '.join(MODELS)}")
    args.precision = [q for q in args.precision.split(",") if q]
    if any(q not in ("f32", "f64") for q in args.precision):
        p.error(f"--precision must list f32 and/or f64, got {','.join(args.precision)}")
    if args.threads < 1 or args.steps < 1 or args.warmup < 0:
        p.error("--threads and --steps must be ≥ 1, --warmup ≥ 0")
    return args
