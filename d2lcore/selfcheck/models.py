"""Public checks of sections 7.6, 8.2 and 8.6: architectures, parameter counts and shapes, never training.

Training is what the notebooks' own runs measure; a check that retrained a network would take minutes. The checks
build the student's network (on the ``meta`` device where it is large, so no memory is used) and compare its
structure with the book's or the paper's.
"""

from __future__ import annotations

import torch
import torchvision
from torch import nn

from ._expect import expect


def _leaves(net: nn.Module) -> list[nn.Module]:
    return [m for m in net.modules() if not list(m.children())]


def modern_lenet(net: object) -> None:
    expect(isinstance(net, nn.Module), "`relu_max` should be a network (an nn.Module), e.g. built with d2l.LeNet(...).")
    torch.manual_seed(0)
    with torch.no_grad():
        out = net(torch.rand(4, 1, 28, 28))
    kinds = {type(m) for m in _leaves(net)}
    expect(nn.ReLU in kinds and nn.Sigmoid not in kinds, "Replace every sigmoid activation by a ReLU.")
    expect(nn.MaxPool2d in kinds and nn.AvgPool2d not in kinds, "Replace the average pooling layers by max pooling.")
    expect(tuple(out.shape) == (4, 10), f"The network should output 10 scores per image, got shape {tuple(out.shape)}.")
    expect(
        (out < 0).any(),
        "The scores should be able to be negative: no ReLU after the last layer (the softmax lives in the loss).",
    )
    n = sum(p.numel() for p in net.parameters())
    expect(n == 61_706, f"LeNet has 61,706 parameters, yours {n:,}: only the activation and the pooling should change.")


def he_init(init: object) -> None:
    torch.manual_seed(0)
    layer = nn.Linear(400, 120)
    init(layer)
    std = layer.weight.std().item()
    target = (2 / 400) ** 0.5
    expect(
        abs(std / target - 1) < 0.05,
        "He initialisation gives the weights variance 2 / n_in (n_in = inputs of the layer); here std "
        f"{std:.4f}, expected about {target:.4f}.",
    )


def alexnet(make: object) -> None:
    from d2lcore.measure import cost

    with torch.device("meta"):
        net = make()
    params = cost(net, (1, 1, 224, 224)).params
    expect(
        params == 46_764_746,
        "AlexNet (the book's version, 10 classes, one input channel) has 46,764,746 parameters; yours "
        f"{params:,}. Compare layer by layer with the book's table.",
    )


def _torchvision_params(name: str) -> int:
    return getattr(torchvision.models, f"{name}_Weights").IMAGENET1K_V1.meta["num_params"]


def vgg_archs(archs: object) -> None:
    import d2lcore
    from d2lcore.measure import cost

    expect(isinstance(archs, dict), "`vgg_archs` should be a dict from names like 'VGG-16' to architectures.")
    for name in ("VGG-13", "VGG-16", "VGG-19"):
        expect(name in archs, f"`vgg_archs` has no {name!r}: add the columns of Table 1 you built.")
        with torch.device("meta"):
            net = d2lcore.VGG(arch=archs[name], num_classes=1000)
        params = cost(net, (1, 3, 224, 224)).params
        expect(
            params == _torchvision_params(name.replace("-", "")),
            f"{name} for ImageNet has {_torchvision_params(name.replace('-', '')):,} parameters, yours "
            f"{params:,}: count the convolutions per block in Table 1.",
        )


def _feature_side(net: nn.Module, side: int) -> tuple[int, int]:
    sizes: list[tuple[int, int]] = []
    pool = next(m for m in net.modules() if isinstance(m, nn.AdaptiveAvgPool2d))
    hook = pool.register_forward_hook(lambda m, i, o: sizes.append(tuple(i[0].shape[-2:])))
    try:
        net(torch.zeros(1, 3, side, side, device="meta"))
    finally:
        hook.remove()
    return sizes[0]


def resnet_variants(resnet: object, basic: object, bottleneck: object) -> None:
    from d2lcore.measure import cost

    with torch.device("meta"):
        net = resnet(basic, (2, 2, 2, 2), num_classes=1000)
    params = cost(net, (1, 3, 224, 224)).params
    expect(
        params == _torchvision_params("ResNet18"),
        f"resnet(BasicBlock, (2, 2, 2, 2), 1000) should have ResNet-18's {_torchvision_params('ResNet18'):,} "
        f"parameters, yours {params:,}.",
    )
    expect(
        _feature_side(net, 224) == (7, 7),
        "A 224x224 image should reach the global pooling as 7x7: the stem halves twice, stages 2-4 once each, "
        "stage 1 keeps the size.",
    )


def bottleneck_block(cls: object) -> None:
    torch.manual_seed(0)
    X = torch.randn(2, 256, 14, 14)
    block = cls(64)
    out = block(X)
    expect(
        tuple(out.shape) == (2, 256, 14, 14),
        f"Bottleneck(64) on 256 channels should give back 256 channels at the same size, got {tuple(out.shape)}.",
    )
    weights = sum(m.weight.numel() for m in block.modules() if isinstance(m, nn.Conv2d))
    expect(
        weights == 256 * 64 + 64 * 64 * 9 + 64 * 256,
        "1x1 down to `width`, 3x3 at `width`, 1x1 up to 4 * width: count your convolutions' weights.",
    )


def _call_order(block: nn.Module, X: torch.Tensor) -> list[nn.Module]:
    order: list[nn.Module] = []
    hooks = [m.register_forward_hook(lambda m, i, o: order.append(m)) for m in _leaves(block)]
    try:
        block(X)
    finally:
        for hook in hooks:
            hook.remove()
    return order


def preact_residual(cls: object) -> None:
    torch.manual_seed(0)
    X = torch.randn(4, 3, 6, 6)
    block = cls(3)
    order = _call_order(block, X)
    expect(
        order and isinstance(order[0], nn.BatchNorm2d | nn.LazyBatchNorm2d),
        "In the pre-activation block the input first meets batch norm, then ReLU, then a convolution.",
    )
    out = block(X)
    expect(
        tuple(out.shape) == (4, 3, 6, 6),
        f"PreActResidual(3) should keep the shape (4, 3, 6, 6), got {tuple(out.shape)}.",
    )
    expect((out < 0).any(), "No ReLU after the addition: the block's output is the input plus the branch, unclipped.")
