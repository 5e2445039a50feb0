"""JAX training-step times of the benchmark models (see models.py), one JSON line per
(model, precision): what `symlab bench steps --peers` compares SymmetryLab against.

One step = value_and_grad of the mean squared error and a hand-written Adam (lr 1e-3, the
same rule as torch.optim.Adam), all inside one jax.jit with the parameters and moments donated;
each timed step ends with block_until_ready. XLA:CPU has no simple thread-count knob, so
--threads N restricts this process to the first N CPUs (sched_setaffinity, before jax is
imported; XLA sizes its pools from the affinity mask). Float64 via jax_enable_x64.
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from models import MODELS, make_data, parse_args, summary  # noqa: E402


def emit(record):
    print(json.dumps(record), flush=True)


def init(spec, dtype, seed=0):
    """Parameters as a dict of arrays, drawn like torch's default U(±1/√fan_in)."""
    import numpy as np
    rng = np.random.default_rng(seed)

    def uniform(shape, fan_in):
        bound = 1 / np.sqrt(fan_in)
        return rng.uniform(-bound, bound, shape).astype(dtype)

    p = {}

    def dense(name, d, w):
        p[name + ".w"] = uniform((d, w), d)
        p[name + ".b"] = uniform((w,), d)

    def head(d, hidden):
        for i, w in enumerate(hidden):
            dense(f"head{i}", d, w)
            d = w
        dense("readout", d, 1)

    if spec["kind"] == "mlp":
        head(spec["inputs"], spec["widths"])
    elif spec["kind"] == "gnn":
        d = 1
        for i, w in enumerate(spec["widths"]):
            dense(f"root{i}", d, w)
            p[f"nbr{i}.w"] = uniform((d, w), d)
            d = w
        head(d, spec["hidden"])
    elif spec["kind"] == "cnn":
        d, k = 1, spec["kernel"]
        for i, c in enumerate(spec["channels"]):
            p[f"conv{i}.w"] = uniform((c, d, k), d * k)
            p[f"conv{i}.b"] = uniform((c,), d * k)
            d = c
        head(d, spec["hidden"])
    return p


def forward_fn(spec):
    import jax
    import jax.numpy as jnp

    def head(p, h, hidden):
        for i in range(len(hidden)):
            h = jax.nn.relu(h @ p[f"head{i}.w"] + p[f"head{i}.b"])
        return (h @ p["readout.w"] + p["readout.b"]).reshape(-1)

    if spec["kind"] == "mlp":
        return lambda p, b: head(p, b["x"], spec["widths"])

    if spec["kind"] == "gnn":
        def gnn(p, b):
            a, h = b["a"], b["h"]
            for i in range(len(spec["widths"])):
                h = jax.nn.relu(h @ p[f"root{i}.w"] + p[f"root{i}.b"] + jnp.matmul(a, h) @ p[f"nbr{i}.w"])
            h = h.sum(1) if spec["pooling"] == "sum" else h.mean(1)
            return head(p, h, spec["hidden"])
        return gnn

    if spec["kind"] == "cnn":
        k = spec["kernel"]

        def cnn(p, b):
            x = b["x"]
            for i in range(len(spec["channels"])):
                xp = jnp.concatenate([x, x[..., : k - 1]], axis=-1) if k > 1 else x
                y = jax.lax.conv_general_dilated(xp, p[f"conv{i}.w"], (1,), "VALID", dimension_numbers=("NCH", "OIH", "NCH"))
                x = jax.nn.relu(y + p[f"conv{i}.b"][None, :, None])
            x = x.sum(2) if spec["pooling"] == "sum" else x.mean(2)
            return head(p, x, spec["hidden"])
        return cnn
    raise ValueError(spec["kind"])


def run(name, precision, args):
    import jax
    import jax.numpy as jnp
    import numpy as np

    spec = MODELS[name]
    dtype = np.float32 if precision == "f32" else np.float64
    params = {k: jnp.asarray(v) for k, v in init(spec, dtype).items()}
    batch = {k: jnp.asarray(v.astype(dtype)) for k, v in make_data(spec).items()}
    forward = forward_fn(spec)
    b1, b2, eps, lr = 0.9, 0.999, 1e-8, 1e-3

    def loss_fn(p, b):
        r = forward(p, b) - b["y"]
        return jnp.mean(r * r)

    def step(p, m, v, t, b):
        loss, g = jax.value_and_grad(loss_fn)(p, b)
        t = t + 1
        tf = t.astype(dtype)
        # Bias corrections in the parameters' dtype (a float64 scalar would promote f32 parameters).
        lr_t = (lr * jnp.sqrt(1 - jnp.asarray(b2, dtype) ** tf) / (1 - jnp.asarray(b1, dtype) ** tf)).astype(dtype)
        m = jax.tree_util.tree_map(lambda m, g: b1 * m + (1 - b1) * g, m, g)
        v = jax.tree_util.tree_map(lambda v, g: b2 * v + (1 - b2) * g * g, v, g)
        p = jax.tree_util.tree_map(lambda p, m, v: p - lr_t * m / (jnp.sqrt(v) + eps), p, m, v)
        return p, m, v, t, loss

    jstep = jax.jit(step, donate_argnums=(0, 1, 2))
    state = (params, jax.tree_util.tree_map(jnp.zeros_like, params), jax.tree_util.tree_map(jnp.zeros_like, params),
             jnp.zeros((), jnp.int32))
    t0 = time.perf_counter_ns()
    out = jstep(*state, batch)
    jax.block_until_ready(out)
    first = time.perf_counter_ns() - t0
    state = out[:4]
    for _ in range(args.warmup):
        state = jstep(*state, batch)[:4]
    jax.block_until_ready(state)
    samples = []
    for _ in range(args.steps):
        t0 = time.perf_counter_ns()
        out = jstep(*state, batch)
        jax.block_until_ready(out)
        samples.append(time.perf_counter_ns() - t0)
        state = out[:4]
    if state[0]["readout.w"].dtype != dtype:
        raise RuntimeError(f"parameters changed dtype to {state[0]['readout.w'].dtype}")
    return dict(params=sum(int(x.size) for x in state[0].values()),
                batch=spec["batch"], first_step_ms=first / 1e6, **summary(samples))


def main():
    args = parse_args(__doc__.splitlines()[0])
    cpus = sorted(os.sched_getaffinity(0))
    if args.threads < len(cpus):
        os.sched_setaffinity(0, set(cpus[: args.threads]))
    base = dict(library="jax", threads=args.threads, steps=args.steps, warmup=args.warmup)
    if args.threads > len(cpus):
        base["note"] = f"only {len(cpus)} CPUs available"
    try:
        import warnings
        warnings.filterwarnings("ignore", message=".*donated.*")
        import jax
        jax.config.update("jax_enable_x64", True)
        jax.config.update("jax_platforms", "cpu")
    except ImportError as e:
        for name in args.models:
            for precision in args.precision:
                emit(dict(base, model=name, precision=precision, error=f"jax is not installed ({e})"))
        return
    base["version"] = jax.__version__
    for name in args.models:
        for precision in args.precision:
            try:
                emit(dict(base, model=name, precision=precision, **run(name, precision, args)))
            except Exception as e:  # one failing model must not hide the others' numbers
                emit(dict(base, model=name, precision=precision, error=f"{type(e).__name__}: {e}"))


if __name__ == "__main__":
    main()
