"""Download filenames keep any script (RFC 6266 filename*) with an ASCII fallback."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from llp_gql.certs.routes import attachment, certificate_attachment


def _parts(value: str) -> tuple[str, str | None]:
    assert value.startswith("attachment; ")
    value.encode("ascii")  # a header value: ASCII only, whatever the name
    fallback = value.split('filename="', 1)[1].split('"', 1)[0]
    full = value.split("filename*=UTF-8''", 1)[1] if "filename*=" in value else None
    return fallback, unquote(full) if full is not None else None


@pytest.mark.parametrize(
    ("learner", "course", "ascii_name", "full_name"),
    [
        ("Ann Smith", "Safety 101", "certificate-Ann-Smith-Safety-101.pdf", None),
        (
            "Émma Núñez",
            "Leading Teams",
            "certificate-Emma-Nunez-Leading-Teams.pdf",
            "certificate-Émma-Núñez-Leading-Teams.pdf",
        ),
        ("प्रिया शर्मा", "नेतृत्व", "certificate.pdf", "certificate-प्रिया-शर्मा-नेतृत्व.pdf"),
        ("محمد علي", "القيادة", "certificate.pdf", "certificate-محمد-علي-القيادة.pdf"),
        ("王小明", "安全", "certificate.pdf", "certificate-王小明-安全.pdf"),
    ],
)
def test_names_in_any_script_survive(
    learner: str, course: str, ascii_name: str, full_name: str | None
) -> None:
    assert _parts(certificate_attachment(learner, course)) == (ascii_name, full_name)


@pytest.mark.parametrize(
    "hostile", ['a"; filename="evil.exe', "../../etc/passwd", "x\r\nSet-Cookie: a=b", "a\\b/c\x00"]
)
def test_path_quote_and_header_characters_never_reach_the_header(hostile: str) -> None:
    fallback, full = _parts(certificate_attachment(hostile, "Course"))
    for name in (fallback, full or ""):
        assert not set('"/\\\r\n\x00;') & set(name)
        assert ".." not in name
    assert fallback.endswith(".pdf")


def test_the_zip_of_a_company_with_a_non_latin_name() -> None:
    fallback, full = _parts(attachment("certificates-株式会社-20261202", ".zip", fallback="x"))
    assert fallback == "certificates-20261202.zip"
    assert full == "certificates-株式会社-20261202.zip"
