"""`make gpu-check` cannot rot while no GPU is lent: its dry run (tiny sizes, CPU) goes through every stage."""

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_gpu_check_dry_run_writes_every_result(tmp_path):
    carry, out = tmp_path / "carry", tmp_path / "out"
    carry.mkdir()
    with tarfile.open(carry / "data.tar", "w") as tar:  # as make carry-data packs it (uncompressed: faster here)
        for name in ("FashionMNIST", "MNIST"):
            tar.add(Path(os.environ["D2LCORE_DATA"]) / name, arcname=name)
    env = {**os.environ, "D2LCORE_DATA": str(tmp_path / "nowhere")}  # the data must come from the archive
    cmd = [sys.executable, "scripts/gpu_check.py", "--dry-run", "--out", str(out), "--carry", str(carry)]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["SUMMARY.md", "bench.json", "full_mode.json", "log.txt", "nbval.json", "summary.json"]
    )  # at most 8 files: what a GPU machine sends back
    stages = json.loads((out / "summary.json").read_text())
    assert list(stages) == ["setup", "bench", "records", "nbval"] and all(s["status"] == "ok" for s in stages.values())
    assert stages["setup"]["archive"] == str(carry / "data.tar")
    runs = json.loads((out / "bench.json").read_text())["runs"]
    assert {(r["model"], r["variant"]) for r in runs} == {
        (m, v) for m in ("vgg", "resnet18") for v in ("book", "d2lcore", "d2lcore-bf16", "plain")
    }
    assert all(r["images_per_s"] > 0 and r["tflops"] > 0 for r in runs)
    record = json.loads((out / "full_mode.json").read_text())["gpu-check-dry-run/cpu"]
    assert record["epochs"] == 2 and record["image_size"] == [16, 16] and len(record["history"]["val_acc"]) == 2
    assert json.loads((out / "nbval.json").read_text()) == {"collected": "ok"}
    assert "| vgg-32 | d2lcore |" in (out / "SUMMARY.md").read_text()
