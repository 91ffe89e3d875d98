"""d2lcore against the book's own package, d2l 1.0.3, as the oracle (issue #21): names, signatures, aliases.

For every name in tests/book_names.py: d2lcore has it, and its signature accepts every call the book's accepts.
The book's tensor aliases, plotting helpers and device functions give the book's results on the same inputs.
Where d2lcore deliberately differs, the test says so and checks the difference (DELIBERATE_DEFAULTS and the tests
whose names start with ``test_deliberate``). Models, initialisation and training: tests/test_against_d2l.py.
"""

import importlib
import inspect

import matplotlib.pyplot as plt
import pytest
import torch
from book_names import BOOK_METHODS, BOOK_NAMES

import d2lcore as d2l

book = pytest.importorskip("d2l.torch")

# (name, parameter) -> why d2lcore's default differs from the book's; every other default is the book's.
DELIBERATE_DEFAULTS = {
    ("Trainer", "num_gpus"): "None uses a GPU when there is one; the book's 0 would train on the CPU by default",
    ("DataModule", "root"): "None means D2LCORE_DATA or ~/.cache/d2lcore, not a folder relative to the notebook",
    ("ProgressBoard", "figsize"): "the course's board is larger, to show three curves with their legend",
}


def _callables():
    for name in BOOK_NAMES:
        theirs = getattr(book, name)
        if inspect.isclass(theirs):
            yield name, "__init__", theirs.__init__, getattr(d2l, name).__init__
            for method in BOOK_METHODS.get(name, ()):
                yield name, method, getattr(theirs, method), getattr(getattr(d2l, name), method)
        elif inspect.isfunction(theirs):
            yield name, "", theirs, getattr(d2l, name)


def _same_default(a, b) -> bool:
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return list(a) == list(b)
    return a == b


def test_every_book_name_is_in_d2lcore():
    assert [name for name in BOOK_NAMES if not hasattr(book, name)] == []  # the list names the book's real API
    assert [name for name in BOOK_NAMES if not hasattr(d2l, name)] == []


@pytest.mark.parametrize(("owner", "method", "theirs", "ours"), list(_callables()), ids=lambda v: str(v)[:30])
def test_signature_accepts_every_call_the_books_accepts(owner, method, theirs, ours):
    mine, books = inspect.signature(ours).parameters, inspect.signature(theirs).parameters
    for position, (name, param) in enumerate(books.items()):
        assert name in mine, f"{owner}.{method}: the book's parameter {name!r} is missing"
        ours_param = mine[name]
        if param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
            assert list(mine).index(name) == position, f"{owner}.{method}: {name!r} is not at the book's position"
        assert ours_param.kind == param.kind, f"{owner}.{method}: {name!r} is {ours_param.kind}, not {param.kind}"
        if param.default is not param.empty and (owner, name) not in DELIBERATE_DEFAULTS:
            assert ours_param.default is not ours_param.empty, f"{owner}.{method}: {name!r} has no default"
            assert _same_default(ours_param.default, param.default), f"{owner}.{method}: default of {name!r}"
    for name, param in mine.items():  # anything we add must be optional, so the book's calls still bind
        if name not in books and param.kind not in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            assert param.default is not param.empty, f"{owner}.{method}: the extra parameter {name!r} is required"


def test_deliberate_defaults_are_real_differences():
    for (owner, name), _why in DELIBERATE_DEFAULTS.items():
        ours = inspect.signature(getattr(d2l, owner)).parameters[name].default
        theirs = inspect.signature(getattr(book, owner)).parameters[name].default
        assert not _same_default(ours, theirs), f"{owner}({name}=...) no longer differs: drop it from the list"


# The aliases: the same call on both sides gives the same tensor (random ones under the same seed).
def _x():
    return torch.arange(6.0).reshape(2, 3) - 2.5


ALIAS_CALLS = {
    "tensor": lambda f: f([[0.0, 1.0], [2.0, 3.0]]),
    "zeros": lambda f: f((2, 3)),
    "ones": lambda f: f((6, 8)),
    "zeros_like": lambda f: f(_x()),
    "ones_like": lambda f: f(_x()),
    "reshape": lambda f: f(_x(), (3, 2)),
    "transpose": lambda f: f(_x()),
    "reduce_sum": lambda f: f(_x()),
    "reduce_mean": lambda f: f(_x(), 1),
    "stack": lambda f: f((_x(), _x() + 1), 0),
    "concat": lambda f: f((_x(), _x() + 1), 1),
    "matmul": lambda f: f(_x(), _x().T),
    "batch_matmul": lambda f: f(_x()[None], _x().T[None]),
    "normal": lambda f: f(0, 1, (3, 3, 3)),
    "randn": lambda f: f(4, 3, 6, 6),
    "rand": lambda f: f(2, 2),
    "abs": lambda f: f(_x()),
    "exp": lambda f: f(_x()),
    "log": lambda f: f(_x().abs() + 1),
    "sin": lambda f: f(_x()),
    "cos": lambda f: f(_x()),
    "tanh": lambda f: f(_x()),
    "sinh": lambda f: f(_x()),
    "cosh": lambda f: f(_x()),
    "sigmoid": lambda f: f(_x()),
    "eye": lambda f: f(3),
    "linspace": lambda f: f(0, 1, 5),
    "meshgrid": lambda f: torch.stack(f(torch.arange(2), torch.arange(3), indexing="ij")),
    "arange": lambda f: f(16, dtype=torch.float32),
    "argmax": lambda f: f(_x(), dim=1),
    "astype": lambda f: f(_x(), torch.int64),
    "expand_dims": lambda f: f(_x(), 0),
    "swapaxes": lambda f: f(_x(), 0, 1),
    "repeat": lambda f: f(_x(), 2, 1),
    "to": lambda f: f(_x(), torch.float64),
    "numpy": lambda f: torch.from_numpy(f(_x().requires_grad_())),
    "size": lambda f: torch.tensor(f(_x())),
}


def test_every_alias_of_the_book_is_covered():
    aliases = set(importlib.import_module("d2lcore.aliases").__all__)
    assert aliases == set(ALIAS_CALLS) | {"float32", "int32", "int64"}
    assert all(getattr(d2l, n) is getattr(book, n) for n in ("float32", "int32", "int64"))


@pytest.mark.parametrize("name", sorted(ALIAS_CALLS))
def test_alias_gives_the_books_result(name):
    torch.manual_seed(3)
    ours = ALIAS_CALLS[name](getattr(d2l, name))
    torch.manual_seed(3)
    theirs = ALIAS_CALLS[name](getattr(book, name))
    assert ours.dtype == theirs.dtype
    torch.testing.assert_close(ours, theirs, rtol=0, atol=0)


def test_plot_draws_the_books_figure():
    x = torch.arange(0, 3, 0.5)
    figures = []
    for module in (d2l, book):
        fig, ax = plt.subplots()
        module.plot(x, [x**2, 2 * x - 1], "x", "f(x)", legend=["f", "tangent"], axes=ax, xlim=(0, 3))
        figures.append(
            [
                [(line.get_xydata().tolist(), line.get_linestyle(), line.get_color()) for line in ax.lines],
                ax.get_xlabel(),
                ax.get_ylabel(),
                ax.get_xlim(),
                [t.get_text() for t in ax.get_legend().get_texts()],
            ]
        )
        plt.close(fig)
    assert figures[0] == figures[1]
    for module in (d2l, book):
        module.set_figsize((4, 3))
        assert tuple(plt.rcParams["figure.figsize"]) == (4, 3)
    plt.rcdefaults()


def test_devices_are_the_books():
    assert d2l.cpu() == book.cpu() and d2l.gpu(1) == book.gpu(1) and d2l.num_gpus() == book.num_gpus()
    assert d2l.try_gpu() == book.try_gpu() and d2l.try_gpu(3) == book.try_gpu(3)
    if book.num_gpus():
        assert d2l.try_all_gpus() == book.try_all_gpus()


def test_deliberate_try_all_gpus_keeps_the_books_promise_without_a_gpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 0)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    # The book's docstring promises [cpu()] when there is no GPU; its code returns []: we keep the promise.
    assert book.try_all_gpus() == [] and d2l.try_all_gpus() == [torch.device("cpu")]


def test_package_namespace_lists_the_api_not_the_files():
    files = {"aliases", "board", "checkpoints", "checks", "config", "data", "files", "measure", "models", "module"}
    files |= {"ops", "plotting", "records", "sources", "train"}
    assert files.isdisjoint(dir(d2l)) and files.isdisjoint(d2l.__all__)
    assert set(BOOK_NAMES) <= set(dir(d2l))
    assert d2l.data.FashionMNIST is d2l.FashionMNIST  # the files stay reachable
    assert importlib.import_module("d2lcore.plotting").plot is d2l.plot and callable(d2l.plot)
