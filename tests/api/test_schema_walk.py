"""R2: the schema walk. Every field reachable from Query and Mutation is guarded or
deliberately open.

- a root field (Query, Mutation) is in ``PUBLIC_FIELDS`` or carries a permission class;
- any other field carries a permission class or is in ``OPEN_FIELDS`` below, with the
  reason it may be read by whoever reaches its object.

A field added to the schema fails this test until someone decides which it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pytest
import strawberry
from graphql import GraphQLInterfaceType, GraphQLObjectType, GraphQLUnionType, get_named_type
from strawberry.schema.schema_converter import GraphQLCoreConverter

from llp_gql.schema.permissions import IsAuthenticated
from llp_gql.schema.root import PUBLIC_FIELDS
from llp_gql.settings import Settings
from llp_gql.transport import build_schema


def _open(type_name: str, names: str, reason: str) -> dict[str, str]:
    return {f"{type_name}.{name}": reason for name in names.split()}


OPEN_FIELDS: dict[str, str] = {
    **_open(
        "Course",
        "id title description status",
        "public catalogue (drafts are NOT_FOUND for non-staff in access_course)",
    ),
    **_open("Course", "lessons", "the outline is public; lesson content is guarded per field"),
    **_open("Course", "creditHours", "public: the hours a course's certificates print"),
    **_open(
        "Lesson",
        "id position kind title durationSeconds",
        "public outline of a course: titles, kinds, lengths",
    ),
    **_open("Lesson", "quiz", "a container; its questions are guarded (CanSeeLessonContent)"),
    **_open(
        "Quiz",
        "passingScorePercent maxAttempts questionCount",
        "the rules of a quiz, shown before enrolling",
    ),
    **_open(
        "Question",
        "id prompt multipleAnswers choices",
        "reached only through Quiz.questions (CanSeeLessonContent)",
    ),
    **_open("Choice", "id text", "reached only through Quiz.questions; isCorrect is guarded"),
    **_open(
        "Company",
        "id name hasLogo",
        "only the viewer's own company, or the company of a person they may see",
    ),
    **_open(
        "ApiKey",
        "id name prefix scopes createdAt lastUsedAt revokedAt createdBy",
        "reached only through apiKeys (access_keys.visible_api_keys), Company.apiKeys "
        "(CanManageApiKeys) and the key mutations (access_keys.access_api_key)",
    ),
    **_open("CreatedApiKey", "key apiKey", "only the answer of createApiKey, to its maker"),
    **_open(
        "Enrollment",
        "id source completedAt course learner assignedBy status progressPercent lessons "
        "blockers certificate dueAt isOverdue",
        "reached only through access-checked roots (enrollment, myEnrollments, the "
        "company lists, the learner's own mutations)",
    ),
    **_open(
        "LessonProgress",
        "lesson status coveredSeconds bestScorePercent attemptsUsed attemptsLeft "
        "completedAt lastSavedAt",
        "part of an enrollment the viewer may see",
    ),
    **_open(
        "CompletionBlocker",
        "lesson reason detail",
        "part of an enrollment the viewer may see (learners and admins see blockers)",
    ),
    **_open(
        "Certificate",
        "id issuedAt courseTitle learnerName canDownload",
        "that a certificate exists is visible with its enrollment (DESIGN.md 2)",
    ),
    **_open(
        "Certificate",
        "creditHours templateVersion",
        "what is printed, like courseTitle: visible with its enrollment",
    ),
    **_open(
        "Certificate",
        "linkedInUrl",
        "null unless access.may_download_certificate for an individual's own (SELF) "
        "certificate, decided in the resolver: a null, not FORBIDDEN, for everyone else",
    ),
    **_open(
        "CertificateTemplate",
        "isPlatformDefault version signatoryName signatoryTitle hasSignatureImage "
        "issuerLine accentColour updatedAt",
        "reached only through certificateTemplate and setCertificateTemplate, which "
        "access.template_scope refuses to anyone but staff and company admins",
    ),
    **_open(
        "User",
        "id email name accountType role company isActive deactivatedAt invitationPending",
        "the viewer, people in an enrollment they may see, or their company's employees",
    ),
    **_open(
        "User",
        "reportSubscriptions",
        "the viewer's own only: empty for anyone else's User (the resolver compares ids)",
    ),
    **_open(
        "ReportSubscription",
        "kind subscribedAt lastSentWeek",
        "reached only as User.reportSubscriptions of the viewer, or the subscribe answer",
    ),
    **_open("User", "group", "the group of a person the viewer may see (its name, nothing more)"),
    **_open(
        "Group",
        "id name",
        "reached as User.group (a person the viewer may see) or Company.groups (its admins); "
        "memberCount is guarded",
    ),
    **_open("AuthPayload", "token expiresAt user", "returned to the one who just logged in"),
    **{
        coordinate: "the answer of importEmployees, which only a company admin gets "
        "(the domain refuses everyone else before any row is read)"
        for type_name, names in (
            ("ImportResult", "applied totals newGroups rows"),
            (
                "ImportTotals",
                "rows new updated unchanged errors newAssignments alreadyAssigned newGroups",
            ),
            ("ImportRow", "row email name outcome reason message group dueDate courses"),
            ("ImportCourse", "ref courseId title assignment"),
        )
        for coordinate in _open(type_name, names, "")
    },
    **_open("ProgressResult", "lessonProgress enrollment video", "the learner's own progress call"),
    **_open(
        "VideoReport",
        "addedSeconds refusedSeconds acceptedToSecond claimableSeconds retryAfterSeconds",
        "the learner's own video report, answered to them",
    ),
    **_open(
        "QuizResult",
        "scorePercent passed attemptsLeft lessonProgress enrollment",
        "the learner's own quiz submission",
    ),
    **_open(
        "CertificateVerification",
        "status courseTitle learnerName issuedAt withdrawnAt companyName replacedAt "
        "creditHours code",
        "public verification by code (DESIGN.md 2: anyone)",
    ),
    **_open(
        "CredentialVerification",
        "status issuedAt learnerName courseTitle withdrawnAt keyId",
        "public check of a presented credential: only what the holder already shows",
    ),
    **{
        f"{conn}.{name}": "pagination plumbing; the lists themselves are guarded"
        for kind in ("Course", "Enrollment", "User")
        for conn, names in (
            (f"{kind}Connection", "edges pageInfo totalCount"),
            (f"{kind}Edge", "cursor node"),
        )
        for name in names.split()
    },
    **_open("PageInfo", "hasNextPage hasPreviousPage startCursor endCursor", "pagination plumbing"),
    **_open(
        "Webhook",
        "id url events description createdAt disabledAt isActive",
        "reached only through webhooks and the webhook mutations, whose domain functions "
        "admit the company's admins alone (access_webhooks)",
    ),
    **_open("WebhookCreated", "webhook secret", "the answer to its creator, a company admin"),
    **_open(
        "WebhookDelivery",
        "id eventId eventType state attempts lastStatus lastError createdAt nextAttemptAt "
        "deliveredAt payload",
        "reached only through webhookDeliveries and resendWebhookDelivery (access_webhooks)",
    ),
    **_open("WebhookDeliveryConnection", "edges pageInfo totalCount", "pagination plumbing"),
    **_open("WebhookDeliveryEdge", "cursor node", "pagination plumbing"),
}


def walk(
    schema: strawberry.Schema, public_roots: Iterable[str], open_fields: Mapping[str, str]
) -> tuple[int, list[str], list[str]]:
    """(fields walked, unguarded fields, stale entries of the two lists)."""
    graphql_schema = schema._schema
    roots = [t for t in (graphql_schema.query_type, graphql_schema.mutation_type) if t]
    root_names = {t.name for t in roots}
    todo: list[GraphQLObjectType] = list(roots)
    seen: set[str] = set()
    walked, unguarded = 0, []
    reached: set[str] = set()
    while todo:
        object_type = todo.pop()
        if object_type.name in seen:
            continue
        seen.add(object_type.name)
        for name, graphql_field in object_type.fields.items():
            walked += 1
            definition = graphql_field.extensions[GraphQLCoreConverter.DEFINITION_BACKREF]
            coordinate = f"{object_type.name}.{name}"
            reached.add(name if object_type.name in root_names else coordinate)
            listed = (
                name in public_roots
                if object_type.name in root_names
                else coordinate in open_fields
            )
            if not definition.permission_classes and not listed:
                unguarded.append(coordinate)
            field_type = get_named_type(graphql_field.type)
            if isinstance(field_type, GraphQLObjectType):
                todo.append(field_type)
            elif isinstance(field_type, GraphQLInterfaceType | GraphQLUnionType):
                todo.extend(graphql_schema.get_possible_types(field_type))
    stale = sorted((set(public_roots) | set(open_fields)) - reached)
    return walked, sorted(unguarded), stale


def test_every_reachable_field_is_guarded_or_deliberately_open(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    # given the schema the server runs
    schema = build_schema(settings)
    # when every field reachable from the roots is walked
    walked, unguarded, stale = walk(schema, PUBLIC_FIELDS, OPEN_FIELDS)
    with capsys.disabled():
        print(f"\nR2: {len(unguarded)} unguarded fields ({walked} fields walked)")
    # then each is guarded or listed, and the lists name only fields that exist
    assert walked > 100
    assert unguarded == []
    assert stale == []


def test_open_fields_carry_no_permission_they_would_hide(settings: Settings) -> None:
    """A listed field that gained a permission class should leave the list."""
    graphql_schema = build_schema(settings)._schema
    guarded = []
    for coordinate in OPEN_FIELDS:
        type_name, name = coordinate.split(".")
        object_type = graphql_schema.type_map[type_name]
        assert isinstance(object_type, GraphQLObjectType)
        definition = object_type.fields[name].extensions[GraphQLCoreConverter.DEFINITION_BACKREF]
        if definition.permission_classes:
            guarded.append(coordinate)
    assert guarded == []


# -- the walker catches what it must -----------------------------------------------------


@strawberry.type
class Secret:
    value: str

    @strawberry.field(permission_classes=[IsAuthenticated])
    def guarded(self) -> str:
        return "ok"


@strawberry.type
class TinyQuery:
    hello: str = "hi"

    @strawberry.field(permission_classes=[IsAuthenticated])
    def secret(self) -> Secret:
        return Secret(value="x")


TINY = strawberry.Schema(query=TinyQuery)


def test_walker_reports_a_nested_unguarded_field_behind_a_guarded_root() -> None:
    # a guard on the root does not excuse the fields below it
    _, unguarded, _ = walk(TINY, {"hello"}, {})
    assert unguarded == ["Secret.value"]


def test_walker_reports_an_unlisted_root_field() -> None:
    _, unguarded, _ = walk(TINY, set(), {"Secret.value": "test"})
    assert unguarded == ["TinyQuery.hello"]


def test_walker_reports_stale_list_entries() -> None:
    _, unguarded, stale = walk(TINY, {"hello", "gone"}, {"Secret.value": "t", "Secret.old": "t"})
    assert unguarded == []
    assert stale == ["Secret.old", "gone"]
