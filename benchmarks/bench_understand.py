"""How fast Vigie reads messages: `python benchmarks/bench_understand.py`.

Prints the time to build the place index, the latency of understand() over a mixed corpus (the
labelled development set when present, plus generated messages in both languages) and the peak
memory of the index build. It prints figures only: no pass or fail.
"""

from __future__ import annotations

import gc
import itertools
import json
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEVSET = ROOT / "tests" / "understand" / "devset.jsonl"
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
    if DEVSET.exists():
        with DEVSET.open(encoding="utf-8") as handle:
            messages += [json.loads(line)["text"] for line in handle if line.strip()]
    messages += [t.format(p=p) for t, p in itertools.product(TEMPLATES, PLACES)]
    messages += FIXED
    random.Random(7).shuffle(messages)
    return messages


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of the sorted values lie."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> int:
    """Print the figures."""
    started = time.perf_counter()
    from bot.core.places import RegionName, build_place_index
    from bot.core.understand import understand

    imported = time.perf_counter()
    regions = (
        RegionName("ML", "bamako", ("Bamako", "District de Bamako")),
        RegionName("ML", "tombouctou", ("Tombouctou", "Timbuktu", "Région de Tombouctou")),
        RegionName("ML", "gao", ("Gao", "Région de Gao")),
        RegionName("ML", "mopti", ("Mopti", "Région de Mopti")),
        RegionName("ML", "kidal", ("Kidal", "Région de Kidal", "Tessalit")),
        RegionName("BF", "ouagadougou", ("Ouagadougou", "Ouaga")),
        RegionName("NE", "niamey", ("Niamey",)),
        RegionName("NE", "agadez", ("Agadez", "Région d'Agadez", "Arlit")),
    )
    builds = []
    for _ in range(5):
        gc.collect()
        begin = time.perf_counter()
        index = build_place_index(regions)
        builds.append(time.perf_counter() - begin)

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

    gc.collect()
    tracemalloc.start()
    measured = build_place_index(regions)
    after_build = tracemalloc.get_traced_memory()
    for text in messages:
        understand(text, measured)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    print(f"names indexed          {len(index):>10,}")
    print(f"import (places, understand) {1000 * (imported - started):>7.1f} ms")
    print(
        f"index build            {1000 * builds[0]:>7.1f} ms first (Babel data loaded), "
        f"{1000 * min(builds[1:]):.1f} ms best, "
        f"{1000 * statistics.median(builds):.1f} ms median of {len(builds)}"
    )
    print(f"start-up (import+build) {1000 * (imported - started + builds[0]):>6.1f} ms")
    print(f"messages               {len(messages):>10,}")
    for label, values in (("first pass", latencies), ("second pass", warm)):
        print(
            f"latency {label:<14} p50 {percentile(values, 0.50):.3f} ms  "
            f"p95 {percentile(values, 0.95):.3f} ms  p99 {percentile(values, 0.99):.3f} ms  "
            f"max {max(values):.3f} ms  mean {statistics.fmean(values):.3f} ms"
        )
    print(f"memory after build     {after_build[0] / 2**20:>7.1f} MiB (tracemalloc)")
    print(f"peak memory            {peak / 2**20:>7.1f} MiB (tracemalloc, build + corpus)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
