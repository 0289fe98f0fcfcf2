"""Data augmentation: new, plausible handwriting made from MNIST's digits, with NumPy alone.

Each image is warped once. A small random affine change (rotation, scale, shear and shift about the image
centre) and an elastic distortion (Simard, Steinkraus and Platt 2003: random displacements smoothed by a
Gaussian) add up to one displacement field, which one bilinear interpolation samples. Before the warp a few
images get thinner or thicker strokes (grey-scale erosion or dilation, blended in by a random amount).

Everything works on a whole batch at once, in float32, and draws its randomness from the generator it is
given, so a seed fixes the result. Coordinates are (x, y) = (column, row), y pointing down, as on screen.
To see what it does: `python -m evaluation augmentation` (a picture); `training-speed` times it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

SIZE = 28
CENTRE = (SIZE - 1) / 2  # the middle of the image, between pixels 13 and 14: rotation keeps pixels on the grid


@dataclass(frozen=True)
class AugmentParams:
    """How far each distortion may go: the one place these ranges live. Every draw is uniform."""

    rotation_degrees: float = 12.0  # angle in [-r, r], counterclockwise on screen
    scale: float = 0.12  # size factor in [1 - s, 1 + s]
    aspect: float = 0.06  # width and height scaled by a and 1/a, a in [1 - aspect, 1 + aspect]
    shear: float = 0.2  # slant: x moves by k * y, k in [-shear, shear]
    shift_pixels: float = 2.0  # in [-d, d] along each axis
    elastic_alpha: float = 34.0  # displacement scale (pixels per unit of smoothed noise)
    elastic_sigma: float = 5.0  # Gaussian smoothing of the displacement noise, in pixels
    thin_fraction: float = 0.15  # share of images whose strokes get thinner
    thick_fraction: float = 0.15  # share of images whose strokes get thicker
    thin_blend: tuple[float, float] = (0.3, 0.8)  # how far toward the eroded image (all the way fades)
    thick_blend: tuple[float, float] = (0.5, 1.0)  # how far toward the dilated image

    @classmethod
    def identity(cls) -> AugmentParams:
        """Ranges that change nothing (useful to check the machinery, and as a starting point)."""
        return cls(
            rotation_degrees=0.0,
            scale=0.0,
            aspect=0.0,
            shear=0.0,
            shift_pixels=0.0,
            elastic_alpha=0.0,
            thin_fraction=0.0,
            thick_fraction=0.0,
        )


# ----------------------------------------------------------------------------------------- the pieces


def affine_transforms(n: int, rng: np.random.Generator, params: AugmentParams) -> tuple[np.ndarray, np.ndarray]:
    """Random forward transforms: (n, 2, 2) matrices (rotate . shear . scale) and (n, 2) shifts in pixels.

    A point p (relative to the centre) of the original lands at matrix @ p + shift in the new image.
    """
    angle = np.radians(rng.uniform(-params.rotation_degrees, params.rotation_degrees, n))
    scale = rng.uniform(1 - params.scale, 1 + params.scale, n)
    aspect = rng.uniform(1 - params.aspect, 1 + params.aspect, n)
    shear = rng.uniform(-params.shear, params.shear, n)
    shifts = rng.uniform(-params.shift_pixels, params.shift_pixels, (n, 2))

    cos, sin, zero, one = np.cos(angle), np.sin(angle), np.zeros(n), np.ones(n)
    # With y pointing down, a counterclockwise turn on screen takes (1, 0) to (0, -1).
    rotate = np.stack([np.stack([cos, sin], -1), np.stack([-sin, cos], -1)], -2)
    slant = np.stack([np.stack([one, shear], -1), np.stack([zero, one], -1)], -2)
    stretch = np.stack([np.stack([scale * aspect, zero], -1), np.stack([zero, scale / aspect], -1)], -2)
    return rotate @ slant @ stretch, shifts


@functools.lru_cache(maxsize=8)
def gaussian_matrix(size: int, sigma: float) -> np.ndarray:
    """(size, size) matrix G such that G @ v blurs v with a Gaussian, reflecting at the borders.

    Reflection (d c b a | a b c d) keeps every row's weights summing to 1, as scipy.ndimage does by default.
    """
    radius = max(1, int(4 * sigma + 0.5))
    offsets = np.arange(-radius, radius + 1)
    weights = np.exp(-0.5 * (offsets / sigma) ** 2)
    weights /= weights.sum()
    source = (np.arange(size)[:, None] + offsets) % (2 * size)
    source = np.where(source < size, source, 2 * size - 1 - source)
    matrix = np.zeros((size, size))
    np.add.at(matrix, (np.repeat(np.arange(size), offsets.size), source.ravel()), np.tile(weights, size))
    matrix = matrix.astype(np.float32)
    matrix.flags.writeable = False  # cached and shared
    return matrix


def gaussian_blur(fields: np.ndarray, sigma: float) -> np.ndarray:
    """Blur the last two axes of `fields` with a Gaussian, as two separable 1-D passes (matrix products)."""
    g = gaussian_matrix(fields.shape[-1], sigma)
    return g @ fields @ g.T  # columns, then rows: one batched matrix product each


def elastic_displacements(n: int, rng: np.random.Generator, alpha: float, sigma: float) -> np.ndarray:
    """(n, 2, 28, 28) smooth random displacements (x, y) in pixels, after Simard et al. 2003."""
    noise = rng.random((n, 2, SIZE, SIZE), dtype=np.float32)
    noise = 2 * noise - 1  # uniform in [-1, 1]
    return np.float32(alpha) * gaussian_blur(noise, sigma)


def sampling_coordinates(
    matrices: np.ndarray, shifts: np.ndarray, displacements: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Where each output pixel reads the input: (source_x, source_y), each (n, 28, 28) float32.

    The affine part is inverted (the output pixel p came from inverse @ (p - shift)); the elastic
    displacements, defined on the output grid, are added on top, so one interpolation does both.
    """
    inverse = np.linalg.inv(matrices).astype(np.float32)
    shifts = shifts.astype(np.float32)
    grid = np.arange(SIZE, dtype=np.float32) - np.float32(CENTRE)
    x = grid[None, None, :] - shifts[:, 0, None, None]  # (n, 1, 28): varies along columns
    y = grid[None, :, None] - shifts[:, 1, None, None]  # (n, 28, 1): varies along rows
    a, b = inverse[:, 0, 0, None, None], inverse[:, 0, 1, None, None]
    c, d = inverse[:, 1, 0, None, None], inverse[:, 1, 1, None, None]
    source_x = a * x + b * y + np.float32(CENTRE)
    source_y = c * x + d * y + np.float32(CENTRE)
    if displacements is not None:
        source_x += displacements[:, 0]
        source_y += displacements[:, 1]
    return source_x, source_y


def bilinear_sample(images: np.ndarray, source_x: np.ndarray, source_y: np.ndarray) -> np.ndarray:
    """Read `images` (n, h, w) at fractional positions, bilinearly; outside the image everything is 0."""
    n, h, w = images.shape
    padded = np.zeros((n, h + 2, w + 2), np.float32)  # a ring of background, so no index needs a mask
    padded[:, 1:-1, 1:-1] = images
    x = np.clip(source_x, -1, w)
    y = np.clip(source_y, -1, h)
    x0 = np.minimum(np.floor(x), w - 1)
    y0 = np.minimum(np.floor(y), h - 1)
    fx, fy = x - x0, y - y0
    stride = w + 2
    top_left = ((y0 + 1) * stride + (x0 + 1)).astype(np.intp)
    top_left += (np.arange(n) * (h + 2) * stride)[:, None, None]
    flat = padded.ravel()
    top = np.take(flat, top_left)
    top += fx * (np.take(flat, top_left + 1) - top)
    bottom = np.take(flat, top_left + stride)
    bottom += fx * (np.take(flat, top_left + stride + 1) - bottom)
    return top + fy * (bottom - top)


def _square_neighbourhood(images: np.ndarray) -> list[np.ndarray]:
    """Each pixel with its right, lower and lower-right neighbours (a 2x2 square), as four shifted views.

    A 2x2 element changes a stroke's width by one pixel: a 3x3 one (two pixels) breaks MNIST's thin strokes
    when eroding and makes blobs when dilating. Outside the image is background.
    """
    p = np.pad(images, ((0, 0), (0, 1), (0, 1)))
    return [p[:, :-1, :-1], p[:, :-1, 1:], p[:, 1:, :-1], p[:, 1:, 1:]]


def dilate(images: np.ndarray) -> np.ndarray:
    """Grey-scale dilation with a 2x2 square: strokes one pixel wider."""
    return np.maximum.reduce(_square_neighbourhood(images))


def erode(images: np.ndarray) -> np.ndarray:
    """Grey-scale erosion with a 2x2 square: strokes one pixel narrower."""
    return np.minimum.reduce(_square_neighbourhood(images))


def vary_stroke_thickness(images: np.ndarray, rng: np.random.Generator, params: AugmentParams) -> np.ndarray:
    """Make some images' strokes thinner and some thicker, by a random blend toward erosion or dilation."""
    n = len(images)
    pick, amount = rng.random((2, n), dtype=np.float32)[..., None, None]
    thin = pick[:, 0, 0] < params.thin_fraction
    thick = pick[:, 0, 0] >= 1 - params.thick_fraction
    low, high = params.thin_blend
    thin_blend = low + (high - low) * amount[thin]
    low, high = params.thick_blend
    thick_blend = low + (high - low) * amount[thick]
    out = images.copy()
    out[thin] += thin_blend * (erode(images[thin]) - images[thin])
    out[thick] += thick_blend * (dilate(images[thick]) - images[thick])
    return out


def require_shape(images: np.ndarray) -> None:
    if images.ndim != 3 or images.shape[1:] != (SIZE, SIZE):
        raise ValueError(f"expected images of shape (n, {SIZE}, {SIZE}), got {images.shape}")


def as_float_images(images: np.ndarray) -> np.ndarray:
    """(n, 28, 28) images as float32 in [0, 1]; uint8 input is divided by 255."""
    images = np.asarray(images)
    require_shape(images)
    if images.dtype == np.uint8:
        return images.astype(np.float32) / np.float32(255)
    return images.astype(np.float32, copy=False)


# ------------------------------------------------------------------------------------- the entry point


def augment(images: np.ndarray, rng: np.random.Generator, *, params: AugmentParams = AugmentParams()) -> np.ndarray:
    """Distorted versions of `images` (n, 28, 28), float32 in [0, 1] (or uint8): float32 in [0, 1]."""
    images = as_float_images(images)
    n = len(images)
    matrices, shifts = affine_transforms(n, rng, params)
    displacements = None
    if params.elastic_alpha:
        displacements = elastic_displacements(n, rng, params.elastic_alpha, params.elastic_sigma)
    images = vary_stroke_thickness(images, rng, params)
    warped = bilinear_sample(images, *sampling_coordinates(matrices, shifts, displacements))
    return np.clip(warped, 0, 1, out=warped)  # bilinear weights keep [0, 1] up to rounding


def to_uint8(images: np.ndarray) -> np.ndarray:
    """float images in [0, 1] as uint8 0..255, rounded to nearest."""
    return (images * np.float32(255) + np.float32(0.5)).astype(np.uint8)
