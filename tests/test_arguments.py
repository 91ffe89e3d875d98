"""Bad input to any public function or constructor of d2lcore fails at once, with a message that says what was
given, what is expected and what to do. One row per mistake: (callable, args, kwargs, error, message fragment)."""

import importlib
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
from torch import nn

import d2lcore as d2l

X28 = torch.zeros(1, 1, 28, 28)
IMAGES = torch.zeros(8, 28, 28, dtype=torch.uint8)
LABELS = torch.arange(8) % 10
SET8 = d2l.ImageSet(IMAGES, LABELS, (28, 28))
MISSING = Path(tempfile.gettempdir()) / "d2lcore-no-such-folder" / "model.pt"


def _lenet_shaped_by(method: str, shape: tuple[int, ...]) -> d2l.LeNet:
    """A LeNet whose lazy layers took their shapes from ``apply_init`` or ``layer_shapes`` with ``shape``."""
    model = d2l.LeNet()
    if method == "apply_init":
        model.apply_init([torch.zeros(shape)])
    else:
        model.layer_shapes(shape)
    return model


def _tiny_data() -> SimpleNamespace:
    """A one-channel data module of 8 blank 28x28 images."""
    loader = d2l.TensorLoader(SET8, batch_size=4, shuffle=False)
    return SimpleNamespace(train_dataloader=lambda: loader, val_dataloader=lambda: loader)


def _save_lazy_model() -> None:
    """save_model on a model whose lazy layers have no shapes yet: it must refuse, and write nothing."""
    with tempfile.TemporaryDirectory() as folder:
        try:
            d2l.save_model(d2l.LeNet(), Path(folder) / "model.pt")
        finally:
            assert not any(Path(folder).iterdir()), "save_model wrote a file"


def _enter_num_threads(n) -> None:
    with d2l.num_threads(n):
        pass


class _Keeps(d2l.HyperParameters):
    def __init__(self, a, b=2):
        self.save_hyperparameters(ignore="b")


CASES = [
    # config
    (d2l.try_gpu, (-1,), {}, ValueError, "try_gpu: i must be a GPU index 0, 1, ..., got -1"),
    (d2l.gpu, ("0",), {}, ValueError, "gpu: i must be a GPU index 0, 1, ..., got '0'"),
    (d2l.train_resize, (), {"gpu": 0, "cpu": 48}, ValueError, "train_resize: gpu must be an image side in pixels"),
    (d2l.seed, ("0",), {}, TypeError, "seed: default must be an integer >= 0"),
    (d2l.train_resize, (), {"gpu": 96, "cpu": "48"}, ValueError, "cpu must be an image side in pixels"),
    # data
    (d2l.FashionMNIST, (), {"batch_size": 0}, ValueError, "FashionMNIST: batch_size must be a positive integer, got 0"),
    (d2l.FashionMNIST, (), {"batch_size": 2.5}, TypeError, "batch_size must be a positive integer, got 2.5"),
    (d2l.FashionMNIST, (), {"batch_size": True}, TypeError, "batch_size must be a positive integer, got True"),
    (d2l.FashionMNIST, (), {"resize": 0}, ValueError, "resize must be an integer or a (height, width) pair of"),
    (d2l.FashionMNIST, (), {"resize": (32,)}, TypeError, "e.g. resize=32 or resize=(32, 32)"),
    (d2l.FashionMNIST, (), {"resize": "32"}, TypeError, "resize must be an integer or a (height, width) pair"),
    (d2l.FashionMNIST, (), {"root": 5}, TypeError, "FashionMNIST: root must be a folder (str or Path) or None"),
    (d2l.MNIST, (), {"batch_size": -1}, ValueError, "MNIST: batch_size must be a positive integer, got -1"),
    (d2l.ImageSet, (IMAGES.float(), LABELS, 28), {}, ValueError, "ImageSet: images must be a uint8 tensor"),
    (d2l.ImageSet, (IMAGES, LABELS[:5], 28), {}, ValueError, "labels must be a 1-D tensor with one label per image"),
    (d2l.ImageSet, (IMAGES, LABELS, (0, 28)), {}, ValueError, "ImageSet: resize must be an integer or a"),
    (d2l.TensorLoader, ([1, 2], 4, True), {}, TypeError, "TensorLoader: data must be a d2l.ImageSet"),
    (d2l.TensorLoader, (SET8, 0, True), {}, ValueError, "batch_size must be a positive"),
    (d2l.TensorLoader, (SET8, 4, "yes"), {}, TypeError, "shuffle must be True or False"),
    (d2l.balanced_subset, (LABELS, 5), {}, ValueError, "size must be an integer >= 10, got 5"),
    (d2l.balanced_subset, (LABELS.float(), 10), {}, ValueError, "labels must be a 1-D integer tensor"),
    (d2l.balanced_subset, (LABELS, 10), {"num_classes": 0}, ValueError, "num_classes must be a positive integer"),
    (d2l.find_data, ("CIFAR",), {}, ValueError, "unknown data set 'CIFAR'; choose one of"),
    (d2l.find_data, (), {"root": 3}, TypeError, "find_data: root must be a folder"),
    (d2l.load_dataset, ("fashion",), {}, ValueError, "unknown data set 'fashion'"),
    (d2l.FashionMNIST.text_labels, (d2l.FashionMNIST.__new__(d2l.FashionMNIST), [3, 10]), {}, ValueError,
     "label 10 is not a class of Fashion-MNIST: labels go from 0 to 9"),
    (d2l.FashionMNIST.visualize, (d2l.FashionMNIST.__new__(d2l.FashionMNIST), (X28, LABELS)), {"nrows": 0},
     ValueError, "visualize: nrows must be a positive integer"),
    # models
    (d2l.LeNet, (), {"lr": 0}, ValueError, "LeNet: lr must be a positive number, got 0. The learning rate is usually"),
    (d2l.LeNet, (), {"lr": -0.1}, ValueError, "LeNet: lr must be a positive number, got -0.1"),
    (d2l.LeNet, (), {"num_classes": 0}, ValueError, "num_classes must be a positive integer, got 0"),
    (d2l.LeNet, (), {"convs": (6, 5, 2)}, TypeError, "LeNet: convs must be a list of (channels, kernel size, padding)"),
    (d2l.LeNet, (), {"convs": ((6, 5, -1),)}, ValueError, "LeNet: convs[0][2] (padding) must be an integer >= 0"),
    (d2l.LeNet, (), {"hidden": 120}, TypeError, "LeNet: hidden must be a list of dense-layer widths, got 120"),
    (d2l.LeNet, (), {"hidden": (120, 0)}, ValueError, "LeNet: hidden[1] must be a positive integer, got 0"),
    (d2l.LeNet, (), {"act": torch.nn.ReLU()}, TypeError, "LeNet: act must be a layer class such as nn.ReLU (not an"),
    (d2l.LeNet, (), {"pool": "max"}, TypeError, "LeNet: pool must be a layer class such as nn.MaxPool2d"),
    (d2l.VGG, ((),), {}, TypeError, "VGG: arch must be a non-empty list of (num_convs, channels) pairs"),
    (d2l.VGG, (((1, 64), (0, 128)),), {}, ValueError, "VGG: arch[1][0] (num_convs) must be a positive integer, got 0"),
    (d2l.VGG, (d2l.VGG11_ARCH,), {"hidden": 0}, ValueError, "VGG: hidden must be a positive integer"),
    (d2l.vgg_block, (0, 64), {}, ValueError, "vgg_block: num_convs must be a positive integer, got 0"),
    (d2l.Residual, (0,), {}, ValueError, "Residual: num_channels must be a positive integer, got 0"),
    (d2l.Residual, (64,), {"strides": 2}, ValueError, "pass use_1x1conv=True"),
    (d2l.ResNeXtBlock, (32, 4, 0), {}, ValueError, "ResNeXtBlock: bot_mul must be a positive number, got 0"),
    (d2l.ResNeXtBlock, (4, 1, 0.1), {}, ValueError, "0 bottleneck channels; use a larger bot_mul"),
    (d2l.ResNeXtBlock, (32, 12, 1), {}, ValueError, "groups=12 is the number of channels per group (the book's code)"),
    (d2l.ResNeXtBlock, (32, 16), {}, TypeError, "ResNeXtBlock: bot_mul is missing"),
    (d2l.ResNeXtBlock, (32,), {"bot_mul": 1}, TypeError, "give exactly one of groups (channels per group"),
    (d2l.ResNeXtBlock, (32, 16, 1), {"num_groups": 2}, TypeError, "give exactly one of groups"),
    (d2l.ResNeXtBlock, (32,), {"bot_mul": 1, "num_groups": 3}, ValueError, "cannot be split into num_groups=3"),
    (d2l.ResNet, ([(2, 64, 1)],), {}, TypeError, "ResNet: arch must be a non-empty list of (num_residuals, channels)"),
    (d2l.ResNet18, (), {"lr": "fast"}, TypeError, "ResNet18: lr must be a positive number, got 'fast'"),
    # module
    (d2l.add_to_class, (d2l.LeNet(),), {}, TypeError, "Decorate with the class itself, e.g. @d2l.add_to_class(LeNet)"),
    (d2l.LeNet().apply_init, (X28,), {}, TypeError, "wrap a single batch in a list: model.apply_init([X]"),
    (d2l.LeNet().apply_init, ([],), {}, TypeError, "inputs must be a non-empty list of tensors"),
    (d2l.LeNet().apply_init, ([X28],), {"init": "xavier"}, TypeError, "init must be a function of one module"),
    (_lenet_shaped_by("apply_init", (1, 1, 28, 28)).apply_init, ([torch.zeros(1, 3, 28, 28)],), {}, ValueError,
     "took their shapes from the first input they saw (apply_init with input shape (1, 1, 28, 28))"),
    (d2l.LeNet().layer_summary, (X28,), {}, TypeError, "Pass the tensor's shape (X_shape=X.shape), not the tensor"),
    (d2l.LeNet().layer_summary, ((1, 0, 28, 28),), {}, ValueError, "X_shape must be a shape, i.e. a tuple of positive"),
    (d2l.LeNet().layer_summary, ((1, 1, 4, 4),), {}, ValueError,
     "input of shape (1, 1, 4, 4) does not fit LeNet at layer 3 ("),
    (_lenet_shaped_by("apply_init", (1, 1, 28, 28)).layer_summary, ((1, 3, 28, 28),), {}, ValueError,
     "to have 1 channels, but got 3 channels"),
    (d2l.num_params, (d2l.LeNet(),), {}, ValueError, "num_params: LeNet has lazy layers without shapes yet"),
    (d2l.num_params, ("LeNet",), {}, TypeError, "num_params: module must be a torch.nn.Module"),
    (d2l.init_cnn, ("conv",), {}, TypeError, "init_cnn: module must be a torch.nn.Module"),
    (_Keeps, (1,), {}, TypeError, "ignore must be a list of argument names, got 'b'"),
    (d2l.Classifier().configure_optimizers, (), {}, AttributeError, "Classifier has no learning rate self.lr"),
    # training and checkpoints
    (d2l.Trainer, (), {"max_epochs": -1}, ValueError, "Trainer: max_epochs must be a positive integer, got -1"),
    (d2l.Trainer, (), {"max_epochs": 0}, ValueError, "E.g. Trainer(max_epochs=10)"),
    (d2l.Trainer, (), {"max_epochs": 2.5}, TypeError, "max_epochs must be a positive integer, got 2.5"),
    (d2l.Trainer, (1,), {"num_gpus": -1}, ValueError, "num_gpus must be an integer >= 0, got -1. 0 forces the CPU"),
    (d2l.Trainer, (1,), {"gradient_clip_val": -1}, ValueError, "gradient_clip_val must be a number >= 0"),
    (d2l.Trainer, (1,), {"board": "no"}, TypeError, "board must be True or False, got 'no'"),
    (d2l.Trainer, (1,), {"precision": "half"}, ValueError, "precision must be one of 'fp32', 'bf16', 'fp16'"),
    (d2l.Trainer, (1,), {"num_gpus": 0, "precision": "fp16"}, ValueError, "precision='fp16' needs a GPU"),
    (d2l.Trainer, (1,), {"checkpoint": 5}, ValueError, "checkpoint must be a file name, e.g. 'checkpoints/run.pt'"),
    (d2l.TensorLoader, (SET8, 4, True), {"seed": -1}, ValueError, "TensorLoader: seed must be an integer >= 0"),
    (d2l.Trainer(1, board=False).fit, (nn.Linear(2, 2), _tiny_data()), {}, TypeError, "model must be a d2l.Module"),
    (d2l.Trainer(1, board=False).fit, (d2l.LeNet(), [1, 2]), {}, TypeError, "data must be a data module with"),
    (d2l.Trainer(1, board=False).fit, (_lenet_shaped_by("layer_shapes", (1, 3, 28, 28)), _tiny_data()), {},
     ValueError, "(layer_shapes with input shape (1, 3, 28, 28)): give inputs shaped like that one"),
    (d2l.evaluate_accuracy, (d2l.LeNet(), []), {"device": [0]}, TypeError, "device must be a torch.device, a name"),
    (d2l.evaluate_accuracy, (_lenet_shaped_by("apply_init", (1, 1, 28, 28)), []), {}, ValueError,
     "the loader yielded no examples"),
    (d2l.evaluate_loss, ("model", []), {}, TypeError, "evaluate_loss: net must be a torch.nn.Module"),
    (d2l.evaluate_loss, (nn.Linear(2, 2), []), {"loss": "mse"}, TypeError, "loss must be a function such as"),
    (_save_lazy_model, (), {}, ValueError, "save_model: the model has lazy layers without shapes"),
    (d2l.save_model, (nn.Linear(2, 2), 42), {}, TypeError, "save_model: path must be a file name"),
    (d2l.load_model, (nn.Linear(2, 2), MISSING), {}, FileNotFoundError, "no checkpoint at"),
    (d2l.load_model, (nn.Linear(2, 2), __file__), {"example_input": [1]}, TypeError, "example_input must be a tensor"),
    # ops
    (d2l.corr2d, (torch.ones(3, 3), torch.ones(4, 2)), {}, ValueError, "Use a smaller kernel or pad the input"),
    (d2l.corr2d_fast, ([[1.0]], torch.ones(2, 2)), {}, TypeError, "X must be a torch.Tensor, got list"),
    (d2l.corr2d_multi_in, (torch.ones(2, 3, 3), torch.ones(3, 2, 2)), {}, ValueError, "needs one slice per channel"),
    (d2l.corr2d_multi_in_out, (torch.ones(2, 3, 3), torch.ones(2, 2, 2)), {}, ValueError, "Add the missing axis"),
    (d2l.corr2d_multi_in_out_1x1, (torch.ones(2, 3, 3), torch.ones(1, 2, 2, 2)), {}, ValueError, "1x1 kernel"),
    (d2l.pool2d_fast, (torch.ones(4, 4), 2), {"stride": 0}, ValueError, "pool2d_fast: stride must be an integer or a"),
    (d2l.pool2d_fast, (torch.ones(4, 4), 3), {"padding": 2}, ValueError, "is more than half the window"),
    (d2l.pool2d_fast, (torch.ones(4, 4), (2, 2, 2)), {}, TypeError, "pool_size must be an integer or a (height,"),
    (d2l.pool2d, (torch.ones(4, 4), "2"), {}, TypeError, "pool2d: pool_size must be an integer or a"),
    (d2l.conv_output_shape, (0, 3), {}, ValueError, "conv_output_shape: input_size must be an integer or a"),
    (d2l.conv_output_shape, (8, 3), {"padding": -1}, ValueError, "padding must be an integer or a (height, width) "
     "pair of integers >= 0, got -1"),
    (d2l.comp_conv2d, ("conv", torch.ones(4, 4)), {}, TypeError, "comp_conv2d: conv2d must be a layer"),
    # receptive fields
    (d2l.receptive_field_size, ([3, 0],), {}, ValueError, "each kernel size must be a positive integer, got 0"),
    (d2l.receptive_field_size, (3,), {}, TypeError, "receptive_field_size: kernels must be a list of kernel sizes"),
    (d2l.receptive_field_size, ([3, 3], [2]), {}, ValueError, "strides must list one stride per kernel (2 here)"),
    (d2l.ones_conv_stack, ([3],), {"padding": -1}, ValueError, "ones_conv_stack: padding must be an integer >= 0"),
    (d2l.input_gradient, (d2l.ones_conv_stack([3]), 5), {"at": (3, 0)}, IndexError, "outside the 3x3 output map"),
    (d2l.input_gradient, (nn.Flatten(), 5), {}, ValueError, "Pass the convolutional part of the model"),
    (d2l.input_gradient, ("net", 5), {}, TypeError, "input_gradient: net must be a torch.nn.Module"),
    (d2l.window_mask, (5, 0.5, 0, 3), {}, TypeError, "window_mask: top and left must be integers"),
    (d2l.window_mask, (5, 0, 0, 0), {}, ValueError, "window_mask: side must be a positive integer, got 0"),
    # measurements
    (d2l.cost, ("LeNet", (1, 1, 28, 28)), {}, TypeError, "cost: model must be a module or a function that builds one"),
    (d2l.cost, (d2l.LeNet(), (0, 1, 28, 28)), {}, ValueError, "input_shape must be (batch, channels, ...)"),
    (d2l.best_time, (42,), {}, TypeError, "best_time: fn must be a function of no arguments"),
    (d2l.best_time, (lambda: None,), {"repeats": 0}, ValueError, "best_time needs repeats >= 1 and warmup >= 0"),
    (_enter_num_threads, (0,), {}, ValueError, "num_threads needs n >= 1 (or None), got 0"),
    # plots
    (d2l.show_images, (torch.zeros(2, 28, 28), 0, 2), {}, ValueError, "show_images: num_rows must be a positive"),
    (d2l.show_images, (torch.zeros(2, 1, 1, 28, 28), 1, 2), {}, ValueError, "for a batch of shape (N, 1, H, W) pass"),
    (d2l.show_feature_maps, (torch.zeros(1, 4, 5, 5),), {}, ValueError, "Drop the batch axis first, e.g. maps[0]"),
    (d2l.ProgressBoard, (), {"xlim": (3, 1)}, ValueError, "xlim must be None or a (low, high) pair with low < high"),
    (d2l.ProgressBoard().draw, (1, 2, "loss"), {"every_n": 0}, ValueError, "every_n must be a positive integer"),
    (d2l.set_figsize, ((3,),), {}, TypeError, "set_figsize: figsize must be a (width, height) pair"),
    (d2l.Module, (), {"plot_train_per_epoch": 0}, ValueError, "Module: plot_train_per_epoch must be a positive"),
    (d2l.Module().plot, ("loss", 1.0, True), {}, AttributeError, "the model has no trainer yet"),
    # records
    (d2l.full_mode_record, ("7.6_lenet.ipynb",), {}, ValueError, "file name without .ipynb, e.g. '7.6_lenet'"),
    (d2l.full_mode_record, ("7.6_lenet",), {"device": "gpu"}, ValueError, "device must be 'cpu' or 'cuda'"),
    (d2l.results_table, ("7.6_lenet", {}, None, None, {}), {}, ValueError, "pass trainer.history"),
    (d2l.check_learned, ({"val_acc": [0.5]}, 0.4, 0.5), {}, ValueError,
     "check_learned: history has no train_loss: pass trainer.history"),
    (d2l.check_learned, ({"val_acc": [0.5], "train_loss": [2, 1]}, 84, 0.5), {}, ValueError,
     "check_learned: min_val_acc must be a number in (0, 1], got 84"),
]  # fmt: skip


def _name(fn) -> str:
    return getattr(fn, "__qualname__", getattr(fn, "__name__", type(fn).__name__))


@pytest.mark.parametrize(
    ("fn", "args", "kwargs", "error", "fragment"),
    CASES,
    ids=[f"{_name(c[0])}-{i}" for i, c in enumerate(CASES)],
)
def test_bad_input_says_what_to_do(fn, args, kwargs, error, fragment):
    with pytest.raises(error) as info:
        fn(*args, **kwargs)
    assert fragment in str(info.value), f"message: {info.value}"


def test_every_public_callable_has_a_row_or_takes_nothing_that_can_be_wrong():
    tested = {_name(c[0]).split(".")[0] for c in CASES} | {"save_model", "num_threads"}
    no_arguments_to_check = {
        "describe", "data_root", "is_offline", "is_quick", "num_gpus", "training_device", "pick",  # nothing
        "cpu", "try_all_gpus", "use_svg_display",  # nothing
        "plot", "set_axes",  # the book's plotting helpers: matplotlib checks their arguments
        "DataModule", "Module", "HyperParameters", "Classifier",  # base classes: their methods have rows
        "Cost", "LayerCost",  # results of cost(), not made by hand
        "load_records",  # a path; a damaged file has a row in test_safe_writes
    }  # fmt: skip
    public = {name for name in d2l.__all__ if callable(getattr(d2l, name)) and not name.endswith("Error")}
    public -= {"QuickBudget"} | {name for name in public if name.isupper()}
    public -= set(importlib.import_module("d2lcore.aliases").__all__)  # torch's own functions under the book's names
    assert public - tested - no_arguments_to_check == set()
