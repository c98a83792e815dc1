"""Checks one glimpse model against its PyTorch twin on the same weights and inputs.

  compare.py --dump build/tests/reference/ref_dump --model attention|handwriting|draw \
             --weights assets/X.safetensors [--mnist data/mnist] [--keep OUT.safetensors]

ref_dump (C, libglimpse) writes the inputs, outputs, loss and one minibatch's
parameter gradients; this script recomputes them with twins.py in float32
(gradients by autograd), prints the worst relative error of every tensor and
exits 1 when an output differs by more than 1e-4 or a gradient by more than
1e-3.

Relative error of a tensor: max_i |a_i − b_i| / max_i |b_i| (b: glimpse),
i.e. the largest difference measured against the tensor's own scale.
Element-wise relative errors would be dominated by entries that are zero up
to rounding (attention masks of 1e-20 far from the glimpse, gradients of
weights that barely matter), where float32 sums in a different order
legitimately disagree in every digit; the scale-relative error still catches
any wrong entry that matters, including a wrong sign or a wrong index.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import st  # noqa: E402
import twins  # noqa: E402

OUT_TOL, GRAD_TOL = 1e-4, 1e-3


class Report:
    def __init__(self, label):
        self.label, self.rows, self.bad = label, [], 0

    def check(self, name, twin, ref, tol):
        twin = twin.detach().double().numpy() if torch.is_tensor(twin) else np.asarray(twin, dtype=np.float64)
        ref = np.asarray(ref, dtype=np.float64)
        if twin.size != ref.size:
            self.rows.append((name, float("inf"), tol, f"shape {twin.shape} vs glimpse {ref.shape}"))
            self.bad += 1
            return
        twin, ref = twin.reshape(ref.shape), ref
        scale = np.abs(ref).max() if ref.size else 0.0
        diff = np.abs(twin - ref).max() if ref.size else 0.0
        err = diff / max(scale, 1e-30)
        if not np.isfinite(twin).all():
            err = float("inf")
        note = f"scale {scale:.3g}"
        self.rows.append((name, err, tol, note))
        if not err <= tol:
            self.bad += 1

    def print(self):
        print(f"{self.label}: twin vs glimpse, worst relative error per tensor")
        for name, err, tol, note in self.rows:
            flag = "ok" if err <= tol else "MISMATCH"
            print(f"  {name:28s} {err:10.3e}  (tol {tol:.0e}, {note})  {flag}")
        worst_o = max([e for n, e, t, _ in self.rows if t == OUT_TOL] or [0])
        worst_g = max([e for n, e, t, _ in self.rows if t == GRAD_TOL] or [0])
        print(f"{self.label}: worst output error {worst_o:.3e}, worst gradient error {worst_g:.3e}; "
              f"{len(self.rows) - self.bad} of {len(self.rows)} tensors within tolerance")


def grads(model, ref, rep):
    for name, p in model.params().items():
        g = ref.get("grad." + name)
        if g is None:
            rep.rows.append(("grad." + name, float("inf"), GRAD_TOL, "missing in glimpse's dump"))
            rep.bad += 1
            continue
        rep.check("grad." + name, p.grad if p.grad is not None else torch.zeros_like(p), g, GRAD_TOL)


def check_attention(ref, weights, label):
    m = twins.Attention(weights, requires_grad=True)
    img = torch.from_numpy(ref["in.img"])
    labels = torch.from_numpy(ref["in.labels"]).long()
    rep = Report(label)
    loss, masks, logp = m.loss(img, labels, float(ref["in.aux"][0]))
    loss.backward()
    rep.check("mask (4 digits, 10 steps)", masks, ref["out.mask"], OUT_TOL)
    rep.check("class probabilities", logp.exp(), ref["out.probs"], OUT_TOL)
    rep.check("loss", loss, ref["loss"], OUT_TOL)
    grads(m, ref, rep)
    with torch.no_grad():
        masks1, logp1 = m.forward(img[:1])
        rep.check("one-digit run: mask", masks1[:, 0], ref["out.run_mask"], OUT_TOL)
        rep.check("one-digit run: probabilities", logp1[:, 0].exp(), ref["out.run_probs"], OUT_TOL)
        rep.check("one-digit run: volume sum", m.volume(img[:1])[0].sum(1), ref["out.run_volume_sum"], OUT_TOL)
    return rep


def check_handwriting(ref, weights, label):
    m = twins.Handwriting(weights, requires_grad=True)
    synth = m.K > 0
    x, tgt, mask = (torch.from_numpy(ref[k]) for k in ("in.x", "in.target", "in.mask"))
    chars = torch.from_numpy(ref["in.chars"]).long() if synth else None
    U = torch.from_numpy(ref["in.U"]).long() if synth else None
    rep = Report(label)
    total, per_point, y, phi, kappa = m.loss(x, tgt, mask, chars, U)
    per_point.backward()
    valid = torch.from_numpy(ref["in.mask"]).bool()
    # outputs at padded steps are not part of the model's answer (glimpse computes them on zero input, so does the twin)
    rep.check("mixture outputs y (raw)", y[valid], ref["out.y"][ref["in.mask"] > 0], OUT_TOL)
    if synth:
        rep.check("window phi", phi[valid], ref["out.phi"][ref["in.mask"] > 0], OUT_TOL)
        rep.check("window kappa", kappa[valid], ref["out.kappa"][ref["in.mask"] > 0], OUT_TOL)
        onehot, _, _ = m.text_tensors(chars, U)
        w = torch.einsum("tbu,buc->tbc", phi[:, :, :-1], onehot)
        rep.check("window w", w[valid], ref["out.w"][ref["in.mask"] > 0], OUT_TOL)
    rep.check("loss (summed NLL)", total, ref["loss"], OUT_TOL)
    rep.check("points", mask.sum(), ref["in.npoints"], 0)
    grads(m, ref, rep)
    # generation: feed back glimpse's sampled points, compare every step's mixture (bias applied)
    with torch.no_grad():
        gx = torch.from_numpy(ref["in.gen_x"])
        bias = float(ref["in.gen_bias"][0])
        state = m.init_state(1)
        extra = {}
        if synth:
            gc = torch.from_numpy(ref["in.gen_chars"]).long().view(1, -1)
            onehot, upos, umask = m.text_tensors(gc, torch.tensor([gc.shape[1]]))
            extra = dict(onehot=onehot, upos=upos, umask=umask)
        ys, phis, kaps = [], [], []
        for t in range(gx.shape[0]):
            yt, ph, state = m.step(gx[t:t + 1], state, **extra)
            ys.append(yt)
            if synth:
                phis.append(ph)
                kaps.append(state[1])
        e, pi, mu, sig, rho = m.mixture(torch.cat(ys), bias)
        n = gx.shape[0]
        rep.check(f"generation ({n} steps): e", e, ref["out.gen_e"], OUT_TOL)
        rep.check("generation: pi", pi, ref["out.gen_pi"], OUT_TOL)
        rep.check("generation: mu", mu, ref["out.gen_mu"], OUT_TOL)
        rep.check("generation: sigma", sig, ref["out.gen_sigma"], OUT_TOL)
        rep.check("generation: rho", rho, ref["out.gen_rho"], OUT_TOL)
        if synth:
            rep.check("generation: phi", torch.cat(phis), ref["out.gen_phi"], OUT_TOL)
            rep.check("generation: kappa", torch.cat(kaps), ref["out.gen_kappa"], OUT_TOL)
    return rep


def check_draw(ref, weights, label):
    m = twins.Draw(weights, requires_grad=True)
    x, eps = torch.from_numpy(ref["in.x"]), torch.from_numpy(ref["in.eps"])
    rep = Report(label)
    bound, recon, kl, cT = m.forward(x, eps)
    bound.backward()
    rep.check("bound", bound, ref["loss"], OUT_TOL)
    rep.check("reconstruction term", recon, ref["out.recon"], OUT_TOL)
    rep.check("KL term", kl, ref["out.kl"], OUT_TOL)
    rep.check("canvas c_T (logits)", cT, ref["out.canvas_T"], OUT_TOL)
    grads(m, ref, rep)
    with torch.no_grad():
        for kind, args in (("rec", dict(img=x[:1])), ("gen", dict(z=torch.from_numpy(ref["in.gen_z"])))):
            what = "reconstruction" if kind == "rec" else "generation"
            cans, reads, writes = m.run(**args)
            rep.check(f"{what}: canvases", cans, ref[f"out.{kind}_canvas"], OUT_TOL)
            if m.att:
                if reads is not None:
                    rep.check(f"{what}: read windows", reads, ref[f"out.{kind}_read"], OUT_TOL)
                rep.check(f"{what}: write windows", writes, ref[f"out.{kind}_write"], OUT_TOL)
    return rep


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dump", required=True)
    ap.add_argument("--model", required=True, choices=["attention", "handwriting", "draw"])
    ap.add_argument("--weights", required=True)
    ap.add_argument("--mnist", default="data/mnist")
    ap.add_argument("--keep", help="keep glimpse's dump at this path")
    a = ap.parse_args()
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as tmp:
        out = a.keep or os.path.join(tmp, "ref.safetensors")
        cmd = [a.dump, a.model, a.weights] + ([] if a.model == "handwriting" else [a.mnist]) + [out]
        r = subprocess.run(cmd)
        if r.returncode != 0:
            print(f"FAIL: {' '.join(cmd)} exited with {r.returncode}")
            return 1
        ref, _ = st.load(out)
    label = f"{a.model} ({os.path.basename(a.weights)})"
    rep = {"attention": check_attention, "handwriting": check_handwriting, "draw": check_draw}[a.model](ref, a.weights, label)
    rep.print()
    return 1 if rep.bad else 0


if __name__ == "__main__":
    sys.exit(main())
