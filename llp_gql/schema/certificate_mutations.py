"""The mutations of certificates: templates, course hours, re-issue. ``Mutation``
(schema/root.py) inherits them; bodies in resolvers/templates.py."""

from __future__ import annotations

import strawberry

from llp_gql.resolvers import templates as template_resolvers
from llp_gql.schema.certificates import CertificateType
from llp_gql.schema.courses import CourseType
from llp_gql.schema.templates import CertificateTemplateType
from llp_gql.schema.wording import _LOGGED_IN, _STAFF, authenticated, staff


@strawberry.type(description="Mutations about certificates (merged into Mutation).")
class CertificateMutations:
    set_certificate_template: CertificateTemplateType = strawberry.mutation(
        resolver=template_resolvers.set_certificate_template,
        permission_classes=authenticated,
        description="Save your certificate template: staff the platform default, company "
        "admins their company's (FORBIDDEN for others). Certificates issued from now on "
        "print it; issued ones keep theirs (re-issue to update one). VALIDATION names the "
        "field at fault (signatoryName, signatoryTitle, issuerLine, accentColour, "
        "signatureImage). Audited." + _LOGGED_IN,
    )
    set_course_credit_hours: CourseType = strawberry.mutation(
        resolver=template_resolvers.set_course_credit_hours,
        permission_classes=staff,
        description="Set or remove the hours / CPD credits printed on a course's "
        "certificates, published courses included (hours do not change completion). "
        "Issued certificates keep theirs. VALIDATION (field creditHours) out of range; "
        "NOT_FOUND for a course that does not exist. Audited." + _STAFF,
    )
    reissue_certificate: CertificateType = strawberry.mutation(
        resolver=template_resolvers.reissue_certificate,
        permission_classes=authenticated,
        description="Replace a certificate by a corrected one: a new certificate with a new "
        "code and a fresh snapshot (the learner's current name, the current template and "
        "hours; the completion date stays). The old code then verifies as REPLACED with "
        "the date, nothing personal. The admins of the company that assigned the course "
        "may; an individual learner may for their own certificate only after correcting "
        "their name (renameUser; VALIDATION while the printed name is the current one) and "
        "at most LLP_SELF_REISSUES_PER_YEAR times in 365 days (SELF_REISSUE_LIMIT). "
        "Others who may see it get FORBIDDEN, everyone else NOT_FOUND; CONFLICT when it was "
        "re-issued or withdrawn a moment ago; VALIDATION (field reason) for an unknown "
        "reason. Audited; announced to the company's webhooks as certificate.replaced."
        + _LOGGED_IN,
    )
