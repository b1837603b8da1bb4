"""Employee CSV import (DESIGN.md 4c "Import"; docs/import.md): parse, check, preview,
apply. Modules: ``parse`` (the file), ``rows`` (each row alone), ``plan`` (against
the database, batched), ``apply`` (one transaction), ``service`` (entry points)."""

from llp_gql.domain.imports.codes import Assignment, ImportFileError, Outcome, Reason
from llp_gql.domain.imports.plan import CourseResult, ImportPreview, RowResult, Totals
from llp_gql.domain.imports.service import (
    StoredImport,
    apply_stored,
    import_csv,
    prune_uploads,
    stored_preview,
    template_csv,
    upload,
)

__all__ = [
    "Assignment",
    "CourseResult",
    "ImportFileError",
    "ImportPreview",
    "Outcome",
    "Reason",
    "RowResult",
    "StoredImport",
    "Totals",
    "apply_stored",
    "import_csv",
    "prune_uploads",
    "stored_preview",
    "template_csv",
    "upload",
]
