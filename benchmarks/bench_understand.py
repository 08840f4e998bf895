"""How fast Vigie reads messages: `python benchmarks/bench_understand.py [--runs 5]`.

Prints the start-up time (importing the reader and building the place index, in fresh processes:
the median of `--runs`), the latency of understand() over a mixed corpus (the labelled
development set and the issue-16 set when present, plus generated messages in both languages),
in wall-clock and in CPU time, and the peak memory of the index build. It prints figures only:
no pass or fail.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEVSET = ROOT / "tests" / "understand" / "devset.jsonl"
ISSUE16 = ROOT / "tests" / "understand" / "issue16.jsonl"
TEMPLATES = (
    "is {p} safe?",
    "Is it safe to travel to {p} right now",
    "what vaccines do I need for {p}",
    "do I need a visa for {p}",
    "how do I get out of {p}",
    "embassy in {p}",
    "subscribe to {p}",
    "stop alerts for {p}",
    "weather in {p} tomorrow",
    "cheap hotel in {p}",
    "{p}",
    "{p}?",
    "est-ce que {p} est dangereux ?",
    "visa pour {p}",
    "comment quitter {p} au plus vite",
    "numéro d'urgence {p}",
    "abonne-moi à {p}",
    "météo {p} ce week-end",
    "situation sécuritaire à {p} aujourd'hui",
    "I'm a US citizen travelling with my family to {p} next month, any advice on security?",
)
PLACES = (
    "Mali",
    "Bamako",
    "Bamakko",
    "Tombouctou",
    "Niger",
    "Nigeria",
    "la Côte d'Ivoire",
    "Guinea-Bissau",
    "le Burkina Faso",
    "Ouaga",
    "the Congo",
    "Kinshasa",
    "Somalia",
    "Afghanistan",
    "Kyiv",
    "les États-Unis",
    "Le Caire",
    "Papua New Guinea",
    "Soudan du Sud",
    "Haiti",
)
FIXED = (
    "hello",
    "what can you do?",
    "my subscriptions",
    "which countries should I avoid in Africa",
    "pays les plus dangereux",
    "in French please",
    "tell me a joke",
    "merci beaucoup !",
    "qsdfqsdf",
    "how are you",
)


def corpus() -> list[str]:
    """The development set's messages (if present) and generated ones, shuffled."""
    messages: list[str] = []
    for labelled in (DEVSET, ISSUE16):
        if labelled.exists():
            with labelled.open(encoding="utf-8") as handle:
                messages += [json.loads(line)["text"] for line in handle if line.strip()]
    messages += [t.format(p=p) for t, p in itertools.product(TEMPLATES, PLACES)]
    messages += FIXED
    random.Random(7).shuffle(messages)
    return messages


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of the sorted values lie."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


REGIONS = (
    ("ML", "bamako", ("Bamako", "District de Bamako")),
    ("ML", "tombouctou", ("Tombouctou", "Timbuktu", "Région de Tombouctou")),
    ("ML", "gao", ("Gao", "Région de Gao")),
    ("ML", "mopti", ("Mopti", "Région de Mopti")),
    ("ML", "kidal", ("Kidal", "Région de Kidal", "Tessalit")),
    ("BF", "ouagadougou", ("Ouagadougou", "Ouaga")),
    ("NE", "niamey", ("Niamey",)),
    ("NE", "agadez", ("Agadez", "Région d'Agadez", "Arlit")),
)


def start_up() -> tuple[float, float]:
    """(import, first build) in ms, as a process starting cold pays them."""
    started = time.perf_counter()
    from bot.core.places import RegionName, build_place_index
    from bot.core.understand import understand  # noqa: F401  (its import is part of start-up)

    imported = time.perf_counter()
    build_place_index(RegionName(*region) for region in REGIONS)
    built = time.perf_counter()
    return 1000 * (imported - started), 1000 * (built - imported)


def fresh_start_up(env: dict[str, str] | None = None) -> tuple[float, float]:
    """start_up() in a new Python process."""
    child = subprocess.run(
        [sys.executable, __file__, "--start-up-only"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    imported, built = json.loads(child.stdout)
    return imported, built


def start_up_table(runs: list[list[tuple[float, float]]], labels: list[str]) -> None:
    """Median, best and worst (import, build, total) of each set of runs, side by side."""
    print("  " + " " * 10 + "".join(f"{label:>27}" for label in labels))
    print("  " + f"{'ms':<10}" + f"{'import':>11}{'build':>8}{'total':>8}" * len(runs))
    for name, pick in (("median", statistics.median), ("best", min), ("worst", max)):
        cells = "".join(
            f"{pick(i for i, _ in rows):>11.1f}{pick(b for _, b in rows):>8.1f}"
            f"{pick(i + b for i, b in rows):>8.1f}"
            for rows in runs
        )
        print(f"  {name:<10}{cells}")


def main() -> int:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--runs", type=int, default=5, help="fresh processes timed for start-up (default 5)"
    )
    parser.add_argument("--start-up-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.start_up_only:
        print(json.dumps(start_up()))
        return 0

    own_import, own_build = start_up()  # this process is a cold start too: first of the runs
    from bot.core.places import RegionName, build_place_index
    from bot.core.understand import understand

    regions = tuple(RegionName(*region) for region in REGIONS)
    builds = []
    for _ in range(4):
        gc.collect()
        begin = time.perf_counter()
        index = build_place_index(regions)
        builds.append(1000 * (time.perf_counter() - begin))

    from bot.datafiles.files import read_all
    from bot.knowledge import region_names

    real = tuple(region_names({a.code: a for a in read_all(ROOT / "data", None)}))
    real_builds = []
    for _ in range(4):
        gc.collect()
        begin = time.perf_counter()
        build_place_index(real)
        real_builds.append(1000 * (time.perf_counter() - begin))

    messages = corpus()
    latencies: list[float] = []
    for text in messages:  # the first pass: caches as cold as at start-up
        begin = time.perf_counter_ns()
        understand(text, index)
        latencies.append((time.perf_counter_ns() - begin) / 1e6)
    warm: list[float] = []
    for text in messages:
        begin = time.perf_counter_ns()
        understand(text, index)
        warm.append((time.perf_counter_ns() - begin) / 1e6)
    # The CPU this process spent on each message: on a machine other processes share, a wall
    # clock p99 also counts the moments the scheduler ran someone else (4 ms slices).
    cpu: list[float] = []
    for text in messages:
        begin = time.process_time_ns()
        understand(text, index)
        cpu.append((time.process_time_ns() - begin) / 1e6)

    gc.collect()
    tracemalloc.start()
    measured = build_place_index(regions)
    after_build = tracemalloc.get_traced_memory()
    for text in messages:
        understand(text, measured)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    as_run = [(own_import, own_build)]
    with tempfile.TemporaryDirectory(prefix="vigie-bench-pyc-") as pycache:
        # Where Python writes no bytecode (PYTHONDONTWRITEBYTECODE, as in development), every
        # start compiles Vigie's modules; an installed bot reads them compiled. Both are timed,
        # alternately, so that a busy machine weighs on both alike.
        cached_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cached_env["PYTHONPYCACHEPREFIX"] = pycache
        compiled: list[tuple[float, float]] = []
        if sys.flags.dont_write_bytecode:
            fresh_start_up(cached_env)  # writes the bytecode
        for _ in range(args.runs - 1):
            as_run.append(fresh_start_up())
            if sys.flags.dont_write_bytecode:
                compiled.append(fresh_start_up(cached_env))
        if compiled:
            compiled.append(fresh_start_up(cached_env))
    print(f"names indexed          {len(index):>10,}")
    print(
        f"start-up (import+build), cold: a fresh process each run, {len(as_run)} runs "
        "(the machine may be busy: compare medians of runs made together)"
    )
    if compiled:
        start_up_table([as_run, compiled], ["as run here (compiling)", "bytecode cached"])
    else:
        start_up_table([as_run], ["as run here"])
    print(
        f"index build again      {min(builds):>7.1f} ms best, "
        f"{statistics.median(builds):.1f} ms median of {len(builds)} (Babel data loaded)"
    )
    print(
        f"index build, data/     {min(real_builds):>7.1f} ms best, "
        f"{statistics.median(real_builds):.1f} ms median (every curated region and every area "
        f"the governments name: {sum(len(r.names) for r in real)} names)"
    )
    print(f"messages               {len(messages):>10,}")
    print(f"  {'latency, ms':<19}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}{'mean':>8}")
    for label, values in (
        ("first pass", latencies),
        ("second pass", warm),
        ("again, CPU time", cpu),
    ):
        print(
            f"  {label:<19}{percentile(values, 0.50):>8.3f}{percentile(values, 0.95):>8.3f}"
            f"{percentile(values, 0.99):>8.3f}{max(values):>8.3f}"
            f"{statistics.fmean(values):>8.3f}"
        )
    print(f"memory after build     {after_build[0] / 2**20:>7.1f} MiB (tracemalloc)")
    print(f"peak memory            {peak / 2**20:>7.1f} MiB (tracemalloc, build + corpus)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
