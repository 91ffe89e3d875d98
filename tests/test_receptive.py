"""Receptive fields: the closed form against hand-worked values, and against the region autograd measures.
Bad input to these functions has its rows in test_arguments.py."""

import numpy as np
import pytest
import torch
from torch import nn

import d2lcore as d2l


@pytest.mark.parametrize(
    ("kernels", "side"),
    [([], 1), ([3], 3), ([2, 2], 3), ([3, 3], 5), ([3, 3, 3, 3], 9), ([5, 3], 7), ([7, 1, 3], 9), ([1, 1], 1)],
)
def test_stride_1_stacks_widen_by_k_minus_1_per_layer(kernels, side):
    assert d2l.receptive_field_size(kernels) == side == 1 + sum(k - 1 for k in kernels)
    assert d2l.receptive_field_size(kernels, [1] * len(kernels)) == side


@pytest.mark.parametrize(
    ("kernels", "strides", "side"),
    [
        ([3, 3], [2, 1], 7),  # 1 + 2 + 2 * 2
        ([5, 3], [2, 2], 9),  # 1 + 4 + 2 * 2
        ([3, 3, 3], [2, 2, 2], 15),  # 1 + 2 (1 + 2 + 4)
        ([3] * 7, [2] * 7, 255),  # 2^8 - 1: passes a 224-pixel image at seven layers
        ([3] * 10, [2] * 10, 2**11 - 1),
        ([2, 2], [2, 2], 4),  # non-overlapping windows tile the field exactly
        ([7, 3, 3], [2, 1, 1], 15),  # 1 + 6 + 2 * 2 + 2 * 2
    ],
)
def test_strided_stacks_follow_the_closed_form(kernels, strides, side):
    assert d2l.receptive_field_size(kernels, strides) == side
    steps = np.cumprod([1] + strides[:-1])
    assert side == 1 + sum((k - 1) * step for k, step in zip(kernels, steps, strict=True))


@pytest.mark.parametrize(
    ("kernels", "strides"),
    [
        ([3], None),
        ([3, 3], None),
        ([2, 2], None),
        ([7, 1, 3], None),
        ([3, 3], [2, 1]),
        ([5, 3], [2, 2]),
        ([3, 3, 3], [2, 2, 2]),
    ],
)
def test_autograd_measures_exactly_the_predicted_window(kernels, strides):
    net = d2l.ones_conv_stack(kernels, strides)
    grad, (i, j) = d2l.input_gradient(net, 33)
    side = d2l.receptive_field_size(kernels, strides)
    jump = int(np.prod(strides or [1]))  # input pixels between neighbouring outputs
    assert torch.equal(grad != 0, d2l.window_mask(33, i * jump, j * jump, side))


@pytest.mark.parametrize("depth", [1, 2, 3, 4])
def test_ones_kernels_count_the_paths(depth):
    """Through `depth` 3x3 layers of ones, the gradient at offset (a, b) is c_a c_b, c = coefficients of (1+t+t^2)^L."""
    grad, (i, j) = d2l.input_gradient(d2l.ones_conv_stack([3] * depth), 13)
    paths_1d = torch.tensor(np.polynomial.polynomial.polypow([1, 1, 1], depth), dtype=torch.float32)
    expected = torch.zeros(13, 13)
    expected[i : i + 2 * depth + 1, j : j + 2 * depth + 1] = torch.outer(paths_1d, paths_1d)
    assert (i, j) == (6 - depth, 6 - depth) and torch.equal(grad, expected)


def test_padding_moves_the_window_and_the_image_clips_it():
    # Five padded 3x3 layers on 7x7: an 11x11 window starting 5 pixels above and left of the output element.
    net = d2l.ones_conv_stack([3] * 5, padding=1)
    corner, _ = d2l.input_gradient(net, 7, at=(0, 0))
    centre, at = d2l.input_gradient(net, 7)
    assert at == (3, 3) and int((centre != 0).sum()) == 49 and int((corner != 0).sum()) == 36
    assert torch.equal(corner != 0, d2l.window_mask(7, -5, -5, 11))
    # Seven padded 3x3 stride-2 layers on 224x224: a 255x255 field from pixel (-127, -127).
    grad, _ = d2l.input_gradient(d2l.ones_conv_stack([3] * 7, [2] * 7, padding=1), 224, at=(0, 0))
    assert torch.equal(grad != 0, d2l.window_mask(224, -127, -127, d2l.receptive_field_size([3] * 7, [2] * 7)))


def test_input_gradient_works_on_any_image_network():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(1, 4, 5), nn.Conv2d(4, 2, 3))  # random weights, several channels
    grad, (i, j) = d2l.input_gradient(net, (20, 24), at=(2, 3))
    assert grad.shape == (20, 24) and (i, j) == (2, 3)
    assert torch.equal(grad != 0, d2l.window_mask((20, 24), 2, 3, d2l.receptive_field_size([5, 3])))


def test_window_mask_is_the_window_clipped_to_the_image():
    mask = d2l.window_mask((4, 6), -1, 4, 3)
    expected = torch.zeros(4, 6, dtype=torch.bool)
    expected[0:2, 4:6] = True
    assert torch.equal(mask, expected)
    assert not d2l.window_mask(5, -10, 0, 3).any()


def test_a_stride_larger_than_its_kernel_leaves_holes_in_the_window():
    # 2x2 windows 3 pixels apart skip every third row and column: the closed form gives the window's side (8),
    # but only the pixels at offsets 0, 1, 3, 4, 6, 7 of it are read.
    grad, (i, j) = d2l.input_gradient(d2l.ones_conv_stack([2, 3], [3, 1]), 33)
    side = d2l.receptive_field_size([2, 3], [3, 1])
    used = torch.tensor([0, 1, 3, 4, 6, 7])
    expected = torch.zeros(33, 33, dtype=torch.bool)
    expected[(3 * i + used)[:, None], 3 * j + used] = True
    assert side == 8 and torch.equal(grad != 0, expected)
