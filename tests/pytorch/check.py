"""Checks one model's PyTorch trainer (pytorch/train.py) against glimpse.

  check.py --glimpse build/glimpse --hw-corpus build/tests/pytorch/hw_corpus --case NAME --work DIR

- a 2-process CPU torchrun (gloo) run of a few steps: glimpse loads its weights and `glimpse eval`
  prints the figure the trainer printed (equal to the last digit glimpse prints, which is where
  float rounding can first show), the tensor names are those of glimpse's shipped file of that
  model, and the metadata says how it was trained;
- --curve: the same run on 1 process gives the same loss at each of 20 steps (to float tolerance,
  relative 2e-5) and the loss moved;
- draw cases also: a 1-process run stopped after 10 steps and resumed repeats the uninterrupted
  run's curve bit for bit; glimpse's weights start a PyTorch run (--init) and PyTorch's start a
  glimpse run (`glimpse train draw --init`).
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys

sys.dont_write_bytecode = True   # no __pycache__ in the checkout
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "reference"))
import st  # noqa: E402

TRAIN = os.path.join(ROOT, "pytorch", "train.py")
MNIST = os.path.join(ROOT, "data", "mnist")
CURVE_TOL = 2e-5

# case: trainer arguments, glimpse eval arguments (WEIGHTS replaced), shipped file with the tensor names
DRAW_SMALL = ["--steps", "4", "--enc", "24", "--dec", "24", "-z", "6", "--batch", "10", "--limit", "100",
              "--eval-limit", "30"]
HW_SMALL = ["--lines", "40", "--layers", "3", "--cells", "12", "--mixtures", "3", "--batch", "6", "--heldout-lines",
            "50"]
CASES = {
    "attention_softmax": (["attention", "--key", "softmax", "--hidden", "16", "--batch", "10", "--limit", "200",
                           "--eval-limit", "60"], ["eval", "attention", "--model", "W", "--limit", "60"],
                          "attention-softmax.safetensors"),
    "attention_gaussian": (["attention", "--key", "gaussian", "--hidden", "16", "--batch", "10", "--limit", "200",
                            "--eval-limit", "60"], ["eval", "attention", "--model", "W", "--limit", "60"],
                           "attention-gaussian.safetensors"),
    "attention_feature": (["attention", "--key", "feature", "--hidden", "16", "--batch", "10", "--limit", "200",
                           "--eval-limit", "60"], ["eval", "attention", "--model", "W", "--limit", "60"],
                          "attention-feature.safetensors"),
    "draw_attention": (["draw"] + DRAW_SMALL + ["--read", "2", "--write", "3"],
                       ["eval", "draw", "--weights", "W", "--limit", "30"], "draw-attention.safetensors"),
    "draw_noattention": (["draw", "--no-attention"] + DRAW_SMALL, ["eval", "draw", "--weights", "W", "--limit", "30"],
                         "draw-noattention.safetensors"),
    "prediction": (["prediction"] + HW_SMALL, ["eval", "handwriting", "--model", "W", "--data", "hershey",
                                         "--lines", "50"], "handwriting-predict.safetensors"),
    "synthesis": (["synthesis", "--window", "2"] + HW_SMALL, ["eval", "handwriting", "--model", "W", "--data",
                                                              "hershey", "--lines", "50"],
                  "handwriting-synth.safetensors"),
    "cluttered": (["cluttered", "--glimpses", "3", "--read", "4", "--hidden", "12", "--batch", "6", "--limit", "100",
                   "--eval-limit", "20"], ["eval", "cluttered", "--weights", "W", "--limit", "20"],
                  "cluttered-attention.safetensors"),
}
NUM = re.compile(r"-?\d+(?:\.\d+)?")


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


HANG_S = 200   # one command's limit (each takes seconds); under meson's 300 so a hang is named, not just killed


def run(cmd, env, what):
    """Runs cmd in its own process group; one that does not end in HANG_S is killed with all its processes
    (torchrun's workers too) and its output so far printed."""
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         start_new_session=True)
    try:
        out, _ = p.communicate(timeout=HANG_S)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        print(out[-4000:])
        fail(f"{what} did not end in {HANG_S} s: {' '.join(cmd)}")
    if p.returncode:
        print(out[-4000:])
        fail(f"{what} exited with {p.returncode}: {' '.join(cmd)}")
    return out


def figure_lines(text):
    """The evaluation's lines (those glimpse's eval prints too)."""
    keep = ("attention/", "test bound", "test error", "on ", "last box", "held-out", "loss:")
    out = []
    for ln in text.splitlines():
        ln = re.sub(r"^\[default\d+\]:", "", ln)
        if ln.startswith(keep) and not ln.startswith("step "):
            out.append(re.sub(r" \(\d+\.\d s\)$", "", ln))   # glimpse adds its time
    return out


def same_figures(mine, theirs):
    """Every number equal up to one unit of the last digit printed; the words equal."""
    if len(mine) != len(theirs):
        return False
    for a, b in zip(mine, theirs):
        if NUM.sub("#", a) != NUM.sub("#", b):
            return False
        for x, y in zip(NUM.findall(a), NUM.findall(b)):
            unit = 10.0 ** -(len(x.split(".")[1]) if "." in x else 0)
            if abs(float(x) - float(y)) > unit * 1.0001:
                return False
    return True


def free_port():
    with socket.socket() as sk:
        sk.bind(("127.0.0.1", 0))
        return sk.getsockname()[1]


def curve(path):
    with open(path) as f:
        return [json.loads(ln)["loss"] for ln in f if ln.strip()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--glimpse", required=True)
    ap.add_argument("--hw-corpus", required=True)
    ap.add_argument("--case", required=True, choices=sorted(CASES))
    ap.add_argument("--work", required=True)
    ap.add_argument("--curve", action="store_true")
    a = ap.parse_args()
    targs, eargs, shipped = CASES[a.case]
    work = os.path.join(a.work, a.case)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               GLIMPSE_THREADS="1", PYTHONUNBUFFERED="1")
    py = sys.executable
    extra = ["--hw-corpus", a.hw_corpus, "--corpus-dir", work] if targs[0] in ("prediction", "synthesis") else \
        ["--data", MNIST] + (["--cache", work] if targs[0] == "draw" else [])
    steps = "20" if a.curve else "4"
    base = targs + extra + ["--iters", steps, "--print-every", "5", "--device", "cpu"]
    # Debian's torch 1.13 under Python 3.11: torchrun's default --redirects/--tee ("0") fail to parse
    # (Python 3.11's enum.Flag); naming a stream works around it. The static rendezvous on a free port:
    # --standalone always takes port 29400, so two tests at once would share one rendezvous store.
    tr = [py, "-m", "torch.distributed.run", "--nnodes", "1", "--master_addr", "127.0.0.1", "--master_port",
          str(free_port()), "--nproc_per_node", "2", "--redirects", "2", "--tee", "2"]
    w2 = os.path.join(work, "ddp2.safetensors")
    out2 = run(tr + [TRAIN] + base + ["--out", w2, "--log", os.path.join(work, "l2.jsonl")], env, "2-process torchrun")
    mine = figure_lines(out2)
    if not mine:
        print(out2[-3000:])
        fail("the trainer printed no evaluation")
    ge = [a.glimpse] + [w2 if x == "W" else x for x in eargs]
    theirs = figure_lines(run(ge, env, "glimpse eval"))
    print("trainer:", *mine, sep="\n  ")
    print("glimpse:", *theirs, sep="\n  ")
    if not same_figures(mine, theirs):
        fail("glimpse's evaluation of the trainer's weights differs from the trainer's own")
    ts, meta = st.load(w2)
    ref, _ = st.load(os.path.join(ROOT, "assets", shipped))
    names = sorted(k for k in ref if not k.startswith("adam."))
    if sorted(ts) != names:
        fail(f"tensor names {sorted(ts)} are not glimpse's {names}")
    if "2 processes" not in meta.get("trained_with", "") or "gloo" not in meta.get("trained_with", ""):
        fail(f"metadata trained_with = {meta.get('trained_with')!r}")
    if int(meta.get("iter", "-1")) != int(steps) or "train_seconds" not in meta or "digest" not in meta:
        fail(f"metadata lacks the steps, train_seconds or digest: {meta}")
    print(f"ok: glimpse loads the 2-process weights and evaluates them as the trainer did; trained_with "
          f"'{meta['trained_with']}'")
    if a.curve:
        w1 = os.path.join(work, "one.safetensors")
        run([py, TRAIN] + base + ["--out", w1, "--log", os.path.join(work, "l1.jsonl"), "--no-eval"], env,
            "1-process run")
        c1, c2 = curve(os.path.join(work, "l1.jsonl")), curve(os.path.join(work, "l2.jsonl"))
        if len(c1) != 20 or len(c2) != 20:
            fail(f"curves of {len(c1)} and {len(c2)} steps, not 20")
        worst = max(abs(x - y) / max(abs(x), 1e-12) for x, y in zip(c1, c2))
        print("step  1 process            2 processes")
        for i in (0, 1, 9, 19):
            print(f"{i:4d}  {c1[i]:.9g}  {c2[i]:.9g}")
        print(f"worst relative difference over 20 steps: {worst:.3g} (tolerance {CURVE_TOL})")
        if not worst <= CURVE_TOL:
            fail("the 2-process loss curve differs from the 1-process one")
        if not abs(c1[19] - c1[0]) > 50 * CURVE_TOL * abs(c1[0]):
            fail("the loss did not move over 20 steps: the comparison would say nothing")
        if targs[0] == "draw":
            check_resume_and_init(a, base, work, env, py, c1)


def check_resume_and_init(a, base, work, env, py, c1):
    wr = os.path.join(work, "split.safetensors")
    lr = os.path.join(work, "lr.jsonl")
    run([py, TRAIN] + base + ["--out", wr, "--log", lr, "--stop-after", "10", "--no-eval"], env, "first part")
    run([py, TRAIN] + base + ["--out", wr, "--log", lr, "--resume", "--no-eval"], env, "resumed part")
    cr = curve(lr)
    if cr != c1:
        fail(f"stopped and resumed, the curve differs from the uninterrupted run's: {cr} vs {c1}")
    print("ok: stopped after 10 steps and resumed, the 20 losses equal the uninterrupted run's bit for bit")
    left = [f for f in os.listdir(work) if ".tmp." in f]
    if left:
        fail(f"temporary files left: {left}")
    # glimpse -> PyTorch -> glimpse
    att = "--no-attention" not in base
    g0 = os.path.join(work, "glimpse0.safetensors")
    gargs = ["train", "draw", "--steps", "4", "--enc", "24", "--dec", "24", "-z", "6", "--batch", "10", "--limit",
             "20", "--epochs", "1", "--no-eval", "--seed", "3", "--data", MNIST]
    gargs += ["--read", "2", "--write", "3"] if att else ["--no-attention"]
    run([a.glimpse] + gargs + ["--out", g0], env, "glimpse train draw")
    wi = os.path.join(work, "from-glimpse.safetensors")
    run([py, TRAIN] + base[:base.index("--iters")] + ["--iters", "2", "--init", g0, "--out", wi],
        env, "train.py --init glimpse's")
    ts, meta = st.load(wi)
    if not meta.get("init_from", "").startswith("glimpse0.safetensors"):
        fail(f"init_from = {meta.get('init_from')!r}")
    g1 = os.path.join(work, "glimpse1.safetensors")
    run([a.glimpse] + gargs + ["--out", g1, "--init", wi], env, "glimpse train draw --init PyTorch's")
    _, m1 = st.load(g1)
    if not m1.get("init_from", "").startswith("from-glimpse.safetensors"):
        fail(f"glimpse's init_from = {m1.get('init_from')!r}")
    print("ok: glimpse's weights start a PyTorch run, and its weights a glimpse run")


if __name__ == "__main__":
    main()
