"""Uploaded images (company logos, signature images): accept real PNG or JPEG only, and
normalise them.

What is stored is not the upload but a re-encoding of its decoded pixels:

- it can only be an image: a file that merely starts like a PNG (a polyglot,
  a truncated upload) never reaches a PDF or a browser;
- metadata goes (EXIF with its GPS position, comments), after applying the
  EXIF orientation so the logo stays upright;
- it is at most ``MAX_WIDTH`` pixels wide: printed at most 60 mm wide on a
  certificate, that is over 250 dpi, and it keeps every certificate PDF small
  and every render fast;
- the format is kept: PNG stays PNG (lossless, transparency), JPEG stays JPEG
  (photographic logos would grow several times as PNG). fpdf2 embeds JPEG
  data as it is.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageCms, ImageOps

from llp_gql.errors import ValidationFailed

MAX_WIDTH = 600
_FORMATS = ("PNG", "JPEG")
_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")
_JPEG_QUALITY = 90


def validate_logo(data: bytes, *, max_bytes: int = 1_000_000, max_pixels: int = 4_000_000) -> bytes:
    """Return the bytes to store for an uploaded logo, or raise ``ValidationFailed``.

    The upload must be a PNG or JPEG of at most ``max_bytes`` bytes and
    ``max_pixels`` pixels that decodes completely. The result is the same
    format, re-encoded without metadata and at most ``MAX_WIDTH`` pixels wide.
    """
    return validate_image(
        data, what="logo", field="logo", max_bytes=max_bytes, max_pixels=max_pixels
    )


def validate_signature(
    data: bytes, *, max_bytes: int = 1_000_000, max_pixels: int = 4_000_000
) -> bytes:
    """The same checks and normalisation as ``validate_logo``, for a signatory's
    signature image (printed at most 50 mm wide, so ``MAX_WIDTH`` is plenty)."""
    return validate_image(
        data,
        what="signature image",
        field="signatureImage",
        max_bytes=max_bytes,
        max_pixels=max_pixels,
    )


def validate_image(data: bytes, *, what: str, field: str, max_bytes: int, max_pixels: int) -> bytes:
    """Validate and normalise an uploaded image; errors name ``what`` and ``field``."""

    def refuse(message: str) -> ValidationFailed:
        return ValidationFailed(message, field=field)

    if not data:
        raise refuse(f"The {what} is empty.")
    if len(data) > max_bytes:
        raise refuse(f"The {what} is larger than {_size(max_bytes)}.")
    if not data.startswith(_SIGNATURES):
        raise refuse(f"The {what} must be a PNG or JPEG image.")
    try:
        image = _decode(data, max_pixels, refuse(_too_many_pixels(what, max_pixels)))
    except ValidationFailed:
        raise
    except Image.DecompressionBombError as exc:
        raise refuse(_too_many_pixels(what, max_pixels)) from exc
    except (OSError, SyntaxError, ValueError, Warning) as exc:
        # What Pillow raises for truncated or corrupt files differs by format
        # and version; to the user they are all the same.
        raise refuse(f"The {what} file is damaged or incomplete.") from exc
    with image:
        return _encode(image)


def _decode(data: bytes, max_pixels: int, too_large: ValidationFailed) -> Image.Image:
    # Pillow reports some damage (and decompression bombs) only as warnings.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # Opening reads only the header: the size check runs before any
        # pixel is decompressed.
        with Image.open(io.BytesIO(data), formats=_FORMATS) as probe:
            width, height = probe.size
            if width * height > max_pixels:
                raise too_large
            probe.verify()  # checksums and structure, without decoding
        # verify() leaves the image unusable, so decode from a fresh open.
        image = Image.open(io.BytesIO(data), formats=_FORMATS)
        image.load()
        return image


def _encode(image: Image.Image) -> bytes:
    fmt = image.format
    icc = image.info.get("icc_profile")
    with warnings.catch_warnings():
        # Conversions warn about things that are fine here (e.g. palette
        # transparency becoming an alpha channel).
        warnings.simplefilter("ignore")
        upright = ImageOps.exif_transpose(image)
        if upright.width > MAX_WIDTH:
            new_height = max(1, round(upright.height * MAX_WIDTH / upright.width))
            upright = upright.resize((MAX_WIDTH, new_height), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        if fmt == "JPEG":
            mode = "L" if upright.mode in ("1", "L") else "RGB"
            _to_srgb(upright, icc, mode).save(out, "JPEG", quality=_JPEG_QUALITY, optimize=True)
        else:
            _to_srgb(upright, icc, _png_mode(upright)).save(out, "PNG", optimize=True)
    return out.getvalue()


def _png_mode(image: Image.Image) -> str:
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if image.mode in ("1", "L", "I", "I;16") and not has_alpha:
        return "L"
    return "RGBA" if has_alpha else "RGB"


def _to_srgb(image: Image.Image, icc: object, mode: str) -> Image.Image:
    """Convert to ``mode``, mapping colours from an embedded ICC profile to sRGB.

    Stored logos carry no profile (it is metadata too), so colours in, say,
    Adobe RGB or CMYK are converted rather than reinterpreted. Best effort: a
    profile that cannot be used is ignored.
    """
    if image.mode.startswith("I"):
        # 16-bit greyscale PNG: keep the top 8 bits.
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    if isinstance(icc, bytes) and icc and mode != "L":
        alpha = image.getchannel("A") if "A" in image.getbands() else None
        source_image = image if image.mode in ("RGB", "CMYK") else image.convert("RGB")
        try:
            converted = ImageCms.profileToProfile(
                source_image,
                ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                ImageCms.createProfile("sRGB"),
                outputMode="RGB",
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            converted = None
        if converted is not None:
            if alpha is not None:
                converted.putalpha(alpha)
            return converted.convert(mode)
    return image.convert(mode)


def _too_many_pixels(what: str, max_pixels: int) -> str:
    return f"The {what} has too many pixels: at most {max_pixels / 1_000_000:g} megapixels."


def _size(n_bytes: int) -> str:
    if n_bytes >= 1_000_000:
        return f"{n_bytes / 1_000_000:g} MB"
    return f"{n_bytes / 1000:g} kB"
