"""A procedurally generated stand-in for Fashion-MNIST, used when the real files cannot be had.

Same format as the real data (uint8 ``N x 28 x 28`` images, ten classes with the same names), made from
crude garment silhouettes under random affine jitter, texture, contrast and noise. Classes such as
t-shirt / shirt / pullover / coat differ only in details, so the task is learnable but not trivial.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

SIZE = 28


def _grid() -> tuple[torch.Tensor, torch.Tensor]:
    coords = torch.arange(SIZE, dtype=torch.float32)
    return torch.meshgrid(coords, coords, indexing="ij")  # rows (y), columns (x)


def _box(y0: float, y1: float, x0: float, x1: float) -> torch.Tensor:
    y, x = _grid()
    return ((y >= y0) & (y <= y1) & (x >= x0) & (x <= x1)).float()


def _templates() -> torch.Tensor:
    """Ten 28x28 silhouettes with values in [0, 1], in Fashion-MNIST's class order."""
    y, x = _grid()
    torso = _box(6, 24, 8, 19)
    short_sleeves = _box(6, 11, 3, 24)
    long_sleeves = ((y >= 6) & (y <= 23) & (((x >= 3) & (x <= 7)) | ((x >= 20) & (x <= 24)))).float()
    shoulders = _box(6, 8, 3, 24)
    t_shirt = torch.maximum(torso, short_sleeves)
    legs = torch.maximum(_box(3, 25, 8, 12), _box(3, 25, 15, 19))
    trouser = torch.maximum(legs, _box(3, 6, 8, 19))  # waistband
    pullover = torch.maximum(torch.maximum(torso, long_sleeves), shoulders)
    half_width = 3 + (y - 4) * 0.45
    dress = ((y >= 4) & (y <= 25) & ((x - 13.5).abs() <= half_width)).float()
    coat = pullover.clone()
    coat[4:26, 13:15] = 0.35  # zip line
    coat = torch.maximum(coat, _box(22, 25, 8, 19) * 0.8)  # longer hem
    coat[24:26, :] = coat[24:26, :] * (x[24:26, :] <= 19).float()
    sandal = sum(_box(r, r + 1, 4, 24) for r in (14, 18, 22)) + _box(14, 24, 4, 5) + _box(20, 24, 22, 24)
    sandal = sandal.clamp(max=1.0)
    shirt = pullover.clone()
    shirt[6:9, 12:16] = 0.0  # collar notch
    shirt[10:24:3, 13] = 0.3  # buttons
    sneaker = ((y >= 14) & (y <= 22) & (x >= 3) & (x <= 25) & (y >= 22 - (x - 3) * 0.8)).float()
    sneaker = torch.maximum(sneaker, _box(21, 22, 3, 25) * 0.6)
    bag = torch.maximum(
        _box(11, 25, 4, 23), ((((y - 11) ** 2 + (x - 13.5) ** 2).sqrt() - 6).abs() <= 1.2).float() * (y <= 11)
    )
    boot = torch.maximum(_box(5, 22, 8, 16), _box(15, 22, 8, 25))
    boot[20:23, :] *= 0.7  # sole
    images = [t_shirt, trouser, pullover, dress, coat, sandal, shirt, sneaker, bag, boot]
    return torch.stack([img.clamp(0, 1) for img in images])


def make_fashion_standin(num: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``num`` images (uint8, ``num x 28 x 28``) and labels (int64), reproducible from ``seed``."""
    gen = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, 10, (num,), generator=gen)
    base = _templates()[labels].unsqueeze(1)  # (N, 1, 28, 28)

    def uniform(lo: float, hi: float) -> torch.Tensor:
        return lo + (hi - lo) * torch.rand(num, generator=gen)

    angle = uniform(-12, 12) * math.pi / 180
    scale = uniform(0.8, 1.2)
    aspect = uniform(0.85, 1.15)
    shift_x, shift_y = uniform(-0.2, 0.2), uniform(-0.2, 0.2)
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack(
        [torch.stack([cos * aspect, -sin, shift_x], 1), torch.stack([sin * aspect, cos, shift_y], 1)], 1
    )
    grid = F.affine_grid(theta, list(base.shape), align_corners=False)
    images = F.grid_sample(base, grid, align_corners=False, padding_mode="zeros")

    # Fabric texture: stripes of random frequency and direction, multiplied into the garment.
    y, x = _grid()
    freq = uniform(0.3, 1.6)[:, None, None, None]
    direction = uniform(0, math.pi)[:, None, None, None]
    phase = uniform(0, 2 * math.pi)[:, None, None, None]
    stripes = torch.sin(freq * (x * torch.cos(direction) + y * torch.sin(direction)) + phase)
    texture = 1 - uniform(0, 0.45)[:, None, None, None] * (stripes + 1) / 2
    brightness = uniform(0.7, 1.0)[:, None, None, None]
    images = images * texture * brightness
    images = images + 0.08 * torch.randn(images.shape, generator=gen)
    images = (images.clamp(0, 1) * 255).round().to(torch.uint8)
    return images.squeeze(1), labels
