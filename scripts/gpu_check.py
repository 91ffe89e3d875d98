"""``make gpu-check``: the course's whole GPU validation in one call of at most 8 minutes on one H100 or H200.

    python scripts/gpu_check.py [--out DIR] [--budget SECONDS] [--carry carry] [--dry-run]
    python scripts/gpu_check.py --merge DIR/full_mode.json     # afterwards, here: add the GPU records

Stages, in order, each within what is left of ``--budget`` (default 450 s):

1. setup: the data sets from ``carry/data.tar.xz`` (``make carry-data`` packs ``../shared/data``; the GPU machine
   gets only the working tree) unpacked and verified; Python packages the machine lacks (nbval, nbclient,
   ipykernel, the book's d2l) installed from ``carry/wheels`` when there.
2. bench: ``benchmarks/bench_gpu.py``: the book's Trainer, d2lcore's (fp32, bf16) and a hand-written loop at VGG-224
   and ResNet-96: images/s, peak GPU memory, TFLOP/s against the device's peak.
3. records: full mode of 7.6, 8.2 and 8.6 at the book's sizes through ``scripts/record_full_mode.py``'s recorder:
   ``full_mode.json`` with ``<notebook>/cuda`` entries.
4. nbval: every notebook in quick mode on the GPU, several at once.

Everything is written to one folder (``$OUT`` when set, else ``runs/gpu-check``), as at most 8 files (what a GPU
machine sends back): summary.json, SUMMARY.md, bench.json, full_mode.json, nbval.json, log.txt. ``--dry-run`` runs
the same stages on the CPU at tiny sizes (the bench's dry run, a tiny training notebook through the recorder, nbval
collecting the notebooks without running them); ``tests/test_gpu_check.py`` runs it so the script cannot rot.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import importlib.util
import json
import os
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FULL_MODE = ("7.6_lenet", "8.2_vgg", "8.6_resnet")
NBVAL_RESERVE = 120  # seconds kept for the nbval stage, which runs last
NEEDED = {"nbval": "nbval", "nbclient": "nbclient", "ipykernel": "ipykernel", "d2l": "d2l"}  # module: package
TINY_NOTEBOOK = """import torch
import d2lcore as d2l
torch.manual_seed(0)
data = d2l.FashionMNIST(batch_size=32, resize=16)
data.train, data.val = (d2l.ImageSet(s.images[:96], s.labels[:96], 16) for s in (data.train, data.val))
trainer = d2l.Trainer(max_epochs=2, board=False)
trainer.fit(d2l.LeNet(lr=0.1), data)"""


class Check:
    """The run's output folder, log, time budget and stage results."""

    def __init__(self, out: Path, budget: float, dry_run: bool) -> None:
        self.out, self.dry_run, self.deadline = out, dry_run, time.monotonic() + budget
        self.log = out / "log.txt"
        self.stages: dict[str, dict] = {}
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), "D2LCORE_OFFLINE": "1", "MPLBACKEND": "Agg",
                    "PYTHONUNBUFFERED": "1"}  # fmt: skip
        if dry_run:
            self.env["CUDA_VISIBLE_DEVICES"] = ""  # the CPU, even on a GPU machine

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def write(self, text: str) -> None:
        with self.log.open("a") as f:
            f.write(text if text.endswith("\n") else text + "\n")

    def run(self, cmd: list[str], timeout: float, env: dict | None = None) -> tuple[int, float]:
        """Run ``cmd`` (its own process group) with its output appended to the log; (exit code or 124, seconds)."""
        self.write(f"$ {' '.join(cmd)}")
        tic = time.monotonic()
        with self.log.open("a") as log:
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env or self.env, stdout=log, stderr=subprocess.STDOUT,
                                    start_new_session=True)  # fmt: skip
            try:
                code = proc.wait(timeout=max(timeout, 1))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)  # the notebook kernels too
                proc.wait()
                code = 124
        return code, time.monotonic() - tic

    def stage(self, name: str, status: str, seconds: float, **details) -> None:
        self.stages[name] = {"status": status, "seconds": round(seconds, 1), **details}
        print(f"[gpu-check] {name}: {status} in {seconds:.0f} s {json.dumps(details)[:200]}", flush=True)


def setup(check: Check, carry: Path) -> None:
    """Unpack the data (or use D2LCORE_DATA), verify it, and make the missing packages importable."""
    tic = time.monotonic()
    archive = next((p for p in (carry / "data.tar.xz", carry / "data.tar") if p.exists()), None)
    if archive:
        target = Path(tempfile.mkdtemp(prefix="d2l-data-"))
        with tarfile.open(archive) as tar:
            tar.extractall(target, filter="data")
        check.env["D2LCORE_DATA"] = str(target)
    elif "D2LCORE_DATA" not in check.env and (ROOT.parent / "shared" / "data").is_dir():
        check.env["D2LCORE_DATA"] = str(ROOT.parent / "shared" / "data")
    verify = "import d2lcore as d2l; [d2l.find_data(n) for n in ('Fashion-MNIST', 'MNIST')]; print(d2l.describe())"
    missing = [pkg for mod, pkg in NEEDED.items() if importlib.util.find_spec(mod) is None]
    if missing and (carry / "wheels").is_dir():
        site = Path(tempfile.mkdtemp(prefix="d2l-site-"))
        pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-index", "--find-links", str(carry / "wheels")]
        check.run([*pip, "--target", str(site), *[p for p in missing if p != "d2l"]], 120)
        if "d2l" in missing:
            check.run([*pip, "--no-deps", "--target", str(site), "d2l"], 60)
        check.env["PYTHONPATH"] = f"{ROOT}{os.pathsep}{site}"
    code, _ = check.run([sys.executable, "-c", verify], 60)
    info = {"data": check.env.get("D2LCORE_DATA", "default"), "archive": str(archive) if archive else None,
            "missing packages": missing}  # fmt: skip
    if code:
        check.stage("setup", "failed", time.monotonic() - tic, **info)
        raise SystemExit(f"gpu-check: the data sets or packages are missing (see {check.log}); run make carry-data")
    check.stage("setup", "ok", time.monotonic() - tic, **info)


def bench(check: Check) -> None:
    cmd = [sys.executable, "benchmarks/bench_gpu.py", "--json", str(check.out / "bench.json")]
    code, seconds = check.run(cmd + ["--dry-run"] * check.dry_run, min(check.left(), 150))
    runs = json.loads((check.out / "bench.json").read_text())["runs"] if (check.out / "bench.json").exists() else []
    check.stage("bench", _status(code), seconds, runs=len(runs))


def records(check: Check) -> None:
    """Full mode of the training notebooks (dry run: a tiny notebook) recorded into OUT/full_mode.json."""
    notebooks = [ROOT / "notebooks" / f"{name}.ipynb" for name in FULL_MODE]
    if check.dry_run:
        import nbformat

        notebooks = [ROOT / "runs" / "gpu-check-dry-run.ipynb"]  # in the repository (the recorder wants that); ignored
        notebooks[0].parent.mkdir(exist_ok=True)
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(TINY_NOTEBOOK)]), notebooks[0])
    done, tic = {}, time.monotonic()
    for i, notebook in enumerate(notebooks):
        share = (check.left() - (0 if check.dry_run else NBVAL_RESERVE)) / (len(notebooks) - i)  # fair shares
        cmd = [sys.executable, __file__, "--record", str(notebook), "--out", str(check.out)]
        code, seconds = check.run(cmd, min(share, 240))
        done[notebook.stem] = {"status": _status(code), "seconds": round(seconds)}
    if check.dry_run:
        notebooks[0].unlink()
    (check.out / "full_mode.lock").unlink(missing_ok=True)
    status = "ok" if all(d["status"] == "ok" for d in done.values()) else "failed"
    check.stage("records", status, time.monotonic() - tic, notebooks=done)


def record_one(notebook: Path, out: Path) -> None:
    """(In a fresh process) run ``notebook`` in full mode up to its training cell; add it to OUT/full_mode.json."""
    from d2lcore.records import update_record
    from scripts.record_full_mode import record

    result = record(notebook, out / "log.txt")
    update_record(f"{notebook.stem}/{result['device'].split(':')[0]}", result, path=out / "full_mode.json")


def nbval(check: Check) -> None:
    """Every notebook under nbval in quick mode, several at once (dry run: collected, not run)."""
    env = {**check.env, "D2LCORE_QUICK": "1", "OMP_NUM_THREADS": "2"}
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    base = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--durations=0"]
    tic, results = time.monotonic(), {}
    if check.dry_run:
        code, _ = check.run([*base, "--collect-only", *map(str, notebooks)], check.left(), env)
        results = {"collected": _status(code)}
    else:
        with tempfile.TemporaryDirectory() as tmp, concurrent.futures.ThreadPoolExecutor(5) as pool:

            def one(nb: Path) -> tuple[str, dict]:
                xml = Path(tmp) / f"{nb.stem}.xml"
                code, seconds = check.run([*base, f"--junitxml={xml}", str(nb)], check.left(), env)
                return nb.stem, {"status": _status(code), "seconds": round(seconds), **_junit(xml)}

            results = dict(pool.map(one, notebooks))
    (check.out / "nbval.json").write_text(json.dumps(results, indent=1))
    status = "ok" if all(r == "ok" or r.get("status") == "ok" for r in results.values()) else "failed"
    check.stage("nbval", status, time.monotonic() - tic, notebooks=len(notebooks))


def _junit(xml: Path) -> dict:
    if not xml.exists():
        return {}
    suite = ET.parse(xml).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    return {k: int(suite.get(k, 0)) for k in ("tests", "failures", "errors", "skipped")}


def _status(code: int) -> str:
    return {0: "ok", 124: "out of time"}.get(code, f"failed (exit {code})")


def summary(check: Check) -> str:
    """SUMMARY.md: the stages, the bench table against the device's peak, and what to do next."""
    lines = [
        "# gpu-check" + (" (dry run, CPU)" if check.dry_run else ""),
        "",
        "| stage | status | seconds |",
        "|:---|:---|---:|",
        *(f"| {k} | {v['status']} | {v['seconds']} |" for k, v in check.stages.items()),
    ]
    bench_file = check.out / "bench.json"
    if bench_file.exists():
        payload = json.loads(bench_file.read_text())
        peaks = payload["peaks"]
        lines += [
            "",
            f"Trainer benchmark on {peaks['name']} ({payload['device']}; peaks: {peaks})",
            "",
            "| model | loop | images/s | peak GPU GiB | TFLOP/s | of FP32 peak | of tensor-core peak |",
            "|:---|:---|---:|---:|---:|---:|---:|",
        ]
        for r in payload["runs"]:
            # cuDNN runs fp32 convolutions on TF32 tensor cores by default; bf16 autocast on BF16 ones
            tensor = peaks.get("bf16" if "bf16" in r["variant"] else "tf32")
            shares = [f"{100 * r['tflops'] / peak:.0f}%" if peak else "-" for peak in (peaks.get("fp32"), tensor)]
            memory = f"{r['peak_gpu_gib']:.2f}" if r["peak_gpu_gib"] is not None else "-"
            lines.append(f"| {r['model']}-{r['resize']} | {r['variant']} | {r['images_per_s']:,.0f} | {memory} | "
                         f"{r['tflops']:.2f} | {' | '.join(shares)} |")  # fmt: skip
    if (check.out / "full_mode.json").exists() and not check.dry_run:
        lines += ["", f"Add the records here: python scripts/gpu_check.py --merge {check.out / 'full_mode.json'}"]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path(os.environ.get("OUT") or ROOT / "runs" / "gpu-check"))
    parser.add_argument("--budget", type=float, default=450, help="seconds for the whole check (default 450)")
    parser.add_argument("--carry", type=Path, default=ROOT / "carry", help="folder with data.tar.xz and wheels/")
    parser.add_argument("--dry-run", action="store_true", help="tiny sizes on the CPU, to test the script itself")
    parser.add_argument("--merge", type=Path, help="add the records of a GPU run's full_mode.json to d2lcore's")
    parser.add_argument("--record", type=Path, help=argparse.SUPPRESS)  # one notebook, in a fresh process
    args = parser.parse_args()
    if args.record:
        return record_one(args.record.resolve(), args.out.resolve())
    if args.merge:
        from d2lcore.records import load_records, update_record

        for key, result in load_records(args.merge).items():
            update_record(key, result)
            print(f"merged {key}: val acc {result['val_acc']:.3f} in {result['wall_time_s']} s")
        return None
    import torch

    if not args.dry_run and not torch.cuda.is_available():
        raise SystemExit("gpu-check: no CUDA GPU here; use --dry-run to test the script on the CPU")
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    for old in ("summary.json", "SUMMARY.md", "bench.json", "full_mode.json", "nbval.json", "log.txt"):
        (out / old).unlink(missing_ok=True)
    check = Check(out, args.budget, args.dry_run)
    setup(check, args.carry.resolve())
    for stage in (bench, records, nbval):
        if check.left() < 20:
            check.stage(stage.__name__, "skipped: out of time", 0)
            continue
        stage(check)
    (out / "summary.json").write_text(json.dumps(check.stages, indent=1))
    (out / "SUMMARY.md").write_text(text := summary(check))
    print(text)
    if any(s["status"] != "ok" for s in check.stages.values()):
        raise SystemExit(f"gpu-check: some stages did not pass; see {out / 'log.txt'}")
    return None


if __name__ == "__main__":
    main()
