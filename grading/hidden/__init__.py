"""Hidden tests, one per checked exercise, keyed like the self-check registry: ``HIDDEN[section][key]``.

Each test receives the values of the registry entry's ``names`` and raises ``AssertionError`` when the answer is wrong.
They live outside the d2lcore package and outside student/, so students never receive them.
"""

from __future__ import annotations

from collections.abc import Callable

from . import conv, models

HIDDEN: dict[str, dict[str, Callable[..., None]]] = {
    "7.1": {"4": conv.layers_needed, "5": conv.coverage},
    "7.2": {"2.1": conv.edge_kernel, "2.2": conv.second_derivative, "4": conv.matmul_forms},
    "7.3": {"3": conv.mirror_pad, "4": conv.conv_macs, "6": conv.zero_insert},
    "7.4": {"1": conv.full_conv2d, "5": conv.conv2d_matmul, "7": conv.channel_shuffle},
    "7.5": {"1": conv.avg_pool_as_conv, "3": conv.max_pool_from_relu, "6": conv.min_pool, "7": conv.softmax_pool2d},
    "7.6": {"1": models.modern_lenet, "2": models.he_init},
    "8.2": {"1": models.alexnet, "3": models.vgg_archs},
    "8.6": {"2": models.resnet_variants, "3": models.bottleneck_block, "4": models.preact_residual},
}
