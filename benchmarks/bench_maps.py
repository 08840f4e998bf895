"""How fast Vigie draws its maps, and what the shapes cost in memory:
`python benchmarks/bench_maps.py [--runs 7]`.

Prints, for a world map, the Africa map and two country maps (Mali, Thailand): the first draw in
a fresh process (cold: shapes, towns and font read), then the median of `--runs` draws of a new
map (nothing cached), and a cache hit (the same levels and words again); the CPU time beside the
wall time, since the machine is shared. Then the bot's memory: the resident set (RSS) of a fresh
process that has imported the Telegram bot, read the published advice, loaded the shapes and the
towns and drawn a map of each kind. It prints figures only: no pass or fail (targets: a draw
under 0.3 s, the bot under 150 MB).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, ROOT)
started = time.perf_counter()
import bot.telegram.app  # noqa: F401  (everything the running bot imports)
from bot.core.maps import area_map, country_map
from bot.i18n import tr
from bot.knowledge import KnowledgeCache, continents
from bot.maps.render import render_map
from bot.store.db import open_db
from bot.geo import load_map
db = open_db(Path(DB))
advisories = KnowledgeCache(db, Path(ROOT) / "data").get().advisories
t = tr("en")
load_map()
requests = {
    "world": area_map(advisories, t, "Destinations to avoid"),
    "africa": area_map(advisories, t, "Destinations to avoid in Africa", continents()["africa"]),
    "ML": country_map(advisories["ML"], advisories, t),
}
first = {}
for name, request in requests.items():
    start = time.perf_counter()
    render_map(request)
    first[name] = time.perf_counter() - start

def rss_mib():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0

print(json.dumps({
    "rss": rss_mib(),
    "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "first": first,
    "total": time.perf_counter() - started,
}))
"""

COLD = r"""
import json, sys, time
sys.path.insert(0, ROOT)
from pathlib import Path
start = time.perf_counter()
from bot.maps.shapes import world
world()
shapes = time.perf_counter() - start
from bot.core.maps import country_map
from bot.datafiles.files import read_all
from bot.i18n import tr
from bot.maps.render import draw_map
advisories = {a.code: a for a in read_all(Path(ROOT) / "data", None)}
start = time.perf_counter()
draw_map(country_map(advisories["ML"], advisories, tr("en")))
print(json.dumps({"shapes": shapes, "first_draw": time.perf_counter() - start}))
"""


def in_fresh_process(code: str, db: Path | None = None) -> dict[str, object]:
    """Run `code` in a new interpreter and read the JSON line it prints."""
    output = subprocess.run(
        [sys.executable, "-c", f"ROOT = {str(ROOT)!r}\nDB = {str(db)!r}\n{code}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, object] = json.loads(output.strip().splitlines()[-1])
    return result


def draws(runs: int) -> None:
    """Median wall and CPU time of uncached draws, and of cache hits."""
    import dataclasses

    from bot.core.maps import area_map, country_map
    from bot.datafiles.files import read_all
    from bot.geo import load_map
    from bot.i18n import tr
    from bot.knowledge import continents
    from bot.maps.render import draw_map, render_map

    advisories = {a.code: a for a in read_all(ROOT / "data", None)}
    load_map()
    t = tr("en")
    requests = {
        "world": area_map(advisories, t, "Destinations to avoid"),
        "Africa": area_map(advisories, t, "Avoid in Africa", continents()["africa"]),
        "Mali": country_map(advisories["ML"], advisories, t),
        "Thailand": country_map(advisories["TH"], advisories, t),
    }
    print(f"draw (nothing cached), median of {runs}:")
    for name, request in requests.items():
        draw_map(request)  # fonts and town index warm
        walls, cpus, size = [], [], 0
        for _ in range(runs):
            wall, cpu = time.perf_counter(), time.process_time()
            size = len(draw_map(request))
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        print(
            f"  {name:9} {statistics.median(walls) * 1000:6.0f} ms wall"
            f" {statistics.median(cpus) * 1000:6.0f} ms CPU   {size / 1024:4.0f} KB PNG"
        )
    request = requests["Mali"]
    render_map(request)
    hits = []
    for _ in range(1000):
        again = dataclasses.replace(request)  # an equal request, as the next turn builds it
        start = time.perf_counter()
        render_map(again)
        hits.append(time.perf_counter() - start)
    print(f"cache hit (the same map asked again): {statistics.median(hits) * 1e6:.1f} µs median")


def main() -> None:
    from bot.store.db import open_db
    from bot.store.publish import publish

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    cold = in_fresh_process(COLD)
    print(
        f"cold, fresh process: shapes read in {float(cold['shapes']) * 1000:.0f} ms,"  # type: ignore[arg-type]
        f" first country map drawn in {float(cold['first_draw']) * 1000:.0f} ms"  # type: ignore[arg-type]
        " (towns and font read)"
    )
    draws(args.runs)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "vigie.db"  # published by another process, as `make run` does
        publish(open_db(db), ROOT / "data", who="bench", now=dt.datetime.now(dt.UTC))
        bot = in_fresh_process(CHILD, db)
    first = bot["first"]
    assert isinstance(first, dict)
    print(
        f"bot memory with shapes and towns loaded and three maps drawn: {bot['rss']:.0f} MiB RSS"
        f" (peak {bot['maxrss']:.0f} MiB); first draws in that process:"
        + ", ".join(f" {k} {v * 1000:.0f} ms" for k, v in first.items())
    )


if __name__ == "__main__":
    main()
