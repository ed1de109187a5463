"""Phone-photo-like images of the corpus sheets: the page on a table, turned, in perspective, under uneven
light, slightly out of focus, noisy and JPEG-compressed. Fixed seeds, so every run sees the same photos."""

from __future__ import annotations

import difflib
import io
import random
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

from tests.corpus import PASSAGES, render_image

SEED = 20240611


@dataclass(frozen=True)
class Photo:
    """One photo-like JPEG of a corpus passage, with how it was taken.

    :param content: the JPEG bytes
    :param topic: the passage's topic
    :param language: the passage's language
    :param text: what the sheet says
    :param rotation: degrees the page is turned
    :param light: darkest share of full light on the page (1 is even light)
    :param blur: Gaussian blur radius in pixels
    :param noise: standard deviation of the sensor noise, in grey levels
    :param quality: JPEG quality
    """

    content: bytes
    topic: str
    language: str
    text: str
    rotation: float
    light: float
    blur: float
    noise: float
    quality: int


def _perspective_coefficients(source: list[tuple[float, float]], target: list[tuple[float, float]]) -> list[float]:
    """The 8 coefficients Pillow's PERSPECTIVE transform needs to map ``target`` corners back to ``source``."""
    rows = []
    for (x, y), (u, v) in zip(target, source, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    solution = np.linalg.solve(np.array(rows, dtype=float), np.array([c for point in source for c in point], float))
    return [float(value) for value in solution]


def _lighting(width: int, height: int, rng: random.Random, darkest: float) -> np.ndarray:
    """A smooth light field: a gradient from one side, a soft shadow blob, values between darkest and 1."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    ramp = (xs * np.cos(angle) + ys * np.sin(angle)) / float(np.hypot(width, height))
    ramp = (ramp - ramp.min()) / max(float(np.ptp(ramp)), 1e-6)
    cx, cy = rng.uniform(0, width), rng.uniform(0, height)
    radius = rng.uniform(0.25, 0.5) * max(width, height)
    blob = np.exp(-(((xs - cx) ** 2 + (ys - cy) ** 2) / (2 * radius**2)))
    field: np.ndarray = (1.0 - (1.0 - darkest) * np.clip(0.7 * ramp + 0.5 * blob, 0.0, 1.0)).astype(np.float32)
    return field


def take_photo(text: str, seed: int) -> tuple[bytes, dict[str, float]]:
    """Return a photo-like JPEG of a sheet with the given text, and the settings used.

    :param text: what the sheet says
    :param seed: picks rotation, perspective, light, blur, noise and JPEG quality
    """
    rng = random.Random(seed)
    sheet = render_image(text).convert("L")
    # The page lies on a darker table with a margin around it, as a phone frames it.
    margin = int(0.08 * sheet.width)
    scene = Image.new("L", (sheet.width + 2 * margin, sheet.height + 2 * margin), rng.randint(70, 130))
    scene.paste(sheet, (margin, margin))
    rotation = rng.uniform(-6.0, 6.0)
    scene = scene.rotate(rotation, resample=Image.Resampling.BICUBIC, fillcolor=rng.randint(70, 130))
    width, height = scene.size
    # Perspective: each corner moved by up to 4 % of the side, as a phone held not quite flat.
    jitter = [(rng.uniform(-0.04, 0.04) * width, rng.uniform(-0.04, 0.04) * height) for _ in range(4)]
    corners = [(0.0, 0.0), (float(width), 0.0), (float(width), float(height)), (0.0, float(height))]
    moved = [(x + dx, y + dy) for (x, y), (dx, dy) in zip(corners, jitter, strict=True)]
    scene = scene.transform(
        scene.size,
        Image.Transform.PERSPECTIVE,
        _perspective_coefficients(corners, moved),
        resample=Image.Resampling.BICUBIC,
        fillcolor=90,
    )
    # A phone's 12 megapixels put an A4 page at about 2,400 pixels across.
    scale = rng.uniform(1.4, 1.8)
    scene = scene.resize((int(width * scale), int(height * scale)), Image.Resampling.BICUBIC)
    blur = rng.uniform(0.6, 1.8)
    scene = scene.filter(ImageFilter.GaussianBlur(blur))
    light = rng.uniform(0.35, 0.8)
    pixels = np.asarray(scene, dtype=np.float32) * _lighting(scene.width, scene.height, rng, light)
    noise = rng.uniform(3.0, 10.0)
    pixels += np.random.default_rng(seed).normal(0.0, noise, pixels.shape).astype(np.float32)
    # A colour cast, as indoor light gives: the photo is RGB, as a phone's is.
    tint = np.array([1.0, rng.uniform(0.9, 1.0), rng.uniform(0.75, 0.95)], dtype=np.float32)
    rgb = np.clip(pixels[..., None] * tint, 0, 255).astype(np.uint8)
    quality = rng.randint(55, 85)
    buffer = io.BytesIO()
    Image.fromarray(rgb, "RGB").save(buffer, format="JPEG", quality=quality)
    settings = {"rotation": rotation, "light": light, "blur": blur, "noise": noise, "quality": float(quality)}
    return buffer.getvalue(), settings


def build_photos(limit: int | None = None, seed: int = SEED) -> list[Photo]:
    """Return a photo-like JPEG of every corpus passage (or of the first ``limit``).

    :param limit: passages to photograph, all when None
    :param seed: the base seed
    """
    photos = []
    for index, (topic, language, text) in enumerate(PASSAGES[:limit]):
        content, settings = take_photo(text, seed + index)
        photos.append(
            Photo(
                content,
                topic,
                language,
                text,
                settings["rotation"],
                settings["light"],
                settings["blur"],
                settings["noise"],
                int(settings["quality"]),
            )
        )
    return photos


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def characters_read(source: str, read: str) -> float:
    """Return the share of the source's characters that the read text has, in order (whitespace folded).

    :param source: what the sheet says
    :param read: what OCR read
    """
    expected, got = _normal(source), _normal(read)
    if not expected:
        return 1.0
    matcher = difflib.SequenceMatcher(None, expected, got, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(expected)
