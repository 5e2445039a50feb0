"""PyTorch training-step times of the benchmark models (see models.py), one JSON line per
(model, precision): what `symlab bench steps --peers` compares SymmetryLab against.

One step = zero_grad, forward, mse_loss, backward, Adam(lr=1e-3).step() — with fused=True,
torch's fastest CPU Adam (the default foreach Adam is 5–70 % slower on these sizes). Timed step
by step with perf_counter_ns after the warm-up steps. Threads: torch.set_num_threads(--threads);
the caller also sets OMP_NUM_THREADS/MKL_NUM_THREADS to the same count.
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from models import MODELS, make_data, parse_args, summary  # noqa: E402


def emit(record):
    print(json.dumps(record), flush=True)


def build(spec, nn):
    """The network of `spec` as an nn.Module taking the batch's tensors."""
    import torch

    def head(d, hidden):
        layers = []
        for w in hidden:
            layers += [nn.Linear(d, w), nn.ReLU()]
            d = w
        return nn.Sequential(*layers, nn.Linear(d, 1))

    if spec["kind"] == "mlp":
        class MLP(nn.Module):
            def __init__(self):
                super().__init__()
                self.net = head(spec["inputs"], spec["widths"])

            def forward(self, x):
                return self.net(x).reshape(-1)
        return MLP()

    if spec["kind"] == "gnn":
        class GNN(nn.Module):
            def __init__(self):
                super().__init__()
                d = 1
                self.root, self.nbr = nn.ModuleList(), nn.ModuleList()
                for w in spec["widths"]:
                    self.root.append(nn.Linear(d, w))
                    self.nbr.append(nn.Linear(d, w, bias=False))
                    d = w
                self.head = head(d, spec["hidden"])

            def forward(self, a, h):
                for root, nbr in zip(self.root, self.nbr):
                    h = torch.relu(root(h) + nbr(torch.bmm(a, h)))
                h = h.sum(1) if spec["pooling"] == "sum" else h.mean(1)
                return self.head(h).reshape(-1)
        return GNN()

    if spec["kind"] == "cnn":
        class CNN(nn.Module):
            def __init__(self):
                super().__init__()
                d, k = 1, spec["kernel"]
                self.convs = nn.ModuleList()
                for c in spec["channels"]:
                    self.convs.append(nn.Conv1d(d, c, k))
                    d = c
                self.head = head(d, spec["hidden"])

            def forward(self, x):
                k = spec["kernel"]
                for conv in self.convs:
                    x = torch.relu(conv(torch.cat([x, x[..., : k - 1]], dim=-1) if k > 1 else x))
                x = x.sum(2) if spec["pooling"] == "sum" else x.mean(2)
                return self.head(x).reshape(-1)
        return CNN()
    raise ValueError(spec["kind"])


def run(name, precision, args):
    import torch
    import torch.nn.functional as F
    from torch import nn

    spec = MODELS[name]
    dtype = torch.float32 if precision == "f32" else torch.float64
    torch.manual_seed(0)
    model = build(spec, nn).to(dtype)
    data = {k: torch.tensor(v, dtype=dtype) for k, v in make_data(spec).items()}
    y = data.pop("y")
    inputs = [data[k] for k in ("a", "h") if k in data] or [data["x"]]
    try:
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, fused=True)
        adam = "fused"
    except (RuntimeError, TypeError, ValueError):
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        adam = "default"

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.mse_loss(model(*inputs), y)
        loss.backward()
        opt.step()

    t0 = time.perf_counter_ns()
    step()
    first = time.perf_counter_ns() - t0
    for _ in range(args.warmup):
        step()
    samples = []
    for _ in range(args.steps):
        t0 = time.perf_counter_ns()
        step()
        samples.append(time.perf_counter_ns() - t0)
    return dict(params=sum(p.numel() for p in model.parameters()), batch=spec["batch"], adam=adam,
                first_step_ms=first / 1e6, **summary(samples))


def main():
    args = parse_args(__doc__.splitlines()[0])
    base = dict(library="torch", threads=args.threads, steps=args.steps, warmup=args.warmup)
    try:
        import torch
    except ImportError as e:
        for name in args.models:
            for precision in args.precision:
                emit(dict(base, model=name, precision=precision, error=f"torch is not installed ({e})"))
        return
    torch.set_num_threads(args.threads)
    base["version"] = torch.__version__
    for name in args.models:
        for precision in args.precision:
            try:
                emit(dict(base, model=name, precision=precision, **run(name, precision, args)))
            except Exception as e:  # one failing model must not hide the others' numbers
                emit(dict(base, model=name, precision=precision, error=f"{type(e).__name__}: {e}"))


if __name__ == "__main__":
    main()
