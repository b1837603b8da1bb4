"""Staff authoring: "More question rows" keeps what was typed; a draft's lessons can be
edited, deleted (after a confirmation) and moved; publishing asks first and says what
it means; published courses stay frozen; the preview plays a video."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from llp_gql.domain import courses, drafts
from llp_gql.domain.courses import ChoiceSpec, LessonSpec, QuestionSpec
from llp_gql.errors import CoursePublished
from llp_gql.models import Choice, Course, CourseStatus, Lesson, LessonKind, Question
from llp_gql.settings import Settings
from tests.admin_ui import log_in
from tests.factories import World

QUIZ = LessonSpec(
    LessonKind.QUIZ,
    "Check",
    passing_score_percent=50,
    max_attempts=2,
    questions=[QuestionSpec("Two plus two?", [ChoiceSpec("4", True), ChoiceSpec("5", False)])],
)


async def _draft(world: World) -> list[Lesson]:
    for title in ("One", "Two", "Three"):
        _ = await courses.add_lesson(
            world.staff, world.draft.id, LessonSpec(LessonKind.READING, title, body="Text")
        )
    _ = await courses.add_lesson(world.staff, world.draft.id, QUIZ)
    return list(await Lesson.filter(course_id=world.draft.id).order_by("position"))


async def _titles(course_id: int) -> list[tuple[int, str]]:
    return [
        (lesson.position, lesson.title)
        for lesson in await Lesson.filter(course_id=course_id).order_by("position")
    ]


async def test_more_question_rows_keeps_what_was_typed_and_stores_nothing(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> None:
    token = await log_in(client, world.staff, settings)
    editor = await client.get(f"/admin/staff/courses/{world.draft.id}?kind=QUIZ")
    assert 'name="more_rows"' in editor.text  # a button of the form, not a link that drops it
    typed = {
        "csrf_token": token,
        "kind": "QUIZ",
        "rows": "3",
        "choices": "4",
        "title": "Safety quiz",
        "passing_score_percent": "75",
        "q1_prompt": "Where is the exit?",
        "q1_c1_text": "Left",
        "q1_c1_correct": "on",
        "q3_c2_text": "Typed in row three",
        "more_rows": "1",
    }
    response = await client.post(f"/admin/staff/courses/{world.draft.id}/lessons", data=typed)
    assert response.status_code == 200
    for value in ("Safety quiz", "Where is the exit?", "Left", "Typed in row three", 'value="75"'):
        assert value in response.text
    assert 'id="q5-prompt"' in response.text  # two more rows
    assert 'name="q1_c1_correct" checked' in response.text
    assert await Lesson.filter(course_id=world.draft.id).count() == 0


async def test_a_draft_lesson_is_edited_in_its_filled_in_form(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> None:
    lessons = await _draft(world)
    quiz = lessons[3]
    token = await log_in(client, world.staff, settings)
    url = f"/admin/staff/courses/{world.draft.id}/lessons/{quiz.id}/edit"
    form = await client.get(url)
    assert form.status_code == 200
    assert "Two plus two?" in form.text
    assert 'value="50"' in form.text
    # bad input: said clearly, nothing stored
    bad = await client.post(
        url,
        data={
            "csrf_token": token,
            "kind": "QUIZ",
            "title": "Check",
            "passing_score_percent": "500",
        },
    )
    assert bad.status_code == 422
    assert "pass mark between 1 and 100" in bad.text
    assert (await Lesson.get(id=quiz.id)).passing_score_percent == 50
    # a good edit replaces the questions
    good = await client.post(
        url,
        data={
            "csrf_token": token,
            "kind": "QUIZ",
            "rows": "3",
            "choices": "4",
            "title": "Final check",
            "passing_score_percent": "80",
            "max_attempts": "",
            "q1_prompt": "Capital of France?",
            "q1_c1_text": "Paris",
            "q1_c1_correct": "on",
            "q1_c2_text": "Lyon",
        },
    )
    assert good.status_code == 303
    assert "done=lesson-updated" in good.headers["location"]
    saved = await Lesson.get(id=quiz.id)
    assert (saved.title, saved.passing_score_percent, saved.max_attempts) == (
        "Final check",
        80,
        None,
    )
    prompts = [q.prompt for q in await Question.filter(lesson_id=quiz.id)]
    assert prompts == ["Capital of France?"]
    assert await Choice.filter(question__lesson_id=quiz.id).count() == 2


async def test_a_draft_lesson_is_deleted_after_a_confirmation_and_the_rest_move_up(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> None:
    lessons = await _draft(world)
    token = await log_in(client, world.staff, settings)
    url = f"/admin/staff/courses/{world.draft.id}/lessons/{lessons[1].id}/delete"
    ask = await client.get(url)
    assert "Delete lesson 2: “Two”?" in ask.text
    assert await Lesson.filter(course_id=world.draft.id).count() == 4  # asking deletes nothing
    done = await client.post(url, data={"csrf_token": token})
    assert done.status_code == 303
    assert await _titles(world.draft.id) == [(1, "One"), (2, "Three"), (3, "Check")]


async def test_draft_lessons_move_up_and_down(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> None:
    lessons = await _draft(world)
    token = await log_in(client, world.staff, settings)
    base = f"/admin/staff/courses/{world.draft.id}/lessons"
    editor = await client.get(f"/admin/staff/courses/{world.draft.id}")
    assert f'action="{base}/{lessons[0].id}/move"' in editor.text
    _ = await client.post(
        f"{base}/{lessons[2].id}/move", data={"csrf_token": token, "direction": "up"}
    )
    assert await _titles(world.draft.id) == [(1, "One"), (2, "Three"), (3, "Two"), (4, "Check")]
    _ = await client.post(
        f"{base}/{lessons[0].id}/move", data={"csrf_token": token, "direction": "down"}
    )
    assert await _titles(world.draft.id) == [(1, "Three"), (2, "One"), (3, "Two"), (4, "Check")]
    # at the end nothing moves; a made-up direction is refused
    _ = await client.post(
        f"{base}/{lessons[3].id}/move", data={"csrf_token": token, "direction": "down"}
    )
    bad = await client.post(
        f"{base}/{lessons[3].id}/move", data={"csrf_token": token, "direction": "sideways"}
    )
    assert bad.status_code == 400
    assert await _titles(world.draft.id) == [(1, "Three"), (2, "One"), (3, "Two"), (4, "Check")]


async def test_published_courses_stay_frozen_whatever_the_page_or_call(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> None:
    course = world.course.course  # published
    lesson = world.course.video
    before = await _titles(course.id)
    token = await log_in(client, world.staff, settings)
    base = f"/admin/staff/courses/{course.id}/lessons/{lesson.id}"
    editor = await client.get(f"/admin/staff/courses/{course.id}")
    assert "/move" not in editor.text
    assert "/edit" not in editor.text
    for path, data in (
        (
            "/edit",
            {
                "kind": "VIDEO",
                "title": "Changed",
                "duration_seconds": "5",
                "video_url": "https://v.example/a.mp4",
            },
        ),
        ("/delete", {}),
        ("/move", {"direction": "down"}),
    ):
        response = await client.post(base + path, data={"csrf_token": token, **data})
        assert response.status_code == 303, path
        assert response.headers["location"] == f"/admin/staff/courses/{course.id}"
    assert await _titles(course.id) == before
    for call in (
        drafts.delete_lesson(world.staff, course.id, lesson.id),
        drafts.move_lesson(world.staff, course.id, lesson.id, drafts.DOWN),
    ):
        with pytest.raises(CoursePublished):
            await call
    # and a company admin gets no authoring page at all
    _ = await log_in(client, world.admin_x, settings)
    assert (await client.get(f"/admin/staff/courses/{world.draft.id}/publish")).status_code == 403


async def test_publishing_asks_first_and_says_what_it_means(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> None:
    _ = await _draft(world)
    token = await log_in(client, world.staff, settings)
    editor = await client.get(f"/admin/staff/courses/{world.draft.id}")
    assert f'action="/admin/staff/courses/{world.draft.id}/publish"' not in editor.text
    assert f'href="/admin/staff/courses/{world.draft.id}/publish"' in editor.text
    ask = await client.get(f"/admin/staff/courses/{world.draft.id}/publish")
    assert "What publishing means" in ask.text
    assert "frozen" in ask.text
    assert (await Course.get(id=world.draft.id)).status == CourseStatus.DRAFT
    done = await client.post(
        f"/admin/staff/courses/{world.draft.id}/publish", data={"csrf_token": token}
    )
    assert done.status_code == 303
    assert (await Course.get(id=world.draft.id)).status == CourseStatus.PUBLISHED


async def test_the_preview_plays_a_video(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> None:
    _ = await log_in(client, world.staff, settings)
    preview = await client.get(f"/admin/staff/courses/{world.course.course.id}/preview")
    assert '<video class="preview-video" controls' in preview.text
    assert 'src="https://videos.example/welcome.mp4"' in preview.text
    assert "cannot play the video here" in preview.text  # the fallback inside <video>
    assert "media-src 'self' https://videos.example" in preview.headers["content-security-policy"]


async def test_racing_moves_and_deletes_keep_positions_one_to_n(world: World) -> None:
    # given a draft of four lessons, when moves and a delete race (PostgreSQL: row locks)
    lessons = await _draft(world)
    calls = [
        drafts.move_lesson(world.staff, world.draft.id, lessons[1].id, drafts.UP),
        drafts.move_lesson(world.staff, world.draft.id, lessons[2].id, drafts.UP),
        drafts.move_lesson(world.staff, world.draft.id, lessons[0].id, drafts.DOWN),
        drafts.delete_lesson(world.staff, world.draft.id, lessons[3].id),
    ]
    results = await asyncio.gather(*calls, return_exceptions=True)
    assert [r for r in results if isinstance(r, BaseException)] == []
    # then the remaining three hold positions 1..3, each once
    positions = [p for p, _ in await _titles(world.draft.id)]
    assert positions == [1, 2, 3]


async def test_publishing_racing_a_delete_never_leaves_a_published_course_changed(
    world: World,
) -> None:
    lessons = await _draft(world)
    publish = courses.publish_course(world.staff, world.draft.id)
    delete = drafts.delete_lesson(world.staff, world.draft.id, lessons[0].id)
    results = await asyncio.gather(publish, delete, return_exceptions=True)
    course = await Course.get(id=world.draft.id)
    count = await Lesson.filter(course_id=course.id).count()
    assert course.status == CourseStatus.PUBLISHED
    if isinstance(results[1], CoursePublished):
        assert count == 4  # published first: the delete was refused
    else:
        assert results[1] is None
        assert count == 3  # deleted first, then published
