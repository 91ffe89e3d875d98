"""D2LCORE_MIRROR: the data sets download from a mirror through the real path (probe, staging, checksums).

A mirror on 127.0.0.1 serves small forged data sets, made trustworthy for these tests by putting their checksums
in d2lcore's table (``forged.trust``); the Colab-like run (test_colab_like.py) downloads the real files the same way.
"""

import shutil

import pytest
import torch
from forged import RAW_FILES, forge, trust

import d2lcore as d2l
from d2lcore import config, sources
from scripts.colab_check import serve_mirror


@pytest.fixture
def mirror(tmp_path, monkeypatch):
    """A mirror of forged Fashion-MNIST and MNIST files; its address is in D2LCORE_MIRROR; nothing on disk yet."""
    published = tmp_path / "published"
    images = forge(published, "FashionMNIST", fill=3), forge(published, "MNIST", fill=5)
    for folder in ("FashionMNIST", "MNIST"):
        trust(monkeypatch, published, folder)
    monkeypatch.delenv("D2LCORE_OFFLINE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("D2LCORE_DATA", str(tmp_path / "data"))
    with serve_mirror(published, tmp_path / "archives") as url:
        monkeypatch.setenv("D2LCORE_MIRROR", url)
        yield url, tmp_path, images


def test_the_data_download_from_the_mirror_once_and_are_checked(mirror, capsys):
    url, tmp_path, (fashion, _) = mirror
    assert d2l.find_data("Fashion-MNIST") == tmp_path / "data"
    assert f"downloading Fashion-MNIST from {url}/FashionMNIST/ into {tmp_path / 'data'}" in capsys.readouterr().out
    assert sorted(p.name for p in (tmp_path / "data" / "FashionMNIST" / "raw").iterdir()) == sorted(RAW_FILES)
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["FashionMNIST"]  # no staging folder left
    assert torch.equal(d2l.load_dataset("Fashion-MNIST")[0][0], fashion)
    d2l.find_data("Fashion-MNIST")
    assert "downloading" not in capsys.readouterr().out  # once


def test_a_mirror_that_serves_other_bytes_is_refused_and_nothing_is_kept(mirror):
    _, tmp_path, _ = mirror
    path = tmp_path / "archives" / "MNIST" / "t10k-images-idx3-ubyte.gz"
    shutil.copy(tmp_path / "archives" / "FashionMNIST" / "t10k-images-idx3-ubyte.gz", path)  # wrong file
    with pytest.raises(d2l.DataUnavailableError, match="the download of MNIST arrived damaged"):
        d2l.find_data("MNIST")
    assert not (tmp_path / "data" / "MNIST").exists()


def test_a_silent_mirror_is_named_in_the_message(tmp_path, monkeypatch):
    monkeypatch.delenv("D2LCORE_OFFLINE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("D2LCORE_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("D2LCORE_MIRROR", "http://127.0.0.1:9/")  # the discard port: nothing answers
    with pytest.raises(d2l.DataUnavailableError, match=r"the mirror D2LCORE_MIRROR=http://127\.0\.0\.1:9 did not"):
        d2l.find_data("MNIST")


def test_the_mirror_setting_must_be_a_web_address(monkeypatch):
    monkeypatch.setenv("D2LCORE_MIRROR", "/srv/datasets")
    with pytest.raises(ValueError, match="D2LCORE_MIRROR must be a web address"):
        config.download_mirror()
    monkeypatch.setenv("D2LCORE_MIRROR", "https://mirror.example.org/datasets/")
    source = sources.download_source("MNIST")
    assert source.mirrors == ["https://mirror.example.org/datasets/MNIST/"] and source.__name__ == "MNIST"
    monkeypatch.delenv("D2LCORE_MIRROR")
    assert sources.download_source("MNIST") is sources.DATASETS["MNIST"]
