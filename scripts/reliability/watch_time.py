"""R11 in real time: cheating and honest players against a real server and a real clock.

The suite in tests/reliability/test_watch_time.py runs on a fake clock; this script
checks the same bound over HTTP, with wall-clock time, on a 60 s video (bound:
60 / 2 - 5 = 25 s with the default settings). Three learners play at once:

    concurrent     10 one-minute claims at once, every 0.5 s
    back-to-back   the next 5 s span as soon as the previous answer arrives
    honest 2x      the protocol of docs/video-protocol.md: "playing from here",
                   then the played span every 5 s, resending what was refused

    python scripts/reliability/watch_time.py [--duration 60] [--postgres]

Prints each completion time and the ratio to the bound; exits 0 when every cheat's
ratio is >= 1.0 and the honest player completed within 10 s of its playback's end.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from _common import (
    Server,
    create_postgres_database,
    drop_postgres_database,
    migrate,
    postgres_admin_url,
    strong_secret,
)

VIDEO = """mutation($e: ID!, $l: ID!, $f: Float!, $t: Float!) {
  recordVideoProgress(enrollmentId: $e, lessonId: $l, fromSecond: $f, toSecond: $t) {
    lessonProgress { status } video { acceptedToSecond refusedSeconds retryAfterSeconds } } }"""


def seed(database_url: str, secret: str, duration: float, learners: int) -> list[dict[str, str]]:
    async def run() -> list[dict[str, str]]:
        from tortoise import Tortoise

        from llp_gql.db import tortoise_config
        from llp_gql.domain import auth, enrollments
        from llp_gql.domain.passwords import hash_password
        from llp_gql.models import AccountType, Course, CourseStatus, Lesson, LessonKind, Role, User
        from llp_gql.schema.ids import encode_id
        from llp_gql.settings import Settings

        settings = Settings(database_url=database_url, secret_key=secret)
        await Tortoise.init(config=tortoise_config(database_url))
        try:
            course = await Course.create(title="Watch", status=CourseStatus.PUBLISHED)
            lesson = await Lesson.create(
                course=course,
                position=1,
                kind=LessonKind.VIDEO,
                title="Video",
                duration_seconds=duration,
            )
            password_hash = hash_password(secrets.token_urlsafe(16))
            found = []
            for number in range(learners):
                user = await User.create(
                    email=f"watcher{number}@watch.example",
                    name=f"Watcher {number}",
                    password_hash=password_hash,
                    account_type=AccountType.INDIVIDUAL,
                    role=Role.LEARNER,
                )
                enrollment = await enrollments.enroll_self(user, course.id)
                found.append(
                    {
                        "token": (await auth.issue_token(user, settings=settings)).token,
                        "e": encode_id("Enrollment", enrollment.id),
                        "l": encode_id("Lesson", lesson.id),
                    }
                )
            return found
        finally:
            await Tortoise.close_connections()

    return asyncio.run(run())


class Learner:
    def __init__(self, client: httpx.AsyncClient, seat: dict[str, str]) -> None:
        self.client, self.seat = client, seat

    async def report(self, start: float, end: float) -> tuple[bool, dict[str, Any] | None]:
        """(complete, video report or None when nothing fitted)."""
        response = await self.client.post(
            "/graphql",
            json={
                "query": VIDEO,
                "variables": {"e": self.seat["e"], "l": self.seat["l"], "f": start, "t": end},
            },
            headers={"Authorization": f"Bearer {self.seat['token']}"},
        )
        assert response.status_code < 500, response.text
        body = response.json()
        data = (body.get("data") or {}).get("recordVideoProgress")
        if data is None:
            codes = {(e.get("extensions") or {}).get("code") for e in body.get("errors") or []}
            assert codes == {"IMPLAUSIBLE_PROGRESS"}, body
            return False, None
        return data["lessonProgress"]["status"] == "COMPLETED", data["video"]


async def concurrent(learner: Learner, duration: float) -> float:
    start = time.monotonic()
    while True:
        answers = await asyncio.gather(
            *(learner.report(i * duration / 10, (i + 1) * duration / 10) for i in range(10))
        )
        if any(done for done, _ in answers):
            return time.monotonic() - start
        await asyncio.sleep(0.5)


async def back_to_back(learner: Learner, duration: float) -> float:
    start = time.monotonic()
    position = 0.0
    while True:
        done, video = await learner.report(position, min(duration, position + 5))
        if done:
            return time.monotonic() - start
        if video is not None:
            position = video["acceptedToSecond"] % duration


async def honest(learner: Learner, duration: float, rate: float = 2.0) -> float:
    """Returns seconds after the end of playback at which the video was complete."""
    start = time.monotonic()
    await learner.report(0, 0)
    acked = 0.0
    while True:
        await asyncio.sleep(5)
        position = min(duration, rate * (time.monotonic() - start))
        done, video = await learner.report(acked, position)
        while not done and position >= duration:
            wait = video["retryAfterSeconds"] if video else 1.0
            await asyncio.sleep(max(0.2, wait))
            done, video = await learner.report(acked, duration)
            if video:
                acked = video["acceptedToSecond"]
        if done:
            return time.monotonic() - start - duration / rate
        if video:
            acked = video["acceptedToSecond"]


async def play(base_url: str, seats: list[dict[str, str]], duration: float) -> dict[str, float]:
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        results = await asyncio.gather(
            concurrent(Learner(client, seats[0]), duration),
            back_to_back(Learner(client, seats[1]), duration),
            honest(Learner(client, seats[2]), duration),
        )
    return dict(zip(("concurrent", "back-to-back", "honest 2x late by"), results, strict=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args(argv)
    bound = args.duration / 2.0 - 5.0
    with tempfile.TemporaryDirectory() as scratch:
        if args.postgres:
            admin_url = postgres_admin_url()
            name = f"llp_r11_{secrets.token_hex(4)}"
            database_url = asyncio.run(create_postgres_database(admin_url, name))
        else:
            database_url = f"sqlite://{Path(scratch) / 'watch.sqlite3'}"
        try:
            migrate(database_url)
            secret = strong_secret()
            seats = seed(database_url, secret, args.duration, 3)
            server = Server(database_url, secret, workers=2 if args.postgres else 1)
            try:
                server.wait_ready()
                result = asyncio.run(play(server.base_url, seats, args.duration))
            finally:
                server.stop()
        finally:
            if args.postgres:
                asyncio.run(drop_postgres_database(admin_url, name))
    cheats = {k: v for k, v in result.items() if not k.startswith("honest")}
    for name, seconds in cheats.items():
        print(f"  {name}: complete after {seconds:.1f} s, ratio {seconds / bound:.3f}")
    late = result["honest 2x late by"]
    print(f"  honest 2x, reporting every 5 s: complete {late:.1f} s after playback ended")
    fastest = min(seconds / bound for seconds in cheats.values())
    print(
        f"R11 (real time, {args.duration:g} s video): fastest cheat / bound {fastest:.3f}; "
        f"honest stalled: {int(late > 10)}"
    )
    return 0 if fastest >= 1.0 and late <= 10 else 1


if __name__ == "__main__":
    sys.exit(main())
