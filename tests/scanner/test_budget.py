"""Budgets decided from cheap facts before a page is rendered."""

from __future__ import annotations

import io

import pypdf
import pytest

from service.scanner.budget import MAX_RENDER_PAINT_OPERATORS, check_render_budget, pdf_limits
from service.scanner.result import TooComplex
from tests.corpus import PASSAGES, scanned_pdf, text_pdf
from tests.hostile import GIB, bezier_bomb_pdf, flate_bomb_pdf, form_bomb_pdf, image_pdf


def first_page(content: bytes) -> pypdf.PageObject:
    return pypdf.PdfReader(io.BytesIO(content)).pages[0]


def test_ordinary_pages_fit_the_budget() -> None:
    with pdf_limits():
        scanned = check_render_budget(first_page(scanned_pdf(PASSAGES[0][2])))
        text = check_render_budget(first_page(text_pdf(PASSAGES[0][2])))
    assert scanned.image_pixels > 0 and scanned.content_bytes < 1000
    assert text.content_bytes > 100


@pytest.mark.parametrize(
    "content, reason",
    [
        (flate_bomb_pdf(GIB, passes=1), "inflates past"),
        (flate_bomb_pdf(GIB, passes=2), "inflates past"),
        (form_bomb_pdf(GIB), "inflates past"),
        (bezier_bomb_pdf(MAX_RENDER_PAINT_OPERATORS + 1), "painting operators"),
        (image_pdf(60_000, 60_000), "pixels"),
    ],
    ids=["flate", "double-flate", "form", "strokes", "image"],
)
def test_a_page_over_budget_is_refused_before_rendering(content: bytes, reason: str) -> None:
    with pdf_limits(), pytest.raises(TooComplex) as raised:
        check_render_budget(first_page(content))
    assert reason in raised.value.detail


def test_strokes_under_the_budget_are_counted() -> None:
    with pdf_limits():
        cost = check_render_budget(first_page(bezier_bomb_pdf(1000, width=2)))
    assert cost.paint_operators == 1000
