"""PyTorch trainers of glimpse's models, on one process or many (DistributedDataParallel).

  torchrun --nproc_per_node N pytorch/train.py MODEL [options]     (or: python3 pytorch/train.py MODEL ...)
  MODEL: attention | draw | prediction | synthesis | cluttered;  pytorch/train.py MODEL --help

The models are the PyTorch twins of tests/reference (twins.py, cluttered_twin.py), checked
against glimpse on every release; the data are glimpse's (MNIST as gl_mnist_load reads it, DRAW's
binarization with glimpse's seed and random stream, the cluttered images from the twin's copy of
glimpse's generator with glimpse's training seeds, the handwriting corpora written by glimpse's own
code through hw_corpus). Every process draws the same global batch from the seed and the step and
takes its contiguous shard of it; the loss is the global batch's mean, and DDP sums the shards'
gradients, so the run is the same whatever the number of processes (up to float rounding).

The weights go to --out with glimpse's tensor names, shapes and metadata (written through a
temporary name and a rename), so `glimpse eval MODEL` and the app load them as they are; the
trainer prints its own evaluation the way `glimpse eval` prints it. OUT.ckpt (every --every
seconds and at the end) holds the weights and Adam's state as glimpse's checkpoints do; --resume
continues from it. --init FILE starts from glimpse's weights or a checkpoint of either.
"""
import argparse
import math
import os
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import torch

sys.dont_write_bytecode = True   # no __pycache__ in the checkout
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as C  # noqa: E402
import twins  # noqa: E402  (tests/reference, put on the path by common)
import cluttered_twin as CT  # noqa: E402

STOP = {"flag": False, "sig": 0}


def on_signal(sig, frame):
    """The first INT or TERM: stop after the step at hand (with a checkpoint); the second: at once."""
    if STOP["flag"]:
        raise SystemExit(128 + sig)
    STOP["flag"], STOP["sig"] = True, sig


def common_args(p, batch, lr, lr_final, clip, iters):
    p.add_argument("--out", "-o", required=True, help="weights to write (OUT.ckpt beside it: the checkpoint)")
    p.add_argument("--checkpoint", help="checkpoint file (default OUT.ckpt)")
    p.add_argument("--batch", type=int, default=batch, help=f"global minibatch, split over the processes "
                   f"(default {batch})")
    p.add_argument("--lr", type=float, default=lr, help=f"Adam learning rate (default {lr})")
    p.add_argument("--lr-final", type=float, default=lr_final,
                   help="rate at the last step, decayed exponentially from --lr (0: constant)"
                   + (f"; default {lr_final}" if lr_final else ""))
    p.add_argument("--clip", type=float, default=clip, help=f"gradient-norm clip (0: none; default {clip})")
    p.add_argument("--warmup", type=int, default=0, help="raise the rate linearly over the first N steps (for --init)")
    p.add_argument("--iters", type=int, default=iters, help=f"steps in all (default {iters})")
    p.add_argument("--seed", type=int, default=1, help="seed of the weights, the order and the noise (default 1)")
    p.add_argument("--every", type=float, default=120, help="seconds between checkpoints (default 120)")
    p.add_argument("--minutes", type=float, default=0, help="stop (with a checkpoint) after this many minutes")
    p.add_argument("--stop-after", type=int, default=0, help="stop (with a checkpoint) after this many steps of "
                   "this run (0: none); --resume goes on")
    p.add_argument("--resume", action="store_true", help="continue from the checkpoint (its options)")
    p.add_argument("--init", help="start from these weights (glimpse's or ours, or a checkpoint): their sizes, "
                   "a fresh Adam, steps from 0, their training time carried on")
    p.add_argument("--init-adam", action="store_true", help="with --init of a checkpoint: keep its Adam state too")
    p.add_argument("--log", help="append each step's global loss to FILE as JSON lines (rank 0)")
    p.add_argument("--print-every", type=int, default=1, help="print the loss every N steps (default 1)")
    p.add_argument("--no-eval", action="store_true", help="skip the evaluation at the end")
    p.add_argument("--threads", type=int, default=1, help="torch threads per process (default 1)")
    p.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"],
                   help="auto: CUDA (NCCL) when PyTorch sees a GPU, else CPU (gloo)")


def mnist_args(p):
    p.add_argument("--data", default=None, help="MNIST directory (default data/mnist or $GLIMPSE_DATA/mnist)")
    p.add_argument("--limit", type=int, default=0, help="train on the first N training images only (0: all)")


# ---------------------------------------------------------------------------
# Models: each builds its twin from a weights file and says how one shard's loss is computed.

class Job:
    """One model's side of a run."""
    name = ""
    skip_clip = ()

    def __init__(self, a, procs):
        self.a, self.procs = a, procs

    def batch_indices(self, it, n):
        """The n samples' indices in the global batch of step `it`: the epoch's order depends only on (seed,
        epoch), a batch past its end wraps to the order's start. The same on every process."""
        B = self.a.batch
        ep, k = divmod(it, self.per_epoch)
        order = np.random.default_rng([self.a.seed, 1, ep]).permutation(n)
        idx = order[(k * B) % n:][:B]
        if len(idx) < B:
            idx = np.concatenate([idx, order[:B - len(idx)]])
        return idx


# ---- attention

class AttentionJob(Job):
    name = "attention"
    KEYS = {"softmax": twins.LOC, "gaussian": 5, "feature": twins.CH}

    def fresh(self):
        a = self.a
        r = np.random.default_rng(a.seed)
        H, cin = a.hidden, 1 if a.no_coords else 3
        ps = {"conv.w": C.init_uniform(r, (12, 25 * cin), 25 * cin), "conv.b": np.zeros(12, np.float32),
              "lstm.wx": C.init_uniform(r, (4 * H, 13), 13 + H), "lstm.wh": C.init_uniform(r, (4 * H, H), 13 + H),
              "lstm.b": C.lstm_bias(r, H),
              "key.w": C.init_uniform(r, (self.KEYS[a.key], H), H), "key.b": np.zeros(self.KEYS[a.key], np.float32),
              "cls.w": C.init_uniform(r, (10, H), H), "cls.b": np.zeros(10, np.float32)}
        return ps, self.config(a.key, H, cin == 3)

    @staticmethod
    def config(key, H, coords):
        return {"model": "glimpse-attention", "key": key, "hidden": str(H), "steps": str(twins.STEPS),
                "conv_filters": str(twins.CH), "coord_channels": "1" if coords else "0"}

    def config_of(self, meta):
        if meta.get("model") != "glimpse-attention":
            raise SystemExit(f"train.py: not an attention model (model={meta.get('model')})")
        return self.config(meta["key"], int(meta["hidden"]), meta.get("coord_channels", "0") == "1")

    def build(self, path):
        self.m = twins.Attention(path)
        return self.m.p

    def data(self):
        d = self.a.data or C.default_mnist()
        self.x, self.y = C.mnist(d, "train")
        if self.a.limit:
            self.x, self.y = self.x[:self.a.limit], self.y[:self.a.limit]
        self.per_epoch = max(1, len(self.x) // self.a.batch)

    def batch(self, it):
        """The global batch of step `it` (the same on every process), then this process's shard."""
        a, B = self.a, self.a.batch
        idx = self.batch_indices(it, len(self.x))
        r = np.random.default_rng([a.seed, 2, it])
        sh = r.integers(-a.augment, a.augment + 1, size=(B, 2)) if a.augment else np.zeros((B, 2), int)
        lo, hi = self.procs.shard(B)
        imgs = self.x[idx[lo:hi]].reshape(-1, 28, 28)
        out = np.zeros_like(imgs)
        for i in range(hi - lo):           # shift by (dx, dy), zero fill (gl_attn_train.c shift_digit)
            dx, dy = sh[lo + i]
            ys, yd = (slice(0, 28 - dy), slice(dy, 28)) if dy >= 0 else (slice(-dy, 28), slice(0, 28 + dy))
            xs, xd = (slice(0, 28 - dx), slice(dx, 28)) if dx >= 0 else (slice(-dx, 28), slice(0, 28 + dx))
            out[i, yd, xd] = imgs[i, ys, xs]
        dev = self.procs.device
        return (torch.from_numpy(out.reshape(-1, 784)).to(dev), torch.from_numpy(self.y[idx[lo:hi]]).to(dev), B)

    def loss(self, img, labels, B):
        loss, _, _ = self.m.loss(img, labels, self.a.aux)
        return loss * (img.shape[0] / B), img.shape[0]

    def lr(self, it):
        a = self.a
        r = a.lr * 0.5 * (1 + math.cos(math.pi * it / max(a.iters, 1)))
        return r * ((it + 1) / a.warmup if a.warmup and it < a.warmup else 1)

    def evaluate(self):
        a = self.a
        x, y = C.mnist(a.data or C.default_mnist(), "t10k")
        n = min(a.eval_limit, len(x))
        probs = []
        with torch.no_grad():
            for i in range(0, n, 500):
                _, logp = self.m.forward(torch.from_numpy(x[i:min(n, i + 500)]).to(self.procs.device))
                probs.append(logp[-1].exp().float().cpu())
        p = torch.cat(probs).double()
        yy = torch.from_numpy(y[:n])
        acc = float((p.argmax(1) == yy).double().mean())
        loss = float(-torch.log(p.gather(1, yy.view(-1, 1)).clamp(min=1e-12)).mean())
        print(f"attention/{self.m.key}: test accuracy {100 * acc:.2f}% on {n} digits (loss {loss:.4f})")
        return {"test_accuracy" if n == 10000 else f"subset{n}_accuracy": f"{acc:.4f}",
                "test_loss" if n == 10000 else f"subset{n}_loss": f"{loss:.4f}"}

    def meta(self):
        a = self.a
        return {"batch": a.batch, "lr": repr(a.lr), "aux": repr(a.aux), "augment_shift": a.augment, "seed": a.seed,
                "clip": repr(a.clip), "train_digits": len(self.x), "conv": "trained end to end (PyTorch)"}


# ---- DRAW

class DrawJob(Job):
    name = "draw"
    BINARIZE_SEED = 20150216

    def fresh(self):
        a = self.a
        r = np.random.default_rng(a.seed)
        att, T, Z, E, H = not a.no_attention, a.steps, a.z, a.enc, a.dec
        rn, wn = (a.read, a.write) if att else (0, 0)
        R = 2 * rn * rn if att else 2 * twins.D
        W = wn * wn if att else twins.D
        ps = {"enc.Wx": C.init_uniform(r, (4 * E, R + H), R + H + E),
              "enc.Wh": C.init_uniform(r, (4 * E, E), R + H + E),
              "enc.b": C.lstm_bias(r, E), "q.W": C.init_uniform(r, (2 * Z, E), E), "q.b": np.zeros(2 * Z, np.float32),
              "dec.Wx": C.init_uniform(r, (4 * H, Z), Z + H), "dec.Wh": C.init_uniform(r, (4 * H, H), Z + H),
              "dec.b": C.lstm_bias(r, H), "write.W": C.init_uniform(r, (W, H), H), "write.b": np.zeros(W, np.float32),
              "canvas0": np.zeros(twins.D, np.float32)}
        if att:
            for k in ("read_attn", "write_attn"):
                ps[k + ".W"] = C.init_uniform(r, (5, H), H)
                ps[k + ".b"] = np.zeros(5, np.float32)
        return ps, self.config(att, T, rn, wn, E, H, Z)

    @staticmethod
    def config(att, T, rn, wn, E, H, Z):
        return {"model": "draw", "attention": "1" if att else "0", "steps": str(T), "read_n": str(rn),
                "write_n": str(wn), "enc": str(E), "dec": str(H), "z": str(Z)}

    def config_of(self, meta):
        if meta.get("model") != "draw":
            raise SystemExit(f"train.py: not a DRAW model (model={meta.get('model')})")
        return self.config(meta["attention"] == "1", *(int(meta[k]) for k in ("steps", "read_n", "write_n", "enc",
                                                                             "dec", "z")))

    def build(self, path):
        self.m = twins.Draw(path)
        return self.m.p

    def binarized(self, split, limit):
        """MNIST binarized as glimpse does it (cached as .npy beside --cache, the stream is slow in Python)."""
        d = self.a.data or C.default_mnist()
        x, _ = C.mnist(d, split)
        if limit:
            x = x[:limit]
        seed = self.BINARIZE_SEED + (0 if split == "train" else 1)
        if not self.a.cache:
            return C.binarize(x, seed)
        # the first process of each machine draws the set and keeps it; the others read it
        cache = os.path.join(self.a.cache, f"draw-{split}-{len(x)}-{seed}.npy")
        if self.procs.local == 0 and not os.path.exists(cache):
            xb = C.binarize(x, seed)
            os.makedirs(self.a.cache, exist_ok=True)
            tmp = f"{cache}.tmp.{os.getpid()}.npy"
            np.save(tmp, xb)
            os.replace(tmp, cache)
        if split == "train":
            self.procs.barrier()
        return np.load(cache) if os.path.exists(cache) else C.binarize(x, seed)

    def data(self):
        self.x = self.binarized("train", self.a.limit)
        self.per_epoch = max(1, len(self.x) // self.a.batch)

    def batch(self, it):
        a, B = self.a, self.a.batch
        idx = self.batch_indices(it, len(self.x))
        g = torch.Generator().manual_seed(a.seed * 1000003 + it)
        eps = torch.randn(self.m.T, B, self.m.Z, generator=g, device="cpu")
        lo, hi = self.procs.shard(B)
        dev = self.procs.device
        return torch.from_numpy(self.x[idx[lo:hi]]).to(dev), eps[:, lo:hi].contiguous().to(dev), B

    def loss(self, x, eps, B):
        bound, _, _, _ = self.m.forward(x, eps)
        return bound * (x.shape[0] / B), x.shape[0]

    def lr(self, it):
        return C.exp_lr(self.a.lr, self.a.lr_final, it, self.a.iters, self.a.warmup)

    def evaluate(self):
        """`glimpse eval draw --limit N`: one ε sample per image from gl_rng seed 12345, batches of 100."""
        n = self.a.eval_limit
        x = self.binarized("t10k", n)
        n = len(x)
        noise = C.Normals(12345)
        T, Z = self.m.T, self.m.Z
        s = sr = sk = 0.0
        with torch.no_grad():
            for lo in range(0, n, 100):
                b = min(100, n - lo)
                eps = torch.from_numpy(noise.take(T * b * Z).reshape(T, b, Z)).to(self.procs.device)
                bound, rec, kl, _ = self.m.forward(torch.from_numpy(x[lo:lo + b]).to(self.procs.device), eps)
                s, sr, sk = s + float(bound) * b, sr + float(rec) * b, sk + float(kl) * b
        b, rec, kl = s / n, sr / n, sk / n
        print(f"test bound {b:.2f} nats per image (reconstruction {rec:.2f} + KL {kl:.2f}) "
              f"on {n} binarized test images")
        return {"test_bound" if n == 10000 else f"subset{n}_bound": f"{b:.2f}"}

    def meta(self):
        a = self.a
        return {"batch": a.batch, "lr": repr(a.lr), "lr_final": repr(a.lr_final or a.lr), "clip": repr(a.clip),
                "warmup": a.warmup, "seed": a.seed, "limit": a.limit, "binarize_seed": self.BINARIZE_SEED,
                "epochs": f"{a.iters / self.per_epoch:.2f}"}


# ---- handwriting

HERSHEY_ALPHABET = " abcdefghijklmnopqrstuvwxyz.,"   # app/common/hw_train_data.h
MAXU = 128


class Corpus:
    """Lines of a hw_corpus file: raw offsets, texts, held-out flags."""

    def __init__(self, path):
        ts, self.meta = C.load_st(path)
        n = ts["len"].astype(np.int64)
        ends = np.cumsum(n)
        self.pts = [ts["pts"][e - k:e].astype(np.float32) for k, e in zip(n, ends)]
        tl = ts["text_len"].astype(np.int64)
        chars = ts["text"].astype(np.uint8).tobytes()
        te = np.cumsum(tl)
        self.text = [chars[e - k:e].decode("latin-1") for k, e in zip(tl, te)]
        self.heldout = ts["heldout"] > 0.5

    def subset(self, keep):
        c = Corpus.__new__(Corpus)
        c.meta = self.meta
        c.pts = [p for p, k in zip(self.pts, keep) if k]
        c.text = [t for t, k in zip(self.text, keep) if k]
        c.heldout = self.heldout[np.asarray(keep, bool)]
        return c


def run_hw_corpus(a, args, out):
    exe = a.hw_corpus or shutil.which("hw_corpus") or os.path.join(
        C.ROOT, "build", "tests", "pytorch", "hw_corpus")
    if not os.path.exists(exe):
        raise SystemExit(f"train.py: {exe}: no hw_corpus (built with glimpse: meson compile -C build; "
                         "--hw-corpus PATH names it)")
    r = subprocess.run([exe] + args + [out])
    if r.returncode:
        raise SystemExit(f"train.py: hw_corpus {' '.join(args)} failed ({r.returncode})")


class HandwritingJob(Job):
    def __init__(self, a, procs, synth):
        super().__init__(a, procs)
        self.synth = synth
        self.name = "synthesis" if synth else "prediction"

    # -- the corpus, prepared as hw_train_prepare prepares it
    def corpora(self):
        a = self.a
        if a.corpus_dir:
            os.makedirs(a.corpus_dir, exist_ok=True)
        d = a.corpus_dir or os.path.dirname(os.path.abspath(a.out))
        if a.data == "hershey":
            tr_p = os.path.join(d, f"hershey-{a.lines}-{a.corpus_seed}-{a.words}.corpus.safetensors")
            nv = a.heldout_lines
            va_p = os.path.join(d, f"hershey-{nv}-{a.corpus_seed + 1000}-{a.words}.corpus.safetensors")
            if self.procs.local == 0:   # one writer a machine (the rename keeps a shared folder whole)
                for p, args in ((tr_p, ["hershey", str(a.lines), str(a.corpus_seed), str(a.words)]),
                                (va_p, ["hershey", str(nv), str(a.corpus_seed + 1000), str(a.words)])):
                    if not os.path.exists(p):
                        run_hw_corpus(a, args, p)
            self.procs.barrier()
            tr, va = Corpus(tr_p), Corpus(va_p)
        elif a.data.startswith("iam:"):
            ex = os.path.basename(a.exclude) if a.exclude else "none"
            p = os.path.join(d, f"iam-thin{a.thin}-{ex}.corpus.safetensors")
            if self.procs.local == 0 and not os.path.exists(p):
                run_hw_corpus(a, [a.data, str(a.thin), a.exclude or "-"], p)
            self.procs.barrier()
            allc = Corpus(p)
            tr, va = allc, None
            self.iam_meta = {k: allc.meta[k] for k in ("iam_thin", "iam_exclude", "iam_lines", "iam_dropped")
                             if k in allc.meta}
        else:
            raise SystemExit(f"train.py: --data must be 'hershey' or 'iam:DIR' (got '{a.data}')")
        mp = a.max_points or (1000 if a.data.startswith("iam:") else 400)
        self.max_points = mp
        if self.synth:
            tr = tr.subset([len(p) <= mp for p in tr.pts])   # a cut line no longer matches its text
        ok = lambda t: len(t) <= MAXU and all(32 <= ord(ch) <= 126 for ch in t)
        if self.synth:
            tr = tr.subset([ok(t) for t in tr.text])
            if va is not None:
                va = va.subset([ok(t) for t in va.text])
        if va is None:   # IAM-OnDB: the held-out forms
            va, tr = tr.subset(tr.heldout), tr.subset(~tr.heldout)
        return tr, va

    def fresh(self):
        a = self.a
        r = np.random.default_rng(a.seed)
        tr = self.tr
        L, H, M = a.layers, a.cells, a.mixtures
        K = a.window if self.synth else 0
        if self.synth:
            if a.data == "hershey":
                al = HERSHEY_ALPHABET
            else:
                seen = sorted({ch for t in tr.text + self.va.text for ch in t if 32 <= ord(ch) < 127})
                al = "".join(seen)
        else:
            al = ""
        s, s2, n = np.zeros(2), np.zeros(2), 0
        for p in tr.pts:   # gl_hw_norm_stats: double sums over the training points
            v = p[:, :2].astype(np.float64)
            s += v.sum(0)
            s2 += (v * v).sum(0)
            n += len(p)
        mu = s / n
        var = s2 / n - mu * mu
        std = np.where(var > 1e-12, np.sqrt(np.maximum(var, 0)), 1.0)
        Cn = len(al)
        ps = {}
        for l in range(L):
            ni = 3 + (Cn if K else 0) + (H if l else 0)
            ps[f"lstm{l}.Wx"] = C.init_uniform(r, (4 * H, ni), ni + H)
            ps[f"lstm{l}.Wh"] = C.init_uniform(r, (4 * H, H), ni + H)
            ps[f"lstm{l}.b"] = C.lstm_bias(r, H)
        ps["out.W"] = C.init_uniform(r, (1 + 6 * M, L * H), L * H)
        ps["out.b"] = np.zeros(1 + 6 * M, np.float32)
        if K:
            ps["window.W"] = C.init_uniform(r, (3 * K, H), H) * 0.1
            ps["window.b"] = np.zeros(3 * K, np.float32)
            ps["window.b"][2 * K:] = -3.0   # small first steps of κ
        nparam = sum(v.size for v in ps.values())
        cfg = self.config(L, H, M, K, al, [float(np.float32(x)) for x in mu], [float(np.float32(x)) for x in std],
                          nparam)
        return ps, cfg

    def config(self, L, H, M, K, al, mean, std, nparam):
        return {"model": "handwriting-synthesis" if K else "handwriting-prediction", "layers": str(L),
                "cells": str(H), "mixtures": str(M), "window_gaussians": str(K), "alphabet": al,
                "mean_x": f"{mean[0]:.9g}", "mean_y": f"{mean[1]:.9g}", "std_x": f"{std[0]:.9g}",
                "std_y": f"{std[1]:.9g}", "parameters": str(nparam)}

    def config_of(self, meta):
        want = "handwriting-synthesis" if self.synth else "handwriting-prediction"
        if meta.get("model") != want:
            raise SystemExit(f"train.py: not a {self.name} network (model={meta.get('model')})")
        return {k: meta[k] for k in ("model", "layers", "cells", "mixtures", "window_gaussians", "alphabet", "mean_x",
                                     "mean_y", "std_x", "std_y", "parameters")}

    def build(self, path):
        self.m = twins.Handwriting(path)
        mean = np.array(self.m.mean, np.float32)
        std = np.array(self.m.std, np.float32)
        al = self.m.alphabet
        if self.synth:   # lines the alphabet cannot write
            good = lambda t: all(ch in al for ch in t)
            self.tr = self.tr.subset([good(t) for t in self.tr.text])
            self.va = self.va.subset([good(t) for t in self.va.text])
            if not self.tr.pts:
                raise SystemExit("train.py: no training line can be written with the model's alphabet")
        for c in (self.tr, self.va):   # gl_hw_corpus_normalise, in float
            c.norm = []
            for p in c.pts:
                q = p.copy()
                q[:, :2] = (q[:, :2] - mean) / std
                c.norm.append(q)
            c.chars = [np.array([al.index(ch) for ch in t], np.int64) if self.synth else None for t in c.text]
        return self.m.p

    def data(self):
        self.per_epoch = max(1, len(self.tr.pts) // self.a.batch)

    def tensors(self, c, idx, max_T):
        """Lines idx of a normalised corpus -> x (T,b,3) inputs (x_0 = (0,0,1)), targets, mask, chars, U."""
        lens = [min(len(c.norm[i]), max_T) for i in idx]
        T, b = max(lens), len(idx)
        x = np.zeros((T, b, 3), np.float32)
        tg = np.zeros((T, b, 3), np.float32)
        mk = np.zeros((T, b), np.float32)
        for j, i in enumerate(idx):
            p = c.norm[i][:lens[j]]
            tg[:lens[j], j] = p
            mk[:lens[j], j] = 1
            x[0, j] = (0, 0, 1)
            x[1:lens[j], j] = p[:lens[j] - 1]
        dev = self.procs.device
        out = [torch.from_numpy(v).to(dev) for v in (x, tg, mk)]
        if self.synth:
            U = np.array([len(c.chars[i]) for i in idx], np.int64)
            ch = np.zeros((b, max(1, U.max())), np.int64)
            for j, i in enumerate(idx):
                ch[j, :U[j]] = c.chars[i]
            out += [torch.from_numpy(ch).to(dev), torch.from_numpy(U).to(dev)]
        else:
            out += [None, None]
        return out

    def batch(self, it):
        B = self.a.batch
        idx = self.batch_indices(it, len(self.tr.pts))
        mp = self.max_points
        total = sum(min(len(self.tr.norm[i]), mp) for i in idx)   # the global batch's points
        lo, hi = self.procs.shard(B)
        return tuple(self.tensors(self.tr, idx[lo:hi], mp)) + (total,)

    def loss(self, x, tg, mk, chars, U, total):
        s, _, _, _, _ = self.m.loss(x, tg, mk, chars, U, clip_y=100.0, clip_lstm=10.0)
        return s / total, int(mk.sum())

    def lr(self, it):
        return C.exp_lr(self.a.lr, self.a.lr_final, it, self.a.iters, self.a.warmup)

    def heldout_loss(self):
        c = self.va
        tot, npts = 0.0, 0
        with torch.no_grad():
            for i in range(0, len(c.norm), 16):
                x, tg, mk, ch, U = self.tensors(c, list(range(i, min(i + 16, len(c.norm)))), 1000000)
                s, _, _, _, _ = self.m.loss(x, tg, mk, ch, U)
                tot += float(s)
                npts += int(mk.sum())
        return tot / max(npts, 1), tot / max(len(c.norm), 1), npts

    def evaluate(self):
        lp, per_line, npts = self.heldout_loss()
        a = self.a
        if a.data == "hershey":
            print(f"held-out hershey lines (seed {a.corpus_seed + 1000}): {len(self.va.norm)} lines, {npts} points")
        else:
            print(f"{a.data}: {len(self.va.norm)} held-out lines, {npts} points")
        print(f"loss: {lp:.4f} nats per point, {per_line:.2f} nats per line")
        return {"heldout_loss_per_point": f"{lp:.4f}", "heldout_loss_per_line": f"{per_line:.3f}"}

    def meta(self):
        a = self.a
        m = {"corpus": a.data}
        if a.data == "hershey":
            m.update({"corpus_lines": a.lines, "corpus_seed": a.corpus_seed, "corpus_words": a.words})
        else:
            m.update(getattr(self, "iam_meta", {}))
            m["iam_heldout"] = "forms whose FNV-1a hash of the form id is 0 mod 20"
        m.update({"batch": a.batch, "seed": a.seed, "max_points": self.max_points, "lr": repr(a.lr)})
        if a.lr_final:
            m.update({"lr_final": repr(a.lr_final), "lr_decay_from": 0, "lr_decay_to": a.iters})
        return m


# ---- cluttered MNIST

class ClutteredJob(Job):
    name = "cluttered"
    skip_clip = ("probe.W", "probe.b")   # gl_clut_train.c clip_model: all but the probes

    def fresh(self):
        a = self.a
        r = np.random.default_rng(a.seed)
        T, N, H = a.glimpses, a.read, a.hidden
        ps = {"lstm.Wx": C.init_uniform(r, (4 * H, N * N), N * N + H), "lstm.Wh": C.init_uniform(r, (4 * H, H),
                                                                                                 N * N + H),
              "lstm.b": C.lstm_bias(r, H), "cls.W": C.init_uniform(r, (10, H), H), "cls.b": np.zeros(10, np.float32)}
        if T > 1:
            ps["probe.W"] = C.init_uniform(r, (T - 1, 10, H), H)
            ps["probe.b"] = np.zeros((T - 1, 10), np.float32)
        if not a.no_attention:
            ps["read.W"] = C.init_uniform(r, (5, H), H) * 0.1
            ps["read.b"] = np.zeros(5, np.float32)
        return ps, self.config(not a.no_attention, T, N, H)

    @staticmethod
    def config(att, T, N, H):
        return {"model": "cluttered", "attention": "1" if att else "0", "glimpses": str(T), "read_n": str(N),
                "hidden": str(H), "image_size": str(CT.A)}

    def config_of(self, meta):
        if meta.get("model") != "cluttered":
            raise SystemExit(f"train.py: not a cluttered-MNIST model (model={meta.get('model')})")
        return self.config(meta["attention"] == "1", int(meta["glimpses"]), int(meta["read_n"]), int(meta["hidden"]))

    def build(self, path):
        self.m = CT.Cluttered(path).to(self.procs.device)
        gp = self.m.glimpse_params()
        self.submodule = self.m
        return gp

    def data(self):
        d = self.a.data or C.default_mnist()
        x, self.y = CT.mnist(d, "train")
        if self.a.limit:
            x, self.y = x[:self.a.limit], self.y[:self.a.limit]
        self.src = x
        self.per_epoch = max(1, len(x) // self.a.batch)
        self.order_ep, self.order = -1, None

    def batch(self, it):
        """glimpse's own training batches: its epoch order (gl_rng_shuffle seeded seed*1000003+epoch) and
        each image made by the twin's copy of gl_clut_make with gl_clut_train_seed(seed, epoch, index)."""
        a, B = self.a, self.a.batch
        ep, k = divmod(it, self.per_epoch)
        if ep != self.order_ep:
            self.order = C.Rng(a.seed * 1000003 + ep).shuffle(list(range(len(self.src))))
            self.order_ep = ep
        idx = self.order[k * B:(k + 1) * B]
        lo, hi = self.procs.shard(B)
        imgs = np.empty((hi - lo, CT.A, CT.A), np.float32)
        for j, i in enumerate(idx[lo:hi]):
            seed = ((a.seed * 0x9E3779B97F4A7C15) ^ (ep * 0xBF58476D1CE4E5B9) ^ (i * 0x94D049BB133111EB)) & C.M64
            CT.make(self.src, i, a.clutter, seed, imgs[j])
        dev = self.procs.device
        return torch.from_numpy(imgs).to(dev), torch.from_numpy(self.y[idx[lo:hi]]).to(dev), B

    def loss(self, x, labels, B):
        main, total, _, _ = self.m.loss(x, labels)
        self.last_main = main.detach()
        return total * (x.shape[0] / B), x.shape[0]

    def lr(self, it):
        return C.exp_lr(self.a.lr, self.a.lr_final, it, self.a.iters, self.a.warmup)

    def evaluate(self):
        a = self.a
        src, labels = CT.mnist(a.data or C.default_mnist(), "t10k")
        n = min(a.eval_limit, len(src))
        imgs, where = CT.test_set(src, n)
        m = self.m
        dev = self.procs.device
        lps, ws = [], []
        with torch.no_grad():
            for i in range(0, n, 100):
                lp, w, _, _ = m(torch.from_numpy(imgs[i:i + 100]).to(dev))
                lps.append(lp.cpu())
                ws.append(w.cpu())
        logp, win = torch.cat(lps, 1), torch.cat(ws, 1)
        y = torch.as_tensor(labels[:n])
        err = float((logp[-1].argmax(1) != y).double().mean())
        loss = float(-logp[-1].double().gather(1, y.view(-1, 1)).mean())
        last, c = win[-1].double(), torch.as_tensor(where).double()
        half = 0.5 * last[:, 5]
        found = float((((c[:, 0] - last[:, 0]).abs() <= half) & ((c[:, 1] - last[:, 1]).abs() <= half)).double().mean())
        box = float(win[-1, :, 5].sort().values[n // 2])
        print(f"test error {100 * err:.2f}%")
        print(f"on {n} fixed test images ({CT.CLUTTER} fragments each); cross-entropy {loss:.4f}")
        print(f"last box holds the digit's centre: {100 * found:.1f}%; median last box side {box:.1f} px")
        pre = "test" if n == 10000 else f"subset{n}"
        return {f"{pre}_error": f"{err:.4f}", f"{pre}_found": f"{found:.4f}", f"{pre}_box_median": f"{box:.2f}"}

    def meta(self):
        a = self.a
        return {"batch": a.batch, "lr": repr(a.lr), "lr_final": repr(a.lr_final), "clip": repr(a.clip),
                "clutter": a.clutter, "seed": a.seed, "limit": a.limit, "warmup": a.warmup,
                "epochs": f"{a.iters / self.per_epoch:.2f}"}


# ---------------------------------------------------------------------------
# The command line

def parser():
    top = argparse.ArgumentParser(prog="train.py", description=__doc__.split("\n\n")[0],
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = top.add_subparsers(dest="model", required=True, metavar="MODEL")
    p = sub.add_parser("attention", help="the MNIST soft-attention classifier (three keys)")
    p.add_argument("--key", default="softmax", choices=["softmax", "gaussian", "feature"])
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--aux", type=float, default=0.2, help="weight of the per-step losses before the last")
    p.add_argument("--augment", type=int, default=2, help="shift each training digit by up to N pixels")
    p.add_argument("--no-coords", action="store_true", help="no coordinate channels in the conv input")
    p.add_argument("--eval-limit", type=int, default=10000, help="test digits evaluated at the end")
    common_args(p, 50, 0.002, 0, 5, 7200)
    mnist_args(p)
    p = sub.add_parser("draw", help="DRAW on binarized MNIST, with or without attention")
    p.add_argument("--no-attention", action="store_true")
    p.add_argument("--steps", type=int, default=64)
    p.add_argument("--read", type=int, default=2)
    p.add_argument("--write", type=int, default=5)
    p.add_argument("--enc", type=int, default=256)
    p.add_argument("--dec", type=int, default=256)
    p.add_argument("-z", type=int, default=100)
    p.add_argument("--eval-limit", type=int, default=1000, help="test images for the bound at the end (10000: all; "
                   "glimpse's ε stream is drawn in Python, about 7 s of CPU per 1000 images)")
    p.add_argument("--cache", default=os.path.join(os.path.expanduser("~"), ".cache", "glimpse-pytorch"),
                   help="where the binarized sets are kept ('' : nowhere)")
    common_args(p, 100, 1e-3, 0, 10, 12000)
    mnist_args(p)
    for name, synth in (("prediction", False), ("synthesis", True)):
        p = sub.add_parser(name, help=f"the handwriting {name} network")
        p.add_argument("--data", default="hershey", help="hershey (default) | iam:DIR (IAM-OnDB)")
        p.add_argument("--lines", type=int, default=6000, help="Hershey corpus lines (default 6000)")
        p.add_argument("--words", type=int, default=3, help="at most this many words a Hershey line (default 3)")
        p.add_argument("--corpus-seed", type=int, default=1, help="Hershey seed (held-out: seed+1000)")
        p.add_argument("--heldout-lines", type=int, default=200, help="held-out Hershey lines scored at the end "
                       "(default 200, as glimpse's training and `glimpse eval handwriting --lines`)")
        p.add_argument("--thin", type=int, default=2, help="IAM: keep every K-th point of a stroke (default 2)")
        p.add_argument("--exclude", help="IAM: file of line or form ids to skip")
        p.add_argument("--hw-corpus", help="the hw_corpus program (default build/tests/pytorch/hw_corpus)")
        p.add_argument("--corpus-dir", help="where the corpus files go (default: beside --out)")
        p.add_argument("--layers", type=int, default=2)
        p.add_argument("--cells", type=int, default=128)
        p.add_argument("--mixtures", type=int, default=10)
        if synth:
            p.add_argument("--window", type=int, default=5)
        p.add_argument("--max-points", type=int, default=0, help="cut (prediction) or drop (synthesis) lines "
                       "longer than this (default 400; IAM 1000)")
        common_args(p, 32, 2e-3, 0, 5, 20000)
        p.set_defaults(synth=synth)
    p = sub.add_parser("cluttered", help="the read-window classifier of cluttered 100x100 MNIST")
    p.add_argument("--no-attention", action="store_true")
    p.add_argument("--glimpses", type=int, default=8)
    p.add_argument("--read", type=int, default=12)
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--clutter", type=int, default=CT.CLUTTER)
    p.add_argument("--eval-limit", type=int, default=1000, help="fixed test images evaluated at the end")
    common_args(p, 64, 5e-4, 5e-5, 1, 37480)
    mnist_args(p)
    return top


RESUMED = ("batch", "lr", "lr_final", "clip", "warmup", "iters", "seed", "limit", "aux", "augment", "clutter",
           "max_points", "lines", "words", "corpus_seed", "thin", "data")


def option_value(v):
    for cast in (int, float):
        try:
            return cast(v)
        except ValueError:
            pass
    return v


def make_job(a, procs):
    if a.model == "attention":
        return AttentionJob(a, procs)
    if a.model == "draw":
        return DrawJob(a, procs)
    if a.model == "cluttered":
        return ClutteredJob(a, procs)
    return HandwritingJob(a, procs, a.synth)


def main(argv=None):
    a = parser().parse_args(argv)
    torch.set_num_threads(max(1, a.threads))
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    procs = C.Procs(a.device)
    ckpt = a.checkpoint or a.out + ".ckpt"
    job = make_job(a, procs)
    start, prev_seconds, init_from, adam_state = 0, 0.0, None, None
    if a.resume and a.init:
        raise SystemExit("train.py: --init starts a run and --resume continues one: give one of them")
    if a.resume:
        ts, cm = C.load_st(ckpt)
        if cm.get("trainer") != "pytorch/train.py " + a.model:
            raise SystemExit(f"train.py: {ckpt} is not a checkpoint of pytorch/train.py {a.model}")
        for k in RESUMED:   # the run's options come from the checkpoint
            if f"opt_{k}" in cm and hasattr(a, k):
                setattr(a, k, option_value(cm[f"opt_{k}"]))
        start, prev_seconds = int(cm["iter"]), float(cm.get("train_seconds", "0"))
        w, m, v = C.split_file(ts)
        init_from = cm.get("init_from")
        adam_state = (m, v, int(cm["adam_step"]))
        source = (w, cm)
    elif a.init:
        ts, im = C.load_st(a.init)
        w, m, v = C.split_file(ts)
        prev_seconds = float(im.get("train_seconds", "0"))
        at = im.get("iter") or im.get("updates") or im.get("global_step") or im.get("adam_step")
        init_from = os.path.basename(a.init) + (f", step {at}" if at else "")
        if a.init_adam:
            if not m:
                raise SystemExit(f"train.py: --init-adam: {a.init} holds no Adam state (not a checkpoint)")
            adam_state = (m, v, int(im.get("adam_step", "0")))
        source = (w, im)
    else:
        source = None
    if isinstance(job, HandwritingJob):
        job.tr, job.va = job.corpora()
    if source is None:
        ps, cfg = job.fresh()
    else:
        ps, meta = source
        cfg = job.config_of(meta)
    # the twins load glimpse's files: each process builds its twin from a file of the starting weights
    tmp = f"{a.out}.init.{os.getpid()}.safetensors"
    C.save_st(tmp, list(ps.items()), cfg)
    params = job.build(tmp)
    os.remove(tmp)
    # the twin's tensors as Parameters on the device (shared by the twin and the wrapper)
    sub = getattr(job, "submodule", None)
    if sub is None:
        plist = C.to_params({k: params[k].numpy() for k in params}, procs.device)
        job.m.p.clear()
        job.m.p.update(plist)
        params = plist
    else:
        params = dict(params)
        for p in params.values():
            p.requires_grad_(True)
    module = C.LossModule(params, job.loss, sub)
    ddp = C.distribute(module, procs)
    adam = C.Adam(params)
    if adam_state:
        C.restore_adam(adam, *adam_state, procs.device)
    job.data()
    log = C.LossLog(procs, a.log, a.print_every)
    clock = C.Clock(prev_seconds)
    t_run = time.monotonic()
    last_ck = time.monotonic()
    it = start
    status = 0

    def meta_now(step):
        md = dict(cfg)
        md.update({k: str(v) for k, v in job.meta().items()})
        md.update({"iter": str(step), "train_seconds": f"{clock.seconds():.0f}", "trained_with": procs.describe,
                   "trainer": "pytorch/train.py " + a.model})
        if a.model in ("prediction", "synthesis"):
            md["updates"] = str(step)
        if init_from:
            md["init_from"] = init_from
        for k in RESUMED:
            if hasattr(a, k) and getattr(a, k) is not None:
                md[f"opt_{k}"] = str(getattr(a, k))
        return md

    while it < a.iters:
        want = STOP["flag"] or (a.minutes and time.monotonic() - t_run > 60 * a.minutes) or \
            (a.stop_after and it - start >= a.stop_after)
        if procs.sum([1.0 if want else 0.0])[0] > 0:   # every process stops at the same step
            break
        inputs = job.batch(it)
        for p in params.values():
            p.grad = None
        loss, count = ddp(*inputs)
        loss.backward()
        lsum = procs.sum([float(loss.detach())])[0]
        if not math.isfinite(lsum) or not C.finite_grads(params):
            if procs.rank == 0:
                print(f"train.py: step {it}: the loss or a gradient is not finite; stopped (the checkpoint "
                      f"holds the last good step)", file=sys.stderr)
            status = 1
            break
        C.clip_norm(params, a.clip, job.skip_clip)
        lr = job.lr(it)
        adam.step(lr)
        shown = lsum
        if isinstance(job, ClutteredJob):
            shown = procs.sum([float(job.last_main) * inputs[0].shape[0] / a.batch])[0]
        log.step(it, shown, lr)
        it += 1
        if procs.rank == 0 and a.every >= 0 and time.monotonic() - last_ck >= a.every and it < a.iters:
            C.save_checkpoint(ckpt, params, adam, meta_now(it))
            last_ck = time.monotonic()
    log.close()
    if procs.rank == 0:
        C.save_checkpoint(ckpt, params, adam, meta_now(it))
        md = meta_now(it)
        if not a.no_eval and it >= a.iters and status == 0:
            md.update(job.evaluate())
        md["train_seconds"] = f"{clock.seconds():.0f}"
        if STOP["flag"]:   # a signal: the checkpoint only, --out untouched (as glimpse)
            print(f"train.py: stopped at step {it}; checkpoint {ckpt} (--resume goes on)", file=sys.stderr)
        else:
            C.save_st(a.out, list(C.params_np(params).items()), md)
            print(f"train.py: {it} steps, {clock.seconds():.0f} s of training; wrote {a.out} (checkpoint {ckpt})",
                  file=sys.stderr)
    procs.barrier()
    if STOP["flag"] and status == 0:
        status = 128 + STOP["sig"]   # as glimpse: 128 + the signal
    return procs.exit(status)   # several processes: leaves here (see Procs.exit)


if __name__ == "__main__":
    sys.exit(main())
