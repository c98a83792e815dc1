"""What the PyTorch trainers share (pytorch/train.py): processes and devices
(DistributedDataParallel), glimpse's random numbers and data, its optimiser
and clipping, and its weight files.

The models themselves are the PyTorch twins in tests/reference (twins.py,
cluttered_twin.py), imported as they are: the trainers only wrap their
parameters in an nn.Module so that DistributedDataParallel can synchronise
the gradients.
"""
import datetime
import json
import math
import os
import struct
import sys
import tempfile
import time

import numpy as np
import torch
import torch.distributed as dist
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "reference"))
import st  # noqa: E402  (safetensors reader of the twins)
import cluttered_twin  # noqa: E402  (gl_rng's twin)

M64 = (1 << 64) - 1


# ---------------------------------------------------------------------------
# Processes

class Procs:
    """This process's place among the torchrun processes (one process without torchrun).
    The global batch is split into contiguous shards, one a process, as gl_par_slice splits a
    batch over threads; every process draws the same global batch from the same seed."""

    def __init__(self, device="auto"):
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        self.local = int(os.environ.get("LOCAL_RANK", "0"))
        cuda = torch.cuda.is_available() if device == "auto" else device == "cuda"
        if cuda and not torch.cuda.is_available():
            raise SystemExit("train.py: --device cuda, but PyTorch sees no CUDA device")
        if cuda:
            torch.cuda.set_device(self.local % torch.cuda.device_count())
            self.device = torch.device("cuda", torch.cuda.current_device())
            # the twins make their zero states and index tensors with the default device
            torch.set_default_tensor_type(torch.cuda.FloatTensor)
        else:
            self.device = torch.device("cpu")
        self.backend = "nccl" if cuda else "gloo"
        if self.world > 1:
            dist.init_process_group(self.backend, timeout=datetime.timedelta(minutes=30))
        if cuda:
            name = torch.cuda.get_device_name(self.device)
        else:
            name = "CPU"
        self.describe = (f"pytorch DDP ({self.backend}), {self.world} process{'es' if self.world > 1 else ''}, "
                         f"{name}, torch {torch.__version__}")

    def shard(self, n):
        """This process's part [lo, hi) of a global batch of n."""
        return n * self.rank // self.world, n * (self.rank + 1) // self.world

    def sum(self, values):
        """Sums a list of floats over the processes (float64)."""
        t = torch.tensor(values, dtype=torch.float64, device=self.device if self.backend == "nccl" else "cpu")
        if self.world > 1:
            dist.all_reduce(t)
        return t.cpu().tolist()

    def barrier(self):
        if self.world > 1:
            dist.barrier()

    def exit(self, status):
        """Ends this process with status. With several processes the process group is not torn down:
        torch 1.13's ProcessGroupGloo destructor joins its worker threads while holding the GIL, and a
        worker that still holds the last reference to a finished collective's tensor waits for the GIL to
        free it: a deadlock (seen in 1 of about 30 test runs, rank 1 hung after rank 0 had written the
        weights). Everything is written and renamed before the last barrier, so the process leaves at
        once (os._exit, after flushing), as torchrun's agent expects a worker to."""
        if self.world == 1:
            return status
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)


class LossModule(nn.Module):
    """The twin's parameters as one nn.Module; forward(*inputs) = fn(*inputs), the loss of
    this process's shard. params: glimpse name -> Parameter (shared with the twin)."""

    def __init__(self, params, fn, submodule=None):
        super().__init__()
        self.fn = fn
        if submodule is not None:
            self.inner = submodule
        else:
            self.inner = nn.ParameterDict({k.replace(".", "__"): v for k, v in params.items()})
        self.glimpse = params

    def forward(self, *inputs):
        return self.fn(*inputs)


def _sum_hook(state, bucket):
    """DDP communication hook: the gradients summed over the processes (not averaged). Each
    process's loss is its shard's part of the global mean, so the sum is the global gradient,
    the same numbers one process computes: element-wise gradient clipping inside the model
    (the handwriting nets' ±100, ±10) then acts on the same values whatever the count."""
    fut = dist.all_reduce(bucket.buffer(), async_op=True).get_future()
    return fut.then(lambda f: f.value()[0])


def distribute(module, procs):
    if procs.world == 1:
        return module
    ids = [procs.device.index] if procs.device.type == "cuda" else None
    ddp = nn.parallel.DistributedDataParallel(module, device_ids=ids, broadcast_buffers=False)
    ddp.register_comm_hook(None, _sum_hook)
    return ddp


# ---------------------------------------------------------------------------
# Optimiser and clipping, as glimpse's (engine/gl_st.c gl_adam_step, gl_params_clip)

class Adam:
    """glimpse's Adam: w -= lr sqrt(1-b2^t)/(1-b1^t) m / (sqrt(v) + eps), b1 0.9, b2 0.999, eps 1e-8."""

    def __init__(self, params, b1=0.9, b2=0.999, eps=1e-8):
        self.params = params                       # glimpse name -> Parameter
        self.m = {k: torch.zeros_like(p) for k, p in params.items()}
        self.v = {k: torch.zeros_like(p) for k, p in params.items()}
        self.step_count, self.b1, self.b2, self.eps = 0, b1, b2, eps

    @torch.no_grad()
    def step(self, lr):
        self.step_count += 1
        c1, c2 = 1.0 - self.b1 ** self.step_count, 1.0 - self.b2 ** self.step_count
        a = lr * math.sqrt(c2) / c1
        for k, p in self.params.items():
            if p.grad is None:
                continue
            g = p.grad
            self.m[k].mul_(self.b1).add_(g, alpha=1 - self.b1)
            self.v[k].mul_(self.b2).addcmul_(g, g, value=1 - self.b2)
            p.sub_(a * self.m[k] / (self.v[k].sqrt() + self.eps))


@torch.no_grad()
def clip_norm(params, max_norm, skip=()):
    """Scales the gradients (those not named in skip) to global norm max_norm when above it;
    returns the norm."""
    gs = [p.grad for k, p in params.items() if p.grad is not None and k not in skip]
    norm = math.sqrt(sum(float((g.double() ** 2).sum()) for g in gs))
    if max_norm > 0 and norm > max_norm:
        s = max_norm / norm
        for g in gs:
            g.mul_(s)
    return norm


def finite_grads(params):
    return all(bool(torch.isfinite(p.grad).all()) for p in params.values() if p.grad is not None)


# ---------------------------------------------------------------------------
# glimpse's random numbers (engine/gl_util.c): splitmix64-seeded xoshiro256**

class Rng(cluttered_twin.Rng):
    """gl_rng (its seeding and u64/below: the cluttered twin's), with blocks of outputs and the shuffle."""

    def u64s(self, n):
        """The next n outputs (uint64 array); pure Python, about 1-2 us each."""
        s0, s1, s2, s3 = self.s
        out = [0] * n
        for i in range(n):
            r = (s1 * 5) & M64
            out[i] = ((((r << 7) | (r >> 57)) & M64) * 9) & M64
            t = (s1 << 17) & M64
            s2 ^= s0
            s3 ^= s1
            s1 ^= s2
            s0 ^= s3
            s2 ^= t
            s3 = ((s3 << 45) | (s3 >> 19)) & M64
        self.s = [s0, s1, s2, s3]
        return np.array(out, dtype=np.uint64)

    def shuffle(self, a):
        """gl_rng_shuffle (Fisher-Yates from the end)."""
        n = len(a)
        if n < 2:
            return a
        u = self.u64s(n - 1) >> np.uint64(32)
        for k, i in enumerate(range(n - 1, 0, -1)):
            j = int(u[k]) % (i + 1)
            a[i], a[j] = a[j], a[i]
        return a


class Normals:
    """gl_rng_normal's stream (Marsaglia's polar method, the second value of each pair kept
    for the next call), drawn in blocks."""

    def __init__(self, seed):
        self.r = Rng(seed)
        self.buf = np.zeros(0, np.float32)

    def take(self, n):
        while self.buf.size < n:
            need = n - self.buf.size
            pairs_n = (need // 2 + 16) * 128 // 100 + 1   # about 21% of the pairs are rejected
            u = self.r.u64s(2 * pairs_n)                   # whole pairs: the stream stays glimpse's
            x = ((u >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)) * 2.0 - 1.0
            a, b = x[0::2], x[1::2]
            s = a * a + b * b
            ok = (s < 1.0) & (s != 0.0)
            a, b, s = a[ok], b[ok], s[ok]
            m = np.sqrt(-2.0 * np.log(s) / s)
            pairs = np.empty(2 * a.size, np.float32)
            pairs[0::2], pairs[1::2] = (a * m).astype(np.float32), (b * m).astype(np.float32)
            self.buf = np.concatenate([self.buf, pairs])
        out, self.buf = self.buf[:n], self.buf[n:]
        return out


def binarize(x, seed):
    """gl_draw_binarize over x (n,784) float32: pixel k is 1 when the k-th uniform of the stream
    ((u64 >> 40) / 2^24, a float) is below it."""
    flat = x.reshape(-1)
    out = np.empty(flat.size, np.float32)
    r = Rng(seed)
    block = 1 << 20
    for i in range(0, flat.size, block):
        n = min(block, flat.size - i)
        u = (r.u64s(n) >> np.uint64(40)).astype(np.float32) * np.float32(1.0 / 16777216.0)
        out[i:i + n] = (u < flat[i:i + n]).astype(np.float32)
    return out.reshape(x.shape)


# ---------------------------------------------------------------------------
# Data

def mnist(d, split):
    """MNIST's idx files -> images (n,784) float32 px/255 (as gl_mnist_load), labels (n) int64."""
    names = {"train": "train", "t10k": "t10k"}
    path = os.path.join(d, f"{names[split]}-images-idx3-ubyte")
    if not os.path.exists(path):
        raise SystemExit(f"train.py: {path}: no MNIST here (data/get_mnist.sh fetches it; --data DIR points elsewhere)")
    with open(path, "rb") as f:
        raw = f.read()
    n = int.from_bytes(raw[4:8], "big")
    x = np.frombuffer(raw, np.uint8, offset=16, count=n * 784).reshape(n, 784).astype(np.float32) / np.float32(255.0)
    with open(os.path.join(d, f"{names[split]}-labels-idx1-ubyte"), "rb") as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8, count=n).astype(np.int64)
    return x, y


def default_mnist():
    env = os.environ.get("GLIMPSE_DATA")
    return os.path.join(env, "mnist") if env else os.path.join(ROOT, "data", "mnist")


# ---------------------------------------------------------------------------
# Weight files: safetensors as glimpse writes them (gl_st_save), with its digest

def _fnv(h, data):
    """gl_hash64 over bytes."""
    n8 = len(data) // 8
    if n8:
        words = struct.unpack(f"<{n8}Q", data[:8 * n8])
        for w in words:
            h = ((h ^ w) * 0x100000001B3) & M64
            h ^= h >> 29
    for b in data[8 * n8:]:
        h = ((h ^ b) * 0x100000001B3) & M64
    return h


def _hs(h, s):
    return _fnv(h, s.encode("utf-8") + b"\0")


def _hu(h, v):
    return _fnv(h, struct.pack("<Q", v & M64))


def save_st(path, tensors, meta):
    """tensors: list of (name, array); meta: dict str -> str (order kept). Written through
    PATH.tmp.PID, flushed, and renamed over PATH (gl_write_atomic), with glimpse's digest."""
    h = 0xCBF29CE484222325
    md = {}
    for k, v in meta.items():
        if k == "digest":
            continue
        md[str(k)] = str(v)
        h = _hs(_hs(h, str(k)), str(v))
    header, blobs, off = {}, [], 0
    for name, a in tensors:
        a = np.ascontiguousarray(np.asarray(a, dtype=np.float32))
        if not np.isfinite(a).all():
            raise ValueError(f"tensor {name} holds NaN or Inf: not written")
        shape = list(a.shape) if a.ndim else [1]
        h = _hu(_hs(h, name), len(shape))
        for d in shape:
            h = _hu(h, d)
        b = a.astype("<f4").tobytes()
        h = _hu(_hu(h, off), off + len(b))
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    data = b"".join(blobs)
    h = _fnv(h, data)
    md["digest"] = f"{h:016x}"
    js = json.dumps({"__metadata__": md, **header}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    js += b" " * ((8 - (len(js) + 8) % 8) % 8)
    tmp = f"{path}.tmp.{os.getpid()}"
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(js)))
        f.write(js)
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    try:
        fd = os.open(d, os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)
    except OSError:
        pass


def load_st(path):
    if not os.path.exists(path):
        raise SystemExit(f"train.py: {path}: no such file")
    try:
        return st.load(path)
    except (st.FormatError, KeyError, ValueError) as e:
        raise SystemExit(f"train.py: {e}")


def model_file(path, params_np, meta):
    """Writes a weights file and returns its path (for a twin to load: the twins read files)."""
    save_st(path, list(params_np.items()), meta)
    return path


def temp_weights(params_np, meta):
    """A twin built from arrays: through a temporary file (the twins load glimpse's files)."""
    fd, p = tempfile.mkstemp(suffix=".safetensors")
    os.close(fd)
    save_st(p, list(params_np.items()), meta)
    return p


def init_uniform(rng, shape, fan_in):
    k = 1.0 / math.sqrt(fan_in)
    return rng.uniform(-k, k, size=shape).astype(np.float32)


def lstm_bias(rng, H):
    """Zero, with the forget gates (the second quarter: gates i, f, g, o) at 1."""
    b = np.zeros(4 * H, np.float32)
    b[H:2 * H] = 1.0
    return b


# ---------------------------------------------------------------------------
# Runs: checkpoints, metadata, the loss log

class Clock:
    def __init__(self, prev=0.0):
        self.t0, self.prev = time.monotonic(), prev

    def seconds(self):
        return self.prev + time.monotonic() - self.t0


def to_params(ps_np, device):
    return {k: nn.Parameter(torch.from_numpy(np.ascontiguousarray(v, dtype=np.float32)).to(device))
            for k, v in ps_np.items()}


def params_np(params):
    return {k: p.detach().cpu().numpy() for k, p in params.items()}


def save_checkpoint(path, params, adam, meta):
    """Weights, Adam's moments (adam.m.NAME, adam.v.NAME) and adam_step, as glimpse's checkpoints."""
    ts = [(k, p.detach().cpu().numpy()) for k, p in params.items()]
    ts += [("adam.m." + k, adam.m[k].cpu().numpy()) for k in params]
    ts += [("adam.v." + k, adam.v[k].cpu().numpy()) for k in params]
    meta = dict(meta)
    meta["adam_step"] = str(adam.step_count)
    save_st(path, ts, meta)


def split_file(ts):
    """A loaded weights or checkpoint file -> (weights, adam m, adam v)."""
    w = {k: v for k, v in ts.items() if not k.startswith("adam.")}
    m = {k[7:]: v for k, v in ts.items() if k.startswith("adam.m.")}
    v = {k[7:]: v for k, v in ts.items() if k.startswith("adam.v.")}
    return w, m, v


def restore_adam(adam, m, v, step, device):
    for k in adam.params:
        if k not in m or k not in v:
            raise SystemExit(f"train.py: the checkpoint has no Adam state for {k}")
        adam.m[k] = torch.from_numpy(m[k].astype(np.float32)).to(device).view_as(adam.m[k])
        adam.v[k] = torch.from_numpy(v[k].astype(np.float32)).to(device).view_as(adam.v[k])
    adam.step_count = step


class LossLog:
    """Rank 0: a line a step on stdout and, with --log FILE, the losses as JSON lines."""

    def __init__(self, procs, path, every=1):
        self.procs, self.every = procs, max(1, every)
        self.f = open(path, "a") if path and procs.rank == 0 else None

    def step(self, it, loss, lr, extra=""):
        if self.procs.rank != 0:
            return
        if it % self.every == 0:
            print(f"step {it} loss {loss:.6f} lr {lr:.4g}{extra}", flush=True)
        if self.f:
            self.f.write(json.dumps({"step": it, "loss": loss, "lr": lr}) + "\n")
            self.f.flush()

    def close(self):
        if self.f:
            self.f.close()


def exp_lr(lr, lr_final, it, total, warmup=0):
    """lr decayed exponentially to lr_final at the last step (lr_final <= 0: constant), raised
    linearly over the first warmup steps."""
    r = lr
    if lr_final and lr_final > 0 and total > 1:
        r = lr * (lr_final / lr) ** min(it / total, 1.0)
    if warmup > 0 and it < warmup:
        r *= (it + 1) / warmup
    return r
