"""The full-mode record: atomic updates, clear errors, and the table the notebooks print beside their runs."""

import json
from types import SimpleNamespace

import pytest
import torch

import d2lcore as d2l
from d2lcore import records

RUN = {
    "device": "cpu", "device_name": "Some CPU, 2 cores", "torch_threads": 1, "data": "Fashion-MNIST",
    "train_images": 60000, "val_images": 10000, "image_size": [28, 28], "epochs": 10, "wall_time_s": 65.7,
    "train_loss": 0.6940, "val_loss": 0.6992, "val_acc": 0.7378, "date": "2026-11-24",
}  # fmt: skip


def test_update_keeps_other_entries_and_lists_on_one_line(tmp_path):
    path = tmp_path / "record.json"
    records.update_record("a/cpu", {"history": {"val_acc": [0.1, 0.2]}}, path)
    records.update_record("b/cpu", RUN, path)
    records.update_record("a/cpu", {"history": {"val_acc": [0.3]}}, path)
    assert json.loads(path.read_text()) == {"a/cpu": {"history": {"val_acc": [0.3]}}, "b/cpu": RUN}
    assert '"image_size": [28, 28]' in path.read_text()
    assert not list(tmp_path.glob("*.tmp"))  # written to a temporary file, then renamed


def test_missing_record_says_how_to_make_it(tmp_path):
    records.update_record("a/cpu", RUN, tmp_path / "r.json")
    with pytest.raises(KeyError, match=r"python scripts/record_full_mode\.py notebooks/b\.ipynb"):
        records.full_mode_record("b", path=tmp_path / "r.json")


def test_results_table_puts_the_run_beside_the_record(tmp_path, monkeypatch):
    monkeypatch.setattr(records, "RECORD_PATH", tmp_path / "r.json")
    records.update_record("7.6_lenet/cpu", RUN, tmp_path / "r.json")
    monkeypatch.setenv("D2LCORE_QUICK", "1")
    train = type("Images", (list,), {"resize": (28, 28)})([0] * 12000)  # all the table reads: len() and resize
    data = SimpleNamespace(train=train, val=[0] * 2000)
    trainer = SimpleNamespace(epochs=8, device=torch.device("cpu"), wall_time=40.2)
    history = {"train_loss": [0.5], "val_loss": [0.61], "val_acc": [0.8]}
    table = records.results_table("7.6_lenet", history, data, trainer, book={"epochs": "10", "val acc": "plot only"})
    lines = table.splitlines()
    assert lines[0].split("  ")[-1].strip() == "the book" and "this run (quick mode)" in lines[0]
    assert lines[1].split()[4:] == ["12,000", "/", "2,000", "at", "28x28", "60,000", "/", "10,000", "at", "28x28", "-"]
    assert lines[-1].split() == ["val", "acc", "0.800", "0.738", "plot", "only"]
    by_default = records.results_table("7.6_lenet", history, data, trainer).splitlines()  # the book's set-up, 7.6
    assert by_default[1].split()[-5:] == ["60,000", "/", "10,000", "at", "28x28"]
    assert by_default[3].split()[-1] == "GPU" and by_default[-1].split()[-2:] == ["plot", "only"]
    with pytest.raises(KeyError, match="no full-mode record"):
        records.results_table("8.2_vgg", history, data, trainer, book={})
    assert d2l.results_table is records.results_table


def test_check_learned_prints_both_numbers_and_names_the_failed_check(capsys):
    history = {"train_loss": [2.0, 1.0, 0.8], "val_acc": [0.5, 0.7, 0.75]}
    d2l.check_learned(history, min_val_acc=0.7, max_loss_ratio=0.5)
    assert capsys.readouterr().out == (
        "validation accuracy 0.750 (bound: above 0.7); "
        "last epoch's training loss 0.40 of the first's (bound: below 0.5)\n"
    )
    with pytest.raises(AssertionError, match=r"validation accuracy 0.750 is not above 0.8\. The bound comes from"):
        d2l.check_learned(history, min_val_acc=0.8, max_loss_ratio=0.5)
    with pytest.raises(AssertionError, match=r"the training loss fell only to 0.40 of its first epoch's\."):
        d2l.check_learned(history, min_val_acc=0.7, max_loss_ratio=0.4)


def test_committed_full_mode_records_show_what_the_notebooks_say():
    """Record checks: the claims 8.2 and 8.6 make about their committed full-mode runs (d2lcore/full_mode.json)."""
    vgg, resnet = d2l.full_mode_record("8.2_vgg"), d2l.full_mode_record("8.6_resnet")
    assert vgg["val_acc"] > 0.87 and resnet["val_acc"] > 0.88  # beyond the 0.84 of linear models
    losses = resnet["history"]
    assert losses["train_loss"][-1] < 0.25 * losses["val_loss"][-1]  # 8.6: the network fits its training images
    assert min(losses["val_loss"]) < losses["val_loss"][-1] - 0.02  # ... and the validation loss passed its minimum
    assert vgg["history"]["train_loss"][-1] < vgg["history"]["val_loss"][-1]  # 8.2: train below val at the end
