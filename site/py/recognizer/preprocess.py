"""From a drawing to a network's 28x28 input, framed the way its training images were.

The page sends the pen's path, not pixels: a list of strokes, each a sequence of (x, y) points (y down).
We draw the strokes again ourselves with a pen whose width is a fixed fraction of the digit's size, so the
result does not depend on how big, where, or how thick the person drew. One drawing is pixels: a test digit
opened in the pad, sent as one "stroke" {"image": its 784 grey levels 0-255}, already framed as MNIST's are.

Two framings, named in models.json:
- "mnist" (LeCun et al.): crop to the ink, keep the aspect ratio, scale the longest side into a 20x20 box
  with anti-aliasing, then translate so the centre of mass sits at the centre of the 28x28 field.
- "emnist" (Cohen et al. 2017): Gaussian blur (sigma 1), a square crop around the ink with a 2-pixel border,
  bicubic downsampling to 28x28.

All outputs are (784,) float32 in [0, 1], row-major, ink = 1. A blank or nearly blank drawing gives None.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

SIDE = 28  # the network sees SIDE x SIDE pixels
BOX = 20  # MNIST: the longest side of the ink fills a BOX x BOX square
PEN_FRACTION = 1 / 7  # pen width / longest side of the path: matches MNIST's stroke width
SUPERSAMPLE = 4  # render at 4x and average 4x4 blocks: anti-aliasing
MIN_EXTENT = 6.0  # a path shorter than this in both directions (caller's units) is a dot, not a digit
CENTRE = (SIDE - 1) / 2  # centre of the field in pixel-index coordinates

Strokes = Sequence[Sequence[Sequence[float]]]
FRAMINGS = ("mnist", "emnist")  # the framings to_network_input knows, as models.json names them


# --- drawing the strokes --------------------------------------------------------------------------


def as_point_arrays(strokes: Strokes) -> list[np.ndarray]:
    """The strokes as float arrays of shape (k, 2), dropping empty strokes and non-finite points."""
    arrays = []
    for stroke in strokes:
        points = np.asarray(stroke, dtype=np.float64).reshape(-1, 2)
        points = points[np.isfinite(points).all(axis=1)]
        if len(points):
            arrays.append(points)
    return arrays


def path_extent(strokes: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Bounding box (low corner, high corner) of all points."""
    every_point = np.concatenate(strokes)
    return every_point.min(axis=0), every_point.max(axis=0)


def is_blank(strokes: Strokes) -> bool:
    points = as_point_arrays(strokes)
    if not points:
        return True
    low, high = path_extent(points)
    return bool((high - low).max() < MIN_EXTENT)


def thin_out(points: np.ndarray, spacing: float) -> np.ndarray:
    """Keep points at least `spacing` apart along the stroke (plus the last): fewer segments, same shape."""
    kept, (x0, y0) = [0], points[0].tolist()  # Python's floats: a loop over NumPy scalars is many times slower
    for i, (x, y) in enumerate(points.tolist()[1:], 1):
        if math.hypot(x - x0, y - y0) >= spacing:
            kept.append(i)
            x0, y0 = x, y
    if len(points) > 1 and not np.array_equal(points[kept[-1]], points[-1]):
        kept.append(len(points) - 1)
    return points[kept]


def segments_of(strokes: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Start and end points of every segment; a one-point stroke is a segment of length 0 (a dot)."""
    starts, ends = [], []
    for points in strokes:
        if len(points) == 1:
            points = np.vstack([points, points])
        starts.append(points[:-1])
        ends.append(points[1:])
    return np.concatenate(starts), np.concatenate(ends)


TILE = 8  # draw_segments measures the pixels of each TILE x TILE tile against the segments near it only
PAIRS = 4096  # (tile, segment) pairs measured at once: bounds the (pairs x pixels) arrays


def squared_distances(x: np.ndarray, y: np.ndarray, segments: tuple) -> np.ndarray:
    """Squared distance of each point (x, y) to its segment (ax, ay, abx, aby, length2): from (ax, ay) along
    (abx, aby), of squared length length2 (each broadcast against x and y). The nearest point of a segment is
    a + t ab, t clipped to [0, 1]."""
    ax, ay, abx, aby, length2 = segments
    apx, apy = x - ax, y - ay
    t = np.clip((apx * abx + apy * aby) / length2, 0, 1)
    dx, dy = apx - t * abx, apy - t * aby
    return dx * dx + dy * dy


def draw_segments(starts: np.ndarray, ends: np.ndarray, radius: float, shape: tuple[int, int]) -> np.ndarray:
    """Ink coverage of round-capped segments of the given radius, on a pixel grid of `shape`.

    Each pixel's ink is 1 inside the pen, 0 outside, with a one-pixel linear edge: its distance d to the
    nearest segment gives clip(radius + 0.5 - d, 0, 1). The grid is cut into tiles, and a tile's pixels are
    measured only against the segments that pass within the pen's reach of the tile: a farther segment leaves
    them blank whatever the others do, so the ink is exactly that of measuring every pixel against every segment,
    for a fraction of the work.
    """
    height, width = shape
    ax, ay = starts.astype(np.float32).T
    abx, aby = (ends - starts).astype(np.float32).T
    length2 = np.maximum(abx * abx + aby * aby, 1e-12)
    tile_rows, tile_cols = -(-height // TILE), -(-width // TILE)
    corner_y, corner_x = (TILE * np.indices((tile_rows, tile_cols))).reshape(2, -1, 1)  # each tile's top-left
    offset_y, offset_x = np.indices((TILE, TILE)).reshape(2, 1, -1) + 0.5  # its pixels' centres from there
    pixel_x, pixel_y = (corner_x + offset_x).astype(np.float32), (corner_y + offset_y).astype(np.float32)
    # A pixel is at most TILE / sqrt(2) from its tile's centre; one pixel more allows for rounding.
    reach = radius + 0.5 + TILE / np.sqrt(2) + 1
    centre_x, centre_y = (corner_x + TILE / 2).astype(np.float32), (corner_y + TILE / 2).astype(np.float32)
    near = squared_distances(centre_x, centre_y, (ax, ay, abx, aby, length2)) <= reach * reach  # (tiles, segments)
    tiles, segments = np.nonzero(near)  # the pairs to measure, tile by tile
    nearest2 = np.full(pixel_x.shape, np.inf, dtype=np.float32)
    for i in range(0, len(tiles), PAIRS):
        tile, segment = tiles[i : i + PAIRS], segments[i : i + PAIRS, None]
        chosen = (ax[segment], ay[segment], abx[segment], aby[segment], length2[segment])
        d2 = squared_distances(pixel_x[tile], pixel_y[tile], chosen)
        first = np.flatnonzero(np.r_[True, tile[1:] != tile[:-1]])  # where each tile's pairs start
        nearest2[tile[first]] = np.minimum(nearest2[tile[first]], np.minimum.reduceat(d2, first))
    ink = np.clip(radius + 0.5 - np.sqrt(nearest2), 0, 1)
    grid = ink.reshape(tile_rows, tile_cols, TILE, TILE).transpose(0, 2, 1, 3).reshape(tile_rows * TILE, -1)
    return grid[:height, :width]


def render(strokes: Strokes, ink_side: float) -> np.ndarray | None:
    """Draw the strokes so that the ink's longest side is `ink_side` pixels, pen = PEN_FRACTION of the path.

    Returns the cropped ink image (float32, ink = 1), or None for a blank drawing.
    """
    points = as_point_arrays(strokes)
    if not points:
        return None
    low, high = path_extent(points)
    path_side = (high - low).max()
    if path_side < MIN_EXTENT:
        return None
    pen = PEN_FRACTION * path_side
    scale = ink_side / (path_side + pen)  # caller's units -> pixels
    radius = pen * scale / 2
    points = [(p - low) * scale + radius for p in points]
    points = [thin_out(p, spacing=max(radius / 4, 0.5)) for p in points]
    width, height = np.ceil((high - low) * scale + 2 * radius).astype(int)
    return draw_segments(*segments_of(points), radius, (height, width)).astype(np.float32)


# --- resampling ---------------------------------------------------------------------------------


def cubic_matrix(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) bicubic (Keys, a = -0.5) resampling matrix, widened when shrinking to avoid aliasing."""
    scale = n_in / n_out
    support = max(scale, 1.0)
    centres = (np.arange(n_out) + 0.5) * scale - 0.5
    x = np.abs(np.arange(n_in)[None, :] - centres[:, None]) / support
    a = -0.5
    weights = np.where(
        x <= 1,
        (a + 2) * x**3 - (a + 3) * x**2 + 1,
        np.where(x < 2, a * x**3 - 5 * a * x**2 + 8 * a * x - 4 * a, 0.0),
    )
    return weights / weights.sum(axis=1, keepdims=True)


def resize_bicubic(image: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    rows = cubic_matrix(image.shape[0], shape[0])
    cols = cubic_matrix(image.shape[1], shape[1])
    return (rows @ image @ cols.T).astype(np.float32)


def gaussian_blur(image: np.ndarray, sigma: float) -> np.ndarray:
    """Separable Gaussian blur, zero outside the image."""
    radius = int(np.ceil(3 * sigma))
    taps = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    taps /= taps.sum()

    def blur_matrix(n: int) -> np.ndarray:
        offsets = np.arange(n)[None, :] - np.arange(n)[:, None]
        return np.where(np.abs(offsets) <= radius, taps[np.clip(offsets + radius, 0, 2 * radius)], 0.0)

    return (blur_matrix(image.shape[0]) @ image @ blur_matrix(image.shape[1]).T).astype(np.float32)


# --- framing ------------------------------------------------------------------------------------


def crop_to_ink(image: np.ndarray, threshold: float = 0.0) -> np.ndarray | None:
    rows = np.flatnonzero((image > threshold).any(axis=1))
    cols = np.flatnonzero((image > threshold).any(axis=0))
    if len(rows) == 0:
        return None
    return image[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def centre_of_mass(image: np.ndarray) -> np.ndarray:
    """(row, column) of the ink's centre of mass, in pixel-index coordinates."""
    total = image.sum()
    rows = (image.sum(axis=1) * np.arange(image.shape[0])).sum() / total
    cols = (image.sum(axis=0) * np.arange(image.shape[1])).sum() / total
    return np.array([rows, cols])


def paste(image: np.ndarray, side: int, top_left: tuple[int, int]) -> np.ndarray:
    """`image` placed with its corner at top_left in a side x side field, cut off at the field's edges."""
    field = np.zeros((side, side), dtype=np.float32)
    top, left = top_left
    h, w = image.shape
    r0, c0 = max(top, 0), max(left, 0)
    r1, c1 = min(top + h, side), min(left + w, side)
    if r0 < r1 and c0 < c1:
        field[r0:r1, c0:c1] = image[r0 - top : r1 - top, c0 - left : c1 - left]
    return field


def centre_by_mass(image: np.ndarray, side: int, centre: float) -> np.ndarray:
    """Place `image` in a side x side field so its centre of mass lands on (centre, centre)."""
    top_left = np.round(centre - centre_of_mass(image)).astype(int)
    return paste(image, side, tuple(top_left))


def frame_emnist(image: np.ndarray) -> np.ndarray | None:
    """Any ink image framed as EMNIST: blur, square crop with a 2-pixel border, bicubic to 28x28."""
    blurred = gaussian_blur(image, sigma=1.0)
    ink = crop_to_ink(blurred, threshold=0.01 * blurred.max()) if blurred.max() > 0 else None
    if ink is None:
        return None
    side = max(ink.shape)
    square = paste(ink, side + 4, ((side - ink.shape[0]) // 2 + 2, (side - ink.shape[1]) // 2 + 2))
    square = resize_bicubic(square, (SIDE, SIDE))
    peak = square.max()
    return np.clip(square / peak, 0, 1).ravel() if peak > 0 else None


def strokes_to_mnist(strokes: Strokes) -> np.ndarray | None:
    """The fast path for "mnist": draw straight at 4x the 20-pixel box, centre by mass, average 4x4 blocks."""
    ink = render(strokes, ink_side=BOX * SUPERSAMPLE)
    if ink is None or ink.sum() == 0:
        return None
    s = SUPERSAMPLE
    field = centre_by_mass(ink, SIDE * s, CENTRE * s + (s - 1) / 2)
    return field.reshape(SIDE, s, SIDE, s).mean(axis=(1, 3)).ravel()


def image_of(strokes) -> np.ndarray | None:
    """The inputs (784,) in [0, 1] of a drawing that is a test digit's image ([{"image": 784 grey levels}]), or None
    for a drawing of strokes. Scaled as the digits' files are (digitfiles.as_inputs), so a digit reads the same."""
    if len(strokes) != 1 or not isinstance(strokes[0], dict):
        return None
    return np.asarray(strokes[0]["image"], dtype=np.float32) * np.float32(1 / 255)


def to_network_input(strokes: Strokes, framing: str = "mnist") -> np.ndarray | None:
    """The 784 inputs a network trained on `framing` images expects for this drawing; None if blank."""
    if framing not in FRAMINGS:
        raise ValueError(f"unknown framing {framing!r} (expected one of {', '.join(FRAMINGS)})")
    image = image_of(strokes)
    if image is not None:
        return frame_images(image[None], framing)[0] if image.max() > 0 else None
    if framing == "mnist":
        return strokes_to_mnist(strokes)
    # emnist: NIST's scans, which EMNIST framed, are 128x128 with digits about 100 pixels tall.
    image = render(strokes, ink_side=100)
    return None if image is None else frame_emnist(image)


def frame_images(images: np.ndarray, framing: str) -> np.ndarray:
    """MNIST-framed (n, 784) inputs seen through another framing (EMNIST's), one image at a time."""
    if framing == "mnist":
        return images
    framed = [frame_emnist(image.reshape(28, 28)) for image in images]
    return np.stack([np.zeros(784, np.float32) if f is None else f for f in framed]).astype(np.float32)
