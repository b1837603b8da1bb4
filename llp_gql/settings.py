"""The one settings object, read once from ``LLP_*`` environment variables.

Every limit the server holds has a setting here, and each answers with its own
error code when hit (see SECURITY.md). ``Settings.from_env()`` is called once by
the CLI or the app factory; everything else receives the object.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from llp_gql.client_address import (
    FORWARDED_HEADERS,
    ForwardedHeader,
    Network,
    parse_trusted_proxies,
)
from llp_gql.reminder_offsets import DEFAULT_OFFSETS, Offsets, parse_offsets
from llp_gql.settings_env import (
    _SCHEMES,
    Mode,
    SettingsError,
    SmtpTls,
    _bool,
    _float,
    _int,
    _mail_from,
    _public_base_url,
    _smtp,
    _webhooks,
    secret_problem,
)

__all__ = ["Settings", "SettingsError", "secret_problem"]


@dataclass(frozen=True)
class Settings:
    mode: Mode = "production"
    database_url: str = "sqlite://llp.sqlite3"
    secret_key: str = field(default="", repr=False)
    public_base_url: str = "http://127.0.0.1:8000"

    # Client addresses (llp_gql/client_address.py): forwarded headers count only
    # when the peer is one of these.
    trusted_proxies: tuple[Network, ...] = ()
    forwarded_header: ForwardedHeader = "x-forwarded-for"

    # Learning rules (DESIGN.md section 3).
    video_end_tolerance_seconds: float = 2.0
    video_max_playback_rate: float = 2.0
    video_slack_seconds: float = 5.0

    # Authentication.
    token_ttl_seconds: int = 7 * 24 * 3600
    session_ttl_seconds: int = 8 * 3600
    download_url_ttl_seconds: int = 300
    login_attempts_per_account: int = 10  # per minute
    login_attempts_per_address: int = 30  # per minute
    verify_lookups_per_address: int = 30  # per minute
    sign_ups_per_address: int = 10  # per minute
    # Password hashes (and verifications) at once per process; each takes 64 MiB.
    max_concurrent_hashes: int = 2
    # How often each worker deletes expired sessions, tokens and rate counters; 0 = never.
    prune_interval_seconds: int = 3600

    # GraphQL limits.
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    max_fields: int = 300
    max_query_cost: int = 10_000
    anonymous_queries_per_address: int = 300  # per minute
    refused_queries_per_caller: int = 10  # per minute
    max_body_bytes: int = 1_000_000
    max_page_size: int = 100
    max_batch_operations: int = 1
    max_assign_users: int = 500
    # People one assignCourse may reach once its groups are expanded to their members.
    max_assign_total: int = 10_000
    max_groups_per_company: int = 1000
    introspection: bool = True

    # Email (llp_gql/mail). No SMTP host: mail goes to the outbox table (the embedded default).
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_tls: SmtpTls = "starttls"
    smtp_username: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_timeout_seconds: float = 30.0
    mail_from: str = "LLP certificates <no-reply@localhost>"

    # Password reset (domain/password_reset.py).
    reset_ttl_seconds: int = 3600
    reset_requests_per_address: int = 5  # per minute
    reset_requests_per_account: int = 3  # per minute, per email asked about
    reset_mails_per_account_per_hour: int = 5  # beyond it, silently no mail
    # Invitations (domain/invitations.py): how long an invitation link works.
    invitation_ttl_seconds: int = 7 * 86400
    # Invitations and resends an admin may send in an hour (people invited, resends
    # included), and resends per invited person in an hour (domain/inviting.py).
    invitations_per_admin_per_hour: int = 500
    invitation_resends_per_person_per_hour: int = 3
    # API keys (domain/api_keys.py): made per person per hour; active per company.
    api_keys_per_admin_per_hour: int = 10
    max_api_keys_per_company: int = 20

    # The durable queue (domain/queue.py).
    queue_workers: int = 1  # per process; 0 = this process runs no jobs
    queue_poll_interval_seconds: float = 1.0
    queue_lease_seconds: int = 300
    queue_max_attempts: int = 8
    queue_backoff_seconds: float = 10.0  # the first retry; each next one waits twice as long
    queue_backoff_max_seconds: float = 3600.0
    queue_keep_finished_seconds: int = 7 * 24 * 3600

    # Re-issues a learner may make of their own certificates in 365 days (after a
    # rename, domain/corrections.py); admins re-issuing for employees are not limited.
    self_reissues_per_year: int = 3

    # Company logos (and signature images of certificate templates).
    logo_max_bytes: int = 1_000_000
    logo_max_pixels: int = 4_000_000

    # Employee CSV import (domain/imports): the file, its rows, and how long an
    # uploaded file waits for "Apply" in the admin UI.
    import_max_bytes: int = 5_000_000
    import_max_rows: int = 20_000
    import_keep_seconds: int = 86400
    # Compliance report (domain/reports): rows read per statement batch while streaming.
    report_batch_rows: int = 1000
    # An XLSX is built row by row by openpyxl (about 0.3 ms a row, CPU): larger reports
    # are CSV only (REPORT_TOO_LARGE); see docs/reports.md.
    report_xlsx_max_rows: int = 20_000

    # Due-date reminders (domain/reminders.py) and the admins' weekly digest (how many
    # overdue people it names; the rest are counted).
    reminder_offsets: Offsets = DEFAULT_OFFSETS
    digest_max_names: int = 20

    # Webhooks (domain/webhooks.py, domain/webhook_delivery.py). Private, loopback and
    # other non-public addresses are refused unless webhook_allow_private (tests, a
    # receiver on the same host); plain http only with webhook_allow_http.
    webhook_allow_private: bool = False
    webhook_allow_http: bool = False
    webhook_timeout_seconds: float = 10.0  # per attempt, connect and answer together
    # Attempts of one delivery: the first, then retries after 1 min, 2, 4, ... at most
    # 6 h apart: 13 attempts span about 26 hours (the last about a day after the event).
    webhook_max_attempts: int = 13
    webhook_backoff_seconds: float = 60.0
    webhook_backoff_max_seconds: float = 21600.0
    # A delivery waiting for an earlier one of its ordering key looks again after this.
    webhook_order_wait_seconds: float = 5.0
    webhook_max_per_company: int = 20

    # Open Badges credentials (domain/credentials.py): the largest credential
    # verifyCredential reads (CREDENTIAL_TOO_LARGE beyond it), and how long the DID
    # document and the status lists may be cached by verifiers and proxies.
    max_credential_bytes: int = 65_536
    credential_cache_seconds: int = 60

    @property
    def debug(self) -> bool:
        return self.mode != "production"

    @property
    def is_https(self) -> bool:
        """Whether people reach the service over HTTPS (then browsers get HSTS)."""
        return self.public_base_url.startswith("https://")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def replace(self, **changes: object) -> Settings:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, *, mode: Mode | None = None
    ) -> Settings:
        """Read every setting once; raise SettingsError with a clear message on bad values."""
        env = os.environ if env is None else env
        raw_mode = mode or env.get("LLP_ENV", "production")
        if raw_mode not in ("production", "dev", "demo"):
            raise SettingsError(f"LLP_ENV must be production, dev or demo, got {raw_mode!r}.")
        resolved_mode: Mode = raw_mode  # type: ignore[assignment]
        secret = env.get("LLP_SECRET_KEY", "")
        problem = secret_problem(secret)
        if problem and resolved_mode == "production":
            raise SettingsError(
                f"{problem} Outside dev/demo mode the server needs a strong secret: "
                'set LLP_SECRET_KEY to the output of `python -c "import secrets; '
                'print(secrets.token_urlsafe(48))"`.'
            )
        if problem:
            # Dev and demo get a fresh random key: tokens and links die with the process.
            secret = secrets.token_urlsafe(48)
        debug = resolved_mode != "production"
        public_base_url = _public_base_url(env.get("LLP_PUBLIC_BASE_URL", ""), resolved_mode)
        database_url = env.get("LLP_DATABASE_URL", cls.database_url)
        scheme = database_url.split("://", 1)[0] if "://" in database_url else ""
        if scheme not in _SCHEMES:
            given = scheme or database_url
            raise SettingsError(
                f"LLP_DATABASE_URL must start with sqlite:// or postgres://, got {given!r}."
            )
        try:
            trusted_proxies = parse_trusted_proxies(env.get("LLP_TRUSTED_PROXIES", ""))
        except ValueError as exc:
            raise SettingsError(f"LLP_TRUSTED_PROXIES: {exc}.") from None
        forwarded_header = env.get("LLP_FORWARDED_HEADER", "x-forwarded-for").strip().lower()
        if forwarded_header not in FORWARDED_HEADERS:
            raise SettingsError(
                "LLP_FORWARDED_HEADER must be x-forwarded-for or forwarded, "
                f"got {forwarded_header!r}."
            )
        smtp = _smtp(env)
        try:
            reminder_offsets = parse_offsets(env.get("LLP_REMINDER_OFFSETS", ""))
        except ValueError as exc:
            raise SettingsError(f"LLP_REMINDER_OFFSETS: {exc}.") from None
        queue_lease = _int(env, "LLP_QUEUE_LEASE_SECONDS", cls.queue_lease_seconds, 10)
        webhooks = _webhooks(env, queue_lease)
        # A send that outlives its lease could be taken over and sent again.
        if float(smtp["smtp_timeout_seconds"]) * 2 >= queue_lease:  # type: ignore[arg-type]
            raise SettingsError(
                "LLP_SMTP_TIMEOUT_SECONDS must be less than half of LLP_QUEUE_LEASE_SECONDS, "
                "or a slow send could be taken over by another worker and sent twice."
            )
        return cls(
            mode=resolved_mode,
            database_url=database_url,
            secret_key=secret,
            public_base_url=public_base_url or cls.public_base_url,
            trusted_proxies=trusted_proxies,
            forwarded_header=forwarded_header,
            video_end_tolerance_seconds=_float(env, "LLP_VIDEO_END_TOLERANCE_SECONDS", 2.0),
            video_max_playback_rate=_float(env, "LLP_VIDEO_MAX_PLAYBACK_RATE", 2.0, 0.1),
            video_slack_seconds=_float(env, "LLP_VIDEO_SLACK_SECONDS", 5.0),
            token_ttl_seconds=_int(env, "LLP_TOKEN_TTL_SECONDS", cls.token_ttl_seconds, 60),
            session_ttl_seconds=_int(env, "LLP_SESSION_TTL_SECONDS", cls.session_ttl_seconds, 60),
            download_url_ttl_seconds=_int(env, "LLP_DOWNLOAD_URL_TTL_SECONDS", 300, 5),
            login_attempts_per_account=_int(env, "LLP_LOGIN_ATTEMPTS_PER_ACCOUNT", 10, 1),
            login_attempts_per_address=_int(env, "LLP_LOGIN_ATTEMPTS_PER_ADDRESS", 30, 1),
            verify_lookups_per_address=_int(env, "LLP_VERIFY_LOOKUPS_PER_ADDRESS", 30, 1),
            sign_ups_per_address=_int(env, "LLP_SIGNUPS_PER_ADDRESS", 10, 1),
            max_concurrent_hashes=_int(env, "LLP_MAX_CONCURRENT_HASHES", 2, 1),
            prune_interval_seconds=_int(env, "LLP_PRUNE_INTERVAL_SECONDS", 3600, 0),
            max_query_depth=_int(env, "LLP_MAX_QUERY_DEPTH", 12, 2),
            max_aliases=_int(env, "LLP_MAX_ALIASES", 30, 1),
            max_tokens=_int(env, "LLP_MAX_TOKENS", 2000, 50),
            max_fields=_int(env, "LLP_MAX_FIELDS", cls.max_fields, 10),
            max_query_cost=_int(env, "LLP_MAX_QUERY_COST", cls.max_query_cost, 10),
            anonymous_queries_per_address=_int(
                env, "LLP_ANONYMOUS_QUERIES_PER_ADDRESS", cls.anonymous_queries_per_address, 1
            ),
            refused_queries_per_caller=_int(
                env, "LLP_REFUSED_QUERIES_PER_CALLER", cls.refused_queries_per_caller, 1
            ),
            max_body_bytes=_int(env, "LLP_MAX_BODY_BYTES", 1_000_000, 1024),
            max_page_size=_int(env, "LLP_MAX_PAGE_SIZE", 100, 1),
            max_batch_operations=_int(env, "LLP_MAX_BATCH_OPERATIONS", 1, 1),
            max_assign_users=_int(env, "LLP_MAX_ASSIGN_USERS", 500, 1),
            max_assign_total=_int(env, "LLP_MAX_ASSIGN_TOTAL", cls.max_assign_total, 1),
            max_groups_per_company=_int(
                env, "LLP_MAX_GROUPS_PER_COMPANY", cls.max_groups_per_company, 1
            ),
            introspection=_bool(env, "LLP_INTROSPECTION", debug),
            **smtp,  # type: ignore[arg-type]
            mail_from=_mail_from(
                env.get("LLP_MAIL_FROM", ""), public_base_url or cls.public_base_url
            ),
            reset_ttl_seconds=_int(env, "LLP_RESET_TTL_SECONDS", cls.reset_ttl_seconds, 60),
            reset_requests_per_address=_int(env, "LLP_RESET_REQUESTS_PER_ADDRESS", 5, 1),
            reset_requests_per_account=_int(env, "LLP_RESET_REQUESTS_PER_ACCOUNT", 3, 1),
            reset_mails_per_account_per_hour=_int(
                env, "LLP_RESET_MAILS_PER_ACCOUNT_PER_HOUR", 5, 1
            ),
            invitation_ttl_seconds=_int(
                env, "LLP_INVITATION_TTL_SECONDS", cls.invitation_ttl_seconds, 3600
            ),
            invitations_per_admin_per_hour=_int(
                env, "LLP_INVITATIONS_PER_ADMIN_PER_HOUR", cls.invitations_per_admin_per_hour, 1
            ),
            invitation_resends_per_person_per_hour=_int(
                env,
                "LLP_INVITATION_RESENDS_PER_PERSON_PER_HOUR",
                cls.invitation_resends_per_person_per_hour,
                1,
            ),
            api_keys_per_admin_per_hour=_int(env, "LLP_API_KEYS_PER_ADMIN_PER_HOUR", 10, 1),
            max_api_keys_per_company=_int(env, "LLP_MAX_API_KEYS_PER_COMPANY", 20, 1),
            queue_workers=_int(env, "LLP_QUEUE_WORKERS", 1, 0),
            queue_poll_interval_seconds=_float(env, "LLP_QUEUE_POLL_INTERVAL_SECONDS", 1.0, 0.01),
            queue_lease_seconds=queue_lease,
            queue_max_attempts=_int(env, "LLP_QUEUE_MAX_ATTEMPTS", cls.queue_max_attempts, 1),
            queue_backoff_seconds=_float(env, "LLP_QUEUE_BACKOFF_SECONDS", 10.0, 0.01),
            queue_backoff_max_seconds=_float(env, "LLP_QUEUE_BACKOFF_MAX_SECONDS", 3600.0, 0.01),
            queue_keep_finished_seconds=_int(
                env, "LLP_QUEUE_KEEP_FINISHED_SECONDS", cls.queue_keep_finished_seconds, 0
            ),
            self_reissues_per_year=_int(
                env, "LLP_SELF_REISSUES_PER_YEAR", cls.self_reissues_per_year, 0
            ),
            logo_max_bytes=_int(env, "LLP_LOGO_MAX_BYTES", 1_000_000, 1024),
            logo_max_pixels=_int(env, "LLP_LOGO_MAX_PIXELS", 4_000_000, 1024),
            import_max_bytes=_int(env, "LLP_IMPORT_MAX_BYTES", cls.import_max_bytes, 1024),
            import_max_rows=_int(env, "LLP_IMPORT_MAX_ROWS", cls.import_max_rows, 1),
            import_keep_seconds=_int(env, "LLP_IMPORT_KEEP_SECONDS", cls.import_keep_seconds, 60),
            reminder_offsets=reminder_offsets,
            digest_max_names=_int(env, "LLP_DIGEST_MAX_NAMES", cls.digest_max_names, 1),
            report_batch_rows=_int(env, "LLP_REPORT_BATCH_ROWS", cls.report_batch_rows, 1),
            report_xlsx_max_rows=_int(env, "LLP_REPORT_XLSX_MAX_ROWS", cls.report_xlsx_max_rows, 1),
            max_credential_bytes=_int(
                env, "LLP_MAX_CREDENTIAL_BYTES", cls.max_credential_bytes, 1024
            ),
            credential_cache_seconds=_int(
                env, "LLP_CREDENTIAL_CACHE_SECONDS", cls.credential_cache_seconds, 0
            ),
            **webhooks,  # type: ignore[arg-type]
        )
