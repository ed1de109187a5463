"""Images to text: decoding within pixel budgets, clean-up of phone photos, and Tesseract.

A phone photo of a sheet has uneven light (a lamp on one side, the phone's shadow), a slight turn and
perspective, blur, noise and JPEG artefacts. Tesseract's own global threshold loses the text in the darker
part of such a page. So before OCR the image is turned grey, its background light is divided out (the
background is estimated with a maximum filter on a small copy, which removes the dark text), its contrast
is stretched, it is turned straight by the angle whose row profile is sharpest, and it is scaled so that
its text lines are about 45 pixels apart (an x-height near 20 pixels, where Tesseract reads fastest without
losing characters). Tesseract reads that image once. A second try on a locally thresholded copy, kept when
Tesseract is surer of it, was measured on 43 benchmark photos: the first reading already had at least 96.9 %
of the characters, the second was surer on 3 and added at most 1.2 points, for twice the OCR time; it is not
made.
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import io
import os
import statistics
import subprocess
import threading
import time
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter, ImageOps

from .result import CorruptContent, EngineUnavailable, ScanTimeout, TooLarge

#: Pixels an image may have to be decoded at full size (PNG, WebP). A 7700 x 7700 RGBA image needs 237 MB
#: decoded and is refused here from its header.
MAX_IMAGE_PIXELS = 40_000_000
#: Pixels a JPEG may declare: JPEG decodes at 1/2, 1/4 or 1/8 of its size directly, so a large photo costs
#: no more than a small one.
MAX_JPEG_PIXELS = 120_000_000
#: Longest side an image is decoded to at most; OCR then works on its own target size.
DECODE_SIDE = 4000
#: Line pitch (pixels from one text line to the next) the OCR image is scaled to: as accurate on the photo
#: benchmark as 55 and faster; much smaller loses characters.
TARGET_LINE_PITCH = 45
#: Bounds of the OCR image: small photos are enlarged, large ones reduced.
MIN_OCR_SIDE = 1000
MAX_OCR_PIXELS = 9_000_000
#: Angles tried when straightening a page, in degrees.
MAX_SKEW = 10.0

Image.MAX_IMAGE_PIXELS = MAX_JPEG_PIXELS


@dataclass(frozen=True)
class Reading:
    """What Tesseract read from one image, and how sure it was.

    :param text: the words, by line and paragraph
    :param confidence: mean word confidence, 0 to 100, weighted by word length
    :param words: words read
    """

    text: str
    confidence: float
    words: int


def open_image(content: bytes) -> Image.Image:
    """Decode an uploaded image as an upright grey picture, within the pixel budgets, raising a ``ScanError``.

    :param content: the file's bytes
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(content))
            width, height = image.size
            limit = MAX_JPEG_PIXELS if image.format == "JPEG" else MAX_IMAGE_PIXELS
            if width * height > limit:
                raise TooLarge(detail=f"{width}x{height} pixels, limit {limit}")
            if image.format == "JPEG" and max(width, height) > DECODE_SIDE:
                factor = DECODE_SIDE / max(width, height)
                # Decodes directly at a reduced scale (and in grey when it can): memory follows the result.
                image.draft("L", (int(width * factor) + 1, int(height * factor) + 1))
            image.load()
            return _upright_grey(image)
    except TooLarge:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise TooLarge(detail=repr(exc)) from exc
    except MemoryError:
        raise
    except Exception as exc:
        raise CorruptContent(
            "This photo seems to be damaged or incomplete. Please upload it again.", detail=repr(exc)
        ) from exc


def _upright_grey(image: Image.Image) -> Image.Image:
    longest = max(image.size)
    if longest > DECODE_SIDE:
        # Box reduction first: each conversion below then costs a fraction of the full image.
        image = image.reduce(int(np.ceil(longest / DECODE_SIDE)))
    image = ImageOps.exif_transpose(image) or image
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in ("RGBA", "LA", "PA"):
        # Transparent pixels would turn black in grey and hide dark text: lay the image on white paper.
        alpha = image.getchannel("A")
        grey = image.convert("L")
        paper = Image.new("L", image.size, 255)
        paper.paste(grey, mask=alpha)
        return paper
    return image.convert("L")


def _otsu(values: np.ndarray) -> float:
    histogram = np.bincount(values.ravel(), minlength=256).astype(np.float64)
    total = histogram.sum()
    weights = np.cumsum(histogram)
    means = np.cumsum(histogram * np.arange(256))
    between = (means[-1] * weights - means * total) ** 2 / np.maximum(weights * (total - weights), 1e-9)
    return float(np.argmax(between))


def flatten_light(grey: Image.Image) -> Image.Image:
    """Divide out uneven light and stretch the contrast, so paper is white and ink dark across the page.

    :param grey: a grey image
    """
    width, height = grey.size
    factor = max(1, round(max(width, height) / 400))
    small = grey.reduce(factor) if factor > 1 else grey
    # Text strokes are thin and dark: a maximum filter wider than a stroke leaves only the paper's light.
    background = small.filter(ImageFilter.MaxFilter(5)).filter(ImageFilter.MaxFilter(5))
    background = background.filter(ImageFilter.GaussianBlur(4)).resize(grey.size, Image.Resampling.BILINEAR)
    pixels = np.asarray(grey, dtype=np.float32)
    light = np.maximum(np.asarray(background, dtype=np.float32), 16.0)
    flat = np.clip(pixels / light, 0.0, 1.0)
    # Ink is the darkest few per cent; stretch it to black without clipping the paper. A page without ink
    # (or nearly) keeps its grey: stretching its noise to full contrast would draw letters that are not there.
    low = min(0.6, float(np.percentile(flat[:: max(1, height // 300), :: max(1, width // 300)], 1.0)))
    stretched = np.clip((flat - low) / max(1.0 - low, 1e-3), 0.0, 1.0)
    return Image.fromarray((stretched * 255.0).astype(np.uint8), "L")


def _ink(grey: Image.Image) -> np.ndarray:
    pixels = np.asarray(grey)
    return (pixels < min(_otsu(pixels), 200)).astype(np.float32)


def skew_angle(flat: Image.Image) -> float:
    """Return the angle in degrees that makes the text lines horizontal (the sharpest row profile).

    :param flat: a light-flattened grey image
    """
    small = flat.copy()
    small.thumbnail((900, 900), Image.Resampling.BILINEAR)
    ink = Image.fromarray((_ink(small) * 255).astype(np.uint8), "L")

    def sharpness(angle: float) -> float:
        turned = np.asarray(ink.rotate(angle, resample=Image.Resampling.NEAREST, expand=False), dtype=np.float32)
        rows = turned.sum(axis=1)
        return float(np.var(np.diff(rows)))

    coarse = max(np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 1.0), key=sharpness)
    fine = max(np.arange(coarse - 0.8, coarse + 0.81, 0.2), key=sharpness)
    return float(fine)


def line_pitch(flat: Image.Image) -> float | None:
    """Return the median distance in pixels between text lines of a straight image, or None without lines.

    :param flat: a light-flattened, straightened grey image
    """
    small = flat.copy()
    factor = max(1.0, max(flat.size) / 1200)
    if factor > 1:
        small = flat.resize((int(flat.width / factor), int(flat.height / factor)), Image.Resampling.BILINEAR)
    rows = _ink(small).mean(axis=1)
    inked = rows > max(0.02, 0.25 * float(rows.max(initial=0.0)))
    starts = [index for index in range(1, len(inked)) if inked[index] and not inked[index - 1]]
    if len(starts) < 2:
        return None
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False) if b - a > 3]
    return statistics.median(gaps) * factor if gaps else None


def prepare_photo(grey: Image.Image) -> Image.Image:
    """Return the image Tesseract reads best: light flattened, straightened, at the target text size.

    :param grey: an upright grey image
    """
    if max(grey.size) > 2400:
        factor = 2400 / max(grey.size)
        grey = grey.resize((int(grey.width * factor), int(grey.height * factor)), Image.Resampling.LANCZOS)
    flat = flatten_light(grey)
    angle = skew_angle(flat)
    if abs(angle) >= 0.3:
        flat = flat.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    pitch = line_pitch(flat)
    scale = TARGET_LINE_PITCH / pitch if pitch else 1.0
    scale = max(scale, MIN_OCR_SIDE / max(flat.size))
    scale = min(scale, (MAX_OCR_PIXELS / (flat.width * flat.height)) ** 0.5, 3.0)
    if abs(scale - 1.0) > 0.1:
        flat = flat.resize((int(flat.width * scale), int(flat.height * scale)), Image.Resampling.LANCZOS)
    return flat


def _kill_with_parent() -> None:
    # Tesseract must not outlive a sandbox process killed at its time limit.
    try:
        ctypes.CDLL("libc.so.6").prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    except (OSError, AttributeError):
        pass


def parse_tsv(tsv: str) -> Reading:
    """Turn Tesseract's TSV output into text (lines, blank lines between paragraphs) and a confidence.

    :param tsv: the ``tsv`` output
    """
    lines: list[str] = []
    current: tuple[str, ...] | None = None
    paragraph: tuple[str, ...] | None = None
    words: list[str] = []
    weighted = 0.0
    letters = 0
    count = 0
    for row in tsv.splitlines()[1:]:
        fields = row.split("\t")
        if len(fields) < 12 or fields[0] != "5":
            continue
        word = fields[11].strip()
        if not word:
            continue
        line_key = tuple(fields[1:5])
        if line_key != current:
            if words:
                lines.append(" ".join(words))
            if paragraph is not None and tuple(fields[1:4]) != paragraph:
                lines.append("")
            current, paragraph, words = line_key, tuple(fields[1:4]), []
        words.append(word)
        try:
            confidence = float(fields[10])
        except ValueError:
            continue
        weighted += max(confidence, 0.0) * len(word)
        letters += len(word)
        count += 1
    if words:
        lines.append(" ".join(words))
    return Reading("\n".join(lines), weighted / letters if letters else 0.0, count)


class _Library:
    """Tesseract's C API (libtesseract) through ctypes, with its models loaded once per sandbox process.

    Starting the ``tesseract`` program loads every language model again: 0.58 s of CPU for the five
    languages, more than half of what reading a photo costs. In the sandbox, a crash of the library ends
    only the sandbox process, and the pool's kill at the time limit stops it like any other work.
    """

    def __init__(self, path: str, languages: str) -> None:
        # One OpenMP thread: the sandbox runs scans side by side, and libgomp reads this when it loads.
        os.environ["OMP_THREAD_LIMIT"] = "1"
        lib = ctypes.CDLL(path)
        lib.TessBaseAPICreate.restype = ctypes.c_void_p
        lib.TessBaseAPIInit3.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
        lib.TessBaseAPISetVariable.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
        lib.TessBaseAPISetPageSegMode.argtypes = [ctypes.c_void_p, ctypes.c_int]
        integer = ctypes.c_int
        lib.TessBaseAPISetImage.argtypes = [ctypes.c_void_p, ctypes.c_char_p, integer, integer, integer, integer]
        lib.TessBaseAPISetSourceResolution.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.TessBaseAPIRecognize.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        lib.TessBaseAPIGetTsvText.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.TessBaseAPIGetTsvText.restype = ctypes.c_void_p
        lib.TessDeleteText.argtypes = [ctypes.c_void_p]
        lib.TessBaseAPIClear.argtypes = [ctypes.c_void_p]
        lib.TessMonitorCreate.restype = ctypes.c_void_p
        lib.TessMonitorSetDeadlineMSecs.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.TessMonitorDelete.argtypes = [ctypes.c_void_p]
        self.lib = lib
        # One image at a time per handle: a sandbox process has one thread, but scan() may be called from several.
        self.lock = threading.Lock()
        self.handle = lib.TessBaseAPICreate()
        if lib.TessBaseAPIInit3(self.handle, None, languages.encode()) != 0:
            raise EngineUnavailable(detail=f"libtesseract could not load the language models {languages}")
        lib.TessBaseAPISetVariable(self.handle, b"tessedit_do_invert", b"0")
        lib.TessBaseAPISetPageSegMode(self.handle, 3)  # PSM_AUTO, as the program's --psm 3

    def read(self, image: Image.Image, timeout: float) -> str:
        """Return Tesseract's TSV for an image, giving up at the timeout.

        :param image: a grey image
        :param timeout: seconds it may take
        """
        grey = image if image.mode == "L" else image.convert("L")
        with self.lock:
            return self._read(grey.tobytes(), grey.width, grey.height, timeout)

    def _read(self, pixels: bytes, width: int, height: int, timeout: float) -> str:
        lib, handle = self.lib, self.handle
        lib.TessBaseAPISetImage(handle, pixels, width, height, 1, width)
        # The prepared image has its text at about 300 dpi; without a resolution Tesseract assumes 70.
        lib.TessBaseAPISetSourceResolution(handle, 300)
        monitor = lib.TessMonitorCreate()
        try:
            lib.TessMonitorSetDeadlineMSecs(monitor, max(1, int(timeout * 1000)))
            started = time.monotonic()
            status = lib.TessBaseAPIRecognize(handle, monitor)
            if time.monotonic() - started >= timeout:
                raise ScanTimeout(detail="tesseract stopped at the deadline")
            if status != 0:
                raise EngineUnavailable(detail=f"libtesseract could not read the image (status {status})")
            text = lib.TessBaseAPIGetTsvText(handle, 0)
            try:
                return ctypes.string_at(text).decode("utf-8", "replace") if text else ""
            finally:
                if text:
                    lib.TessDeleteText(text)
        finally:
            lib.TessMonitorDelete(monitor)
            lib.TessBaseAPIClear(handle)

    def close(self) -> None:
        """Free the models (at exit, so Tesseract does not report them as leaked)."""
        self.lib.TessBaseAPIEnd.argtypes = [ctypes.c_void_p]
        self.lib.TessBaseAPIDelete.argtypes = [ctypes.c_void_p]
        self.lib.TessBaseAPIEnd(self.handle)
        self.lib.TessBaseAPIDelete(self.handle)


_libraries: dict[str, _Library] = {}
_loading = threading.Lock()


def load_library(languages: str) -> _Library | None:
    """Return this process's Tesseract library for these languages, loading the models on first use; None
    when only the ``tesseract`` program is installed.

    :param languages: language packs, joined by ``+``
    """
    with _loading:
        if languages not in _libraries:
            path = ctypes.util.find_library("tesseract")
            if path is None:
                return None
            if not _libraries:
                atexit.register(_close_libraries)
            _libraries[languages] = _Library(path, languages)
        return _libraries[languages]


def _close_libraries() -> None:
    while _libraries:
        _libraries.popitem()[1].close()


def run_tesseract(image: Image.Image, command: str, languages: str, timeout: float) -> Reading:
    """Read an image with Tesseract: its library when installed (models stay loaded), else its program.

    :param image: a grey or black and white image
    :param command: the tesseract executable, used when the library is not installed
    :param languages: language packs, joined by ``+``
    :param timeout: seconds it may take
    """
    library = load_library(languages)
    if library is not None:
        # Header row as the program writes it, then the library's rows.
        return parse_tsv("level\n" + library.read(image, timeout))
    return run_program(image, command, languages, timeout)


def run_program(image: Image.Image, command: str, languages: str, timeout: float) -> Reading:
    """Read an image with the Tesseract program, killing it at the timeout.

    :param image: a grey or black and white image
    :param command: the tesseract executable
    :param languages: language packs, joined by ``+``
    :param timeout: seconds it may take
    """
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    # One OpenMP thread per process: scans run side by side and oversubscribing two cores only slows them.
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    arguments = [command, "stdin", "stdout", "-l", languages, "--psm", "3", "-c", "tessedit_do_invert=0", "tsv"]
    try:
        completed = subprocess.run(
            arguments,
            input=buffer.getvalue(),
            capture_output=True,
            timeout=timeout,
            env=env,
            check=False,
            preexec_fn=_kill_with_parent,  # noqa: PLW1509 - the sandbox process runs no other thread
        )
    except subprocess.TimeoutExpired as exc:
        raise ScanTimeout(detail="tesseract killed at the deadline") from exc
    except OSError as exc:
        raise EngineUnavailable(detail=f"tesseract {command!r} cannot run ({exc!r})") from exc
    if completed.returncode != 0:
        raise EngineUnavailable(
            detail=f"tesseract {command!r} failed: {completed.stderr.decode('utf-8', 'replace')[-500:]}"
        )
    return parse_tsv(completed.stdout.decode("utf-8", "replace"))


def read_image(grey: Image.Image, command: str, languages: str, deadline: float) -> Reading:
    """Read an upright grey image, prepared as a photo (flattened light, straightened, scaled).

    :param grey: an upright grey image
    :param command: the tesseract executable
    :param languages: language packs, joined by ``+``
    :param deadline: ``time.monotonic()`` value at which the work is abandoned
    """
    return run_tesseract(prepare_photo(grey), command, languages, _left(deadline))


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise ScanTimeout(detail="deadline passed during OCR")
    return left
