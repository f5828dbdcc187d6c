"""What a file must be to be kept, checked without HTTP."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.factories.documents import GPS_IFD, HTML_CLAIMING_TO_BE_A_PDF, PDF, jpeg_with_location
from webapp.documents import files


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", files.EMPTY),
        (HTML_CLAIMING_TO_BE_A_PDF, files.NOT_ALLOWED),
        (b"  \n%PDF-1.4 readers would skip the spaces", files.NOT_ALLOWED),
        (b"<html>%PDF-1.4</html>", files.NOT_ALLOWED),
        (b"GIF89a" + b"\0" * 20, files.NOT_ALLOWED),
        (b"\x89PNG\r\n\x1a\n" + b"not really a picture", files.UNREADABLE),
        (b"\xff\xd8\xff" + b"not really a photo", files.UNREADABLE),
        (PDF + b"0" * files.MAX_BYTES, files.TOO_BIG),
    ],
)
def test_refused_saying_why(data, message):
    with pytest.raises(files.Refused) as refused:
        files.prepare("document.pdf", data)
    assert refused.value.message == message


def test_the_type_comes_from_the_content_not_the_name():
    prepared = files.prepare("photo.png", jpeg_with_location())
    assert (prepared.content_type, prepared.filename) == ("image/jpeg", "photo.jpg")
    assert files.prepare("letter.jpg", PDF).filename == "letter.pdf"


def test_a_picture_too_large_to_draw_is_refused():
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, "PNG")  # a small file of 100 million pixels
    assert len(out.getvalue()) < files.MAX_BYTES
    with pytest.raises(files.Refused) as refused:
        files.prepare("big.png", out.getvalue())
    assert refused.value.message == files.TOO_MANY_PIXELS


def test_a_photo_is_turned_the_way_the_camera_was_held_before_its_exif_goes():
    image = Image.new("RGB", (60, 20), "red")
    exif = image.getexif()
    exif[0x0112] = 6  # orientation: turned a quarter to the right
    exif[GPS_IFD] = {1: "N", 2: (55.0, 51.0, 36.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    kept = Image.open(io.BytesIO(files.prepare("x.jpg", out.getvalue()).content))
    assert kept.size == (20, 60)
    assert len(kept.getexif()) == 0


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("My CV (draft).pdf", "My CV (draft).pdf"),
        ("Aisha's CV.PDF", "Aishas CV.pdf"),
        ("C:\\Users\\Aisha\\Documents\\cv.pdf", "cv.pdf"),
        ("../../etc/passwd", "passwd.pdf"),
        ('evil"; filename=x.html\r\nSet-Cookie: a=b.pdf', "evil filenamex.htmlSet-Cookie ab.pdf"),
        ("Lettre de l’école.pdf", "Lettre de lecole.pdf"),
        ("....pdf", "document.pdf"),
        ("", "document.pdf"),
        ("report.html", "report.html.pdf"),
        ("x" * 300 + ".pdf", "x" * files.STEM_MAX + ".pdf"),
    ],
)
def test_names_are_safe_in_a_header_and_end_as_their_real_type(given, kept):
    assert files.safe_filename(given, files.PDF) == kept
