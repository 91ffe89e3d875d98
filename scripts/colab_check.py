"""Run notebooks the way Colab and Kaggle do, without a network: ``make colab-check`` (all), or
``python scripts/colab_check.py [--kaggle] [--full] [NB ...]``.

* **Environment**: a fresh virtual environment holding only what Colab has preinstalled and the notebooks may use
  (torch, torchvision, numpy, matplotlib, pandas, Pillow, ipykernel, pip, setuptools and their dependencies), linked
  from this interpreter's environment rather than downloaded again: no d2l, no d2lcore, no checkout on ``sys.path``.
  Colab is recognised by its ``google.colab`` module, which the kernel imports at start-up as Colab's does (a
  stand-in); Kaggle by ``KAGGLE_KERNEL_RUN_TYPE``.
* **Install**: each notebook is copied alone into an empty folder and executed from its first cell, whose unchanged
  ``%pip install "d2lcore @ git+https://github.com/<COURSE_REPO>"`` runs. Git's ``url.<base>.insteadOf`` setting
  (in a git config file only this run reads) sends that address to a snapshot of this working tree's package files,
  and pip is told to use no package index (everything else is already installed, as on Colab).
* **Data**: downloaded through the real path (``d2lcore.sources``: probe, staging, checksums, progress) from a mirror
  on 127.0.0.1 (``D2LCORE_MIRROR``) that serves the data sets of ``../shared/data`` as gzip archives.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: d2lcore and the notebooks of this checkout
import d2lcore  # noqa: E402

COLAB_PACKAGES = ["torch", "torchvision", "numpy", "matplotlib", "pandas", "pillow", "ipykernel", "pip", "setuptools"]
PACKAGE_FILES = ["pyproject.toml", "README.md", "LICENSE", "d2lcore"]  # what pip needs to build d2lcore
DATA_SETS = ["FashionMNIST", "MNIST"]
KERNEL = "colab-like"
STANDIN = '"""A stand-in for Colab\'s google.colab module: the course only checks that it is imported."""\n'


def package_closure(names: list[str]) -> list[metadata.Distribution]:
    """The installed distributions ``names`` and everything they require, with the extras they ask of each other."""
    seen: dict[str, metadata.Distribution] = {}
    done: set[tuple[str, str]] = set()
    todo = [(name, "") for name in names]
    while todo:
        name, extra = todo.pop()
        name = re.sub(r"[-_.]+", "-", name).lower()
        if (name, extra) in done:
            continue
        done.add((name, extra))
        dist = seen.setdefault(name, metadata.distribution(name))
        for line in dist.requires or []:
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate({"extra": extra}):
                todo += [(req.name, "")] + [(req.name, e) for e in req.extras]
    return list(seen.values())


def link_packages(site_packages: Path, names: list[str]) -> list[str]:
    """Symlink the top-level files of ``names`` and their dependencies into ``site_packages``; return their names."""
    entries = set()
    for dist in package_closure(names):
        for file in dist.files or []:
            top = file.parts[0]
            if top not in ("..", "__pycache__") and not top.endswith(".pth"):
                entries.add(Path(dist.locate_file(top)))
    for entry in sorted(entries):
        target = site_packages / entry.name
        if entry.exists() and not target.exists():
            target.symlink_to(entry)
    return sorted(e.name for e in entries)


@dataclass
class ColabLike:
    """A Colab-like environment: its interpreter, kernel spec, git redirect and a snapshot of the package."""

    root: Path
    python: Path
    site_packages: Path
    kernels: Path
    gitconfig: Path
    ipython_dir: Path

    def environ(self, mirror: str, home: Path, place: str = "colab", quick: bool = True) -> dict[str, str]:
        """The kernel's environment: nothing of the caller's except PATH's tools, locale and terminal settings."""
        keep = {k: v for k, v in os.environ.items() if k in ("LANG", "LC_ALL", "TERM", "TZ")}
        env = {
            **keep,
            "PATH": f"{self.python.parent}:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(home),
            "D2LCORE_MIRROR": mirror,
            "OMP_NUM_THREADS": "1",
            "GIT_CONFIG_GLOBAL": str(self.gitconfig),
            "GIT_CONFIG_NOSYSTEM": "1",
            "PIP_NO_INDEX": "1",  # everything but d2lcore is installed, as on Colab; nothing is fetched
            "PIP_NO_BUILD_ISOLATION": "0",  # build with the installed setuptools instead of fetching one
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        }
        if quick:
            env["D2LCORE_QUICK"] = "1"
        if place == "colab":
            env["IPYTHONDIR"] = str(self.ipython_dir)
        elif place == "kaggle":
            env["KAGGLE_KERNEL_RUN_TYPE"] = "Interactive"
        else:
            raise ValueError(f"place must be 'colab' or 'kaggle', got {place!r}")
        return env


def build_environment(root: Path, repo_root: Path = ROOT) -> ColabLike:
    """Create the Colab-like environment under ``root`` (a few seconds: packages are linked, not copied)."""
    root.mkdir(parents=True, exist_ok=True)
    venv = root / "venv"
    subprocess.run([sys._base_executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    link_packages(site, COLAB_PACKAGES)
    standin = root / "colab-standin" / "google" / "colab"
    standin.mkdir(parents=True)
    (standin / "__init__.py").write_text(STANDIN)
    (site / "colab_standin.pth").write_text(str(root / "colab-standin") + "\n")
    ipython_dir = root / "ipython"
    (ipython_dir / "profile_default" / "startup").mkdir(parents=True)
    (ipython_dir / "profile_default" / "startup" / "00-colab.py").write_text("import google.colab  # as on Colab\n")
    kernels = root / "kernels"
    (kernels / KERNEL).mkdir(parents=True)
    spec = {"argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"], "language": "python"}
    (kernels / KERNEL / "kernel.json").write_text(json.dumps({**spec, "display_name": "Colab-like"}))
    snapshot = snapshot_package(root / "snapshot", repo_root)
    gitconfig = root / "gitconfig"
    gitconfig.write_text(
        f'[url "file://{snapshot}"]\n\tinsteadOf = https://github.com/{d2lcore.COURSE_REPO}\n'
        '[protocol "file"]\n\tallow = always\n[uploadpack]\n\tallowFilter = true\n'
    )
    return ColabLike(root, python, site, kernels, gitconfig, ipython_dir)


def snapshot_package(dest: Path, repo_root: Path) -> Path:
    """A one-commit git repository holding the package files of ``repo_root``'s working tree (committed or not)."""
    dest.mkdir(parents=True)
    for name in PACKAGE_FILES:
        source = repo_root / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, dest / name)
    git = ["git", "-C", str(dest), "-c", "user.name=colab-check", "-c", "user.email=colab-check@localhost"]
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    for args in (["init", "--quiet"], ["add", "--all"], ["commit", "--quiet", "-m", "snapshot"]):
        subprocess.run(git + args, check=True, env=env)
    return dest


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


class _MirrorServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """Stay quiet when a client hangs up early: d2lcore's probe reads one byte of a file, then closes."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve_mirror(data_dir: Path, archive_dir: Path) -> Iterator[str]:
    """Serve the data sets of ``data_dir`` (torchvision's raw layout) as a mirror on 127.0.0.1; yield its address.

    The archives (``<name>/<file>.gz``) are compressed once into ``archive_dir`` before the server starts, so the
    first request is answered at once.
    """
    for name in DATA_SETS:
        (archive_dir / name).mkdir(parents=True, exist_ok=True)
        raw_dir = Path(data_dir) / name / "raw"
        for raw in sorted(raw_dir.iterdir() if raw_dir.is_dir() else []):
            archive = archive_dir / name / f"{raw.name}.gz"
            if not archive.exists():
                with raw.open("rb") as src, gzip.open(archive, "wb", compresslevel=1) as dst:
                    shutil.copyfileobj(src, dst)
    handler = functools.partial(_QuietHandler, directory=str(archive_dir))
    server = _MirrorServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


PROBE = "import sys, d2lcore\nprint('d2lcore from', d2lcore.__file__)\nprint('sys.path', sys.path)"


def run_notebook(
    notebook: Path, env: ColabLike, mirror: str, work: Path, place: str = "colab", quick: bool = True
) -> nbformat.NotebookNode:
    """Execute ``notebook``, copied alone into the empty folder ``work``, in ``env``; return the executed copy.

    A last cell, added to the copy only, prints where ``d2lcore`` was imported from. Raises nbclient's
    ``CellExecutionError`` when a cell fails.
    """
    work.mkdir(parents=True)
    home = work.parent / f"{work.name}-home"
    home.mkdir()
    copy = Path(shutil.copy(notebook, work / notebook.name))
    nb = nbformat.read(copy, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    km = KernelManager(kernel_name=KERNEL, kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(env.kernels)]))
    client = NotebookClient(nb, km=km, timeout=1800, resources={"metadata": {"path": str(work)}})
    try:
        with (work.parent / f"{work.name}-kernel.log").open("w") as log:  # the kernel's own messages
            client.execute(env=env.environ(mirror, home, place, quick), cwd=str(work), stderr=log)
    finally:
        nbformat.write(nb, work / f"executed-{notebook.name}")  # what ran, for a look after a failure
    return nb


def outputs_text(nb: nbformat.NotebookNode) -> str:
    """Everything the executed notebook printed (streams and plain-text results)."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append("".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="prefixes of notebook names (default: all)")
    parser.add_argument("--kaggle", action="store_true", help="run as Kaggle (default: Colab)")
    parser.add_argument("--full", action="store_true", help="full mode (default: quick mode)")
    parser.add_argument("--data", help="folder of the data sets to mirror (default: where d2lcore finds them)")
    parser.add_argument("--work", default=str(ROOT / "runs" / "colab-check"), help="scratch folder (replaced)")
    args = parser.parse_args()
    chosen = [p for p in sorted((ROOT / "notebooks").glob("*.ipynb")) if not args.notebooks
              or any(p.name.startswith(prefix) for prefix in args.notebooks)]  # fmt: skip
    shared = ROOT.parent / "shared" / "data"  # development machines and CI keep the real files there
    if not args.data and "D2LCORE_DATA" not in os.environ and shared.is_dir():
        os.environ["D2LCORE_DATA"] = str(shared)
    data = Path(args.data) if args.data else d2lcore.find_data("Fashion-MNIST")
    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    place = "kaggle" if args.kaggle else "colab"
    print(f"{place}-like run of {len(chosen)} notebook(s) in {'full' if args.full else 'quick'} mode, in {work}")
    env = build_environment(work / "env")
    failures = []
    with serve_mirror(data, work / "mirror") as mirror:
        for path in chosen:
            start = time.perf_counter()
            try:
                nb = run_notebook(path, env, mirror, work / "runs" / path.stem, place, quick=not args.full)
                where = re.search(r"d2lcore from (\S+)", outputs_text(nb))[1]
                if not where.startswith(str(env.site_packages)):
                    raise RuntimeError(f"d2lcore was imported from {where}, not from the installed package")
                status = "ok"
            except Exception as err:  # report every notebook, then fail
                failures.append(path.name)
                status = f"FAILED: {str(err).strip().splitlines()[-1][:300] if str(err).strip() else type(err)}"
            print(f"{path.name}: {status} ({time.perf_counter() - start:.0f} s)", flush=True)
    print(f"{len(chosen) - len(failures)} of {len(chosen)} notebooks ran {place}-like without an error")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
