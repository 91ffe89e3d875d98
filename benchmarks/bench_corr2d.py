"""Question 2: 2-D cross-correlation three ways, timed on square inputs of growing size.

- ``corr2d``:      the book's double Python loop (``d2lcore.corr2d``, the same code as ``d2l.corr2d``),
- ``corr2d_fast``: ``d2lcore.corr2d_fast``, all windows at once with ``Tensor.unfold`` and one ``einsum``,
- ``F.conv2d``:    PyTorch's convolution on a ``1 x 1 x n x n`` tensor (what ``nn.Conv2d`` runs).

Inputs are ``n x n`` float32 matrices (n = 8 ... 512) and a 3x3 kernel. For every size the three methods are
timed in turn with a rotating order, several rounds, and the median per-call time is reported; fast calls are
repeated inside a round so one round lasts at least ~20 ms. The loop is skipped at sizes where its predicted
time (from the previous size, times the growth in output positions) exceeds ``--loop-limit`` seconds.
All three results are checked to agree before anything is timed.

    python benchmarks/bench_corr2d.py            # about 30 s; writes benchmarks/corr2d.png
    python benchmarks/bench_corr2d.py --quick    # sizes 8..64, a few seconds
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

from common import HERE, OUT, machine, markdown_table, median, write_json

SIZES = (8, 16, 32, 64, 128, 256, 512)
QUICK_SIZES = (8, 16, 32, 64)
METHODS = ("corr2d (loop)", "corr2d_fast (unfold)", "F.conv2d")


def _functions():
    import torch.nn.functional as F

    import d2lcore as d2l

    def conv(X, K):
        return F.conv2d(X[None, None], K[None, None])[0, 0]

    return dict(zip(METHODS, (d2l.corr2d, d2l.corr2d_fast, conv)))


def time_call(fn, X, K, min_round: float = 0.02) -> float:
    """Seconds per call of ``fn(X, K)``: as many calls as fit in ``min_round`` seconds (at least one)."""
    calls, tic = 0, time.perf_counter()
    while True:
        fn(X, K)
        calls += 1
        elapsed = time.perf_counter() - tic
        if elapsed >= min_round:
            return elapsed / calls


def measure(sizes, rounds: int, loop_limit: float, log=print) -> dict:
    import torch

    fns = _functions()
    torch.manual_seed(0)
    K = torch.randn(3, 3)
    results = {m: {} for m in METHODS}
    skipped = []
    for n in sizes:
        X = torch.randn(n, n)
        reference = fns["F.conv2d"](X, K)
        for name, fn in fns.items():  # same answer from all three (and a warm-up call)
            if name != METHODS[0] or n <= 64:
                torch.testing.assert_close(fn(X, K), reference, rtol=1e-4, atol=1e-4)
        methods = list(METHODS)
        loop_times = results[METHODS[0]]
        if loop_times:
            last = max(loop_times)
            predicted = loop_times[last] * ((n - 2) / (last - 2)) ** 2
            if predicted > loop_limit:
                methods.remove(METHODS[0])
                skipped.append({"n": n, "predicted_s": predicted})
                log(f"  n={n:4d}: loop skipped (predicted {predicted:.0f} s per call > {loop_limit:g} s)")
        times = {m: [] for m in methods}
        loop_rounds = rounds if n <= 128 else max(1, min(rounds, 3))
        for r in range(rounds):
            order = methods[r % len(methods) :] + methods[: r % len(methods)]
            for m in order:
                if m == METHODS[0] and r >= loop_rounds:
                    continue
                times[m].append(time_call(fns[m], X, K))
        for m in methods:
            results[m][n] = median(times[m])
        log(
            f"  n={n:4d}: "
            + ", ".join(f"{m} {results[m][n] * 1e3:.3g} ms" for m in methods)
            + f"  ({rounds} rounds{', loop ' + str(loop_rounds) if METHODS[0] in methods else ''})"
        )
    return {
        "sizes": list(sizes),
        "kernel": [3, 3],
        "rounds": rounds,
        "loop_limit": loop_limit,
        "seconds": results,
        "skipped": skipped,
    }


def growth_sizes(times: dict[int, float]) -> list[int]:
    """The sizes the growth exponent is fitted over: n >= 64, or the last two sizes when there are fewer."""
    ns = sorted(n for n in times if n >= 64)
    return ns if len(ns) >= 2 else sorted(times)[-2:]


def growth(times: dict[int, float]) -> float | None:
    """Slope of log(time) against log(n) over :func:`growth_sizes`: time grows like n to this power."""
    ns = growth_sizes(times)
    if len(ns) < 2:
        return None
    xs, ys = [math.log(n) for n in ns], [math.log(times[n]) for n in ns]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def _ms(seconds: float) -> str:
    """Milliseconds with three significant digits and no exponent."""
    ms = seconds * 1e3
    return f"{ms:,.0f}" if ms >= 100 else f"{ms:.3g}" if ms >= 0.01 else f"{ms:.4f}"


def table(payload: dict) -> str:
    sec = {m: {int(k): v for k, v in d.items()} for m, d in payload["seconds"].items()}
    header = ["n", *(f"{m} ms" for m in METHODS), "loop / conv2d", "fast / conv2d"]
    rows = []
    for n in payload["sizes"]:
        loop, fast, conv = (sec[m].get(n) for m in METHODS)
        rows.append(
            [
                f"{n}x{n}",
                _ms(loop) if loop else "skipped",
                _ms(fast),
                _ms(conv),
                f"{loop / conv:,.0f}x" if loop else "-",
                f"{fast / conv:.1f}x",
            ]
        )
    slopes = [growth(sec[m]) for m in METHODS]
    exponents = [f"k = {s:.2f}" if s is not None else "-" for s in slopes]
    ns = growth_sizes(sec[METHODS[1]])
    rows.append([f"growth: time ~ n^k, fitted over n = {ns[0]}..{ns[-1]}", *exponents, "", ""])
    return markdown_table(header, rows)


def plot(payload: dict, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullLocator

    sec = {m: {int(k): v for k, v in d.items()} for m, d in payload["seconds"].items()}
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    for m, marker in zip(METHODS, "osD"):
        ns = sorted(sec[m])
        ax.plot(ns, [sec[m][n] * 1e3 for n in ns], marker=marker, label=m)
    # a reference slope, drawn 4x above the loop so it does not hide under it: time ∝ (n - 2)^2 output positions
    loop = sec[METHODS[0]]
    if loop:
        n0 = min(loop)
        ns = payload["sizes"]
        ax.plot(
            ns,
            [4 * loop[n0] * 1e3 * ((n - 2) / (n0 - 2)) ** 2 for n in ns],
            ":",
            color="grey",
            label="reference slope 2: time ∝ (n-2)²",
        )
    ax.set_xscale("log", base=2)
    ax.set_xticks(payload["sizes"], [str(n) for n in payload["sizes"]])
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_yscale("log")
    ax.set_xlabel("input size n (an n x n matrix, 3x3 kernel)")
    ax.set_ylabel("time per call (ms, log scale)")
    ax.set_title("2-D cross-correlation: Python loop vs unfold vs F.conv2d")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="sizes 8..64 only, 3 rounds: a smoke test")
    parser.add_argument("--rounds", type=int, default=None, help="timing rounds per size (default 7, quick 3)")
    parser.add_argument("--loop-limit", type=float, default=10.0, help="skip the loop above this many seconds")
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads (default 1; 0: torch's)")
    parser.add_argument("--plot", type=Path, default=None, help="where to save the log-log plot")
    parser.add_argument("--json", type=Path, default=None, help="where to write the raw results")
    args = parser.parse_args()
    import torch

    if args.threads > 0:
        torch.set_num_threads(args.threads)
    info = machine()
    sizes = QUICK_SIZES if args.quick else SIZES
    rounds = args.rounds or (3 if args.quick else 7)
    print(f"corr2d: sizes {', '.join(map(str, sizes))}; {rounds} rounds", flush=True)
    tic = time.perf_counter()
    payload = measure(sizes, rounds, args.loop_limit, log=lambda s: print(s, flush=True))
    payload.update(machine=info, quick=args.quick, threads=torch.get_num_threads())
    payload["seconds_total"] = time.perf_counter() - tic
    payload["growth"] = {m: growth({int(k): v for k, v in payload["seconds"][m].items()}) for m in METHODS}
    plot_path = args.plot or (OUT / "corr2d-quick.png" if args.quick else HERE / "corr2d.png")
    plot_path.parent.mkdir(parents=True, exist_ok=True)
    payload["plot"] = str(plot(payload, plot_path))
    print(table(payload))
    write_json(args.json or OUT / ("corr2d-quick.json" if args.quick else "corr2d.json"), payload)


if __name__ == "__main__":
    main()
