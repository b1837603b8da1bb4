"""R7: signed download links.

Every hostile variant of a link is rejected with 403, 404 or 410 and a small page,
never a PDF and never a 5xx: a changed character at every position of the token, a
truncated or lengthened token, a token for another purpose, an expired one, a token
presented for another certificate or minted for another user, and links that outlive
the certificate, the downloader's role, the downloader's or learner's account, or the
secret key. The token never appears in any log record (request log included) nor in
the audit log.

Figure: cases rejected (all) and tokens found in logs (0).
"""

from __future__ import annotations

import base64
import logging
import string
from dataclasses import dataclass, field
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import pytest
from starlette.applications import Starlette

from llp_gql.certs.signing import make_download_token
from llp_gql.domain import accounts, enrollments
from llp_gql.domain.clock import FakeClock
from llp_gql.models import AuditEvent, Certificate, Role
from llp_gql.settings import Settings
from llp_portal.app import create_app
from tests.factories import PASSWORD, make_user
from tests.gql import gid, ok, token_for
from tests.reliability.conftest import Scene, asgi_client, finish_course

ALPHABET = string.ascii_letters + string.digits + "-_"
LINK = "query($id: ID!) { enrollment(id: $id) { certificate { downloadUrl } } }"


@dataclass
class Cases:
    run: int = 0
    rejected: int = 0
    failures: list[str] = field(default_factory=list)
    tokens: set[str] = field(default_factory=set)

    def check(self, label: str, response: httpx.Response, statuses: set[int]) -> None:
        self.run += 1
        body = response.content
        good = (
            response.status_code in statuses
            and not body.startswith(b"%PDF")
            and "pdf" not in response.headers.get("content-type", "")
            and len(body) < 4096
            and response.headers.get("content-type", "").startswith(
                ("text/html", "application/json")
            )
            and not any(token in response.text for token in self.tokens if token)
        )
        if good:
            self.rejected += 1
        else:
            self.failures.append(f"{label}: {response.status_code} {response.text[:200]!r}")


async def mint(client: httpx.AsyncClient, token: str, enrollment_id: int) -> tuple[str, str]:
    """A download link through the API, as a client gets it: (path with query, token)."""
    data = await ok(client, LINK, {"id": gid("Enrollment", enrollment_id)}, token)
    url = urlsplit(data["enrollment"]["certificate"]["downloadUrl"])
    return f"{url.path}?{url.query}", parse_qs(url.query)["token"][0]


def fresh_token(
    settings: Settings, clock: FakeClock, certificate_id: int, user_id: int, ttl: int
) -> str:
    return make_download_token(
        settings.secret_key,
        certificate_id=certificate_id,
        user_id=user_id,
        now=clock(),
        ttl_seconds=ttl,
    )


def with_token(path: str, token: str) -> str:
    return path.split("?", 1)[0] + "?token=" + token


def changed(token: str, position: int) -> str:
    old = token[position]
    new = ALPHABET[(ALPHABET.index(old) + 17) % len(ALPHABET)]
    return token[:position] + new + token[position + 1 :]


def tokens_logged(tokens: set[str], caplog: pytest.LogCaptureFixture) -> int:
    """Token occurrences in the server's log records (every logger at DEBUG, the request
    log included); the test's own HTTP client (httpx, httpcore) logs URLs and is skipped."""
    found = 0
    for record in caplog.records:
        if record.name.startswith(("httpx", "httpcore")):
            continue
        text = record.getMessage() + repr(record.args) + (record.exc_text or "")
        text += repr(vars(record))
        found += sum(1 for token in tokens if token in text)
    return found


async def test_signed_links(
    app: Starlette,
    scene: Scene,
    settings: Settings,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("llp_gql.access").setLevel(logging.DEBUG)
    world = scene.world
    cases = Cases()
    client = asgi_client(app)
    async with client:
        admin_x = scene.tokens["admin_x"]
        path_x, token_x = await mint(client, admin_x, scene.e_x.id)
        path_a, token_a = await mint(client, scene.tokens["individual_a"], scene.e_a.id)
        cases.tokens |= {token_x, token_a}
        assert len(token_x) == 76

        # The genuine links work (and are the controls for what follows).
        for path in (path_x, path_a):
            response = await client.get(path)
            assert response.status_code == 200, response.text
            assert response.content.startswith(b"%PDF")

        # A changed character at every position (version, ids, expiry and MAC alike),
        # and a changed case where the character has one.
        for position in range(len(token_x)):
            await_path = with_token(path_x, changed(token_x, position))
            cases.check(f"changed char {position}", await client.get(await_path), {403})
            flipped = token_x[position].swapcase()
            if flipped != token_x[position]:
                tampered = token_x[:position] + flipped + token_x[position + 1 :]
                cases.check(
                    f"swapped case {position}",
                    await client.get(with_token(path_x, tampered)),
                    {403},
                )

        # Truncated, lengthened, padded, re-encoded.
        for label, token in [
            ("empty", ""),
            ("one char", token_x[:1]),
            ("half", token_x[:38]),
            ("one short", token_x[:-1]),
            ("one long", token_x + "A"),
            ("padded", token_x + "=="),
            ("standard base64", token_x.replace("-", "+").replace("_", "/")),
            ("doubled", token_x * 2),
            ("reversed", token_x[::-1]),
            ("with space", token_x[:30] + "%20" + token_x[31:]),
        ]:
            cases.check(f"token {label}", await client.get(with_token(path_x, token)), {403})
        cases.check("no token", await client.get(path_x.split("?")[0]), {403})

        # Other spellings of the very bytes of a genuine token: the standard base64
        # alphabet (percent-encoded, so "+" is not read as a space), padding. A token
        # with both "-" and "_" in it, signed with the real key for admin_x.
        genuine = next(
            token
            for ttl in range(settings.download_url_ttl_seconds, 10_000)
            if "-"
            in (token := fresh_token(settings, clock, scene.cert_x.id, world.admin_x.id, ttl))
            and "_" in token
        )
        cases.tokens.add(genuine)
        assert (await client.get(with_token(path_x, genuine))).status_code == 200
        standard = genuine.translate(str.maketrans("-_", "+/"))
        assert base64.b64decode(standard) == base64.urlsafe_b64decode(genuine)
        for label, token in [
            ("standard alphabet", standard),
            ("'-' as '+' only", genuine.replace("-", "+")),
            ("'_' as '/' only", genuine.replace("_", "/")),
            ("padded", genuine + "=="),
            ("one pad", genuine + "="),
            ("standard and padded", standard + "=="),
        ]:
            encoded = quote(token, safe="")
            cases.check(f"respelled: {label}", await client.get(with_token(path_x, encoded)), {403})

        # Another purpose, signed with the right secret.
        now = clock()
        ttl = settings.download_url_ttl_seconds
        for purpose in ("zip-export", "admin-csrf", "certificate-download "):
            other = make_download_token(
                settings.secret_key,
                certificate_id=scene.cert_x.id,
                user_id=world.admin_x.id,
                now=now,
                ttl_seconds=ttl,
                purpose=purpose,
            )
            cases.tokens.add(other)
            cases.check(f"purpose {purpose!r}", await client.get(with_token(path_x, other)), {403})

        # A token for certificate A does not open B; swapping the id in the path fails.
        cert_a, cert_x = scene.cert_a.id, scene.cert_x.id
        cases.check(
            "x's token on a's path",
            await client.get(f"/certificates/{cert_a}/download?token={token_x}"),
            {403},
        )
        cases.check(
            "a's token on x's path",
            await client.get(f"/certificates/{cert_x}/download?token={token_a}"),
            {403},
        )
        for other_id in (cert_x + 1000, 0, cert_x - 1 or 99):
            cases.check(
                f"path id {other_id}",
                await client.get(f"/certificates/{other_id}/download?token={token_x}"),
                {403, 404},
            )

        # Tokens minted (with the real key) for users who may not download that certificate.
        for role, certificate in [
            ("employee_x", cert_x),
            ("admin_y", cert_x),
            ("staff", cert_x),
            ("individual_b", cert_a),
            ("admin_x", cert_a),
            ("employee_x2", cert_x),
        ]:
            user = world.users()[role]
            forged = make_download_token(
                settings.secret_key,
                certificate_id=certificate,
                user_id=user.id,
                now=now,
                ttl_seconds=ttl,
            )
            cases.tokens.add(forged)
            cases.check(
                f"minted for {role}",
                await client.get(f"/certificates/{certificate}/download?token={forged}"),
                {403, 404},
            )
        for user_id in (0, 999_999):
            forged = make_download_token(
                settings.secret_key,
                certificate_id=cert_x,
                user_id=user_id,
                now=now,
                ttl_seconds=ttl,
            )
            cases.tokens.add(forged)
            cases.check(
                f"minted for missing user {user_id}",
                await client.get(with_token(path_x, forged)),
                {403},
            )

        # The key rotated: the same link against an app with another secret.
        rotated = create_app(
            settings.replace(secret_key="another-secret-key-0123456789-abcdef"),
            manage_database=False,
            clock=clock,
        )
        async with asgi_client(rotated) as other_client:
            cases.check("key rotated", await other_client.get(path_x), {403})

        # Expired: one second before the end still works, at the end it does not.
        clock.advance(ttl - 1)
        assert (await client.get(path_a)).status_code == 200
        clock.advance(1)
        cases.check("expired at ttl", await client.get(path_x), {403})
        clock.advance(3600)
        expired = await client.get(path_a)
        cases.check("expired an hour ago", expired, {403})
        assert "expired" in expired.text

        # Links that outlive what they were issued for. Fresh links first (clock moved on).
        [e_y] = await enrollments.assign_course(
            world.admin_y, world.course.course.id, [world.employee_y.id]
        )
        [e_x2] = await enrollments.assign_course(
            world.admin_x, world.course.course.id, [world.employee_x2.id]
        )
        for learner, enrollment in ((world.employee_y, e_y), (world.employee_x2, e_x2)):
            await finish_course(learner, enrollment, world, clock=clock, settings=settings)
        admin_x2 = await make_user(
            "second.admin@acme.example", company=world.company_x, role=Role.COMPANY_ADMIN
        )
        admin_x2_token = await token_for(admin_x2, settings)
        path_x, token_x = await mint(client, admin_x, scene.e_x.id)
        path_x2, token_x2 = await mint(client, admin_x, e_x2.id)
        path_y, token_y = await mint(client, scene.tokens["admin_y"], e_y.id)
        path_a, token_a = await mint(client, scene.tokens["individual_a"], scene.e_a.id)
        path_by_x2, token_by_x2 = await mint(client, admin_x2_token, scene.e_x.id)
        cases.tokens |= {token_x, token_x2, token_y, token_a, token_by_x2}
        for path in (path_x, path_x2, path_y, path_a, path_by_x2):
            assert (await client.get(path)).status_code == 200

        # The certificate removed with its enrollment: 410.
        await enrollments.remove_enrollment(world.admin_x, scene.e_x.id, clock=clock)
        cases.check("enrollment removed", await client.get(path_x), {410})
        cases.check("enrollment removed, other admin's link", await client.get(path_by_x2), {410})
        # The learner (employee) removed, with their certificate: 410.
        await accounts.remove_employee(world.admin_x, world.employee_x2.id, clock=clock)
        cases.check("employee removed", await client.get(path_x2), {410})
        # The downloader lost the admin role: 403.
        world.admin_y.role = Role.LEARNER
        await world.admin_y.save(update_fields=["role"])
        cases.check("admin demoted", await client.get(path_y), {403})
        # The downloader (an admin) removed: 403.
        [e_x3] = await enrollments.assign_course(
            world.admin_x, world.course.course.id, [world.employee_x.id]
        )
        await finish_course(world.employee_x, e_x3, world, clock=clock, settings=settings)
        path_x3, token_x3 = await mint(client, admin_x2_token, e_x3.id)
        cases.tokens.add(token_x3)
        assert (await client.get(path_x3)).status_code == 200
        await accounts.remove_employee(world.admin_x, admin_x2.id, clock=clock)
        cases.check("admin removed", await client.get(path_x3), {403})
        # An individual deleted their account: their link dies with them.
        await accounts.delete_my_account(world.individual_a, PASSWORD, clock=clock)
        cases.check("account deleted", await client.get(path_a), {403, 410})
        assert not await Certificate.exists(enrollment_id=scene.e_a.id)

    audit_text = repr(await AuditEvent.all().values())
    in_audit = sum(1 for token in cases.tokens if token in audit_text)
    in_logs = tokens_logged(cases.tokens, caplog)
    access_lines = [r for r in caplog.records if r.name == "llp_gql.access"]
    # The scan does find tokens where they are: the test client logs the URLs it fetches.
    client_lines = [r for r in caplog.records if r.name.startswith("httpx")]
    assert any(token_x in r.getMessage() for r in client_lines)
    with capsys.disabled():
        print(
            f"\nR7: {cases.rejected} cases rejected of {cases.run}; tokens in logs: {in_logs}"
            f" (request log lines checked: {len(access_lines)}; in audit log: {in_audit})"
        )
    assert access_lines, "the request log must have been captured"
    assert cases.failures == []
    assert cases.rejected == cases.run >= 100
    assert in_logs == 0
    assert in_audit == 0
