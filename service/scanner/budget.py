"""Budgets a file must fit before expensive work starts: decided from cheap facts (declared sizes, inflated
stream lengths, operator counts), so a bomb is refused in milliseconds instead of killed at the time limit."""

from __future__ import annotations

import re
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import pypdf
from pypdf.errors import LimitReachedError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from .result import TooComplex

#: Bytes pypdf may inflate from one stream. Text pages hold a few kilobytes; a 4 GiB bomb stops here.
MAX_STREAM_BYTES = 16 * 1024 * 1024
#: Inflated drawing instructions (content streams, forms, patterns, Type 3 glyphs) a page may have and be
#: rendered: a scanned page has a few dozen bytes, a page of text drawn as outlines a few megabytes.
MAX_RENDER_CONTENT_BYTES = 8 * 1024 * 1024
#: Painting operators a page may have and be rendered. A page of outlined text has a few thousand; each
#: thick stroke can cost pdfium the whole page's area.
MAX_RENDER_PAINT_OPERATORS = 15_000
#: Image pixels a page may draw and be rendered (a 600 dpi A3 scan has 70 million).
MAX_RENDER_IMAGE_PIXELS = 100_000_000
#: Resources followed from a page (forms inside forms, patterns): more is a maze, not a worksheet.
MAX_RESOURCE_OBJECTS = 500
MAX_RESOURCE_DEPTH = 8

# A painting operator (stroke, fill, both, shading) standing alone between delimiters.
_PAINT = re.compile(rb"(?<![^\s\]>)}])(?:[SsfFBb]\*?|sh)(?=[\s\[(</%]|\Z)")


def pdf_limits() -> AbstractContextManager[Any]:
    """Return a context in which pypdf inflates no stream beyond ``MAX_STREAM_BYTES``."""
    return pypdf.apply_configuration(
        zlib_maximum_output_length=MAX_STREAM_BYTES,
        lzw_maximum_output_length=MAX_STREAM_BYTES,
        run_length_maximum_output_length=MAX_STREAM_BYTES,
        brotli_maximum_output_length=MAX_STREAM_BYTES,
        array_based_stream_maximum_output_length=MAX_STREAM_BYTES,
        maximum_declared_stream_length=MAX_STREAM_BYTES,
        image_maximum_buffer_size=MAX_STREAM_BYTES,
    )


@dataclass
class PageCost:
    """What rendering a page would cost, as far as cheap facts tell.

    :param content_bytes: inflated drawing instructions
    :param paint_operators: strokes, fills and shadings
    :param image_pixels: pixels of the images it draws, as declared
    :param objects: resources followed
    """

    content_bytes: int = 0
    paint_operators: int = 0
    image_pixels: int = 0
    objects: int = 0


def _resolve(value: Any) -> Any:
    return value.get_object() if isinstance(value, IndirectObject) else value


class _Walk:
    def __init__(self) -> None:
        self.cost = PageCost()
        self.seen: set[tuple[int, int]] = set()

    def _visit(self, reference: Any) -> Any:
        """Resolve a reference once; None when already seen or past the object budget."""
        if isinstance(reference, IndirectObject):
            key = (reference.idnum, reference.generation)
            if key in self.seen:
                return None
            self.seen.add(key)
        self.cost.objects += 1
        if self.cost.objects > MAX_RESOURCE_OBJECTS:
            raise TooComplex(detail=f"page refers to more than {MAX_RESOURCE_OBJECTS} resources")
        return _resolve(reference)

    def drawing(self, obj: StreamObject) -> None:
        data = obj.get_data()
        self.cost.content_bytes += len(data)
        self.cost.paint_operators += len(_PAINT.findall(data))
        if self.cost.content_bytes > MAX_RENDER_CONTENT_BYTES:
            raise TooComplex(detail=f"page drawing over {MAX_RENDER_CONTENT_BYTES} bytes inflated")
        if self.cost.paint_operators > MAX_RENDER_PAINT_OPERATORS:
            raise TooComplex(detail=f"page drawing has over {MAX_RENDER_PAINT_OPERATORS} painting operators")

    def image(self, obj: StreamObject) -> None:
        width, height = _resolve(obj.get("/Width", 0)), _resolve(obj.get("/Height", 0))
        if isinstance(width, int) and isinstance(height, int):
            self.cost.image_pixels += max(0, width) * max(0, height)
        if self.cost.image_pixels > MAX_RENDER_IMAGE_PIXELS:
            raise TooComplex(detail=f"page images over {MAX_RENDER_IMAGE_PIXELS} pixels")

    def resources(self, resources: Any, depth: int) -> None:
        resources = _resolve(resources)
        if not isinstance(resources, DictionaryObject) or depth > MAX_RESOURCE_DEPTH:
            return
        for category in ("/XObject", "/Pattern"):
            entries = _resolve(resources.get(category))
            for reference in entries.values() if isinstance(entries, DictionaryObject) else ():
                obj = self._visit(reference)
                if not isinstance(obj, StreamObject):
                    continue
                if obj.get("/Subtype") == "/Image":
                    self.image(obj)
                else:
                    self.drawing(obj)
                    self.resources(obj.get("/Resources"), depth + 1)
        fonts = _resolve(resources.get("/Font"))
        for reference in fonts.values() if isinstance(fonts, DictionaryObject) else ():
            self.glyphs(self._visit(reference))

    def glyphs(self, font: Any) -> None:
        """Type 3 fonts draw each glyph with a content stream of its own."""
        procs = _resolve(font.get("/CharProcs")) if isinstance(font, DictionaryObject) else None
        for glyph in procs.values() if isinstance(procs, DictionaryObject) else ():
            proc = self._visit(glyph)
            if isinstance(proc, StreamObject):
                self.drawing(proc)


def check_render_budget(page: pypdf.PageObject) -> PageCost:
    """Raise ``TooComplex`` when rendering a page would cost more than a scan may spend; return the cost.

    :param page: a page of a reader opened within ``pdf_limits()``
    """
    walk = _Walk()
    try:
        contents = _resolve(page.get("/Contents"))
        parts = contents if isinstance(contents, ArrayObject) else [contents]
        for part in parts:
            obj = walk._visit(part)
            if isinstance(obj, StreamObject):
                walk.drawing(obj)
        walk.resources(page.get("/Resources"), 0)
    except LimitReachedError as exc:
        raise TooComplex(detail=f"page stream inflates past {MAX_STREAM_BYTES} bytes: {exc}") from exc
    except RecursionError as exc:
        raise TooComplex(detail="page resources nested too deep") from exc
    return walk.cost
