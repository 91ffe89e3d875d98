"""The names of the book's package (``from d2l import torch as d2l``) that its sections 7.1-7.6, 8.2 and 8.6 use.

Derived by reading the PyTorch code of those sections in d2l-en (chapter_convolutional-neural-networks/*.md,
chapter_convolutional-modern/vgg.md and resnet.md) and the earlier-chapter API that code relies on: the base
classes it subclasses or calls, and what they call in turn. Names only; nothing of the book is copied here.

Each entry: name -> (section where the book defines it, sections among 7.1-7.6, 8.2, 8.6 whose code uses it).
Sections follow the English edition's numbering (2.4 Calculus, 3.2 Object-Oriented Design, 4.2 The Image
Classification Dataset, 4.3 The Base Classification Model, 6.4 Lazy Initialization, 6.7 GPUs); "lib" marks the
framework aliases defined in the package itself, and "A" the appendix of utilities.
tests/test_against_d2l_api.py and tests/test_against_d2l.py check every one against the installed d2l 1.0.3.
"""

ALL = ("7.6", "8.2", "8.6")  # the training sections: their code subclasses d2l.Classifier and calls d2l.Trainer

BOOK_NAMES: dict[str, tuple[str, tuple[str, ...]]] = {
    # Tensor aliases, called by the chapters' own code
    "tensor": ("lib", ("7.2", "7.4", "7.5")),
    "zeros": ("lib", ("7.2", "7.5")),
    "ones": ("lib", ("7.2",)),
    "reshape": ("lib", ("7.2", "7.4", "7.5")),
    "transpose": ("lib", ("7.2",)),
    "reduce_sum": ("lib", ("7.2", "7.4")),
    "stack": ("lib", ("7.4",)),
    "matmul": ("lib", ("7.4",)),
    "normal": ("lib", ("7.4",)),
    "abs": ("lib", ("7.4",)),
    "arange": ("lib", ("7.5",)),
    "float32": ("lib", ("7.5", *ALL)),
    "concat": ("lib", ("7.5",)),
    "randn": ("lib", ("7.6", "8.6")),
    # ... and by the book's base classes that the training sections use (accuracy, plotting a point)
    "argmax": ("lib", ALL),
    "astype": ("lib", ALL),
    "reduce_mean": ("lib", ALL),
    "numpy": ("lib", ALL),
    "to": ("lib", ALL),
    "size": ("lib", ()),  # evaluate_loss
    # Plotting (the training board draws with them)
    "use_svg_display": ("2.4", ALL),
    "set_figsize": ("2.4", ()),
    "plot": ("2.4", ()),
    # The object-oriented design of chapter 3
    "add_to_class": ("3.2", ("7.6", "8.6")),
    "HyperParameters": ("3.2", ALL),
    "ProgressBoard": ("3.2", ALL),
    "Module": ("3.2", ALL),
    "DataModule": ("3.2", ALL),
    "Trainer": ("3.2", ALL),
    # Classification
    "FashionMNIST": ("4.2", ALL),
    "show_images": ("4.2", ALL),  # FashionMNIST.visualize
    "Classifier": ("4.3", ALL),
    "evaluate_loss": ("A", ()),
    # Devices (Trainer(num_gpus=1) in every training section)
    "cpu": ("6.7", ALL),
    "gpu": ("6.7", ALL),
    "num_gpus": ("6.7", ALL),
    "try_gpu": ("6.7", ()),
    "try_all_gpus": ("6.7", ()),
    # Saved (#@save) by the sections themselves, and reused later
    "corr2d": ("7.2", ("7.2", "7.4")),
    "init_cnn": ("7.6", ALL),
    "LeNet": ("7.6", ("7.6",)),
    "Residual": ("8.6", ("8.6",)),
    "ResNeXtBlock": ("8.6", ("8.6",)),
}

# Methods and attributes of those classes that the sections (or the base classes they rely on) call.
BOOK_METHODS: dict[str, tuple[str, ...]] = {
    "HyperParameters": ("save_hyperparameters",),
    "ProgressBoard": ("draw",),
    "Module": ("loss", "forward", "plot", "training_step", "validation_step", "configure_optimizers", "apply_init"),
    "DataModule": ("get_dataloader", "train_dataloader", "val_dataloader", "get_tensorloader"),
    "Trainer": ("fit", "prepare_batch"),
    "FashionMNIST": ("text_labels", "get_dataloader", "visualize"),
    "Classifier": ("validation_step", "accuracy", "loss", "layer_summary"),
}
