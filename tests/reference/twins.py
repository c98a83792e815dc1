"""PyTorch twins of glimpse's models, loading glimpse's safetensors files as
they are (tensor names and layouts of engine/*). Each twin is written the way
a PyTorch user would write the model: batched tensor ops, the fused native
LSTM (torch.lstm / torch.lstm_cell: gate order i, f, g, o, the same as
glimpse's) where the inputs of a whole sequence are known in advance, and
autograd for the gradients. The conventions they follow are listed in the
README ("Model conventions") and in the model headers.
"""
import math

import numpy as np
import torch
import torch.nn.functional as F

import st


def load_params(path, requires_grad=False):
    """glimpse weights -> (dict name -> float32 tensor, metadata)."""
    ts, meta = st.load(path)
    ps = {k: torch.from_numpy(np.ascontiguousarray(v, dtype=np.float32)).requires_grad_(requires_grad) for k, v in ts.items()}
    return ps, meta


def lstm_cell(x, h, c, Wx, Wh, b):
    """One LSTM step without peepholes, gates (i, f, g, o); h, c may be None (zeros)."""
    if h is None:
        h = torch.zeros(x.shape[0], Wh.shape[1], dtype=x.dtype)
        c = h
    return torch.lstm_cell(x, (h, c), Wx, Wh, b, None)


def lstm_seq(x, Wx, Wh, b):
    """A whole sequence x (T,B,I) through one LSTM layer from a zero state -> (T,B,H)."""
    H = Wh.shape[1]
    h0 = torch.zeros(1, x.shape[1], H, dtype=x.dtype)
    out, _, _ = torch.lstm(x, (h0, h0), [Wx, Wh, b, torch.zeros_like(b)], True, 1, 0.0, torch.is_grad_enabled(), False, False)
    return out


# ---------------------------------------------------------------------------
# MNIST soft-attention classifier (engine/attention/gl_attn.h)

STEPS, LOC, CH = 10, 196, 12
MU_C, MU_R, SIG0, RHO_R = 6.5, 7.0, 2.0, 0.9


class Attention:
    def __init__(self, path, requires_grad=False):
        self.p, meta = load_params(path, requires_grad)
        self.key = meta["key"]
        self.H = int(meta["hidden"])
        self.cin = 3 if int(meta.get("coord_channels", "0")) else 1
        # The conv's extra input channels: each pixel's column x and row y,
        # mapped to [-1, 1] (x/13.5 - 1); the zero padding pads them too.
        r = torch.arange(28, dtype=torch.float32) / 13.5 - 1
        self.coords = torch.stack([r.view(1, 28).expand(28, 28), r.view(28, 1).expand(28, 28)])
        gy, gx = torch.meshgrid(torch.arange(14.0), torch.arange(14.0), indexing="ij")
        self.grid_x, self.grid_y = gx.reshape(LOC), gy.reshape(LOC)   # location l = row*14 + col

    def params(self):
        return self.p

    def volume(self, img):
        """img (B,784) in [0,1] -> V (B,196,12): conv 5x5 same + ReLU + 2x2 max-pool."""
        B = img.shape[0]
        x = img.view(B, 1, 28, 28)
        if self.cin == 3:
            x = torch.cat([x, self.coords.unsqueeze(0).expand(B, 2, 28, 28)], 1)
        w = self.p["conv.w"].view(CH, self.cin, 5, 5)   # conv.w (12, 25*cin): channel, dy, dx
        v = F.max_pool2d(F.relu(F.conv2d(x, w, self.p["conv.b"], padding=2)), 2)
        return v.flatten(2).transpose(1, 2)

    def logits(self, kout, V):
        """Key output (B,K) -> attention logits over the 196 locations (B,196)."""
        if self.key == "softmax":
            return kout
        if self.key == "feature":
            return torch.bmm(V, kout.unsqueeze(2)).squeeze(2)
        # Gaussian: μ = 6.5 + 7 tanh(p), σ = 2 exp(clamp(p, -6, 4)) in grid
        # cells, ρ = 0.9 tanh(p); logit = unnormalised log density.
        mx = MU_C + MU_R * torch.tanh(kout[:, 0:1])
        my = MU_C + MU_R * torch.tanh(kout[:, 1:2])
        sx = SIG0 * torch.exp(kout[:, 2:3].clamp(-6.0, 4.0))
        sy = SIG0 * torch.exp(kout[:, 3:4].clamp(-6.0, 4.0))
        rho = RHO_R * torch.tanh(kout[:, 4:5])
        a = (self.grid_x - mx) / sx
        b = (self.grid_y - my) / sy
        return -(a * a + b * b - 2 * rho * a * b) / (2 * (1 - rho * rho))

    def forward(self, img):
        """-> masks (S,B,196), class log-probabilities after each glimpse (S,B,10)."""
        p = self.p
        V = self.volume(img)
        B = V.shape[0]
        left = torch.ones(B, 1)
        x = torch.cat([V.mean(1), left], 1)   # x_1 = [mean_l V_l, steps left 10/10]
        h = c = None
        masks, logp = [], []
        for s in range(STEPS + 1):
            h, c = lstm_cell(x, h, c, p["lstm.wx"], p["lstm.wh"], p["lstm.b"])
            if s >= 1:
                logp.append(F.log_softmax(F.linear(h, p["cls.w"], p["cls.b"]), 1))
            if s < STEPS:
                mask = F.softmax(self.logits(F.linear(h, p["key.w"], p["key.b"]), V), 1)
                masks.append(mask)
                glimpse = torch.bmm(mask.unsqueeze(1), V).squeeze(1)
                x = torch.cat([glimpse, left * ((STEPS - s - 1) / STEPS)], 1)   # steps left (10 - t)/10
        return torch.stack(masks), torch.stack(logp)

    def loss(self, img, labels, aux=0.2):
        """The trainer's loss: mean cross-entropy of the last step plus aux/9 of each earlier one."""
        masks, logp = self.forward(img)
        loss = F.nll_loss(logp[-1], labels)
        for s in range(STEPS - 1):
            loss = loss + aux / (STEPS - 1) * F.nll_loss(logp[s], labels)
        return loss, masks, logp


# ---------------------------------------------------------------------------
# Handwriting prediction and synthesis (engine/handwriting/gl_hw.h)

def mdn_nll(y, target, M):
    """Per-point −log p of targets (…,3) under raw outputs y (…,1+6M) (Graves eq. 18-26)."""
    eh, pih = y[..., 0], y[..., 1:1 + M]
    mu1, mu2 = y[..., 1 + M:1 + 2 * M], y[..., 1 + 2 * M:1 + 3 * M]
    s1h, s2h, rh = y[..., 1 + 3 * M:1 + 4 * M], y[..., 1 + 4 * M:1 + 5 * M], y[..., 1 + 5 * M:]
    x1, x2, x3 = target[..., 0:1], target[..., 1:2], target[..., 2]
    rho = torch.tanh(rh)
    omr = (1 - rho * rho).clamp(min=1e-6)
    d1 = (x1 - mu1) * torch.exp(-s1h)
    d2 = (x2 - mu2) * torch.exp(-s2h)
    Z = d1 * d1 + d2 * d2 - 2 * rho * d1 * d2
    logN = -math.log(2 * math.pi) - s1h - s2h - 0.5 * torch.log(omr) - Z / (2 * omr)
    logp = torch.logsumexp(F.log_softmax(pih, -1) + logN, -1)
    # e = 1/(1+exp(ê)) is the probability that the pen lifts
    le = torch.where(x3 > 0.5, F.softplus(eh), F.softplus(-eh))
    return -logp + le


def _clip_grad(t, lim):
    if t.requires_grad and lim > 0:
        t.register_hook(lambda g: g.clamp(-lim, lim))
    return t


class Handwriting:
    def __init__(self, path, requires_grad=False):
        self.p, meta = load_params(path, requires_grad)
        self.L, self.H = int(meta["layers"]), int(meta["cells"])
        self.M, self.K = int(meta["mixtures"]), int(meta["window_gaussians"])
        self.alphabet = meta.get("alphabet", "")
        self.C = len(self.alphabet) if self.K > 0 else 0
        self.mean = [float(meta["mean_x"]), float(meta["mean_y"])]
        self.std = [float(meta["std_x"]), float(meta["std_y"])]

    def params(self):
        return self.p

    def window(self, h0, kprev, onehot, upos, umask):
        """Soft window (eq. 46-51). h0 (B,H); onehot (B,Umax,C); upos (Umax+1) = 1..Umax+1;
        umask (B,Umax+1) = 1 for u <= U_b (entry U_b: φ(t,U_b+1), the end-of-text test). -> κ (B,K), φ (B,Umax+1), w (B,C)."""
        K = self.K
        pr = F.linear(h0, self.p["window.W"], self.p["window.b"])
        ah, bh, kh = pr[:, :K], pr[:, K:2 * K], pr[:, 2 * K:]
        kappa = kprev + torch.exp(kh)
        d = kappa.unsqueeze(2) - upos                                  # (B,K,Umax+1)
        phi = torch.exp(ah.unsqueeze(2) - torch.exp(bh).unsqueeze(2) * d * d).sum(1) * umask
        w = torch.bmm(phi[:, None, :-1], onehot).squeeze(1)            # φ(t, U_b+1) is no character
        return kappa, phi, w

    def text_tensors(self, chars, U):
        """chars (B,Umax) indices, U (B) lengths -> onehot (B,Umax,C) (zero rows past U_b), upos, umask."""
        B, Umax = chars.shape
        u = torch.arange(Umax + 1)
        umask = (u.unsqueeze(0) <= U.unsqueeze(1)).float()
        onehot = F.one_hot(chars.long(), self.C).float() * (u[:Umax].unsqueeze(0) < U.unsqueeze(1)).float().unsqueeze(2)
        return onehot, (u + 1).float(), umask

    def forward(self, x, chars=None, U=None, clip_lstm=0.0):
        """x (T,B,3) normalised inputs -> y (T,B,1+6M) raw outputs [, φ (T,B,Umax+1), κ (T,B,K)].
        clip_lstm > 0 clamps the gradient reaching each layer's h_t (glimpse's trainer: 10)."""
        p, T, B, H = self.p, x.shape[0], x.shape[1], self.H
        hs, phis, kappas = [], None, None
        if self.K == 0:
            inp = x
            for l in range(self.L):
                h = lstm_seq(inp, p[f"lstm{l}.Wx"], p[f"lstm{l}.Wh"], p[f"lstm{l}.b"])
                hs.append(h)
                inp = torch.cat([x, h], 2)
        else:
            # layer 1 and the window step by step (w_{t-1} feeds layer 1 at t);
            # the layers above see whole sequences [x_t, w_t, h^{n-1}_t].
            onehot, upos, umask = self.text_tensors(chars, U)
            h = c = None
            kappa = torch.zeros(B, self.K)
            w = torch.zeros(B, self.C)
            h0s, ws, phis, kappas = [], [], [], []
            Wx, Wh, b = p["lstm0.Wx"], p["lstm0.Wh"], p["lstm0.b"]
            for t in range(T):
                h, c = lstm_cell(torch.cat([x[t], w], 1), h, c, Wx, Wh, b)
                h = _clip_grad(h, clip_lstm)
                kappa, phi, w = self.window(h, kappa, onehot, upos, umask)
                h0s.append(h); ws.append(w); phis.append(phi); kappas.append(kappa)
            hs.append(torch.stack(h0s))
            wseq = torch.stack(ws)
            phis, kappas = torch.stack(phis), torch.stack(kappas)
            for l in range(1, self.L):
                inp = torch.cat([x, wseq, hs[-1]], 2)
                hs.append(lstm_seq(inp, p[f"lstm{l}.Wx"], p[f"lstm{l}.Wh"], p[f"lstm{l}.b"]))
        if clip_lstm > 0:
            hs = [_clip_grad(h, clip_lstm) if (l > 0 or self.K == 0) else h for l, h in enumerate(hs)]
        y = F.linear(torch.cat(hs, 2), p["out.W"], p["out.b"])
        return y, phis, kappas

    def loss(self, x, target, mask, chars=None, U=None, clip_y=100.0, clip_lstm=10.0):
        """Summed NLL over the points (mask) and the per-point mean whose gradient
        the trainer uses, with its derivative clipping (outputs ±100, LSTM ±10)."""
        y, phi, kappa = self.forward(x, chars, U, clip_lstm)
        npts = mask.sum()
        _clip_grad(y, clip_y)
        total = (mdn_nll(y, target, self.M) * mask).sum()
        return total, total / npts, y, phi, kappa

    def mixture(self, y, bias):
        """Raw outputs (…,1+6M) -> e, π, μ (…,M,2), σ (…,M,2), ρ in raw units with bias b (§5.4):
        π = softmax(π̂ (1+b)), σ = exp(σ̂ − b)."""
        M = self.M
        mean, std = torch.tensor(self.mean), torch.tensor(self.std)
        e = torch.sigmoid(-y[..., 0])
        pi = F.softmax(y[..., 1:1 + M] * (1 + bias), -1)
        mu = torch.stack([y[..., 1 + M:1 + 2 * M], y[..., 1 + 2 * M:1 + 3 * M]], -1) * std + mean
        sig = torch.exp(torch.stack([y[..., 1 + 3 * M:1 + 4 * M], y[..., 1 + 4 * M:1 + 5 * M]], -1) - bias) * std
        return e, pi, mu, sig, torch.tanh(y[..., 1 + 5 * M:])

    # --- one step at a time (sampling): state (h, c per layer, κ, w)
    def init_state(self, B=1):
        z = torch.zeros(B, self.H)
        return [(z, z) for _ in range(self.L)], torch.zeros(B, max(self.K, 1)), torch.zeros(B, max(self.C, 1))

    def step(self, x, state, onehot=None, upos=None, umask=None):
        """One point x (B,3) -> y (B,NY), φ, new state."""
        p = self.p
        hc, kappa, w = state
        new, phi, prev = [], None, None
        for l in range(self.L):
            parts = [x] + ([w] if self.K else []) + ([prev] if l else [])
            h, c = lstm_cell(torch.cat(parts, 1), hc[l][0], hc[l][1], p[f"lstm{l}.Wx"], p[f"lstm{l}.Wh"], p[f"lstm{l}.b"])
            if l == 0 and self.K:
                kappa, phi, w = self.window(h, kappa, onehot, upos, umask)
            new.append((h, c))
            prev = h
        y = F.linear(torch.cat([h for h, _ in new], 1), p["out.W"], p["out.b"])
        return y, phi, (new, kappa, w)


# ---------------------------------------------------------------------------
# DRAW (engine/draw/gl_draw.h)

A = 28
D = A * A
FB_EPS = 1e-8


class Draw:
    def __init__(self, path, requires_grad=False):
        self.p, meta = load_params(path, requires_grad)
        self.att = int(meta["attention"]) == 1
        self.T, self.Z = int(meta["steps"]), int(meta["z"])
        self.rn, self.wn = int(meta["read_n"]), int(meta["write_n"])
        self.E, self.H = int(meta["enc"]), int(meta["dec"])
        self.pos = torch.arange(1, A + 1, dtype=torch.float32)   # pixel positions 1..A

    def params(self):
        return self.p

    def window(self, p5, N):
        """(g̃x, g̃y, log σ², log δ̃, log γ) (B,5) -> gx, gy, δ, σ², γ (each (B,1)) (eq. 22-24)."""
        gx = (A + 1) / 2 * (p5[:, 0:1] + 1)
        gy = (A + 1) / 2 * (p5[:, 1:2] + 1)
        s2 = torch.exp(p5[:, 2:3])
        delta = (A - 1) / max(N - 1, 1) * torch.exp(p5[:, 3:4])
        return gx, gy, delta, s2, torch.exp(p5[:, 4:5])

    def filterbank(self, p5, N):
        """-> Fx, Fy (B,N,A), rows normalised to 1 (+1e-8 in the normaliser), γ (B,1,1)."""
        gx, gy, delta, s2, gamma = self.window(p5, N)
        off = torch.arange(N, dtype=torch.float32) - (N - 1) / 2   # μ_i = g + (i − N/2 − 0.5) δ, i = 1..N
        def bank(g):
            mu = (g + off * delta).unsqueeze(2)                       # (B,N,1)
            f = torch.exp(-(self.pos - mu) ** 2 / (2 * s2.unsqueeze(2)))
            return f / (f.sum(2, keepdim=True) + FB_EPS)
        return bank(gx), bank(gy), gamma.unsqueeze(2)

    def read(self, x, xhat, hdec):
        B = x.shape[0]
        if not self.att:
            return torch.cat([x, xhat], 1)
        Fx, Fy, gamma = self.filterbank(F.linear(hdec, self.p["read_attn.W"], self.p["read_attn.b"]), self.rn)
        imgs = torch.stack([x, xhat], 1).view(B, 2, A, A)
        patch = gamma.unsqueeze(1) * (Fy.unsqueeze(1) @ imgs @ Fx.transpose(1, 2).unsqueeze(1))   # γ Fy x Fxᵀ
        return patch.reshape(B, 2 * self.rn * self.rn)

    def write(self, hdec):
        wp = F.linear(hdec, self.p["write.W"], self.p["write.b"])
        if not self.att:
            return wp
        B, N = hdec.shape[0], self.wn
        Fx, Fy, gamma = self.filterbank(F.linear(hdec, self.p["write_attn.W"], self.p["write_attn.b"]), N)
        return (Fy.transpose(1, 2) @ wp.view(B, N, N) @ Fx / gamma).reshape(B, D)   # (1/γ̂) F̂yᵀ w F̂x

    def forward(self, x, eps):
        """x (B,784) binary, eps (T,B,Z) -> bound (mean nats), recon, kl, c_T (B,784)."""
        p, B = self.p, x.shape[0]
        canvas = p["canvas0"].expand(B, D)
        hd = torch.zeros(B, self.H)
        he = ce = cd = None
        hd_state = None
        kl = 0
        for t in range(self.T):
            xhat = x - torch.sigmoid(canvas)
            r = self.read(x, xhat, hd)
            he, ce = lstm_cell(torch.cat([r, hd], 1), he, ce, p["enc.Wx"], p["enc.Wh"], p["enc.b"])
            q = F.linear(he, p["q.W"], p["q.b"])
            mu, logsig = q[:, :self.Z], q[:, self.Z:]
            z = mu + torch.exp(logsig) * eps[t]
            kl = kl + 0.5 * (mu * mu + torch.exp(2 * logsig) - 2 * logsig - 1).sum()
            hd, cd = lstm_cell(z, hd_state, cd, p["dec.Wx"], p["dec.Wh"], p["dec.b"])
            hd_state = hd
            canvas = canvas + self.write(hd)
        recon = F.binary_cross_entropy_with_logits(canvas, x, reduction="sum") / B
        kl = kl / B
        return recon + kl, recon, kl, canvas

    def run(self, img=None, z=None):
        """One sample, step by step: reconstruction of img (B=1, z_t = μ_t) or generation from
        z (T,Z). -> canvases σ(c_t) (T,784), read and write windows (T,5) as (gx, gy, δ, σ², γ)."""
        p = self.p
        canvas = p["canvas0"].view(1, D)
        hd = torch.zeros(1, self.H)
        hd_state = he = ce = cd = None
        cans, reads, writes = [], [], []
        for t in range(self.T):
            if img is not None:
                if self.att:
                    reads.append(torch.cat(self.window(F.linear(hd, p["read_attn.W"], p["read_attn.b"]), self.rn), 1))
                r = self.read(img, img - torch.sigmoid(canvas), hd)
                he, ce = lstm_cell(torch.cat([r, hd], 1), he, ce, p["enc.Wx"], p["enc.Wh"], p["enc.b"])
                zt = F.linear(he, p["q.W"], p["q.b"])[:, :self.Z]
            else:
                zt = z[t:t + 1]
            hd, cd = lstm_cell(zt, hd_state, cd, p["dec.Wx"], p["dec.Wh"], p["dec.b"])
            hd_state = hd
            if self.att:
                writes.append(torch.cat(self.window(F.linear(hd, p["write_attn.W"], p["write_attn.b"]), self.wn), 1))
            canvas = canvas + self.write(hd)
            cans.append(torch.sigmoid(canvas))
        cat = lambda v: torch.cat(v) if v else None
        return cat(cans), cat(reads), cat(writes)
