"""d2l.cost counts parameters and multiply-adds per layer on the meta device; d2l.best_time times a function."""

import time

import pytest
import torch
from torch import nn

import d2lcore as d2l
from d2lcore.measure import best_time, cost, num_threads


def test_vgg11_costs_match_closed_forms():
    vgg11 = cost(lambda: d2l.VGG(arch=d2l.VGG11_ARCH), (1, 1, 224, 224))
    assert vgg11.params == 128_806_154 and vgg11.macs == 7_547_232_256  # 8.2's counts, from the formulas there
    convs = [layer for layer in vgg11.layers if layer.kind == "Conv2d"]
    assert [layer.output_shape for layer in convs][:2] == [(64, 224, 224), (128, 112, 112)]
    assert convs[1].macs == 9 * 112 * 112 * 64 * 128 and convs[1].params == 9 * 64 * 128 + 128
    assert sum(layer.macs for layer in vgg11.layers) == vgg11.macs  # ReLU and pooling count no MACs
    assert sum(layer.params for layer in vgg11.layers) == vgg11.params


def test_cost_of_a_module_instance_with_lazy_layers_and_batch_norm():
    net = nn.Sequential(
        nn.LazyConv2d(8, 3, padding=1), nn.LazyBatchNorm2d(), nn.ReLU(), nn.Flatten(), nn.LazyLinear(10)
    )
    result = cost(net, (1, 3, 16, 16))
    assert [layer.kind for layer in result.layers] == ["Conv2d", "BatchNorm2d", "Linear"]  # lazy layers materialised
    assert [layer.params for layer in result.layers] == [3 * 9 * 8 + 8, 2 * 8, 8 * 16 * 16 * 10 + 10]
    assert result.macs == 16 * 16 * 8 * 27 + 8 * 16 * 16 * 10


def test_cost_rejects_a_shape_without_batch_axis():
    with pytest.raises(ValueError, match="input_shape must be"):
        cost(nn.Linear(3, 2), (0, 3))


def test_best_time_is_the_minimum_and_restores_the_thread_count():
    threads = torch.get_num_threads()
    durations = iter([0.03, 0.01, 0.02])
    seconds = best_time(lambda: time.sleep(next(durations)), repeats=3, warmup=0)
    assert 0.01 <= seconds < 0.02
    assert torch.get_num_threads() == threads
    with num_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == threads
    with pytest.raises(ValueError, match="repeats >= 1"):
        best_time(lambda: None, repeats=0)
