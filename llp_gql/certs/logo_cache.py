"""A company logo decoded once and reused by every certificate that shows it.

Decoding and recompressing a PNG costs several ms; a company's logo is on
every one of its certificates, so the decoded form is kept (by content hash,
as fpdf2 itself keys images) across documents. The logo was validated on
upload (``logo.validate_logo``).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Final

from fpdf import FPDF
from fpdf.image_datastructures import ImageCache, RasterImageInfo, VectorImageInfo
from fpdf.image_parsing import preload_image

_LOGO_CACHE_SIZE: Final = 64
_logos: OrderedDict[str, tuple[RasterImageInfo | VectorImageInfo, dict[bytes, int]]] = OrderedDict()
_logos_lock = threading.Lock()


def place_logo(pdf: FPDF, data: bytes) -> tuple[float, float]:
    """Make fpdf2 find ``data`` already decoded; returns its pixel size.

    ``pdf.image(data, ...)`` then draws it without decoding it again.
    """
    # fpdf2 names a bytes image by the MD5 of its stripped content; should that
    # change, fpdf2 just decodes the logo again (slower, still correct).
    name = hashlib.md5(data.strip(), usedforsecurity=False).hexdigest()
    placed = pdf.image_cache.images.get(name)
    if placed is not None:
        # Already in this document (the same image as logo and as signature): adding
        # it again would give one image two indexes and break fpdf2's output.
        return placed.width, placed.height
    key = hashlib.sha256(data).hexdigest()
    with _logos_lock:
        cached = _logos.get(key)
        if cached is not None:
            _logos.move_to_end(key)
    if cached is None:
        scratch = ImageCache()
        _, _, info = preload_image(scratch, data)
        cached = (info, dict(scratch.icc_profiles))
        with _logos_lock:
            _logos[key] = cached
            while len(_logos) > _LOGO_CACHE_SIZE:
                _logos.popitem(last=False)
    info, icc_profiles = cached
    entry = type(info)(info)  # "usages" and "i" are per document
    entry["usages"] = 0
    entry["i"] = len(pdf.image_cache.images) + 1
    pdf.image_cache.images[name] = entry
    pdf.image_cache.icc_profiles.update(icc_profiles)
    return info.width, info.height
