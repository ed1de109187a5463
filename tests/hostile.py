"""Hostile files, made at run time: compression bombs, render bombs, lying headers, deep nesting, truncations.

Each is small on the wire and costly to read, the way an attacker (or a broken phone app) would send it.
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass

from PIL import Image

GIB = 1 << 30


def deflate_repeated(chunk: bytes, times: int) -> bytes:
    """Return a zlib stream of ``chunk`` repeated ``times`` times, without compressing all of it.

    After a full flush the compressor starts afresh, so every repeat compresses to the same bytes.

    :param chunk: the data to repeat
    :param times: how often
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.flush()
    checksum = 1
    for _ in range(times):
        checksum = zlib.adler32(chunk, checksum)
    return b"\x78\xda" + block * times + end + struct.pack(">I", checksum)


def pdf(objects: list[bytes]) -> bytes:
    """Return a PDF whose objects are numbered from 1 in the order given; object 1 must be the catalog.

    :param objects: each object's body, without ``n 0 obj`` and ``endobj``
    """
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(data: bytes, dictionary: bytes = b"") -> bytes:
    """Return a stream object's body.

    :param data: the stream's bytes as stored
    :param dictionary: extra dictionary entries, such as ``/Filter /FlateDecode``
    """
    return b"<< /Length %d %s >>\nstream\n" % (len(data), dictionary) + data + b"\nendstream"


def one_page_pdf(content: bytes, content_filter: bytes = b"", resources: bytes = b"<< >>") -> bytes:
    """Return a one-page A4 PDF with the given content stream and no text layer.

    :param content: the page's content stream, as stored
    :param content_filter: its ``/Filter`` entry, if compressed
    :param resources: the page's resource dictionary
    """
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources %s /Contents 4 0 R >>" % resources,
            stream(content, content_filter),
        ]
    )


def flate_bomb_pdf(inflated: int = GIB, passes: int = 2) -> bytes:
    """Return a one-page PDF whose content stream is ``inflated`` bytes of spaces, Flate-compressed ``passes`` times.

    :param inflated: size of the content once inflated, a multiple of 1 MiB
    :param passes: 1 (about 1 KB per MiB on the wire) or 2 (a few KB for gigabytes)
    """
    data = deflate_repeated(b" " * (1 << 20), inflated >> 20)
    for _ in range(passes - 1):
        data = zlib.compress(data, 9)
    return one_page_pdf(data, b"/Filter [" + b" /FlateDecode" * passes + b" ]")


def form_bomb_pdf(inflated: int = GIB) -> bytes:
    """Return a PDF whose tiny page content draws a form XObject that is a double-Flate bomb.

    :param inflated: size of the form's content once inflated
    """
    data = zlib.compress(deflate_repeated(b" " * (1 << 20), inflated >> 20), 9)
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /XObject << /F0 5 0 R >> >> /Contents 4 0 R >>",
            stream(b"q /F0 Do Q"),
            stream(data, b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Filter [/FlateDecode /FlateDecode]"),
        ]
    )


def bezier_bomb_pdf(strokes: int = 20_000, width: int = 400) -> bytes:
    """Return a one-page PDF of ``strokes`` thick Bezier curves across the page: small, slow to render.

    :param strokes: curves drawn, each stroked on its own
    :param width: line width in points
    """
    lines = [b"%d w 1 J" % width]
    for index in range(strokes):
        a, b = (index * 37) % 595, (index * 53) % 842
        lines.append(b"%d %d m %d %d %d %d %d %d c S" % (a, b, 595 - a, b, a, 842 - b, 595 - a, 842 - b))
    return one_page_pdf(zlib.compress(b"\n".join(lines), 9), b"/Filter /FlateDecode")


def deep_nesting_pdf(depth: int = 50_000) -> bytes:
    """Return a PDF whose page dictionary holds an array nested ``depth`` deep.

    :param depth: nesting depth
    """
    nested = b"[" * depth + b"]" * depth
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Junk " + nested + b" /Contents 4 0 R >>",
            stream(b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET"),
        ]
    )


def image_pdf(width: int, height: int) -> bytes:
    """Return a PDF whose page shows one grey image of the given size, declared but with tiny data.

    :param width: declared image width in pixels
    :param height: declared image height in pixels
    """
    data = deflate_repeated(b"\xff" * width, height)
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /XObject << /I0 5 0 R >> >> /Contents 4 0 R >>",
            stream(b"q 595 0 0 842 0 0 cm /I0 Do Q"),
            stream(
                data,
                b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                b"/BitsPerComponent 8 /Filter /FlateDecode" % (width, height),
            ),
        ]
    )


def png_chunk(kind: bytes, data: bytes) -> bytes:
    """Return one PNG chunk with its length and CRC.

    :param kind: the four-letter chunk type
    :param data: the chunk's data
    """
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def blank_png(width: int, height: int, *, color_type: int = 6) -> bytes:
    """Return a white PNG of any size, built row by row without holding the pixels.

    :param width: pixels
    :param height: pixels
    :param color_type: 6 for RGBA, 0 for grey
    """
    channels = {0: 1, 2: 3, 6: 4}[color_type]
    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    data = deflate_repeated(b"\x00" + b"\xff" * (width * channels), height)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", data) + png_chunk(b"IEND", b"")


def lying_png(width: int = 60_000, height: int = 60_000) -> bytes:
    """Return a PNG whose header claims a huge size while its data holds a few rows.

    :param width: claimed width
    :param height: claimed height
    """
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data = zlib.compress(b"\x00" + b"\xff" * width)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", data) + png_chunk(b"IEND", b"")


def lying_jpeg(width: int = 60_000, height: int = 60_000) -> bytes:
    """Return a small JPEG whose frame header is rewritten to claim another size.

    :param width: claimed width (at most 65535)
    :param height: claimed height (at most 65535)
    """
    buffer = io.BytesIO()
    Image.new("L", (64, 64), 255).save(buffer, format="JPEG")
    data = bytearray(buffer.getvalue())
    frame = data.index(b"\xff\xc0")
    data[frame + 5 : frame + 9] = struct.pack(">HH", height, width)
    return bytes(data)


@dataclass(frozen=True)
class Hostile:
    """One hostile file and the outcome codes a scan of it may end with."""

    name: str
    content: bytes
    content_type: str
    codes: frozenset[str]


def hostile_files(*, bomb_bytes: int = GIB) -> list[Hostile]:
    """Return the hostile set: each file with the stable codes its scan may end with.

    :param bomb_bytes: inflated size of the Flate bombs (the issue's worst case is 4 GiB)
    """
    complex_codes = frozenset({"too_complex", "scan_timeout"})
    return [
        Hostile("flate-bomb", flate_bomb_pdf(bomb_bytes, passes=1), "application/pdf", complex_codes),
        Hostile("double-flate-bomb", flate_bomb_pdf(bomb_bytes, passes=2), "application/pdf", complex_codes),
        Hostile("form-bomb", form_bomb_pdf(bomb_bytes), "application/pdf", complex_codes),
        Hostile("bezier-bomb", bezier_bomb_pdf(), "application/pdf", complex_codes),
        Hostile("huge-pdf-image", image_pdf(60_000, 60_000), "application/pdf", complex_codes),
        Hostile("deep-nesting", deep_nesting_pdf(), "application/pdf", frozenset({"corrupt_file", "too_complex"})),
        Hostile("png-7700", blank_png(7700, 7700), "image/png", frozenset({"too_large"})),
        Hostile("lying-png", lying_png(), "image/png", frozenset({"too_large"})),
        Hostile("lying-jpeg", lying_jpeg(), "image/jpeg", frozenset({"too_large"})),
        Hostile("truncated-png", blank_png(3000, 3000)[:2000], "image/png", frozenset({"corrupt_file"})),
        Hostile(
            "truncated-pdf", flate_bomb_pdf(64 << 20, passes=1)[:5000], "application/pdf", frozenset({"corrupt_file"})
        ),
    ]


def noisy_pdf(duplicates: int = 5000) -> bytes:
    """Return a PDF whose page dictionary repeats a key ``duplicates`` times: pypdf warns once for each.

    :param duplicates: repeated keys
    """
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]" + b" /Dup 1" * duplicates + b" /Contents 4 0 R >>",
            stream(b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET"),
        ]
    )
