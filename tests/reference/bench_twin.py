"""Benchmarks of the PyTorch twins, measuring what glimpse's benches measure.

  tests/reference/run_py.sh tests/reference/bench_twin.py BENCH [--threads N] [options]

Prints one JSON object per line, e.g.
  {"bench": "attn_one_digit", "threads": 1, "key": "softmax", "median_ms": 0.61, "p10_ms": ..., "p90_ms": ..., "runs": 2000}
Every figure is a median over repeats, with the 10th and 90th percentiles as
the spread (the machine is shared). Threads: torch.set_num_threads(N); the
script sets OMP_WAIT_POLICY=PASSIVE before importing torch (as glimpse's
side-by-side benches ask). Timed regions exclude data loading and preparation.

BENCH (defaults in brackets):
  attn_one_digit   one test digit through all 10 steps, batch 1, torch.jit.trace'd
                   forward, no grad [--threads 1 --key softmax --runs 2000]
  attn_test_set    all 10,000 test digits in batches of 500 (as glimpse eval) [--threads 2 --repeats 3]
  attn_train       one training step on a batch of 50: forward, backward (loss of
                   the trainer: aux 0.2, conv trained), global-norm clip 5, Adam
                   [--threads 1 --batch 50 --steps 30]  -> samples_per_s
  synth_step       handwriting synthesis, batch 1: one step = network step, window,
                   biased mixture (bias 1), sampling of the next point, end-of-text
                   test; jit-traced network step [--threads 1 --steps 2000]
  hw_train         handwriting training step, batch 32 lines of --points points
                   (every point real, no padding): forward, MDN loss, backward with
                   the trainer's derivative clipping (outputs ±100, LSTM ±10),
                   global-norm clip 5, Adam [--task synth|predict --threads 1
                   --batch 32 --points 300 --steps 10]  -> points_per_s
  draw_test_bound  the bound of the 10,000 binarized test digits, batches of 100,
                   one ε sample per digit [--threads 2 --repeats 3]
  draw_generate    one generation from the prior (all T steps, batch 1), jit-traced
                   [--threads 1 --runs 1000]
  draw_train       one training step, batch 100: forward, backward, clip 10, Adam
                   [--threads 1 --batch 100 --steps 20]  -> samples_per_s
  clut_one_image   cluttered MNIST: one fixed test image through all T glimpses (windows,
                   patches, probabilities after each glimpse), batch 1, torch.jit.script'ed
                   model, no grad [--threads 1 --runs 2000]
  clut_test_set    the 10,000 fixed test images in batches of 100 (as glimpse eval cluttered:
                   error, last boxes holding the digit's centre, median box) [--threads 2
                   --repeats 3]; the images are made once before timing (make_s: the NumPy
                   generator's time, reported, not timed in median_s)
Weights: the shipped ones in assets/ (--weights FILE to change); MNIST from
data/mnist (--mnist DIR).
"""
import argparse
import json
import os
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import twins  # noqa: E402
import cluttered_twin  # noqa: E402


def mnist_test(d):
    with open(os.path.join(d, "t10k-images-idx3-ubyte"), "rb") as f:
        raw = f.read()
    n = int.from_bytes(raw[4:8], "big")
    x = np.frombuffer(raw, np.uint8, offset=16).reshape(n, 784).astype(np.float32) / 255.0
    with open(os.path.join(d, "t10k-labels-idx1-ubyte"), "rb") as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8)
    return torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))


def stats(ts):
    a = np.asarray(ts, dtype=np.float64)
    return float(np.median(a)), float(np.percentile(a, 10)), float(np.percentile(a, 90))


def emit(**kv):
    print(json.dumps(kv), flush=True)


def asset(name, a):
    return a.weights or os.path.join(ROOT, "assets", name)


def clock(fn, n, warm=3):
    for _ in range(warm):
        fn()
    ts = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return ts


def cycle_ms(f, inputs, runs):
    """f on each input in turn, after 20 calls of warm-up: the (median, p10, p90) of its milliseconds."""
    i = [0]

    def one():
        f(inputs[i[0] % len(inputs)])
        i[0] += 1
    return stats([t * 1e3 for t in clock(one, runs, warm=20)])


def adam_update(params, opt, clip):
    torch.nn.utils.clip_grad_norm_(params, clip)
    opt.step()
    opt.zero_grad(set_to_none=False)


# ---------------------------------------------------------------- attention
def attn_one_digit(a):
    m = twins.Attention(asset(f"attention-{a.key}.safetensors", a))
    x, _ = mnist_test(a.mnist)
    with torch.no_grad():
        f = torch.jit.trace(lambda img: m.forward(img), (x[:1],), check_trace=False)
        med, lo, hi = cycle_ms(f, [x[i:i + 1] for i in range(1000)], a.runs)
    emit(bench="attn_one_digit", threads=a.threads, key=a.key, jit=True, median_ms=med, p10_ms=lo, p90_ms=hi, runs=a.runs)


def attn_test_set(a):
    m = twins.Attention(asset(f"attention-{a.key}.safetensors", a))
    x, y = mnist_test(a.mnist)
    acc = [0.0]

    def whole():
        right = 0
        with torch.no_grad():
            for i in range(0, x.shape[0], 500):
                _, logp = m.forward(x[i:i + 500])
                right += int((logp[-1].argmax(1) == y[i:i + 500]).sum())
        acc[0] = right / x.shape[0]
    s = clock(whole, a.repeats, warm=1)
    med, lo, hi = stats(s)
    emit(bench="attn_test_set", threads=a.threads, key=a.key, digits=int(x.shape[0]), batch=500, median_s=med, min_s=min(s), max_s=max(s),
         repeats=a.repeats, accuracy=acc[0])


def attn_train(a):
    m = twins.Attention(asset(f"attention-{a.key}.safetensors", a), requires_grad=True)
    x, y = mnist_test(a.mnist)
    params = list(m.params().values())
    opt = torch.optim.Adam(params, lr=0.002, betas=(0.9, 0.999), eps=1e-8)
    B = a.batch
    k = [0]

    def step():
        i = (k[0] * B) % (x.shape[0] - B)
        k[0] += 1
        loss, _, _ = m.loss(x[i:i + B], y[i:i + B], 0.2)
        loss.backward()
        adam_update(params, opt, 5.0)
    s = clock(step, a.steps)
    med, lo, hi = stats(s)
    emit(bench="attn_train", threads=a.threads, key=a.key, batch=B, median_ms_per_step=med * 1e3, samples_per_s=B / med,
         samples_per_s_p10=B / hi, samples_per_s_p90=B / lo, steps=a.steps)


# ---------------------------------------------------------------- handwriting
def synth_step(a):
    m = twins.Handwriting(asset("handwriting-synth.safetensors", a))
    text = "the quick brown fox jumps over a lazy dog"
    chars = torch.tensor([[m.alphabet.index(ch) for ch in text]])
    onehot, upos, umask = m.text_tensors(chars, torch.tensor([len(text)]))
    bias = 1.0
    M = m.M
    L = m.L

    def net(x, kappa, w, *hc):
        state = ([(hc[2 * l], hc[2 * l + 1]) for l in range(L)], kappa, w)
        y, phi, (new, kappa2, w2) = m.step(x, state, onehot, upos, umask)
        e = torch.sigmoid(-y[:, 0])
        pi = F.softmax(y[:, 1:1 + M] * (1 + bias), 1)
        mu = y[:, 1 + M:1 + 3 * M]
        sig = torch.exp(y[:, 1 + 3 * M:1 + 5 * M] - bias)
        rho = torch.tanh(y[:, 1 + 5 * M:])
        flat = [t for hcl in new for t in hcl]
        return (e, pi, mu, sig, rho, phi, kappa2, w2, *flat)

    with torch.no_grad():
        hc0, k0, w0 = m.init_state(1)
        flat0 = [t for hcl in hc0 for t in hcl]
        x0 = torch.tensor([[0.0, 0.0, 1.0]])
        f = torch.jit.trace(net, (x0, k0, w0, *flat0), check_trace=False)
        gen = torch.Generator().manual_seed(1)
        st = [x0, k0, w0, flat0]
        U = len(text)

        def one():
            x, kappa, w, flat = st
            e, pi, mu, sig, rho, phi, kappa, w, *flat = f(x, kappa, w, *flat)
            if bool((phi[0, U] > phi[0, :U]).all()):          # end of text: start again
                st[:] = [x0, k0, w0, flat0]
                return
            j = int(torch.multinomial(pi[0], 1, generator=gen))
            z = torch.randn(2, generator=gen)
            r = rho[0, j]
            nx = mu[0, j] + sig[0, j] * z[0]
            ny = mu[0, M + j] + sig[0, M + j] * (r * z[0] + torch.sqrt(torch.clamp(1 - r * r, min=0.0)) * z[1])
            eos = (torch.rand(1, generator=gen) < e).float()
            st[:] = [torch.stack([nx, ny, eos[0]]).view(1, 3), kappa, w, flat]
        ms = [t * 1e3 for t in clock(one, a.steps, warm=20)]
    med, lo, hi = stats(ms)
    emit(bench="synth_step", threads=a.threads, batch=1, jit=True, median_ms=med, p10_ms=lo, p90_ms=hi, steps=a.steps)


def hw_batch(m, B, T, gen):
    """B lines of T points: normalised offsets with a pen lift every ~25 points; texts of T/25 characters."""
    pts = torch.randn(T, B, 3, generator=gen)
    pts[..., 2] = (torch.rand(T, B, generator=gen) < 0.04).float()
    x = torch.cat([torch.tensor([0.0, 0.0, 1.0]).expand(1, B, 3), pts[:-1]])
    mask = torch.ones(T, B)
    if m.K == 0:
        return x, pts, mask, None, None
    U = max(T // 25, 1)
    chars = torch.randint(0, m.C, (B, U), generator=gen)
    return x, pts, mask, chars, torch.full((B,), U)


def hw_train(a):
    name = "handwriting-synth.safetensors" if a.task == "synth" else "handwriting-predict.safetensors"
    m = twins.Handwriting(asset(name, a), requires_grad=True)
    params = list(m.params().values())
    opt = torch.optim.Adam(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8)
    batch = hw_batch(m, a.batch, a.points, torch.Generator().manual_seed(3))

    def step():
        _, per_point, _, _, _ = m.loss(*batch)
        per_point.backward()
        adam_update(params, opt, 5.0)
    s = clock(step, a.steps, warm=2)
    med, lo, hi = stats(s)
    n = a.batch * a.points
    emit(bench="hw_train", task=a.task, threads=a.threads, batch=a.batch, points_per_line=a.points, layers=m.L, cells=m.H,
         median_ms_per_step=med * 1e3, points_per_s=n / med, points_per_s_p10=n / hi, points_per_s_p90=n / lo, steps=a.steps)


# ---------------------------------------------------------------- DRAW
def draw_binarized(a):
    x, _ = mnist_test(a.mnist)
    g = torch.Generator().manual_seed(20150217)
    return (torch.rand(x.shape, generator=g) < x).float()


def draw_test_bound(a):
    m = twins.Draw(asset("draw-attention.safetensors", a))
    x = draw_binarized(a)
    g = torch.Generator().manual_seed(12345)
    eps = [torch.randn(m.T, min(100, x.shape[0] - i), m.Z, generator=g) for i in range(0, x.shape[0], 100)]
    out = [0.0]

    def whole():
        s = 0.0
        with torch.no_grad():
            for k, i in enumerate(range(0, x.shape[0], 100)):
                b, _, _, _ = m.forward(x[i:i + 100], eps[k])
                s += float(b) * eps[k].shape[1]
        out[0] = s / x.shape[0]
    s = clock(whole, a.repeats, warm=1)
    med, lo, hi = stats(s)
    emit(bench="draw_test_bound", threads=a.threads, digits=int(x.shape[0]), batch=100, median_s=med, min_s=min(s), max_s=max(s),
         repeats=a.repeats, bound_nats=out[0])


def draw_generate(a):
    m = twins.Draw(asset("draw-attention.safetensors", a))
    with torch.no_grad():
        f = torch.jit.trace(lambda z: m.run(z=z)[0][-1], (torch.randn(m.T, m.Z),), check_trace=False)
        g = torch.Generator().manual_seed(1)
        med, lo, hi = cycle_ms(f, [torch.randn(m.T, m.Z, generator=g) for _ in range(64)], a.runs)
    emit(bench="draw_generate", threads=a.threads, jit=True, steps=m.T, median_ms=med, p10_ms=lo, p90_ms=hi, runs=a.runs)


def draw_train(a):
    m = twins.Draw(asset("draw-attention.safetensors", a), requires_grad=True)
    x = draw_binarized(a)
    params = list(m.params().values())
    opt = torch.optim.Adam(params, lr=1e-4, betas=(0.9, 0.999), eps=1e-8)
    g = torch.Generator().manual_seed(2)
    B = a.batch
    k = [0]

    def step():
        i = (k[0] * B) % (x.shape[0] - B)
        k[0] += 1
        bound, _, _, _ = m.forward(x[i:i + B], torch.randn(m.T, B, m.Z, generator=g))
        bound.backward()
        adam_update(params, opt, 10.0)
    s = clock(step, a.steps, warm=2)
    med, lo, hi = stats(s)
    emit(bench="draw_train", threads=a.threads, batch=B, median_ms_per_step=med * 1e3, samples_per_s=B / med,
         samples_per_s_p10=B / hi, samples_per_s_p90=B / lo, steps=a.steps)


# ---------------------------------------------------------------- cluttered MNIST
def clut_model(a):
    return cluttered_twin.load(asset("cluttered-attention.safetensors", a))


def clut_one_image(a):
    m = clut_model(a)
    src, _ = cluttered_twin.mnist(a.mnist)
    imgs, _ = cluttered_twin.test_set(src, 64)
    xs = [torch.from_numpy(imgs[i:i + 1]) for i in range(64)]
    with torch.no_grad():
        med, lo, hi = cycle_ms(torch.jit.script(m), xs, a.runs)
    emit(bench="clut_one_image", threads=a.threads, attention=m.attention, glimpses=m.T, batch=1, jit=True,
         median_ms=med, p10_ms=lo, p90_ms=hi, runs=a.runs)


def clut_test_set(a):
    m = clut_model(a)
    src, y = cluttered_twin.mnist(a.mnist)
    t0 = time.perf_counter()
    imgs, where = cluttered_twin.test_set(src)
    make_s = time.perf_counter() - t0
    out = {}

    def whole():
        out.update(cluttered_twin.evaluate(m, imgs, where, y, batch=100))
    s = clock(whole, a.repeats, warm=1)
    med, lo, hi = stats(s)
    emit(bench="clut_test_set", threads=a.threads, attention=m.attention, images=int(imgs.shape[0]), batch=100,
         median_s=med, min_s=min(s), max_s=max(s), repeats=a.repeats, make_s=make_s, test_error=out["err"],
         found=out["found"], box_median=out["box_median"])


BENCHES = {
    "attn_one_digit": (attn_one_digit, 1), "attn_test_set": (attn_test_set, 2), "attn_train": (attn_train, 1),
    "synth_step": (synth_step, 1), "hw_train": (hw_train, 1),
    "draw_test_bound": (draw_test_bound, 2), "draw_generate": (draw_generate, 1), "draw_train": (draw_train, 1),
    "clut_one_image": (clut_one_image, 1), "clut_test_set": (clut_test_set, 2),
}


def main():
    ap = argparse.ArgumentParser(description="PyTorch twin benchmarks (see the header of this file)")
    ap.add_argument("bench", choices=sorted(BENCHES))
    ap.add_argument("--threads", type=int, choices=[1, 2])
    ap.add_argument("--key", default="softmax", choices=["softmax", "gaussian", "feature"])
    ap.add_argument("--task", default="synth", choices=["synth", "predict"])
    ap.add_argument("--runs", type=int)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--steps", type=int)
    ap.add_argument("--batch", type=int)
    ap.add_argument("--points", type=int, default=300)
    ap.add_argument("--weights")
    ap.add_argument("--mnist", default=os.path.join(ROOT, "data", "mnist"))
    a = ap.parse_args()
    fn, dflt_threads = BENCHES[a.bench]
    a.threads = a.threads or dflt_threads
    defaults = {"attn_one_digit": dict(runs=2000), "draw_generate": dict(runs=1000), "clut_one_image": dict(runs=2000),
                "attn_train": dict(steps=30, batch=50), "draw_train": dict(steps=20, batch=100),
                "hw_train": dict(steps=10, batch=32), "synth_step": dict(steps=2000)}.get(a.bench, {})
    for k, v in defaults.items():
        if getattr(a, k) is None:
            setattr(a, k, v)
    torch.set_num_threads(a.threads)
    fn(a)


if __name__ == "__main__":
    main()
