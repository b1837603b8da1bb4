"""Permission lists and the sentences every root field's description ends with."""

from __future__ import annotations

from strawberry.permission import BasePermission

from llp_gql.schema.permissions import IsAuthenticated, IsStaff

authenticated: list[type[BasePermission]] = [IsAuthenticated]
staff: list[type[BasePermission]] = [IsAuthenticated, IsStaff]


# Every permission class answers with a code: say it once for the fields that carry one.
_LOGGED_IN = " UNAUTHENTICATED without a login."
_STAFF = " Staff only: UNAUTHENTICATED without a login, FORBIDDEN for others."
_LEARNER = (
    " Only the enrollment's learner: others who may see the enrollment get FORBIDDEN, "
    "everyone else NOT_FOUND." + _LOGGED_IN
)
