"""Shapes and sizes of the reusable networks, as the book states them."""

import pytest
import torch

import d2lcore as d2l


def test_lenet_defaults_are_the_books_network():
    shapes = [s for _, s in d2l.LeNet().layer_shapes((1, 1, 28, 28))]
    assert shapes[2] == (1, 6, 14, 14) and shapes[5] == (1, 16, 5, 5) and shapes[6] == (1, 400)
    assert [type(m) for m in d2l.LeNet().net][:3] == [torch.nn.LazyConv2d, torch.nn.Sigmoid, torch.nn.AvgPool2d]


def test_lenet_variant_builds_the_layers_it_names():
    net = d2l.LeNet(convs=((6, 3, 1), (16, 3, 0)), hidden=(120,), act=torch.nn.ReLU, pool=torch.nn.MaxPool2d)
    shapes = [s for _, s in net.layer_shapes((1, 1, 28, 28))]
    assert shapes == [(1, 6, 28, 28), (1, 6, 28, 28), (1, 6, 14, 14), (1, 16, 12, 12), (1, 16, 12, 12),
                      (1, 16, 6, 6), (1, 576), (1, 120), (1, 120), (1, 10)]  # fmt: skip
    assert [type(m) for m in net.net][:3] == [torch.nn.Conv2d, torch.nn.ReLU, torch.nn.MaxPool2d]
    assert d2l.num_params(net) == 6 * (9 + 1) + 16 * (54 + 1) + 120 * (576 + 1) + 10 * (120 + 1)
    linear = d2l.LeNet(convs=(), hidden=())  # softmax regression on the flattened image
    linear.layer_shapes((1, 1, 28, 28))
    assert d2l.num_params(linear) == 10 * (784 + 1)


def test_vgg_block_halves_resolution():
    blk = d2l.vgg_block(2, 8)
    assert blk(torch.zeros(1, 3, 16, 12)).shape == (1, 8, 8, 6)
    assert sum(isinstance(m, torch.nn.Conv2d) for m in blk) == 2


def test_vgg11_summary_at_224():
    model = d2l.VGG(d2l.VGG11_ARCH)
    shapes = [s for _, s in model.layer_shapes((1, 1, 224, 224))]
    assert shapes[:6] == [
        (1, 64, 112, 112),
        (1, 128, 56, 56),
        (1, 256, 28, 28),
        (1, 512, 14, 14),
        (1, 512, 7, 7),
        (1, 25088),
    ]
    assert shapes[6] == (1, 4096) and shapes[-1] == (1, 10)


def test_residual_shapes():
    X = torch.rand(4, 3, 6, 6)
    assert d2l.Residual(3)(X).shape == (4, 3, 6, 6)
    assert d2l.Residual(6, use_1x1conv=True, strides=2)(X).shape == (4, 6, 3, 3)


def test_resnext_block_shape_and_groups():
    blk = d2l.ResNeXtBlock(32, 16, 1)  # the book's call: groups is the width of each group
    assert blk(torch.rand(4, 32, 96, 96)).shape == (4, 32, 96, 96)
    assert blk.conv2.groups == 2 and blk.conv2.in_channels // blk.conv2.groups == 16
    named = d2l.ResNeXtBlock(32, bot_mul=1, num_groups=2)
    assert named.conv2.groups == 2
    assert d2l.ResNeXtBlock(256, bot_mul=0.5, num_groups=32).conv2.groups == 32
    with pytest.raises(ValueError, match="equal groups"):
        d2l.ResNeXtBlock(30, bot_mul=1, num_groups=4)


def test_resnet18_summary_at_96():
    model = d2l.ResNet18()
    shapes = [s for _, s in model.layer_shapes((1, 1, 96, 96))]
    assert shapes == [(1, 64, 24, 24), (1, 64, 24, 24), (1, 128, 12, 12), (1, 256, 6, 6), (1, 512, 3, 3), (1, 10)]
    assert d2l.num_params(model) == 11_178_378


def test_layer_summary_runs_on_the_meta_device():
    with torch.device("meta"):  # shapes only: no arithmetic, no memory
        model = d2l.VGG(d2l.VGG11_ARCH)
    meta = [s for _, s in model.layer_shapes((1, 1, 224, 224))]
    assert meta == [s for _, s in d2l.VGG(d2l.VGG11_ARCH, hidden=4096).layer_shapes((1, 1, 224, 224))]
    assert {p.device.type for p in model.parameters()} == {"meta"}
