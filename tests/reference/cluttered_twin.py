"""PyTorch twin of glimpse's cluttered-MNIST classifier (engine/cluttered/gl_clut.h)
and a NumPy reimplementation of its data generator.

The model, as a PyTorch user would write it: an nn.Module with DRAW's read
window (filter banks from the previous hidden state, eq. 21-27, bounded as
the header says), torch.nn.LSTMCell (bias_hh = 0: glimpse has one bias),
the class read-out after the last glimpse and the probes after the earlier
ones; batched over images, scriptable with torch.jit.script. It loads
glimpse's safetensors files as they are (tensor names lstm.Wx, lstm.Wh,
lstm.b, cls.W, cls.b, probe.W, probe.b, read.W, read.b; a checkpoint's
adam.* tensors are ignored).

The generator (gl_clut_make, gl_clut_test_seed, gl_rng: splitmix64-seeded
xoshiro256**) is reproduced draw for draw and float for float, so that the
twin builds the same 10,000 fixed test images as glimpse, bit for bit.
"""
import math
import os

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

import st

A = 100                          # image side
D = A * A
CLASSES = 10
DELTA_MIN, SIGMA2_MIN = 0.7, 0.25
UMAX_DELTA, UMAX_S2, UMAX_GAMMA = math.log(2.0), math.log(400.0), 8.0
FB_EPS = 1e-8
CLUTTER = 8                      # fragments per image (the fixed test set's)
TEST_SEED = 1502046230
M64 = (1 << 64) - 1


# ---------------------------------------------------------------------------
# The generator (engine/gl_util.c gl_rng, engine/cluttered/gl_clut_data.c)

def _rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M64


class Rng:
    """gl_rng: xoshiro256** seeded with four outputs of splitmix64."""

    def __init__(self, seed):
        x = seed & M64
        s = []
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & M64
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
            s.append(z ^ (z >> 31))
        self.s = s

    def u64(self):
        s = self.s
        res = (_rotl((s[1] * 5) & M64, 7) * 9) & M64
        t = (s[1] << 17) & M64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = _rotl(s[3], 45)
        return res

    def below(self, n):
        """gl_rng_below: uniform in 0..n−1 from the high 32 bits."""
        return (self.u64() >> 32) % n


def test_seed(k):
    """gl_clut_test_seed: the seed of fixed test image k."""
    return (TEST_SEED * 1000003 + k) & M64


def mnist(d, split="t10k"):
    """MNIST's idx files -> images (n,28,28) float32 px/255 (as gl_mnist_load), labels (n) int64."""
    with open(os.path.join(d, f"{split}-images-idx3-ubyte"), "rb") as f:
        raw = f.read()
    n = int.from_bytes(raw[4:8], "big")
    px = np.frombuffer(raw, np.uint8, offset=16, count=n * 784).reshape(n, 28, 28)
    x = px.astype(np.float32) / np.float32(255.0)     # one correctly rounded float division, as in C
    with open(os.path.join(d, f"{split}-labels-idx1-ubyte"), "rb") as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8, count=n)
    return x, y.astype(np.int64)


def make(src, digit, clutter, seed, out=None):
    """gl_clut_make: digit `digit` of src (n,28,28) at a random place of a 100x100
    canvas, `clutter` 8x8 fragments of other digits of src added, clipped to 1.
    -> image (100,100) float32, the digit's centre (cx, cy) in filter positions."""
    r = Rng(seed)
    img = out if out is not None else np.empty((A, A), np.float32)
    img[:] = 0
    n = src.shape[0]
    x0, y0 = r.below(A - 27), r.below(A - 27)
    img[y0:y0 + 28, x0:x0 + 28] += src[digit]
    if n >= 2 or digit < 0:
        for _ in range(clutter if n >= 1 else 0):
            j = r.below(n)
            while j == digit:
                j = r.below(n)
            sx, sy = r.below(21), r.below(21)
            px, py = r.below(A - 7), r.below(A - 7)
            img[py:py + 8, px:px + 8] += src[j, sy:sy + 8, sx:sx + 8]   # float32 adds in glimpse's order
    np.minimum(img, np.float32(1.0), out=img)
    return img, (x0 + 14.5, y0 + 14.5)


def test_set(src, n=None, clutter=CLUTTER):
    """The first n fixed test images made from the test digits src (n,28,28)
    -> images (n,100,100) float32, digit centres (n,2) float32."""
    n = src.shape[0] if n is None else n
    imgs = np.empty((n, A, A), np.float32)
    where = np.empty((n, 2), np.float32)
    for k in range(n):
        _, where[k] = make(src, k, clutter, test_seed(k), imgs[k])
    return imgs, where


_CK_W = ((np.arange(1, D + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(32)) | np.uint64(1)


def checksum(imgs):
    """ref_dump's checksum of each image (…,100,100) float32: Σ_i bits_i w_i mod 2^32 -> (…) uint32."""
    bits = np.ascontiguousarray(imgs, dtype=np.float32).reshape(-1, D).view(np.uint32).astype(np.uint64)
    h = (bits * _CK_W).sum(1, dtype=np.uint64) & np.uint64(0xFFFFFFFF)   # wraps mod 2^64: the low 32 bits stay exact
    return h.astype(np.uint32).reshape(np.shape(imgs)[:-2])


# ---------------------------------------------------------------------------
# The model

class Cluttered(nn.Module):
    attention: bool
    T: int
    N: int

    def __init__(self, path=None, attention=True, T=8, N=12, hidden=256):
        super().__init__()
        ts = None
        if path is not None:
            ts, meta = st.load(path)
            if meta.get("model") != "cluttered":
                raise ValueError(f"{path}: not a cluttered-MNIST weight file (model={meta.get('model')})")
            attention, T = int(meta["attention"]) == 1, int(meta["glimpses"])
            N, hidden = int(meta["read_n"]), int(meta["hidden"])
        self.attention, self.T, self.N, self.H = attention, T, N, hidden
        self.A = A   # the header's constants, as attributes for torch.jit.script
        self.s2_min, self.delta_min, self.eps = SIGMA2_MIN, DELTA_MIN, FB_EPS
        self.lstm = nn.LSTMCell(N * N, hidden)
        self.cls = nn.Linear(hidden, CLASSES)
        self.probe_W = nn.Parameter(torch.zeros(max(T - 1, 1), CLASSES, hidden))
        self.probe_b = nn.Parameter(torch.zeros(max(T - 1, 1), CLASSES))
        self.read = nn.Linear(hidden, 5) if attention else None
        # filter positions 1..A; filter i's offset from the centre, i − (N−1)/2
        self.register_buffer("pos", torch.arange(1, A + 1, dtype=torch.float32))
        self.register_buffer("off", torch.arange(N, dtype=torch.float32) - (N - 1) / 2)
        # the no-attention window: centre 50.5, δ = 99/(N−1), σ = δ/2, γ = 1
        d0 = (A - 1) / (N - 1)
        whole = torch.tensor([[(A + 1) / 2, (A + 1) / 2, d0, d0 * d0 / 4, 1.0, (N - 1) * d0]])
        self.register_buffer("whole", whole)
        # the bounds on (u_s, u_d, u_g) before the exp
        self.register_buffer("umax", torch.tensor([UMAX_S2, UMAX_DELTA, UMAX_GAMMA]))
        if ts is not None:
            self.load_glimpse(ts)

    def glimpse_params(self):
        """glimpse's tensor names -> this module's parameters (the LSTM's bias_hh stays 0)."""
        p = {"lstm.Wx": self.lstm.weight_ih, "lstm.Wh": self.lstm.weight_hh, "lstm.b": self.lstm.bias_ih,
             "cls.W": self.cls.weight, "cls.b": self.cls.bias}
        if self.T > 1:
            p.update({"probe.W": self.probe_W, "probe.b": self.probe_b})
        if self.read is not None:
            p.update({"read.W": self.read.weight, "read.b": self.read.bias})
        return p

    def params(self):
        return self.glimpse_params()

    @torch.no_grad()
    def load_glimpse(self, ts):
        for name, prm in self.glimpse_params().items():
            if name not in ts:
                raise ValueError(f"tensor {name} missing")
            v = torch.from_numpy(np.ascontiguousarray(ts[name], dtype=np.float32))
            if tuple(v.shape) != tuple(prm.shape):
                raise ValueError(f"tensor {name}: shape {tuple(v.shape)}, expected {tuple(prm.shape)}")
            prm.copy_(v)
        self.lstm.bias_hh.zero_()
        self.lstm.bias_hh.requires_grad_(False)

    def window(self, p):
        """p (B,5) = (u_x, u_y, u_s, u_d, u_g) -> (B,6): g_x, g_y, δ, σ², γ, box (header of gl_clut.h)."""
        A = self.A
        g = (A + 1) / 2 * (torch.tanh(p[:, 0:2]) + 1)                         # (B,2) centre
        e = torch.exp(torch.minimum(p[:, 2:5], self.umax))                    # (B,3) bounded exps
        s2 = self.s2_min + e[:, 0:1]
        delta = self.delta_min + (A - 1) / (self.N - 1) * e[:, 1:2]
        return torch.cat([g, delta, s2, e[:, 2:3], (self.N - 1) * delta], 1)

    def filterbanks(self, w):
        """window (B,6) -> F (B,2,N,A), F_X then F_Y: F[i,a] = exp(−(a − μ_i)²/2σ²) / (Σ_a' … + 1e-8),
        μ_i = g + (i − (N−1)/2) δ."""
        mu = w[:, 0:2].unsqueeze(2) + self.off * w[:, 2:3].unsqueeze(2)          # (B,2,N)
        f = torch.exp(-(self.pos - mu.unsqueeze(3)) ** 2 / (2 * w[:, 3].view(-1, 1, 1, 1)))
        return f / (f.sum(3, keepdim=True) + self.eps)

    def glimpse(self, x, w):
        """x (B,A,A), window w (B,6) -> patch (B,N²) = γ F_Y x F_Xᵀ."""
        Fb = self.filterbanks(w)
        return (w[:, 4].view(-1, 1, 1) * torch.bmm(torch.bmm(Fb[:, 1], x), Fb[:, 0].transpose(1, 2))).flatten(1)

    def forward(self, x):
        """x (B,A·A) or (B,A,A) in [0,1] -> log-probabilities after each glimpse (T,B,10)
        (the probes, then cls after the last), windows (T,B,6), patches (T,B,N²), h_t (T,B,H)."""
        B = x.shape[0]
        x = x.reshape(B, self.A, self.A)
        h = torch.zeros(B, self.H, dtype=x.dtype, device=x.device)
        c = torch.zeros_like(h)
        wins, patches, hs = [], [], []
        fixed = torch.empty(0)
        for t in range(self.T):
            if self.read is not None:
                w = self.window(self.read(h))
                r = self.glimpse(x, w)
            else:
                w = self.whole.expand(B, 6)
                if t == 0:
                    fixed = self.glimpse(x, w)   # the same whole-image glimpse at every step
                r = fixed
            h, c = self.lstm(r, (h, c))
            wins.append(w)
            patches.append(r)
            hs.append(h)
        hs_ = torch.stack(hs)
        logits = self.cls(hs_[-1]).unsqueeze(0)
        if self.T > 1:   # the probes on h_1..h_{T−1}, all at once
            probes = torch.baddbmm(self.probe_b.unsqueeze(1), hs_[:-1], self.probe_W.transpose(1, 2))
            logits = torch.cat([probes, logits])
        return F.log_softmax(logits, 2), torch.stack(wins), torch.stack(patches), hs_

    def loss(self, x, labels):
        """The trainer's objective: mean cross-entropy of the class after the last glimpse
        (all but the probes learn from it) plus each probe's own mean cross-entropy on h_t
        detached (the probes' gradient stops at h_t)."""
        logp, wins, patches, hs = self.forward(x)
        main = F.nll_loss(logp[-1], labels)
        total = main
        for t in range(self.T - 1):
            lp = F.log_softmax(F.linear(hs[t].detach(), self.probe_W[t], self.probe_b[t]), 1)
            total = total + F.nll_loss(lp, labels)
        return main, total, logp, wins


def load(path):
    """A glimpse weight file -> Cluttered in eval mode, no gradients."""
    m = Cluttered(path).eval()
    for p in m.parameters():
        p.requires_grad_(False)
    return m


def evaluate(m, imgs, where, labels, batch=100):
    """The twin's `glimpse eval cluttered` over images (n,100,100): log-probabilities (T,n,10),
    windows (T,n,6) and the figures: error, error after each glimpse, cross-entropy,
    share whose last box holds the digit's centre, median box side (last, and per glimpse)."""
    n = imgs.shape[0]
    lps, ws = [], []
    with torch.no_grad():
        for i in range(0, n, batch):
            lp, w, _, _ = m(torch.from_numpy(imgs[i:i + batch]))
            lps.append(lp)
            ws.append(w)
    logp, win = torch.cat(lps, 1), torch.cat(ws, 1)
    y = torch.as_tensor(labels)
    wrong_t = (logp.argmax(2) != y).double().mean(1)
    last = win[-1]
    c = torch.as_tensor(where)
    half = 0.5 * last[:, 5]
    found = (((c[:, 0] - last[:, 0]).abs() <= half) & ((c[:, 1] - last[:, 1]).abs() <= half)).double().mean()
    box_t = win[:, :, 5].sort(1).values[:, n // 2]        # glimpse's median: element n/2 of the sorted sides
    return dict(logp=logp, windows=win, err=float(wrong_t[-1]), err_t=wrong_t.tolist(),
                loss=float(-logp[-1].gather(1, y.view(-1, 1)).mean()), found=float(found),
                box_median=float(box_t[-1]), box_t=box_t.tolist())
