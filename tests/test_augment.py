"""Augmentation: deterministic, geometrically right, in range, and the same whatever the process count."""

from dataclasses import replace

import numpy as np
import pytest

from recognizer import augment
from recognizer.augment import AugmentParams

NOTHING = AugmentParams.identity()


def strokes(n: int = 6) -> np.ndarray:
    """n small 'digits' (float32 (n, 28, 28)): a ring and a bar of different sizes and places."""
    y, x = np.mgrid[0:28, 0:28].astype(np.float32)
    images = np.zeros((n, 28, 28), np.float32)
    for i in range(n):
        radius = 4 + i % 4
        ring = np.abs(np.hypot(x - 13 - i % 3, y - 14) - radius) < 1.2
        bar = (np.abs(x - 9 - i % 5) < 1.5) & (y > 6) & (y < 22)
        images[i] = np.maximum(ring, 0.7 * bar)
    return images


def letter_f() -> np.ndarray:
    """An 'F': no rotation or mirror of it equals another."""
    image = np.zeros((28, 28), np.float32)
    image[5:23, 8:11] = 1.0
    image[5:8, 8:20] = 1.0
    image[13:15, 8:17] = 0.6
    return image


def centre_of_mass(image: np.ndarray) -> np.ndarray:
    y, x = np.mgrid[0:28, 0:28]
    return np.array([(image * x).sum(), (image * y).sum()]) / image.sum()


def warp(images, matrix, shift):
    n = len(images)
    matrices = np.broadcast_to(np.asarray(matrix, np.float64), (n, 2, 2))
    shifts = np.broadcast_to(np.asarray(shift, np.float64), (n, 2))
    return augment.bilinear_sample(images, *augment.sampling_coordinates(matrices, shifts))


def test_same_seed_same_images_and_different_seed_different_images():
    images = strokes()
    first = augment.augment(images, np.random.default_rng(7))
    again = augment.augment(images, np.random.default_rng(7))
    other = augment.augment(images, np.random.default_rng(8))
    np.testing.assert_array_equal(first, again)
    assert np.abs(first - other).mean() > 0.01
    assert np.abs(first - images).mean() > 0.01  # it does change the images


def test_zero_ranges_give_back_the_input():
    images = strokes()
    out = augment.augment(images, np.random.default_rng(0), params=NOTHING)
    np.testing.assert_allclose(out, images, atol=1e-5)
    as_bytes = augment.augment(augment.to_uint8(images), np.random.default_rng(0), params=NOTHING)
    np.testing.assert_allclose(as_bytes, images, atol=0.5 / 255 + 1e-6)


@pytest.mark.parametrize("shift", [(2.0, 0.0), (0.0, -2.0), (1.5, -0.75)])
def test_a_shift_moves_the_centre_of_mass_by_that_much(shift):
    images = strokes()
    moved = warp(images, np.eye(2), shift)
    for before, after in zip(images, moved, strict=True):
        np.testing.assert_allclose(centre_of_mass(after) - centre_of_mass(before), shift, atol=1e-3)
        assert after.sum() == pytest.approx(before.sum(), rel=1e-5)  # nothing left the frame


def test_random_shifts_stay_in_range():
    params = replace(NOTHING, shift_pixels=2.0)
    images = np.repeat(strokes(1), 200, axis=0)
    moved = augment.augment(images, np.random.default_rng(1), params=params)
    offsets = np.array([centre_of_mass(m) for m in moved]) - centre_of_mass(images[0])
    assert np.abs(offsets).max() <= 2.0 + 1e-3
    assert np.abs(offsets).max() > 1.8 and offsets.std(axis=0).min() > 0.8  # spread over the range


def test_a_quarter_turn_is_numpys_rot90():
    angle = np.pi / 2  # counterclockwise on screen, as np.rot90
    matrices, _ = augment.affine_transforms(1, np.random.default_rng(0), replace(NOTHING, rotation_degrees=0))
    assert np.allclose(matrices, np.eye(2))
    turn = [[np.cos(angle), np.sin(angle)], [-np.sin(angle), np.cos(angle)]]
    image = letter_f()
    turned = warp(image[None], turn, (0, 0))[0]
    np.testing.assert_allclose(turned, np.rot90(image), atol=1e-5)
    assert not np.allclose(turned, np.rot90(image, -1), atol=0.1)


def test_drawn_rotations_follow_the_range():
    params = replace(NOTHING, rotation_degrees=12.0)
    matrices, shifts = augment.affine_transforms(500, np.random.default_rng(2), params)
    angles = np.degrees(np.arctan2(matrices[:, 0, 1], matrices[:, 0, 0]))
    assert np.abs(angles).max() <= 12.0 and np.abs(angles).max() > 11.0
    np.testing.assert_allclose(np.linalg.det(matrices), 1.0, atol=1e-9)  # a pure rotation
    assert not shifts.any()


def test_output_keeps_shape_type_and_range():
    rng = np.random.default_rng(3)
    images = np.concatenate([strokes(), np.ones((2, 28, 28), np.float32), rng.random((4, 28, 28))])
    strong = AugmentParams(rotation_degrees=40, scale=0.4, shear=0.6, shift_pixels=5, elastic_alpha=80)
    for params in (AugmentParams(), strong):
        out = augment.augment(images, rng, params=params)
        assert out.shape == images.shape and out.dtype == np.float32
        assert out.min() >= 0.0 and out.max() <= 1.0


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match=r"shape \(n, 28, 28\)"):
        augment.augment(np.zeros((3, 784), np.float32), np.random.default_rng(0))


def test_thickening_adds_ink_and_thinning_removes_it():
    images = strokes()
    ink = images.sum(axis=(1, 2))
    assert (augment.dilate(images).sum(axis=(1, 2)) > 1.2 * ink).all()
    assert (augment.erode(images).sum(axis=(1, 2)) < 0.8 * ink).all()
    rng = np.random.default_rng(4)
    thicker = augment.vary_stroke_thickness(images, rng, replace(NOTHING, thick_fraction=1, thick_blend=(0.5, 1)))
    thinner = augment.vary_stroke_thickness(images, rng, replace(NOTHING, thin_fraction=1, thin_blend=(0.5, 1)))
    assert (thicker.sum(axis=(1, 2)) > ink).all() and (thinner.sum(axis=(1, 2)) < ink).all()


def test_by_default_most_images_keep_their_strokes():
    images = np.repeat(strokes(1), 1000, axis=0)
    varied = augment.vary_stroke_thickness(images, np.random.default_rng(5), AugmentParams())
    change = varied.sum(axis=(1, 2)) / images[0].sum()
    params = AugmentParams()
    assert np.mean(change > 1.01) == pytest.approx(params.thick_fraction, abs=0.04)
    assert np.mean(change < 0.99) == pytest.approx(params.thin_fraction, abs=0.04)


def test_gaussian_matrix_blurs_like_a_gaussian():
    g = augment.gaussian_matrix(28, 4.0)
    np.testing.assert_allclose(g.sum(axis=1), 1.0, atol=1e-6)  # a constant stays constant
    offsets = np.arange(28) - 14
    expected = np.exp(-0.5 * (offsets / 4.0) ** 2)
    np.testing.assert_allclose(g[14], expected / expected.sum(), atol=1e-3)  # far from the borders


def test_elastic_field_has_the_expected_size_and_smoothness():
    alpha, sigma = 34.0, 5.0
    fields = augment.elastic_displacements(4000, np.random.default_rng(6), alpha, sigma)
    assert fields.shape == (4000, 2, 28, 28) and fields.dtype == np.float32
    # Uniform noise on [-1, 1] has variance 1/3; the blur G . noise . G^T makes pixel (i, j)'s variance
    # alpha^2 / 3 * |G_i|^2 * |G_j|^2, and its covariance with (i, j + 1) uses G_j . G_{j+1} instead.
    g = augment.gaussian_matrix(28, sigma).astype(np.float64)
    row_energy = (g * g).sum(axis=1)
    variance = alpha**2 / 3 * np.outer(row_energy, row_energy)
    measured = (fields.astype(np.float64) ** 2).mean(axis=(0, 1))
    np.testing.assert_allclose(measured.mean(), variance.mean(), rtol=0.02)
    i, j = 14, 13
    expected_correlation = (g[j] @ g[j + 1]) / np.sqrt(row_energy[j] * row_energy[j + 1])
    neighbours = np.corrcoef(fields[:, 0, i, j], fields[:, 0, i, j + 1])[0, 1]
    assert neighbours == pytest.approx(expected_correlation, abs=0.01)
    assert expected_correlation > 0.98  # smooth: neighbouring pixels move together
    far = np.corrcoef(fields[:, 0, i, 2], fields[:, 0, i, 25])[0, 1]
    assert far < 0.6  # but different parts of the digit move differently
