"""Safe writes: checkpoints, the full-mode record and figures are written to a temporary file and renamed, so an
interrupted run leaves the old file or the complete new one; a damaged checkpoint is reported, not misread."""

import io
import os
from pathlib import Path

import pytest
import torch

import d2lcore as d2l
import figures
from d2lcore import records

X = torch.zeros(2, 1, 28, 28)


def _trained_lenet(seed: int) -> d2l.LeNet:
    torch.manual_seed(seed)
    model = d2l.LeNet()
    model.apply_init([X], d2l.init_cnn)
    return model


def _interrupt_half_way(real_write):
    """A writer that writes half of what ``real_write`` would, then dies as a killed process would."""

    def write(obj, target, *args, **kwargs):
        buffer = io.BytesIO()
        real_write(obj, buffer, *args, **kwargs)
        half = buffer.getvalue()[: len(buffer.getvalue()) // 2]
        if hasattr(target, "write"):
            target.write(half)
        else:
            Path(target).write_bytes(half)
        raise KeyboardInterrupt

    return write


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_interrupted_save_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    path = d2l.save_model(_trained_lenet(0), tmp_path / "lenet.pt")
    monkeypatch.setattr(torch, "save", _interrupt_half_way(torch.save))
    with pytest.raises(KeyboardInterrupt):
        d2l.save_model(_trained_lenet(1), path)
    monkeypatch.undo()
    reloaded = d2l.load_model(d2l.LeNet(), path, example_input=X)
    torch.testing.assert_close(reloaded(X), _trained_lenet(0)(X))
    assert [p.name for p in tmp_path.iterdir()] == ["lenet.pt"]  # no temporary file left behind


@pytest.mark.parametrize(
    "damage",
    [lambda data: data[: len(data) // 2], lambda data: b"", lambda data: b"not a checkpoint at all" * 10],
    ids=["truncated", "empty", "garbage"],
)
def test_damaged_checkpoint_is_reported_with_the_fix(tmp_path, damage):
    path = d2l.save_model(_trained_lenet(0), tmp_path / "lenet.pt")
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(d2l.CheckpointError) as err:
        d2l.load_model(d2l.LeNet(), path, example_input=X)
    message = str(err.value)
    assert f"checkpoint {path} is damaged or not a checkpoint" in message
    assert f"delete it (rm {path}) and run the training again" in message


def test_checkpoint_of_another_architecture_is_reported(tmp_path):
    path = d2l.save_model(_trained_lenet(0), tmp_path / "lenet.pt")
    with pytest.raises(d2l.CheckpointError, match=r"does not fit this VGG \(.*\): load it into the same architecture"):
        d2l.load_model(d2l.VGG(((1, 4),), hidden=8), path, example_input=X)


def test_atomic_write_keeps_the_old_file_when_the_writer_fails(tmp_path, umask_022):
    from d2lcore.files import atomic_write, atomic_write_text

    path = atomic_write_text(tmp_path / "sub" / "notes.txt", "old")
    assert oct(path.stat().st_mode & 0o777) == "0o644"  # a new file gets the usual permissions, not mkstemp's 0600
    path.chmod(0o640)
    with pytest.raises(RuntimeError), atomic_write(path, "w") as f:
        f.write("new, but only half of it")
        raise RuntimeError("disk full")
    assert path.read_text() == "old" and [p.name for p in path.parent.iterdir()] == ["notes.txt"]
    atomic_write_text(path, "new")
    assert path.read_text() == "new" and oct(path.stat().st_mode & 0o777) == "0o640"  # the mode is kept


def test_record_update_is_atomic_and_world_readable(tmp_path, monkeypatch, umask_022):
    path = tmp_path / "record.json"
    records.update_record("a/cpu", {"val_acc": 0.5}, path)
    assert oct(path.stat().st_mode & 0o777) == "0o644"

    def broken(records_):
        raise KeyboardInterrupt

    monkeypatch.setattr(records, "_format", broken)
    with pytest.raises(KeyboardInterrupt):
        records.update_record("b/cpu", {"val_acc": 0.7}, path)
    assert records.load_records(path) == {"a/cpu": {"val_acc": 0.5}}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["record.json", "record.lock"]


def test_damaged_record_is_named():
    bad = Path(__file__).with_name("nbval_sanitize.cfg")  # not JSON
    with pytest.raises(ValueError, match=r"is not valid JSON .*restore it with git checkout"):
        records.load_records(bad)


def test_interrupted_figure_drawing_keeps_the_old_figure(tmp_path, monkeypatch):
    name = sorted(figures.FIGURES)[0]
    (old,) = figures.main(tmp_path, [name])
    before = old.read_bytes()

    class Dying:
        def savefig(self, target, *args, **kwargs):  # writes half a PNG, then the run is interrupted
            _interrupt_half_way(lambda obj, f: f.write(before))(None, target)

    monkeypatch.setitem(figures.FIGURES, name, Dying)
    with pytest.raises(KeyboardInterrupt):
        figures.main(tmp_path, [name])
    assert old.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == [name]
