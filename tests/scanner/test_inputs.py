"""Inputs of every kind, honest answers on weak evidence, and every error the scanner raises."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image

from service.scanner import (
    UNDETERMINED,
    UNKNOWN_TOPIC,
    CorruptContent,
    EmptyContent,
    EngineUnavailable,
    LocalScanner,
    ScanError,
    ScanTimeout,
    TooLarge,
    UnsupportedContent,
    scan,
)
from service.scanner.extract import OcrConfig, extract
from service.scanner.language import MIXED_CEILING, detect_language
from service.scanner.local import scan_now
from service.settings import ScannerSettings
from tests.corpus import HARD, PASSAGES, image_bytes, render_image, text_pdf

MUSIC_FR = next(text for topic, language, text in PASSAGES if topic == "music" and language == "fr")
HISTORY_NL = next(text for topic, language, text in PASSAGES if topic == "history" and language == "nl")


def _png(text: str) -> bytes:
    return image_bytes(text, "PNG")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1"])
def test_text_in_any_common_encoding_is_decoded(encoding: str) -> None:
    content = MUSIC_FR.encode(encoding)
    extracted = extract(content, "text/plain; charset=whatever", OcrConfig(), time.monotonic() + 10)
    assert extracted.text == MUSIC_FR
    result = scan(content, "text/plain", "musique.txt")
    assert (result.topic, result.language, result.input_kind) == ("music", "fr", "text")


@pytest.mark.parametrize("kind, text", [(kind, text) for kind, text in HARD if kind in ("short", "mixed")])
def test_short_or_mixed_text_has_no_language(kind: str, text: str) -> None:
    result = scan(text.encode("utf-8"), "text/plain", "note.txt")
    assert result.language == UNDETERMINED
    assert result.confidence < 0.3


def test_short_text_without_subject_words_is_unknown() -> None:
    result = scan(b"Page 3", "text/plain", "page.txt")
    assert result.topic == UNKNOWN_TOPIC
    assert result.confidence == 0.0
    assert result.alternatives == ()


@pytest.mark.parametrize("text", [text for kind, text in HARD if kind == "weak"])
def test_generic_instructions_give_low_confidence(text: str) -> None:
    result = scan(text.encode("utf-8"), "text/plain", "consigne.txt")
    assert result.confidence < 0.3


def test_sums_without_words_suggest_mathematics_without_language() -> None:
    text = next(text for kind, text in HARD if kind == "numbers")
    result = scan(text.encode("utf-8"), "text/plain", "sommen.txt")
    assert result.topic == "mathematics"
    assert result.language == UNDETERMINED
    assert 0.0 < result.confidence < 0.5


def test_weak_evidence_offers_real_alternatives() -> None:
    result = scan(b"Draw a map of your town and label the river.", "text/plain", "homework.txt")
    assert result.confidence < 0.5
    assert result.alternatives
    assert {result.topic} | {alternative.topic for alternative in result.alternatives} >= {"geography", "arts"}


def test_foreign_language_is_told_apart_from_the_school_language() -> None:
    foreign = scan(
        b"Vertaal naar het Engels: de hond (the dog), de kat (the cat), het huis (the house), "
        b"de tuin (the garden). Leer de woordjes voor de overhoring.",
        "text/plain",
        "engels.txt",
    )
    native = scan(
        b"Zoek in elke zin de persoonsvorm en het onderwerp. Schrijf het meervoud en het verkleinwoord "
        b"van de zelfstandige naamwoorden op.",
        "text/plain",
        "taal.txt",
    )
    assert (foreign.topic, foreign.language) == ("foreign_language", "nl")
    assert (native.topic, native.language) == ("language_literature", "nl")


def test_blank_photo_has_no_topic() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), "white").save(buffer, format="PNG")
    result = scan(buffer.getvalue(), "image/png", "blank.png")
    assert (result.topic, result.language, result.confidence) == (UNKNOWN_TOPIC, UNDETERMINED, 0.0)
    assert result.input_kind == "image"


def test_photo_taken_sideways_is_turned_upright() -> None:
    upright = render_image(HISTORY_NL)
    sideways = upright.rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera says: rotate 90 degrees clockwise to display
    buffer = io.BytesIO()
    sideways.save(buffer, format="JPEG", exif=exif, quality=90)
    result = scan(buffer.getvalue(), "image/jpeg", "photo.jpg")
    assert (result.topic, result.language) == ("history", "nl")


def test_scanned_pdf_is_read_up_to_the_page_limit() -> None:
    pages = [render_image(HISTORY_NL).convert("L") for _ in range(3)]
    buffer = io.BytesIO()
    pages[0].save(buffer, format="PDF", save_all=True, append_images=pages[1:], resolution=150.0)
    extracted = extract(buffer.getvalue(), "application/pdf", OcrConfig(max_pages=2), time.monotonic() + 30)
    assert (extracted.input_kind, extracted.pages, extracted.ocr) == ("scanned_pdf", 2, True)
    assert "Gouden Eeuw" in extracted.text


@pytest.mark.parametrize("content_type", ["application/pdf", "image/png", "image/jpeg", "image/webp", "text/plain"])
def test_empty_file_is_a_typed_error(content_type: str) -> None:
    with pytest.raises(EmptyContent) as raised:
        scan(b"", content_type, "empty")
    assert raised.value.code == "empty_file"


@pytest.mark.parametrize(
    "content, content_type",
    [
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage \x00\xff", "application/pdf"),
        (text_pdf(MUSIC_FR)[:200], "application/pdf"),
        (_png(MUSIC_FR)[:300], "image/png"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png"),
        (_png(MUSIC_FR), "application/pdf"),
        (text_pdf(MUSIC_FR), "image/jpeg"),
        (bytes(range(256)) * 8, "text/plain"),
    ],
    ids=["garbage-pdf", "truncated-pdf", "truncated-png", "png-header-only", "png-as-pdf", "pdf-as-jpeg", "binary"],
)
def test_corrupt_or_mislabelled_file_is_a_typed_error(content: bytes, content_type: str) -> None:
    with pytest.raises(CorruptContent) as raised:
        scan(content, content_type, "broken")
    assert raised.value.code == "corrupt_file"
    assert raised.value.public_message and "Error" not in raised.value.public_message


@pytest.mark.parametrize("content_type", ["application/zip", "image/gif", "video/mp4", ""])
def test_unsupported_type_is_a_typed_error(content_type: str) -> None:
    with pytest.raises(UnsupportedContent) as raised:
        scan(b"PK\x03\x04 something", content_type, "archive.zip")
    assert raised.value.code == "unsupported_type"


def test_giant_image_is_refused() -> None:
    buffer = io.BytesIO()
    Image.new("1", (9000, 9000)).save(buffer, format="PNG")
    with pytest.raises(TooLarge) as raised:
        scan(buffer.getvalue(), "image/png", "huge.png")
    assert raised.value.code == "too_large"


def test_passed_deadline_is_a_timeout() -> None:
    with pytest.raises(ScanTimeout):
        scan_now(_png(MUSIC_FR), "image/png", "late.png", deadline=time.monotonic() - 1)


def test_missing_tesseract_names_what_to_install() -> None:
    with pytest.raises(EngineUnavailable) as raised:
        scan(_png(MUSIC_FR), "image/png", "photo.png", tesseract_cmd="/nonexistent/bin/tesseract")
    assert raised.value.code == "ocr_unavailable"
    assert "apt-get install tesseract-ocr tesseract-ocr-fra tesseract-ocr-nld" in str(raised.value)
    assert "apt-get" not in raised.value.public_message


def test_every_error_is_a_permanent_scan_error() -> None:
    for error in (CorruptContent, EmptyContent, EngineUnavailable, ScanTimeout, TooLarge, UnsupportedContent):
        instance = error()
        assert isinstance(instance, ScanError)
        assert instance.code and instance.public_message


async def test_local_engine_kills_a_scan_at_the_limit_and_keeps_working() -> None:
    scanner = LocalScanner(ScannerSettings(timeout=0.3, processes=1))
    try:
        long_page = _png("\n".join(text for _topic, _language, text in PASSAGES[:8]))
        with pytest.raises(ScanTimeout) as raised:
            await scanner.scan(long_page, "image/png", "big.png")
        assert raised.value.code == "scan_timeout"
        # The one sandbox process was killed at the limit; the next scan gets a new one at once.
        result = await scanner.scan(MUSIC_FR.encode("utf-8"), "text/plain", "musique.txt")
        assert result.topic == "music"
        assert scanner.sandbox.restarts == 0
    finally:
        await scanner.close()


async def test_local_engine_turns_missing_tesseract_into_a_typed_error() -> None:
    scanner = LocalScanner(ScannerSettings(), tesseract_cmd="/nonexistent/bin/tesseract")
    try:
        with pytest.raises(EngineUnavailable):
            await scanner.scan(_png(MUSIC_FR), "image/png", "photo.png")
    finally:
        await scanner.close()


BILINGUAL_SHEETS = [
    (
        "fr",
        "Traduis les phrases en anglais.\nJ'ai un frère et une sœur. I have a brother and a sister.\n"
        "Mon chat est très gentil. My cat is very kind.\nNous habitons à Lyon. We live in Lyon.",
    ),
    (
        "nl",
        "Vul het juiste woord in.\nI ___ (to be) a student at this school.\n"
        "She ___ (to have) two brothers and one sister.\nThey ___ (to live) in a big house near London.\n"
        "We ___ (to go) to the swimming pool every Saturday.",
    ),
    (
        "en",
        "Learn these French words for the test on Friday.\nle chien - the dog\nla maison - the house\n"
        "la cuisine - the kitchen\nle jardin - the garden\nl'école - the school\nle cahier - the exercise book",
    ),
]


@pytest.mark.parametrize("language, text", BILINGUAL_SHEETS, ids=[language for language, _text in BILINGUAL_SHEETS])
def test_bilingual_sheet_has_the_instruction_language_with_less_confidence(language: str, text: str) -> None:
    mixed = detect_language(text)
    single = detect_language(next(passage for _topic, code, passage in PASSAGES if code == language))
    assert mixed.language == language
    assert mixed.secondary != UNDETERMINED
    assert 0.0 < mixed.confidence < single.confidence
    assert mixed.confidence <= MIXED_CEILING


def test_two_languages_in_equal_parts_without_instructions_have_no_language() -> None:
    guess = detect_language(
        "Le petit chat dort sur le canapé du salon. The little cat sleeps on the sofa in the living room."
    )
    assert guess.language == UNDETERMINED
