"""What a file must be to be kept: a PDF, JPEG or PNG of at most 5 MB, known by what it holds
rather than by its name or what the browser says it is; a picture is drawn again without its
metadata, so a photo taken at home does not carry where home is."""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps

MAX_BYTES = 5 * 1024 * 1024
# A picture this many pixels wide times high would take hundreds of megabytes to draw again.
MAX_PIXELS = 50_000_000
STEM_MAX = 80

TOO_BIG = "That file is bigger than 5 MB. Choose a smaller one."
NOT_ALLOWED = "That file isn't a PDF, JPEG or PNG. Choose a PDF, or a photo saved as JPEG or PNG."
EMPTY = "That file is empty. Choose the file again."
UNREADABLE = "We couldn't open that picture. Take the photo again, or save it as a PDF."
TOO_MANY_PIXELS = "That picture is too large to open. Take the photo again at a smaller size."


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str
    pillow_formats: tuple[str, ...] = ()  # what Pillow calls it, for a picture


PDF = Kind("application/pdf", "pdf")
JPEG = Kind("image/jpeg", "jpg", ("JPEG", "MPO"))  # MPO: a phone's JPEG with a depth map
PNG = Kind("image/png", "png", ("PNG",))
EXTENSIONS = ("pdf", "jpg", "jpeg", "png")


class Refused(Exception):
    """The file can't be kept; ``message`` says why, to the person who chose it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Prepared:
    """A file ready to keep: a safe name, its real type, and what to serve."""

    filename: str
    content_type: str
    content: bytes


def kind_of(data: bytes) -> Kind | None:
    """The file's type from its first bytes. A PDF must start with %PDF- itself: readers that
    look further in are how an HTML page gets passed off as a PDF."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None


def prepare(filename: str, data: bytes) -> Prepared:
    """The file as it will be kept, or Refused saying why not."""
    if not data:
        raise Refused(EMPTY)
    if len(data) > MAX_BYTES:
        raise Refused(TOO_BIG)
    kind = kind_of(data)
    if kind is None:
        raise Refused(NOT_ALLOWED)
    if kind.pillow_formats:
        data = without_metadata(data, kind)
        if len(data) > MAX_BYTES:
            raise Refused(TOO_BIG)
    return Prepared(safe_filename(filename, kind), kind.content_type, data)


def without_metadata(data: bytes, kind: Kind) -> bytes:
    """The picture drawn again from its pixels alone: no EXIF (camera, time, GPS location), no
    text chunks. It is first turned the way the camera was held, as the EXIF said."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in kind.pillow_formats:
                    raise Refused(NOT_ALLOWED)
                if image.width * image.height > MAX_PIXELS:
                    raise Refused(TOO_MANY_PIXELS)
                image.load()
                icc_profile = image.info.get("icc_profile")  # colours, nothing about anyone
                upright = ImageOps.exif_transpose(image)
                return _encode(upright, kind, icc_profile)
    except Refused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise Refused(TOO_MANY_PIXELS) from error
    except (OSError, SyntaxError, ValueError, Warning) as error:
        raise Refused(UNREADABLE) from error


def _encode(image: Image.Image, kind: Kind, icc_profile: bytes | None) -> bytes:
    out = io.BytesIO()
    extra = {"icc_profile": icc_profile} if icc_profile else {}
    if kind is JPEG:
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=90, **extra)
    else:
        image.save(out, "PNG", **extra)
    return out.getvalue()


def safe_filename(filename: str, kind: Kind) -> str:
    """A name safe in any header or file system, ending as its real type: "Aishas CV.pdf"."""
    name = re.split(r"[\\/]", filename or "")[-1]
    stem, dot, extension = name.rpartition(".")
    if not dot or extension.lower() not in EXTENSIONS:
        stem = name
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9 ._()-]+", "", ascii_stem)
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .")[:STEM_MAX].strip(" .")
    return f"{cleaned or 'document'}.{kind.extension}"
