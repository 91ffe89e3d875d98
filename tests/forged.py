"""Small forged data files in torchvision's raw layout, and a way to make d2lcore's checksum table accept them."""

import struct
from pathlib import Path

import torch

from d2lcore import files, sources

RAW_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


def write_idx(raw: Path, prefix: str, images: torch.Tensor, labels: torch.Tensor) -> None:
    """Write tensors as torchvision's raw IDX files (the format of the original distribution)."""
    raw.mkdir(parents=True, exist_ok=True)
    n, h, w = images.shape
    (raw / f"{prefix}-images-idx3-ubyte").write_bytes(struct.pack(">IIII", 2051, n, h, w) + images.numpy().tobytes())
    (raw / f"{prefix}-labels-idx1-ubyte").write_bytes(
        struct.pack(">II", 2049, n) + labels.to(torch.uint8).numpy().tobytes()
    )


def forge(root: Path, folder: str = "FashionMNIST", n: int = 20, fill: int | None = None) -> torch.Tensor:
    """Small fake raw files under root/folder/raw; returns the training images written."""
    gen = torch.Generator().manual_seed(n)
    if fill is None:
        X = torch.randint(0, 256, (n, 28, 28), dtype=torch.uint8, generator=gen)
    else:
        X = torch.full((n, 28, 28), fill, dtype=torch.uint8)
    y = torch.arange(n) % 10
    write_idx(root / folder / "raw", "train", X, y)
    write_idx(root / folder / "raw", "t10k", X[:10], y[:10])
    return X


def trust(monkeypatch, root: Path, folder: str = "FashionMNIST") -> None:
    """Put the forged files' sizes and checksums into d2lcore's table, as if they were the published ones."""
    for name in RAW_FILES:
        path = Path(root) / folder / "raw" / name
        monkeypatch.setitem(sources.CHECKSUMS, (folder, name), (path.stat().st_size, files.sha256(path)))
