"""d2lcore: the small helper package of the CNN course, with the names the d2l book uses.

Use it as ``import d2lcore as d2l``: the book's PyTorch code for sections 7.1-7.6, 8.2 and 8.6 runs unchanged.
``dir(d2lcore)`` lists the API; the package's files stay reachable as ``d2lcore.data``, ``import d2lcore.train``.
"""

import importlib as _importlib

from matplotlib import pyplot as plt

from .aliases import *  # noqa: F403 (the book's tensor names: d2l.tensor, d2l.reshape, d2l.float32, ...)
from .board import ProgressBoard
from .checkpoints import CheckpointError, load_model, save_model
from .config import (
    QUICK_BUDGET,
    cpu,
    data_root,
    describe,
    gpu,
    is_offline,
    is_quick,
    num_gpus,
    pick,
    seed,
    train_resize,
    training_device,
    try_all_gpus,
    try_gpu,
)
from .data import (
    DIGIT_LABELS,
    MNIST,
    TEXT_LABELS,
    DataCorruptError,
    DataModule,
    DataUnavailableError,
    FashionMNIST,
    ImageSet,
    TensorLoader,
    balanced_subset,
    find_data,
    load_dataset,
)
from .measure import Cost, LayerCost, best_time, cost, num_threads
from .models import VGG, VGG11_ARCH, LeNet, Residual, ResNet, ResNet18, ResNeXtBlock, vgg_block
from .module import Classifier, HyperParameters, Module, add_to_class, init_cnn, num_params
from .ops import (
    comp_conv2d,
    conv_output_shape,
    corr2d,
    corr2d_fast,
    corr2d_multi_in,
    corr2d_multi_in_out,
    corr2d_multi_in_out_1x1,
    pool2d,
    pool2d_fast,
)
from .plotting import plot, set_axes, set_figsize, show_feature_maps, show_images, use_svg_display
from .receptive import input_gradient, ones_conv_stack, receptive_field_size, window_mask
from .records import check_learned, full_mode_record, load_records, results_table
from .train import Trainer, evaluate_accuracy, evaluate_loss

COURSE_REPO = "d2l-cnn/cnn-course"
"""GitHub ``owner/name`` of this course: Colab badges and the Colab install cell point here."""

__version__ = "0.1.0"

# The package's files are not part of its API: importing them above bound their names here; remove those names
# so that dir(d2lcore) lists the API only. Attribute access (d2lcore.data) still finds them, through __getattr__.
_SUBMODULES = frozenset(
    name for name, value in list(globals().items()) if getattr(value, "__name__", "").startswith(__name__ + ".")
)
for _name in _SUBMODULES:
    del globals()[_name]
del _name

__all__ = sorted(name for name in globals() if not name.startswith("_"))


def __getattr__(name: str):
    if name in _SUBMODULES:
        return _importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return list(__all__)
