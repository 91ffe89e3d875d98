"""THE list of checked exercises, per notebook: edit only here.

For each notebook section, one ``Entry`` per checked exercise or sub-question:

- ``key``: ``"N"`` for ``### Exercise N`` or ``"N.M"`` for its sub-question M. ``make student`` inserts the check
  cell after the answer cell of exercise N; the grader and the hidden tests (``grading/hidden/``) use the same key.
- ``names``: what the student's answer must define (the names the worked solution uses), passed in this order to
- ``check``: the public check, which raises ``AssertionError(hint)`` when the answer is wrong.
- ``asks``: one line the student reads before the check cell: what to define.
- ``hint``: shown when the student's code raises; points to the idea, not the answer.

Conceptual questions and proofs have no entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import conv, models


@dataclass(frozen=True)
class Entry:
    """One checked exercise (or sub-question) of a notebook."""

    key: str
    names: tuple[str, ...]
    check: Callable[..., None]
    asks: str
    hint: str


REGISTRY: dict[str, list[Entry]] = {
    "7.1": [
        Entry("4", ("layers_needed",), conv.layers_needed,
              "`layers_needed`: how many width-3 convolutions before one output depends on both word 1 and word 20.",
              "Each layer widens the window an output sees by one position on each side."),
        Entry("5", ("coverage",), conv.coverage,
              "`coverage`: an 8x8 tensor counting, for each input pixel, the 3x3 windows (no padding) that read it.",
              "Autograd can count for you: the gradient of the summed output with respect to the input."),
    ],
    "7.2": [
        Entry("2.1", ("edge_kernel",), conv.edge_kernel,
              "`edge_kernel(v)`: a kernel whose response is the rate of change of the image along `v = (v1, v2)` "
              "(v1 along the columns x, v2 along the rows y).",
              "A directional derivative is v1 * d/dx + v2 * d/dy; build both derivative kernels first."),
        Entry("2.2", ("second",), conv.second_derivative,
              "`second`: a 1 x k kernel (a 2-D tensor with one row) computing the second derivative along x.",
              "Combine f(x - 1), f(x) and f(x + 1)."),
        Entry("4", ("corr2d_im2col", "conv_matrix"), conv.matmul_forms,
              "`corr2d_im2col(X, K)`: the cross-correlation of 2-D `X` and `K` as one matrix product; and "
              "`conv_matrix(K, n_h, n_w)`: the matrix W with vec(corr2d(X, K)) = W vec(X) for an n_h x n_w image X.",
              "Tensor.unfold cuts out windows along one axis; W has one row per output pixel."),
    ],
    "7.3": [
        Entry("3", ("mirror_pad",), conv.mirror_pad,
              "`mirror_pad(X, padding)`: `X` (any number of leading axes) padded on all four sides of its last two "
              "axes by reflection about the border pixel, as `F.pad(..., mode='reflect')` does.",
              "Work out, for each padded position, which index of the original axis it copies."),
        Entry("4", ("conv_macs",), conv.conv_macs,
              "`conv_macs(n, k, padding, s, c_in, c_out)`: multiply-adds of a k x k convolution on an n x n image "
              "with `padding` per side and stride `s`.",
              "First the output side, then the work per output value."),
        Entry("6", ("zero_insert",), conv.zero_insert,
              "`zero_insert(X, s=2)`: `X` with s - 1 zeros between neighbours along the last axis of a 3-D "
              "(batch, channels, length) tensor, or the last two axes of a 4-D one.",
              "Allocate the larger tensor of zeros and write X into every s-th position."),
    ],
    "7.4": [
        Entry("1", ("full_conv2d",), conv.full_conv2d,
              "`full_conv2d(A, B)`: the single kernel equal to correlating with the 2-D kernel `A`, then with `B`.",
              "Pad A by the size of B minus one on every side and convolve."),
        Entry("5", ("conv2d_matmul",), conv.conv2d_matmul,
              "`conv2d_matmul(X, W, pad, stride)`: `F.conv2d(X[None], W, padding=pad, stride=stride)[0]` for "
              "`X` of shape (c_i, h, w), as a single matrix product.",
              "im2col: first collect the inputs of every output position into a matrix."),
        Entry("7", ("ChannelShuffle",), conv.channel_shuffle,
              "`ChannelShuffle(groups)`: an nn.Module that interleaves the channels of the groups "
              "(ShuffleNet's channel shuffle).",
              "reshape, transpose, reshape."),
    ],
    "7.5": [
        Entry("1", ("avg_pool_as_conv",), conv.avg_pool_as_conv,
              "`avg_pool_as_conv(X, pool_size, stride=None, padding=0)`: `nn.AvgPool2d` computed by `F.conv2d`.",
              "A constant kernel averages; groups keep the channels apart."),
        Entry("3", ("MaxPoolFromReLU",), conv.max_pool_from_relu,
              "`MaxPoolFromReLU(channels, pool_size, stride=None)`: an nn.Module made only of nn.Conv2d and "
              "nn.ReLU layers that computes max pooling.",
              "Build the pairwise maximum first, then combine pairs."),
        Entry("6", ("min_pool",), conv.min_pool,
              "`min_pool(X, pool_size, stride=None, padding=0)`: minimum pooling without a new layer.",
              "min and max are related by a sign."),
        Entry("7", ("softmax_pool2d",), conv.softmax_pool2d,
              "`softmax_pool2d(X, pool_size, stride=None, T=1.0)`: softmax pooling with temperature `T`.",
              "Tensor.unfold gives the windows; torch.softmax weights them."),
    ],
    "7.6": [
        Entry("1", ("relu_max",), models.modern_lenet,
              "`relu_max`: LeNet with ReLU activations and max pooling (otherwise unchanged).",
              "d2l.LeNet takes the activation and the pooling as arguments."),
        Entry("2", ("he_init",), models.he_init,
              "`he_init(module)`: He initialisation of a layer's weights (to use with `net.apply`).",
              "torch.nn.init has He (Kaiming) initialisation; which nonlinearity does it assume?"),
    ],
    "8.2": [
        Entry("1", ("alexnet",), models.alexnet,
              "`alexnet(num_classes=10)`: the book's AlexNet as an nn.Sequential of lazy layers.",
              "Five convolutions, three pooling layers, three dense layers with dropout."),
        Entry("3", ("vgg_archs",), models.vgg_archs,
              "`vgg_archs`: a dict with the architectures 'VGG-13', 'VGG-16' and 'VGG-19' in d2l.VGG's format "
              "((convolutions, channels) per block).",
              "Table 1 of the VGG paper: columns B, D and E."),
    ],
    "8.6": [
        Entry("2", ("resnet", "BasicBlock", "Bottleneck"), models.resnet_variants,
              "`resnet(block, blocks_per_stage, num_classes=10)` building the ResNets of Table 1 from the block "
              "classes `BasicBlock` and `Bottleneck(width, stride=1, project=False)`.",
              "Stem, then four stages of 64, 128, 256 and 512 channels; stages 2-4 start with stride 2."),
        Entry("3", ("Bottleneck",), models.bottleneck_block,
              "`Bottleneck(width, stride=1, project=False)`: the bottleneck residual block with 4 * width output "
              "channels.",
              "1x1 convolution, 3x3 convolution, 1x1 convolution, each with batch norm."),
        Entry("4", ("PreActResidual",), models.preact_residual,
              "`PreActResidual(num_channels, use_1x1conv=False, strides=1)`: the pre-activation residual block.",
              "Batch norm and ReLU move in front of each convolution."),
    ],
}  # fmt: skip


def entry(section: str, key: str) -> Entry:
    """The registry's entry for exercise ``key`` of ``section``, or a KeyError that lists what is checked."""
    for found in REGISTRY.get(section, []):
        if found.key == key:
            return found
    known = ", ".join(f"{s} {e.key}" for s, entries in REGISTRY.items() for e in entries)
    raise KeyError(f"no self-check for section {section!r}, exercise {key!r}; checked are: {known}.")
