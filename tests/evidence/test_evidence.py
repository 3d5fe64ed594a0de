"""Evidence input: type by content, limits on bytes, pages and pixels, EXIF orientation."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from formfill.errors import EvidenceError
from formfill.evidence.files import Limits, evidence_from_bytes, page_images, read_evidence, sniff
from tests.data.evidence.build import SAMPLES, render_pdf


def _png(w: int, h: int) -> bytes:
    out = io.BytesIO()
    Image.new("L", (w, h), 255).save(out, format="PNG")
    return out.getvalue()


def _png_header_only(w: int, h: int) -> bytes:
    """A PNG that claims w x h pixels in a few bytes: a decompression bomb's header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_type_is_decided_by_content_not_name(tmp_path):
    """A PDF named .png is read as a PDF; text named .pdf is refused as an unsupported type."""
    fake = tmp_path / "slip.png"
    fake.write_bytes(render_pdf(SAMPLES[0]))
    assert read_evidence(fake).kind == "pdf"
    text = tmp_path / "slip.pdf"
    text.write_text("not a pdf at all")
    with pytest.raises(EvidenceError, match="not a PDF, JPEG, PNG or TIFF") as e:
        read_evidence(text)
    assert e.value.limit is None


def test_sniff_knows_the_four_types():
    """Magic bytes identify PDF, JPEG, PNG and both TIFF byte orders."""
    assert sniff(b"%PDF-1.7\n") == "pdf"
    assert sniff(b"\xff\xd8\xff\xe0") == "jpeg"
    assert sniff(_png(2, 2)) == "png"
    assert sniff(b"II*\x00....") == sniff(b"MM\x00*....") == "tiff"
    assert sniff(b"GIF89a") is None


def test_text_layer_pdf_is_flagged_as_text():
    """A PDF with a text layer has its page marked readable as text (no OCR needed)."""
    ev = evidence_from_bytes(render_pdf(SAMPLES[0]), "slip.pdf")
    assert ev.text_pages == (True,) and ev.id.startswith("sha256:")
    assert list(page_images(ev)) == []


def test_decompression_bomb_is_refused_by_its_header():
    """A PNG claiming 100000 x 100000 pixels is refused before decoding, naming the pixel limit."""
    with pytest.raises(EvidenceError) as e:
        evidence_from_bytes(_png_header_only(100_000, 100_000), "bomb.png")
    assert e.value.limit == "pixels"
    assert "pixels" in str(e.value)


def test_pixel_limit_between_one_and_two_times_is_refused_too():
    """Pillow only warns between 1x and 2x its limit: that warning becomes our error as well."""
    with pytest.raises(EvidenceError) as e:
        evidence_from_bytes(_png(1200, 1000), "big.png", Limits(max_pixels=1_000_000))
    assert e.value.limit == "pixels"


def test_too_many_pages_names_the_page_limit():
    """A 3-frame TIFF against a 2-page limit fails with the page limit in the message."""
    frames = [Image.new("L", (50, 50), 255) for _ in range(3)]
    out = io.BytesIO()
    frames[0].save(out, format="TIFF", save_all=True, append_images=frames[1:])
    with pytest.raises(EvidenceError, match="3 pages is past the limit of 2 pages") as e:
        evidence_from_bytes(out.getvalue(), "scan.tif", Limits(max_pages=2))
    assert e.value.limit == "pages"
    ev = evidence_from_bytes(out.getvalue(), "scan.tif")
    assert ev.page_count == 3 and len(list(page_images(ev))) == 3


def test_byte_limit(tmp_path):
    """A file over the byte limit is refused before it is read."""
    path = tmp_path / "a.png"
    path.write_bytes(_png(10, 10))
    with pytest.raises(EvidenceError) as e:
        read_evidence(path, Limits(max_bytes=10))
    assert e.value.limit == "bytes"


def test_exif_orientation_turns_a_phone_photo_upright():
    """A JPEG stored sideways with EXIF orientation 6 comes out in its viewing orientation."""
    img = Image.new("L", (100, 300), 255)
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif.tobytes())
    ev = evidence_from_bytes(out.getvalue(), "photo.jpg")
    [(number, page)] = list(page_images(ev))
    assert number == 1 and page.size == (300, 100)


def test_broken_pdf_is_a_clear_error():
    """Bytes that start like a PDF but are not one raise EvidenceError, not a pdfium error."""
    with pytest.raises(EvidenceError, match="not a readable PDF"):
        evidence_from_bytes(b"%PDF-1.4\n garbage", "broken.pdf")


def test_pdf_page_count_limit():
    """A PDF with more pages than allowed names the page limit."""
    with pytest.raises(EvidenceError) as e:
        evidence_from_bytes(render_pdf(SAMPLES[0]), "one.pdf", Limits(max_pages=0))
    assert e.value.limit == "pages"


def test_a_cut_off_photo_is_a_clear_error_not_an_internal_one() -> None:
    """A JPEG cut off in transfer passes the upload's header checks; reading it must fail with
    the file's name and what to do (it was an OSError, retried three times as "internal")."""
    photo = io.BytesIO()
    Image.new("RGB", (600, 800), "white").save(photo, "JPEG", quality=95)
    cut = evidence_from_bytes(photo.getvalue()[: len(photo.getvalue()) // 3], "lønnsslipp.jpg")
    with pytest.raises(EvidenceError, match=r"lønnsslipp\.jpg: broken image data .*again"):
        list(page_images(cut))


@pytest.mark.parametrize("data", [b"", b"   \n"])
def test_an_empty_upload_is_called_empty_not_an_unknown_type(data: bytes) -> None:
    with pytest.raises(EvidenceError, match="the file is empty") as info:
        evidence_from_bytes(data, "tom.pdf")
    assert "not a PDF" not in str(info.value)
