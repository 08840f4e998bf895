"""Drawing a `MapRequest` as a PNG with Pillow: projected Natural Earth polygons filled by level,
marked towns, a title, a legend in the reader's language and the date of the data.

Pillow draws the polygons itself, numpy projects them (no plotting library): about 0.1 s of CPU
a map, world, continent or country (benchmarks/bench_maps.py). The map is drawn at twice its
size, then reduced, which smooths the borders; the text is written after, at the final size.
The world is drawn in the Equal Earth projection; a continent or a country in a plate carrée
scaled at its middle latitude.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import math
from collections.abc import Mapping
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFont

from bot.core.maps import MapRequest
from bot.geo import towns_in
from bot.maps.places import Marker, markers_for
from bot.maps.shapes import Country, world

FONT_PATH = Path(__file__).resolve().parents[2] / "data" / "maps" / "DejaVuSans.ttf"
WIDTH = 1200
WORLD_HEIGHT = 560
MIN_HEIGHT, MAX_HEIGHT = 560, 900  # a continent or a country: its own shape, within these
HEADER, FOOTER = 64, 34
SCALE = 2  # drawn at twice the size, then reduced: smooth borders
SEA = (214, 230, 242)
NO_LEVEL = (216, 216, 216)
BORDER = (255, 255, 255)
INK = (33, 37, 41)
LEVEL_COLOURS = {1: (76, 175, 80), 2: (253, 216, 53), 3: (251, 140, 0), 4: (211, 47, 47)}
WORLD_BOX = (-180.0, -58.0, 180.0, 84.0)

Points = npt.NDArray[np.float64]


def _return_images_to_the_system() -> None:
    """A draw allocates images of several MB. Once the first is freed, glibc's malloc raises its
    mmap threshold and serves the next ones from its heap, which it keeps: the bot's RSS grew by
    25 MB over three maps (benchmarks/bench_maps.py). A fixed threshold gives each image's memory
    back when it is freed. Elsewhere than glibc, nothing to do."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(-3, 256 * 1024)  # M_MMAP_THRESHOLD


_return_images_to_the_system()


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_PATH), size)


def _equal_earth(lon: Points, lat: Points) -> tuple[Points, Points]:
    """The Equal Earth projection (Šavrič, Patterson, Jenny 2018), in radians' units."""
    a1, a2, a3, a4 = 1.340264, -0.081106, 0.000893, 0.003796
    m = math.sqrt(3) / 2
    theta = np.arcsin(m * np.sin(np.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = 2 * math.sqrt(3) * np.radians(lon) * np.cos(theta)
    x /= 3 * (9 * a4 * t6 * t2 + 7 * a3 * t6 + 3 * a2 * t2 + a1)
    y = theta * (a4 * t6 * t2 + a3 * t6 + a2 * t2 + a1)
    return x, y


class _View:
    """A projection and the window of it the picture shows, in pixels."""

    def __init__(self, box: tuple[float, float, float, float], kind: str, size: tuple[int, int]):
        west, south, east, north = box
        self.kind = kind
        self.cos = math.cos(math.radians((south + north) / 2))
        corners_lon = np.array([west, east, west, east, (west + east) / 2, (west + east) / 2])
        corners_lat = np.array([south, south, north, north, south, north])
        xs, ys = self._project(corners_lon, corners_lat)
        x0, x1, y0, y1 = xs.min(), xs.max(), ys.min(), ys.max()
        width, height = size
        self.scale = min(width / max(x1 - x0, 1e-9), height / max(y1 - y0, 1e-9))
        # Centre the box in the picture.
        self.x0 = (x0 + x1) / 2 - width / 2 / self.scale
        self.y1 = (y0 + y1) / 2 + height / 2 / self.scale

    def _project(self, lon: Points, lat: Points) -> tuple[Points, Points]:
        if self.kind == "world":
            return _equal_earth(lon, lat)
        return np.radians(lon) * self.cos, np.radians(lat)

    def pixels(self, ring: Points) -> Points:
        """A ring's points as (x, y) pixels."""
        x, y = self._project(ring[:, 0], ring[:, 1])
        return np.column_stack(((x - self.x0) * self.scale, (self.y1 - y) * self.scale))


def _main_box(country: Country) -> tuple[float, float, float, float]:
    """The box of a country's main land: its largest polygon and the parts near it (France
    without Réunion, the United States without Guam)."""
    boxes = []
    for polygon in country.polygons:
        outer = polygon[0]
        west, south = outer.min(axis=0)
        east, north = outer.max(axis=0)
        boxes.append((float((east - west) * (north - south)), (west, south, east, north)))
    boxes.sort(reverse=True)
    w, s, e, n = boxes[0][1]
    reach = max(e - w, n - s, 4.0) / 2
    kept = [
        b
        for _, b in boxes
        if b[0] >= w - reach and b[2] <= e + reach and b[1] >= s - reach and b[3] <= n + reach
    ]
    return (
        float(min(b[0] for b in kept)),
        float(min(b[1] for b in kept)),
        float(max(b[2] for b in kept)),
        float(max(b[3] for b in kept)),
    )


Box = tuple[float, float, float, float]


def _towns_box(code: str) -> Box | None:
    """Around a country's known towns: for the islands too small for 1:50m (Tuvalu)."""
    towns = towns_in(code)
    if not towns:
        return None
    lats, lons = [t[0] for t in towns], [t[1] for t in towns]
    return (min(lons) - 1.5, min(lats) - 1.5, max(lons) + 1.5, max(lats) + 1.5)


def _box(request: MapRequest, shapes: Mapping[str, Country]) -> Box:
    boxes = [_main_box(shapes[c]) for c in request.focus if c in shapes]
    if not boxes and request.country:
        around = _towns_box(request.country)
        boxes = [around] if around is not None else []
    if not boxes:
        return WORLD_BOX
    west, south = min(b[0] for b in boxes), min(b[1] for b in boxes)
    east, north = max(b[2] for b in boxes), max(b[3] for b in boxes)
    pad = 0.35 if request.country else 0.06  # a country map shows its neighbours
    pad_x, pad_y = max((east - west) * pad, 1.0), max((north - south) * pad, 1.0)
    return (
        max(-180.0, west - pad_x),
        max(-85.0, south - pad_y),
        min(180.0, east + pad_x),
        min(85.0, north + pad_y),
    )


def _map_height(kind: str, box: Box) -> int:
    """The map's height in pixels: the world's, else the framed box's shape (Chile is tall,
    Russia wide)."""
    if kind == "world":
        return WORLD_HEIGHT
    west, south, east, north = box
    wide = (east - west) * math.cos(math.radians((south + north) / 2))
    return int(min(MAX_HEIGHT, max(MIN_HEIGHT, WIDTH * (north - south) / max(wide, 1e-9))))


def _kind(request: MapRequest) -> str:
    return "country" if request.country else "area" if request.focus else "world"


_RINGS: dict[int, tuple[Mapping[str, Country], Points, list[tuple[str, int, int]]]] = {}


def _outer_rings(shapes: Mapping[str, Country]) -> tuple[Points, list[tuple[str, int, int]]]:
    """Every outer ring of the shapes in one array (projected in one go), with each ring's
    country and slice, largest countries first (enclaves are drawn over their hosts)."""
    cached = _RINGS.get(id(shapes))
    if cached is not None and cached[0] is shapes:
        return cached[1], cached[2]
    rings, index, start = [], [], 0
    for country in sorted(shapes.values(), key=lambda c: -c.area):
        for polygon in country.polygons:
            ring = polygon[0]
            if np.any(np.abs(np.diff(ring[:, 0])) > 180):
                # Crosses the antimeridian (Russia's far east, Fiji): drawn as one piece east
                # of it rather than as a stroke across the whole map.
                ring = np.column_stack(
                    (np.where(ring[:, 0] < 0, ring[:, 0] + 360, ring[:, 0]), ring[:, 1])
                )
            rings.append(ring)
            index.append((country.code, start, start + len(ring)))
            start += len(ring)
    points = np.concatenate(rings)
    _RINGS[id(shapes)] = (shapes, points, index)
    return points, index


def _draw_countries(
    draw: ImageDraw.ImageDraw,
    view: _View,
    request: MapRequest,
    shapes: Mapping[str, Country],
    top: int = 0,
) -> None:
    """Fill every country by level (`top`: the first row of the view this canvas draws)."""
    points, index = _outer_rings(shapes)
    pixels = view.pixels(points)
    pixels[:, 1] -= top
    starts = np.array([start for _, start, _ in index])
    # Each ring's extent in pixels, in four calls rather than four per ring.
    x0, x1 = np.minimum.reduceat(pixels[:, 0], starts), np.maximum.reduceat(pixels[:, 0], starts)
    y0, y1 = np.minimum.reduceat(pixels[:, 1], starts), np.maximum.reduceat(pixels[:, 1], starts)
    width, height = draw.im.size
    shown = (x1 >= 0) & (x0 <= width) & (y1 >= 0) & (y0 <= height)
    shown &= (x1 - x0 >= 1) | (y1 - y0 >= 1)  # smaller than a pixel: nothing to see
    flat = pixels.ravel()
    levels = dict(request.levels)
    outline = []
    for i, (code, start, end) in enumerate(index):
        if code == request.country:
            outline.append(flat[2 * start : 2 * end].tolist())
        if not shown[i]:
            continue
        level = levels.get(code)
        fill = LEVEL_COLOURS[level] if level else NO_LEVEL
        # One ring's list at a time: the world's 200,000 coordinates never exist as floats at once.
        draw.polygon(flat[2 * start : 2 * end].tolist(), fill=fill, outline=BORDER)
    for ring in outline:
        draw.line(ring, fill=INK, width=3 * SCALE, joint="curve")
    if not request.country:
        _draw_small_countries(draw, request, index, (x0, x1, y0, y1), shown)


SMALL = 8 * SCALE  # pixels: a country narrower and shorter than this is hard to see


def _draw_small_countries(
    draw: ImageDraw.ImageDraw,
    request: MapRequest,
    index: list[tuple[str, int, int]],
    extents: tuple[Points, Points, Points, Points],
    shown: npt.NDArray[np.bool_],
) -> None:
    """On a world or continent map, a dot of its level's colour where a destination at level 3
    or 4 is too small to see (Bahrain, Kuwait, Lebanon): no country to avoid is
    missed for being small."""
    x0, x1, y0, y1 = extents
    boxes: dict[str, list[float]] = {}
    for i, (code, _, _) in enumerate(index):
        if shown[i]:
            grown = boxes.setdefault(code, [math.inf, math.inf, -math.inf, -math.inf])
            grown[:] = [
                min(grown[0], x0[i]),
                min(grown[1], y0[i]),
                max(grown[2], x1[i]),
                max(grown[3], y1[i]),
            ]
    r = 4 * SCALE
    for code, level in request.levels:
        box = boxes.get(code)
        if level < 3 or box is None or box[2] - box[0] >= SMALL or box[3] - box[1] >= SMALL:
            continue
        x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        draw.ellipse(
            (x - r, y - r, x + r, y + r), fill=LEVEL_COLOURS[level], outline=INK, width=SCALE
        )


def _draw_markers(draw: ImageDraw.ImageDraw, view: _View, markers: list[Marker]) -> None:
    font = _font(17)
    taken: list[tuple[float, float, float, float]] = []
    for marker in sorted(markers, key=lambda m: -m.level):
        x, y = view.pixels(np.array([[marker.longitude, marker.latitude]]))[0] / SCALE
        r = 8  # a dark ring, a white one, then the level: visible on any country's colour
        draw.ellipse((x - r, y - r, x + r, y + r), fill=INK)
        draw.ellipse((x - r + 2, y - r + 2, x + r - 2, y + r - 2), fill=(255, 255, 255))
        draw.ellipse((x - r + 4, y - r + 4, x + r - 4, y + r - 4), fill=LEVEL_COLOURS[marker.level])
        box = draw.textbbox((x + r + 4, y), marker.name, font=font, anchor="lm")
        label = (box[0] - 2, box[1] - 2, box[2] + 2, box[3] + 2)
        if any(
            not (label[2] < o[0] or label[0] > o[2] or label[3] < o[1] or label[1] > o[3])
            for o in taken
        ):
            continue  # the dot stays; its name would cover another
        taken.append(label)
        draw.text(
            (x + r + 4, y),
            marker.name,
            font=font,
            fill=INK,
            anchor="lm",
            stroke_width=3,
            stroke_fill=(255, 255, 255),
        )


def _legend_height(request: MapRequest) -> int:
    return 20 + 30 * math.ceil((len(request.legend) + 1) / 2)


def _draw_frame(draw: ImageDraw.ImageDraw, request: MapRequest, map_height: int) -> None:
    draw.rectangle((0, 0, WIDTH, HEADER), fill=(255, 255, 255))
    draw.text((24, HEADER // 2), request.title, font=_font(28), fill=INK, anchor="lm")
    top = HEADER + map_height
    entries = [(LEVEL_COLOURS[level], label) for level, label in request.legend]
    entries.append((NO_LEVEL, request.no_level))
    height = _legend_height(request)
    draw.rectangle((0, top, WIDTH, top + height + FOOTER), fill=(255, 255, 255))
    column = WIDTH // 2
    for i, (colour, label) in enumerate(entries):
        x = 24 + (i % 2) * column
        y = top + 14 + (i // 2) * 30
        draw.rectangle((x, y, x + 22, y + 20), fill=colour, outline=INK)
        draw.text((x + 32, y + 10), label, font=_font(18), fill=INK, anchor="lm")
    draw.text(
        (24, top + height + FOOTER // 2),
        request.footer,
        font=_font(15),
        fill=(90, 90, 90),
        anchor="lm",
    )


def _countries_picture(
    view: _View, request: MapRequest, shapes: Mapping[str, Country], map_height: int
) -> Image.Image:
    """The countries drawn at twice the size, then reduced, in two bands (top, bottom): the
    bot's peak memory holds half a large canvas, not a whole one."""
    picture = Image.new("RGB", (WIDTH, map_height), SEA)
    half = map_height // 2
    for top, bottom in ((0, half), (half, map_height)):
        canvas = Image.new("RGB", (WIDTH * SCALE, (bottom - top) * SCALE), SEA)
        _draw_countries(ImageDraw.Draw(canvas), view, request, shapes, top * SCALE)
        picture.paste(canvas.reduce(SCALE), (0, top))
        del canvas
    return picture


def draw_map(request: MapRequest, shapes: Mapping[str, Country] | None = None) -> bytes:
    """The PNG of a map (not cached: see `render_map`)."""
    shapes = world() if shapes is None else shapes
    kind = _kind(request)
    box = _box(request, shapes)
    map_height = _map_height(kind, box)
    view = _View(box, kind, (WIDTH * SCALE, map_height * SCALE))
    picture = _countries_picture(view, request, shapes, map_height)
    if request.country:
        markers = markers_for(request.country, request.places)
        level = request.level_of(request.country)
        if request.country not in shapes and level is not None:
            # Too small for 1:50m: its towns, at its level, show where it is.
            towns = towns_in(request.country)[:5]
            markers += [Marker(name, lat, lon, level) for lat, lon, name, _ in towns]
        _draw_markers(ImageDraw.Draw(picture), view, markers)
    total = HEADER + map_height + _legend_height(request) + FOOTER
    image = Image.new("RGB", (WIDTH, total), (255, 255, 255))
    image.paste(picture, (0, HEADER))
    del picture
    _draw_frame(ImageDraw.Draw(image), request, map_height)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)  # fast; Telegram recompresses
    return out.getvalue()


def pixel_of(request: MapRequest, latitude: float, longitude: float) -> tuple[int, int]:
    """Where a point falls in the picture `draw_map(request)` makes (x, y from the top left)."""
    shapes = world()
    kind = _kind(request)
    box = _box(request, shapes)
    view = _View(box, kind, (WIDTH * SCALE, _map_height(kind, box) * SCALE))
    x, y = view.pixels(np.array([[longitude, latitude]]))[0] / SCALE
    return int(x), int(y) + HEADER


@lru_cache(maxsize=48)
def render_map(request: MapRequest) -> bytes:
    """The PNG of a map, kept until the levels, places or words it shows change (the request
    is the cache key); 48 maps of about 150 KB at most."""
    return draw_map(request)
