"""Where the data files come from: a verified copy on disk, else a download that lands in one piece.

Folders are searched in order: ``D2LCORE_DATA`` (or the ``root`` argument), then the default cache. A folder
holding all four raw files is used once every file has the published size and SHA-256 checksum (hashing costs
about 0.1 s per data set; the result is cached per file, size and modification time, so it is paid once per
process). A damaged file stops loading with :class:`DataCorruptError`, which names the file and the fix.

Downloads go through torchvision into a hidden staging folder beside the target; only files that pass the checks
are renamed into place, so an interrupted download never leaves a file that looks complete. Whether a download
can work is probed first with a real request (urllib, as torchvision uses, so ``https_proxy``/``http_proxy``/
``no_proxy`` are honoured) that is given at most ``_PROBE_TIMEOUT`` seconds in all, DNS lookup included.

``D2LCORE_MIRROR`` (see :func:`config.download_mirror`) replaces the publishers' addresses with a mirror's. A mirror
may recompress the archives, so their MD5 (which torchvision checks for the publishers' files) is not required of
it; the extracted files must still have the published size and SHA-256, as every file must.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import tempfile
import threading
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

import torchvision

from . import config
from .files import sha256

# Display name -> torchvision class. Both keep their files under <root>/<class name>/raw/.
DATASETS = {"Fashion-MNIST": torchvision.datasets.FashionMNIST, "MNIST": torchvision.datasets.MNIST}

# (class name, raw file) -> (size in bytes, SHA-256) of the files torchvision extracts from the published archives
# (whose MD5s torchvision checks while downloading). The same files, byte for byte, as in ../shared/data.
CHECKSUMS: dict[tuple[str, str], tuple[int, str]] = {
    ("FashionMNIST", "train-images-idx3-ubyte"): (
        47_040_016, "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
    ("FashionMNIST", "train-labels-idx1-ubyte"): (
        60_008, "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
    ("FashionMNIST", "t10k-images-idx3-ubyte"): (
        7_840_016, "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
    ("FashionMNIST", "t10k-labels-idx1-ubyte"): (
        10_008, "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
    ("MNIST", "train-images-idx3-ubyte"): (
        47_040_016, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
    ("MNIST", "train-labels-idx1-ubyte"): (
        60_008, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
    ("MNIST", "t10k-images-idx3-ubyte"): (
        7_840_016, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
    ("MNIST", "t10k-labels-idx1-ubyte"): (
        10_008, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
}  # fmt: skip

_PROBE_TIMEOUT = 3.0  # seconds, in all, to wait for a download mirror before calling the machine offline
_DOWNLOAD_TIMEOUT = 30  # seconds without progress before a download counts as failed
_STAGING_PREFIX = ".download-"  # hidden staging folders inside the data root
_STALE_STAGING_S = 3600  # a staging folder this old belongs to a download that was killed
_verified: set[tuple] = set()  # (path, size, mtime, inode, checksum) of files that passed the checks


class DataUnavailableError(RuntimeError):
    """The data set is neither on disk nor downloadable (offline)."""


class DataCorruptError(DataUnavailableError):
    """A data file on disk is truncated or damaged (it does not have the published size and checksum)."""


def raw_folder(name: str, root: Path) -> Path:
    """``root/<class name>/raw``: where torchvision keeps the raw files of ``name``."""
    return Path(root) / DATASETS[name].__name__ / "raw"


def raw_files(name: str) -> list[str]:
    """The four raw file names of ``name`` (the archives' names without ``.gz``)."""
    return [Path(file).stem for file, _ in DATASETS[name].resources]


def verify_files(name: str, root: Path) -> None:
    """Check size and SHA-256 of each raw file of ``name`` under ``root``; raise :class:`DataCorruptError` if off."""
    for file in raw_files(name):
        _verify_file(raw_folder(name, root) / file, (DATASETS[name].__name__, file))


def _verify_file(path: Path, key: tuple[str, str]) -> None:
    if key not in CHECKSUMS:
        raise KeyError(f"no published size and checksum for {key[0]}/raw/{key[1]}: add them to sources.CHECKSUMS")
    size, digest = CHECKSUMS[key]
    st = path.stat()
    cache_key = (str(path.resolve()), st.st_size, st.st_mtime_ns, st.st_ino, digest)
    if cache_key in _verified:
        return
    if st.st_size != size:
        what = "truncated: an interrupted download or copy?" if st.st_size < size else "too long"
        raise DataCorruptError(_damaged(path, f"it has {st.st_size:,} bytes instead of {size:,} ({what})"))
    if sha256(path) != digest:
        raise DataCorruptError(_damaged(path, "its SHA-256 checksum is not the published file's (damaged bytes?)"))
    _verified.add(cache_key)


def _damaged(path: Path, why: str) -> str:
    return (
        f"data file {path} is damaged: {why}.\n"
        "To fix it, do one of these:\n"
        f"  * delete it (rm {path}) and run again with internet access: d2lcore downloads a fresh copy;\n"
        "  * replace it with a good copy of the same file;\n"
        "  * or set D2LCORE_DATA to a folder that holds good copies (it may be read-only)."
    )


def _how_to_get(name: str, roots: Sequence[Path]) -> str:
    folder = DATASETS[name].__name__
    searched = " and ".join(str(r / folder / "raw") for r in roots)
    mirror = config.download_mirror()
    if config.is_offline():
        why = " (D2LCORE_OFFLINE is set)."
    elif mirror:
        why = f" (the mirror D2LCORE_MIRROR={mirror} did not answer within {_PROBE_TIMEOUT:g} s)."
    else:
        why = (
            f" (no download mirror answered within {_PROBE_TIMEOUT:g} s: offline, or behind a proxy that is not"
            " set in https_proxy / http_proxy? A local mirror can be named in D2LCORE_MIRROR)."
        )
    return (
        f"{name} is not on this machine (looked in {searched}) and cannot be downloaded{why}\n"
        "To provide it, do one of these:\n"
        f'  * run once with internet access: python -c "import d2lcore as d2l; d2l.{folder}()"'
        f" (downloads into the first writable of those folders);\n"
        f"  * copy torchvision's four raw files (train-images-idx3-ubyte, train-labels-idx1-ubyte, "
        f"t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte) into {roots[0] / folder / 'raw'};\n"
        "  * or set D2LCORE_DATA to a folder that already holds them (it may be read-only)."
    )


def _download_reachable(dataset: type, timeout: float = _PROBE_TIMEOUT) -> bool:
    """Does a mirror of ``dataset`` answer a request for its first file within ``timeout`` seconds in all?

    The request is the one torchvision would make (urllib, so proxy variables apply), for one byte only. It runs in
    a daemon thread that is waited for at most ``timeout`` seconds, so neither a DNS lookup nor a server that
    accepts the connection and then stays silent can make the caller wait longer.
    """
    first = dataset.resources[0][0]
    urls = [(mirror if isinstance(mirror, str) else mirror[0]) + first for mirror in dataset.mirrors]
    answered, done = threading.Event(), threading.Event()
    opener = urllib.request.build_opener()  # reads the proxy variables now (urlopen's opener keeps its first ones)

    def probe() -> None:
        try:
            for url in urls:
                headers = {"User-Agent": torchvision.datasets.utils.USER_AGENT, "Range": "bytes=0-0"}
                try:
                    with opener.open(urllib.request.Request(url, headers=headers), timeout=timeout) as r:
                        if r.status < 400:
                            answered.set()
                            return
                except (OSError, ValueError, http.client.HTTPException):
                    continue
        finally:
            done.set()

    threading.Thread(target=probe, name="d2lcore-download-probe", daemon=True).start()
    done.wait(timeout)
    return answered.is_set()


def download_source(name: str) -> type:
    """The torchvision class that downloads ``name``: from ``D2LCORE_MIRROR`` when it is set, else as published."""
    dataset = DATASETS[name]
    mirror = config.download_mirror()
    if mirror is None:
        return dataset
    # Same class name: torchvision keeps the files under <root>/<class name>/raw.
    attributes = {
        "mirrors": [f"{mirror}/{dataset.__name__}/"],
        "resources": [(file, None) for file, _ in dataset.resources],  # checked by SHA-256 after extraction
    }
    return type(dataset.__name__, (dataset,), attributes)


def _candidate_roots(root: Path | None) -> list[Path]:
    roots = [Path(root)] if root is not None else [config.data_root()]
    if config.default_data_root() not in roots:
        roots.append(config.default_data_root())
    return roots


def _has_files(name: str, root: Path) -> bool:
    """Are all four raw files of ``name`` under ``root/<class name>/raw``?"""
    return all((raw_folder(name, root) / file).is_file() for file in raw_files(name))


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK)


def find_data(name: str = "Fashion-MNIST", root: str | Path | None = None) -> Path:
    """The folder that holds ``name``'s verified files, downloading them once if needed and possible.

    Raises :class:`DataUnavailableError` (with instructions) when the files are absent and cannot be downloaded,
    and :class:`DataCorruptError` (naming the file and the fix) when a file on disk is damaged.
    """
    if not isinstance(name, str) or name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; choose one of {sorted(DATASETS)}")
    if root is not None and not isinstance(root, str | os.PathLike):
        raise TypeError(f"find_data: root must be a folder (str or Path) or None, got {root!r}")
    roots = _candidate_roots(Path(root).expanduser() if root is not None else None)
    for candidate in roots:
        if _has_files(name, candidate):
            verify_files(name, candidate)
            return candidate
    if config.is_offline() or not _download_reachable(download_source(name)):
        raise DataUnavailableError(_how_to_get(name, roots))
    target = next((r for r in roots if _writable(r)), None)
    if target is None:
        raise DataUnavailableError(
            f"none of {', '.join(map(str, roots))} is writable: set D2LCORE_DATA to a folder you can write"
        )
    _download(name, target, roots)
    return target


def _download(name: str, target: Path, roots: Sequence[Path]) -> None:
    """Download ``name`` into a staging folder under ``target``, check it, and rename the files into place."""
    for old in target.glob(f"{_STAGING_PREFIX}*"):
        if time.time() - old.stat().st_mtime > _STALE_STAGING_S:
            shutil.rmtree(old, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=target))
    old_timeout = socket.getdefaulttimeout()
    socket.setdefaulttimeout(_DOWNLOAD_TIMEOUT)
    try:
        source = download_source(name)
        print(f"downloading {name} from {source.mirrors[0]} into {target} (once) ...", flush=True)
        source(root=staging, train=True, download=True)
        source(root=staging, train=False, download=True)
        try:
            verify_files(name, staging)
        except (DataCorruptError, FileNotFoundError) as err:
            reason = str(err).splitlines()[0]
            raise DataUnavailableError(
                f"the download of {name} arrived damaged ({reason}); nothing was kept: run again to retry"
            ) from err
        final = raw_folder(name, target)
        final.mkdir(parents=True, exist_ok=True)
        for file in raw_files(name):
            os.replace(raw_folder(name, staging) / file, final / file)
    except DataUnavailableError:
        raise
    except Exception as err:
        raise DataUnavailableError(
            f"downloading {name} into {target} failed ({err})\n" + _how_to_get(name, roots)
        ) from err
    finally:
        socket.setdefaulttimeout(old_timeout)
        shutil.rmtree(staging, ignore_errors=True)
