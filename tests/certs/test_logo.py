"""Logo uploads: real PNG and JPEG images only, normalised before they are stored."""

from __future__ import annotations

import io
import os
import struct
import zlib

import pytest
from PIL import Image

from llp_gql.certs.logo import MAX_WIDTH, validate_logo
from llp_gql.errors import ValidationFailed


def encode(
    fmt: str, size: tuple[int, int] = (400, 200), mode: str = "RGB", **options: object
) -> bytes:
    out = io.BytesIO()
    colour = {"RGB": (20, 90, 160), "RGBA": (20, 90, 160, 128), "CMYK": (0, 60, 90, 0)}.get(mode, 0)
    Image.new(mode, size, colour).save(out, fmt, **options)
    return out.getvalue()


def decode(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def refused(data: bytes, **limits: int) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        validate_logo(data, **limits)
    assert caught.value.field == "logo"
    assert caught.value.code == "VALIDATION"
    return caught.value


def png_with_header_size(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` but holds almost no data."""

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 100))
        + chunk(b"IEND", b"")
    )


def test_png_is_accepted_and_stays_png() -> None:
    stored = validate_logo(encode("PNG"))

    image = decode(stored)
    assert image.format == "PNG"
    assert image.size == (400, 200)


def test_png_transparency_is_kept() -> None:
    stored = validate_logo(encode("PNG", mode="RGBA"))

    assert decode(stored).mode == "RGBA"


def test_jpeg_is_accepted_and_stays_jpeg() -> None:
    stored = validate_logo(encode("JPEG"))

    image = decode(stored)
    assert image.format == "JPEG"
    assert image.mode == "RGB"


def test_cmyk_jpeg_becomes_rgb() -> None:
    assert decode(validate_logo(encode("JPEG", mode="CMYK"))).mode == "RGB"


def test_wide_logo_is_scaled_down_keeping_its_proportions() -> None:
    stored = validate_logo(encode("PNG", size=(2400, 600)))

    assert decode(stored).size == (MAX_WIDTH, 150)


def test_metadata_is_dropped() -> None:
    exif = Image.Exif()
    exif[0x010E] = "secret description"  # ImageDescription
    upload = encode("JPEG", exif=exif.tobytes())
    assert b"secret description" in upload

    assert b"secret description" not in validate_logo(upload)


def test_exif_orientation_is_applied_before_it_is_dropped() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    stored = validate_logo(encode("JPEG", size=(400, 200), exif=exif.tobytes()))

    assert decode(stored).size == (200, 400)


def test_gif_is_refused() -> None:
    assert refused(encode("GIF")).message == "The logo must be a PNG or JPEG image."


@pytest.mark.parametrize("fmt", ["BMP", "WEBP", "TIFF"])
def test_other_image_formats_are_refused(fmt: str) -> None:
    assert refused(encode(fmt)).message == "The logo must be a PNG or JPEG image."


def test_random_bytes_are_refused() -> None:
    assert refused(os.urandom(4096)).message == "The logo must be a PNG or JPEG image."


def test_empty_upload_is_refused() -> None:
    assert refused(b"").message == "The logo is empty."


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_truncated_image_is_refused(fmt: str) -> None:
    # Noise, so that the compressed data is long enough to cut in half.
    image = Image.frombytes("RGB", (200, 200), os.urandom(200 * 200 * 3))
    out = io.BytesIO()
    image.save(out, fmt)
    data = out.getvalue()

    assert refused(data[: len(data) // 2]).message == "The logo file is damaged or incomplete."


def test_png_signature_followed_by_garbage_is_refused() -> None:
    data = b"\x89PNG\r\n\x1a\n" + os.urandom(2000)

    assert refused(data).message == "The logo file is damaged or incomplete."


def test_huge_pixel_count_is_refused_before_decoding() -> None:
    # 100,000 x 100,000 pixels would need 30 GB decoded; the file is tiny.
    bomb = png_with_header_size(100_000, 100_000)
    assert len(bomb) < 1000

    error = refused(bomb)
    assert error.message == "The logo has too many pixels: at most 4 megapixels."


def test_pixel_limit_is_configurable() -> None:
    assert "at most 0.01 megapixels" in refused(encode("PNG"), max_pixels=10_000).message
    validate_logo(encode("PNG", size=(100, 100)), max_pixels=10_000)


def test_too_many_bytes_is_refused() -> None:
    big = encode("PNG", size=(100, 100)) + b"\0" * 1_000_000

    assert refused(big).message == "The logo is larger than 1 MB."


def test_byte_limit_is_configurable() -> None:
    assert refused(encode("PNG"), max_bytes=100).message == "The logo is larger than 0.1 kB."
