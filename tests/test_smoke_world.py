from tests.factories import World


async def test_world_builds_every_role(world: World) -> None:
    # given a fresh database, when the world is built, then every role exists once
    assert len({u.id for u in world.users().values()}) == 8
    assert [lesson.position for lesson in world.course.lessons] == [1, 2, 3, 4]
