"""d2lcore: the small helper package of the CNN course, with the names the d2l book uses.

Use it as ``import d2lcore as d2l``.
"""

from .checkpoints import CheckpointError, load_model, save_model
from .config import (
    QUICK_BUDGET,
    data_root,
    describe,
    is_offline,
    is_quick,
    num_gpus,
    pick,
    seed,
    train_resize,
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
from .plot import ProgressBoard, show_feature_maps, show_images
from .records import check_learned, full_mode_record, load_records, results_table
from .train import Trainer, evaluate_accuracy, evaluate_loss

COURSE_REPO = "d2l-cnn/cnn-course"
"""GitHub ``owner/name`` of this course: Colab badges and the Colab install cell point here."""

__version__ = "0.1.0"

__all__ = [name for name in dir() if not name.startswith("_")]
