"""Hidden tests of sections 7.6, 8.2 and 8.6: structure, counts and shapes at more sizes; no training (see README)."""

from __future__ import annotations

import torch
from torch import nn

from d2lcore.measure import cost
from d2lcore.selfcheck import models as public


def modern_lenet(net):
    public.modern_lenet(net)
    leaves = public._leaves(net)
    assert sum(isinstance(m, nn.MaxPool2d) for m in leaves) == 2, "two max-pooling layers"
    assert sum(isinstance(m, nn.ReLU) for m in leaves) == 4, "a ReLU after each convolution and each hidden layer"
    assert isinstance(leaves[-1], nn.Linear | nn.LazyLinear), "the last layer outputs raw scores"
    X = torch.rand(1, 1, 28, 28)
    net.zero_grad()
    net(X).sum().backward()
    first = next(m for m in leaves if isinstance(m, nn.Conv2d))
    assert first.weight.grad is not None and first.weight.grad.abs().sum() > 0, "gradient reaches the first layer"


def he_init(init):
    torch.manual_seed(11)
    for layer, fan_in in [(nn.Linear(1000, 64), 1000), (nn.Conv2d(6, 16, 5), 150), (nn.Linear(84, 400), 84)]:
        init(layer)
        ratio = layer.weight.std().item() / (2 / fan_in) ** 0.5
        assert abs(ratio - 1) < 0.05, f"{layer}: weight std / sqrt(2 / fan_in) = {ratio:.3f}"
    for other in (nn.ReLU(), nn.MaxPool2d(2), nn.Flatten()):
        init(other)  # layers without weights must be left alone, not crash


def alexnet(make):
    public.alexnet(make)
    with torch.device("meta"):
        net, net1000 = make(), make(num_classes=1000)
    layers = cost(net, (1, 1, 224, 224)).layers
    kinds = [r.kind for r in layers]
    assert kinds.count("Conv2d") == 5 and kinds.count("Linear") == 3, kinds
    assert cost(net1000, (1, 1, 224, 224)).params == 46_764_746 + 990 * 4097
    assert tuple(net(torch.zeros(3, 1, 224, 224, device="meta")).shape) == (3, 10)


def vgg_archs(archs):
    import d2lcore

    public.vgg_archs(archs)
    for name, depth in [("VGG-13", 13), ("VGG-16", 16), ("VGG-19", 19)]:
        arch = archs[name]
        assert len(arch) == 5 and [c for _, c in arch] == [64, 128, 256, 512, 512], f"{name}: channels per block"
        with torch.device("meta"):
            net = d2lcore.VGG(arch=arch)
        layers = cost(net, (1, 1, 224, 224)).layers
        assert len(layers) == depth, f"{name} has {len(layers)} layers with weights"


def resnet_variants(resnet, basic, bottleneck):
    public.resnet_variants(resnet, basic, bottleneck)
    for name, block, stages in [("ResNet34", basic, (3, 4, 6, 3)), ("ResNet50", bottleneck, (3, 4, 6, 3))]:
        with torch.device("meta"):
            net = resnet(block, stages, num_classes=1000)
        assert cost(net, (1, 3, 224, 224)).params == public._torchvision_params(name), name
        assert public._feature_side(net, 224) == (7, 7), name
    with torch.device("meta"):
        net = resnet(bottleneck, (3, 4, 6, 3))
    assert cost(net, (1, 1, 96, 96)).params == 23_522_250, "ResNet-50 for 10 classes on one channel"


def bottleneck_block(cls):
    public.bottleneck_block(cls)
    torch.manual_seed(12)
    X = torch.randn(2, 256, 14, 14)
    down = cls(128, stride=2, project=True)
    assert tuple(down(X).shape) == (2, 512, 7, 7), "first block of a stage: half the size, 4 * width channels"
    out = cls(64)(X)
    assert (out >= 0).all(), "the block ends with a ReLU after the addition"


def preact_residual(cls):
    public.preact_residual(cls)
    torch.manual_seed(13)
    X = torch.randn(4, 3, 6, 6)
    assert tuple(cls(6, use_1x1conv=True, strides=2)(X).shape) == (4, 6, 3, 3)
    block = cls(3)
    block(X)
    order = public._call_order(block, X)
    last = order[-1]
    assert isinstance(last, nn.Conv2d), "without a projection the block's last layer is a convolution"
    with torch.no_grad():
        last.weight.zero_()
        if last.bias is not None:
            last.bias.zero_()
        assert torch.equal(block(X), X), "with the last convolution zeroed the block is the identity"
