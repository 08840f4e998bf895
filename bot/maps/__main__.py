"""Draw the README's maps from the files in data/: `python -m bot.maps --out docs`
(`make map-images`). Writes map-africa.png (the hotspots answer) and map-mali.png (a country
map), in English, as a reader sees them on Telegram."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.core.maps import area_map, country_map
from bot.datafiles.files import read_all
from bot.i18n import tr
from bot.knowledge import continents
from bot.maps.render import draw_map

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    """Write the pictures and print their paths."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--lang", default="en", choices=("en", "fr"))
    args = parser.parse_args()
    advisories = {a.code: a for a in read_all(args.data, None)}
    t = tr(args.lang)
    title = t._("Destinations to avoid in {area}").format(area=t._("Africa"))
    maps = {
        "map-africa.png": area_map(advisories, t, title, continents()["africa"]),
        "map-mali.png": country_map(advisories["ML"], advisories, t),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    for name, request in maps.items():
        path = args.out / name
        path.write_bytes(draw_map(request))
        print(path)


if __name__ == "__main__":
    main()
