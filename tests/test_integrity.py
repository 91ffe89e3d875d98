"""Data integrity: every data file is checked against its published size and checksum, once, and a download that
is cut off half-way leaves nothing that looks complete. Forged small files stand in for the real ones."""

import os
from pathlib import Path

import pytest
import torchvision
from forged import RAW_FILES, forge, trust

import d2lcore as d2l
from d2lcore import sources


@pytest.fixture
def forged(tmp_path, monkeypatch):
    """A trusted forged Fashion-MNIST under tmp_path/data (D2LCORE_DATA), offline, with an empty default cache."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("D2LCORE_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("D2LCORE_OFFLINE", "1")
    forge(tmp_path / "data")
    trust(monkeypatch, tmp_path / "data")
    return tmp_path / "data" / "FashionMNIST" / "raw"


def test_the_table_holds_every_raw_file_of_both_data_sets():
    for name, dataset in sources.DATASETS.items():
        for file in RAW_FILES:
            size, digest = sources.CHECKSUMS[(dataset.__name__, file)]
            assert size in (10_008, 60_008, 7_840_016, 47_040_016) and len(digest) == 64, (name, file)


def test_truncated_file_is_named_with_the_fix(forged):
    path = forged / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:5000])
    for load in (d2l.find_data, d2l.load_dataset, lambda: d2l.FashionMNIST(batch_size=8)):
        with pytest.raises(d2l.DataCorruptError) as err:
            load()
        message = str(err.value)
        assert f"data file {path} is damaged" in message and "5,000 bytes instead of 15,696" in message
        assert "truncated" in message and f"rm {path}" in message and "D2LCORE_DATA" in message


def test_damaged_bytes_of_the_right_size_fail_the_checksum(forged):
    path = forged / "t10k-labels-idx1-ubyte"
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(d2l.DataCorruptError, match="SHA-256 checksum is not the published file's"):
        d2l.load_dataset()
    assert issubclass(d2l.DataCorruptError, d2l.DataUnavailableError)  # callers that catch the old error still do


def test_checks_run_once_per_file_until_the_file_changes(forged, monkeypatch):
    hashed = []
    real = sources.sha256
    monkeypatch.setattr(sources, "sha256", lambda path: hashed.append(Path(path).name) or real(path))
    d2l.find_data()
    assert sorted(hashed) == sorted(RAW_FILES)
    d2l.find_data()
    d2l.load_dataset()
    assert len(hashed) == 4  # cached: a second load costs four stat calls, no hashing
    path = forged / "train-labels-idx1-ubyte"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    d2l.find_data()
    assert hashed[4:] == ["train-labels-idx1-ubyte"]  # a file that changed is checked again


def _fake_download(behaviour):
    """A torchvision FashionMNIST whose download() writes forged files where torchvision would, then ``behaviour``."""

    def download(self):
        forge(Path(self.root))
        behaviour(Path(self.root) / "FashionMNIST" / "raw")

    return type("FashionMNIST", (torchvision.datasets.FashionMNIST,), {"download": download})


@pytest.fixture
def online(tmp_path, monkeypatch):
    """An empty, writable D2LCORE_DATA on a machine that looks online; the forged files count as the published."""
    forge(tmp_path / "published")
    trust(monkeypatch, tmp_path / "published")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("D2LCORE_DATA", str(tmp_path / "fresh"))
    monkeypatch.delenv("D2LCORE_OFFLINE", raising=False)
    monkeypatch.setattr(sources, "_download_reachable", lambda dataset: True)
    return tmp_path / "fresh"


def _cut_off(raw):
    """The connection drops while the last file is being written."""
    path = raw / "t10k-labels-idx1-ubyte"
    path.write_bytes(path.read_bytes()[:100])
    raise ConnectionResetError("connection reset by peer")


def _assert_nothing_looks_complete(root, monkeypatch):
    raw = root / "FashionMNIST" / "raw"
    assert not raw.exists() or not any(raw.iterdir()), f"left behind: {sorted(p.name for p in raw.iterdir())}"
    monkeypatch.setenv("D2LCORE_OFFLINE", "1")
    with pytest.raises(d2l.DataUnavailableError, match="Fashion-MNIST is not on this machine"):
        d2l.find_data()


def test_download_cut_off_half_way_leaves_nothing(online, monkeypatch):
    monkeypatch.setitem(sources.DATASETS, "Fashion-MNIST", _fake_download(_cut_off))
    with pytest.raises(d2l.DataUnavailableError, match=r"downloading Fashion-MNIST into .* failed"):
        d2l.find_data()
    assert [p.name for p in online.iterdir()] == []  # the staging folder is gone too
    _assert_nothing_looks_complete(online, monkeypatch)


def test_killed_download_leaves_nothing_that_looks_complete(online, monkeypatch):
    def killed(raw):
        path = raw / "train-images-idx3-ubyte"
        path.write_bytes(path.read_bytes()[:100])
        raise KeyboardInterrupt  # the process dies here; no clean-up code of d2lcore runs (see below)

    monkeypatch.setitem(sources.DATASETS, "Fashion-MNIST", _fake_download(killed))
    monkeypatch.setattr(sources.shutil, "rmtree", lambda *args, **kwargs: None)  # as after SIGKILL: no clean-up
    with pytest.raises(KeyboardInterrupt):
        d2l.find_data()
    (staging,) = online.iterdir()
    assert staging.name.startswith(".download-")  # hidden, and not where anything looks for data
    _assert_nothing_looks_complete(online, monkeypatch)
    monkeypatch.undo()  # back online with a working download: the next one clears the dead staging folder
    trust(monkeypatch, online.parent / "published")
    monkeypatch.setenv("HOME", str(online.parent / "home"))
    monkeypatch.setenv("D2LCORE_DATA", str(online))
    monkeypatch.delenv("D2LCORE_OFFLINE", raising=False)
    monkeypatch.setattr(sources, "_download_reachable", lambda dataset: True)
    monkeypatch.setitem(sources.DATASETS, "Fashion-MNIST", _fake_download(lambda raw: None))
    os.utime(staging, (0, 0))  # an hour old: its download is dead
    assert d2l.find_data() == online
    assert sorted(p.name for p in online.iterdir()) == ["FashionMNIST"]


def test_download_that_arrives_damaged_is_not_kept(online, monkeypatch):
    def damaged(raw):
        path = raw / "train-labels-idx1-ubyte"
        path.write_bytes(path.read_bytes()[:-1] + b"\x07")  # the last label was 9

    monkeypatch.setitem(sources.DATASETS, "Fashion-MNIST", _fake_download(damaged))
    with pytest.raises(d2l.DataUnavailableError, match="the download of Fashion-MNIST arrived damaged"):
        d2l.find_data()
    _assert_nothing_looks_complete(online, monkeypatch)


def test_unreadable_file_after_the_checks_is_reported_not_parsed(forged, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("cannot reshape array of size 5000 into shape (20,28,28)")

    monkeypatch.setitem(
        sources.DATASETS, "Fashion-MNIST", type("FashionMNIST", (sources.DATASETS["Fashion-MNIST"],), {})
    )
    monkeypatch.setattr(sources.DATASETS["Fashion-MNIST"], "__init__", broken)
    with pytest.raises(d2l.DataCorruptError, match="torchvision could not read Fashion-MNIST"):
        d2l.data._read("Fashion-MNIST", forged.parents[1], True)
