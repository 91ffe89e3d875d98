"""Networks that later notebooks reuse: LeNet, VGG, the residual and ResNeXt blocks, ResNet."""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from . import checks
from .module import Classifier

_LR_HINT = "The learning rate is usually between 1e-4 and 1, e.g. lr=0.1."


def _check_head(model: nn.Module, lr: float, num_classes: int) -> None:
    checks.number(lr, "lr", type(model).__name__, hint=_LR_HINT)
    checks.integer(num_classes, "num_classes", type(model).__name__, hint="E.g. num_classes=10 for Fashion-MNIST.")


def _check_tuples(
    value, name: str, where: str, fields: Sequence[tuple[str, int]], example: str, empty_ok: bool = False
) -> None:
    """``value`` must be a sequence of tuples of integers, one per (field name, minimum) in ``fields``."""
    kind = {2: "pairs", 3: "triples"}[len(fields)]
    ok = isinstance(value, Sequence) and not isinstance(value, str) and (empty_ok or len(value) > 0)
    if not ok or not all(isinstance(v, Sequence) and len(v) == len(fields) for v in value):
        names = ", ".join(field for field, _ in fields)
        raise TypeError(
            f"{where}: {name} must be a {'' if empty_ok else 'non-empty '}list of ({names}) {kind}, got {value!r}; "
            f"e.g. {name}={example}"
        )
    for i, item in enumerate(value):
        for j, ((field, minimum), v) in enumerate(zip(fields, item)):
            checks.integer(v, f"{name}[{i}][{j}] ({field})", where, minimum=minimum, hint=f"E.g. {name}={example}.")


def _check_arch(arch, where: str, first: str, example: str) -> None:
    """``arch`` must be a non-empty sequence of (``first``, channels) pairs of positive integers."""
    _check_tuples(arch, "arch", where, ((first, 1), ("channels", 1)), example)


def _check_lenet(convs, hidden, act, pool) -> None:
    fields = (("channels", 1), ("kernel size", 1), ("padding", 0))
    _check_tuples(convs, "convs", "LeNet", fields, "((6, 5, 2), (16, 5, 0))", empty_ok=True)
    if isinstance(hidden, str) or not isinstance(hidden, Sequence):
        raise TypeError(f"LeNet: hidden must be a list of dense-layer widths, got {hidden!r}; e.g. hidden=(120, 84)")
    for i, width in enumerate(hidden):
        checks.integer(width, f"hidden[{i}]", "LeNet", hint="E.g. hidden=(120, 84).")
    for name, value, example in (("act", act, "nn.ReLU"), ("pool", pool, "nn.MaxPool2d")):
        if not (isinstance(value, type) and issubclass(value, nn.Module)):
            raise TypeError(f"LeNet: {name} must be a layer class such as {example} (not an instance), got {value!r}")


class LeNet(Classifier):
    """LeNet-5 as in the book (sigmoid activations, average pooling), or a variant of it.

    ``convs`` lists the convolutional blocks as (channels, kernel size, padding); each is followed by ``act`` and a
    2x2 ``pool`` of stride 2. ``hidden`` lists the widths of the dense layers before the output layer, each followed
    by ``act``. The defaults build the book's network. Taught in notebooks/7.6_lenet.ipynb (the variants in its
    exercises).
    """

    def __init__(
        self,
        lr: float = 0.1,
        num_classes: int = 10,
        convs: Sequence[tuple[int, int, int]] = ((6, 5, 2), (16, 5, 0)),
        hidden: Sequence[int] = (120, 84),
        act: type[nn.Module] = nn.Sigmoid,
        pool: type[nn.Module] = nn.AvgPool2d,
    ) -> None:
        super().__init__()
        _check_head(self, lr, num_classes)
        _check_lenet(convs, hidden, act, pool)
        self.save_hyperparameters()
        layers: list[nn.Module] = []
        for channels, kernel, padding in convs:
            layers += [nn.LazyConv2d(channels, kernel, padding=padding), act(), pool(kernel_size=2, stride=2)]
        layers.append(nn.Flatten())
        for width in hidden:
            layers += [nn.LazyLinear(width), act()]
        self.net = nn.Sequential(*layers, nn.LazyLinear(num_classes))


def vgg_block(num_convs: int, out_channels: int) -> nn.Sequential:
    """``num_convs`` 3x3 convolutions with ReLU, then a 2x2 max pool that halves height and width.

    Taught in notebooks/8.2_vgg.ipynb.
    """
    checks.integer(num_convs, "num_convs", "vgg_block")
    checks.integer(out_channels, "out_channels", "vgg_block")
    layers: list[nn.Module] = []
    for _ in range(num_convs):
        layers += [nn.LazyConv2d(out_channels, kernel_size=3, padding=1), nn.ReLU()]
    layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
    return nn.Sequential(*layers)


class VGG(Classifier):
    """VGG: blocks given by ``arch`` as (number of convolutions, output channels), then three dense layers.

    Taught in notebooks/8.2_vgg.ipynb.
    """

    def __init__(
        self, arch: Sequence[tuple[int, int]], lr: float = 0.1, num_classes: int = 10, hidden: int = 4096
    ) -> None:
        super().__init__()
        _check_arch(arch, type(self).__name__, "num_convs", "((1, 64), (1, 128))")
        _check_head(self, lr, num_classes)
        checks.integer(hidden, "hidden", type(self).__name__, hint="It is the width of the two dense layers.")
        self.save_hyperparameters()
        self.net = nn.Sequential(
            *(vgg_block(n, c) for n, c in arch),
            nn.Flatten(),
            nn.LazyLinear(hidden), nn.ReLU(), nn.Dropout(0.5),
            nn.LazyLinear(hidden), nn.ReLU(), nn.Dropout(0.5),
            nn.LazyLinear(num_classes),
        )  # fmt: skip


VGG11_ARCH = ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512))


class Residual(nn.Module):
    """The ResNet block: two 3x3 conv + batch-norm layers and a shortcut (1x1 conv when shapes change).

    Taught in notebooks/8.6_resnet.ipynb.
    """

    def __init__(self, num_channels: int, use_1x1conv: bool = False, strides: int = 1) -> None:
        super().__init__()
        _check_block(self, num_channels, use_1x1conv, strides)
        self.conv1 = nn.LazyConv2d(num_channels, kernel_size=3, padding=1, stride=strides)
        self.conv2 = nn.LazyConv2d(num_channels, kernel_size=3, padding=1)
        self.conv3 = nn.LazyConv2d(num_channels, kernel_size=1, stride=strides) if use_1x1conv else None
        self.bn1 = nn.LazyBatchNorm2d()
        self.bn2 = nn.LazyBatchNorm2d()

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3 is not None:
            X = self.conv3(X)
        return F.relu(Y + X)


def _check_block(block: nn.Module, num_channels: int, use_1x1conv: bool, strides: int) -> None:
    where = type(block).__name__
    checks.integer(num_channels, "num_channels", where)
    checks.flag(use_1x1conv, "use_1x1conv", where)
    checks.integer(strides, "strides", where)
    if strides != 1 and not use_1x1conv:
        raise ValueError(
            f"{where}: strides={strides} shrinks the block's output but the shortcut would keep the input's size, "
            "so they cannot be added: pass use_1x1conv=True to let a strided 1x1 convolution resize the shortcut"
        )


class ResNeXtBlock(nn.Module):
    """The ResNeXt block: 1x1 bottleneck, grouped 3x3 convolution, 1x1 expansion, plus a shortcut.

    The bottleneck has ``round(num_channels * bot_mul)`` channels. Give the split of the 3x3 convolution one
    of two ways:

    - ``groups``: the book's argument. The book's code uses it as the number of channels **in each group**
      (it passes ``bot_channels // groups`` groups to ``nn.Conv2d``), so ``ResNeXtBlock(32, 16, 1)`` is 2 groups
      of 16 channels, here as in the book.
    - ``num_groups``: the number of groups g, as the book's text counts them: ``ResNeXtBlock(32, bot_mul=1,
      num_groups=2)`` is the same block.

    Where ``groups`` does not divide the bottleneck channels, the book silently rounds the number of groups
    down; here that is an error.

    Taught in notebooks/8.6_resnet.ipynb.
    """

    def __init__(
        self,
        num_channels: int,
        groups: int | None = None,
        bot_mul: float | None = None,
        use_1x1conv: bool = False,
        strides: int = 1,
        *,
        num_groups: int | None = None,
    ) -> None:
        super().__init__()
        _check_block(self, num_channels, use_1x1conv, strides)
        if bot_mul is None:
            raise TypeError("ResNeXtBlock: bot_mul is missing: give the bottleneck's share of channels, e.g. bot_mul=1")
        checks.number(bot_mul, "bot_mul", "ResNeXtBlock", hint="E.g. bot_mul=0.25: bottleneck channels / channels.")
        bot_channels = int(round(num_channels * bot_mul))
        if bot_channels < 1:
            raise ValueError(
                f"ResNeXtBlock: bot_mul={bot_mul} leaves round({num_channels} * {bot_mul}) = 0 bottleneck channels; "
                "use a larger bot_mul"
            )
        n_groups = _resnext_groups(bot_channels, groups, num_groups)
        self.conv1 = nn.LazyConv2d(bot_channels, kernel_size=1)
        self.conv2 = nn.LazyConv2d(bot_channels, kernel_size=3, stride=strides, padding=1, groups=n_groups)
        self.conv3 = nn.LazyConv2d(num_channels, kernel_size=1)
        self.bn1, self.bn2, self.bn3 = nn.LazyBatchNorm2d(), nn.LazyBatchNorm2d(), nn.LazyBatchNorm2d()
        if use_1x1conv:
            self.conv4 = nn.LazyConv2d(num_channels, kernel_size=1, stride=strides)
            self.bn4 = nn.LazyBatchNorm2d()
        else:
            self.conv4 = None

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = F.relu(self.bn2(self.conv2(Y)))
        Y = self.bn3(self.conv3(Y))
        if self.conv4 is not None:
            X = self.bn4(self.conv4(X))
        return F.relu(Y + X)


def _resnext_groups(bot_channels: int, groups: int | None, num_groups: int | None) -> int:
    """The number of groups of the 3x3 convolution, from the book's ``groups`` (width) or ``num_groups``."""
    where = "ResNeXtBlock"
    if (groups is None) == (num_groups is None):
        raise TypeError(
            f"{where}: give exactly one of groups (channels per group, the book's code) and num_groups (number of "
            f"groups), got groups={groups!r}, num_groups={num_groups!r}; e.g. ResNeXtBlock(32, bot_mul=1, num_groups=2)"
        )
    if num_groups is not None:
        checks.integer(num_groups, "num_groups", where, hint="It is the number of groups of the 3x3 convolution.")
        if bot_channels % num_groups:
            raise ValueError(
                f"{where}: {bot_channels} bottleneck channels cannot be split into num_groups={num_groups} equal groups"
            )
        return num_groups
    checks.integer(groups, "groups", where, hint="In the book's code it is the number of channels per group.")
    if bot_channels % groups:
        raise ValueError(
            f"{where}: groups={groups} is the number of channels per group (the book's code), and {bot_channels} "
            f"bottleneck channels cannot be split into groups of {groups} (the book would silently make "
            f"{bot_channels // groups} groups of another width); use a divisor of {bot_channels}, or num_groups=g "
            "to give the number of groups"
        )
    return bot_channels // groups


class ResNet(Classifier):
    """ResNet: a 7x7 stem, stages of residual blocks given by ``arch`` as (blocks, channels), global pooling."""

    def __init__(self, arch: Sequence[tuple[int, int]], lr: float = 0.1, num_classes: int = 10) -> None:
        super().__init__()
        _check_arch(arch, type(self).__name__, "num_residuals", "((2, 64), (2, 128))")
        _check_head(self, lr, num_classes)
        self.save_hyperparameters()
        self.net = nn.Sequential(self.b1())
        for i, (num_residuals, num_channels) in enumerate(arch):
            self.net.add_module(f"b{i + 2}", self.block(num_residuals, num_channels, first_block=i == 0))
        self.net.add_module(
            "last", nn.Sequential(nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.LazyLinear(num_classes))
        )

    @staticmethod
    def b1() -> nn.Sequential:
        return nn.Sequential(
            nn.LazyConv2d(64, kernel_size=7, stride=2, padding=3), nn.LazyBatchNorm2d(), nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
        )  # fmt: skip

    @staticmethod
    def block(num_residuals: int, num_channels: int, first_block: bool = False) -> nn.Sequential:
        blocks = [
            Residual(num_channels, use_1x1conv=True, strides=2)
            if i == 0 and not first_block
            else Residual(num_channels)
            for i in range(num_residuals)
        ]
        return nn.Sequential(*blocks)


class ResNet18(ResNet):
    """ResNet-18: four stages of two residual blocks with 64, 128, 256 and 512 channels.

    Taught in notebooks/8.6_resnet.ipynb.
    """

    def __init__(self, lr: float = 0.1, num_classes: int = 10) -> None:
        super().__init__(((2, 64), (2, 128), (2, 256), (2, 512)), lr, num_classes)
