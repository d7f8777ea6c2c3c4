"""Every table of the central server, in one place (SQLAlchemy Core; SQLite and PostgreSQL).

Times are stored as naive UTC (`DateTime` without zone) so both engines behave the same; the API
converts to +07:00 on the way out. JSON-ish columns (lists, nested catalogue items) are TEXT.
"""

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from motcua import commands

metadata = MetaData()

offices = Table(
    "offices",
    metadata,
    Column("code", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("unit_code", String(64), unique=True),  # e.g. 000.00.31.H29, the prefix of dossier codes
)

admins = Table(
    "admins",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(128), nullable=False, unique=True),
    Column("password_hash", Text),  # scrypt$n$r$p$salt$hash, or null for token-only admins
    Column("created_at", DateTime, nullable=False),
    Column("disabled_at", DateTime),  # set: its tokens and dashboard sessions stop working (0008)
)

admin_tokens = Table(
    "admin_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("admin_id", Integer, ForeignKey("admins.id"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),  # sha256 hex, never the token
    Column("created_at", DateTime, nullable=False),
    Column("revoked_at", DateTime),
)

devices = Table(
    "devices",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),  # kiosk | rating
    Column("office_code", String(64), ForeignKey("offices.code"), nullable=False),
    Column("counter", Integer),
    Column("name", Text, nullable=False, server_default=""),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime, nullable=False),
    Column("revoked_at", DateTime),
    # Last heartbeat, shown on the dashboard's device list.
    Column("last_seen_at", DateTime),
    Column("app", String(16)),
    Column("version", String(64)),
    Column("pending", Integer),
    Column("oldest_pending_age_s", Integer),
    Column("last_sync_at", DateTime),
    Column("catalogue_version", String(64)),
    Column("errors", Text),  # JSON list of strings from the last heartbeat
    # device_seq numbers this device sent that another rating already had (its store was lost or
    # damaged); each such rating was numbered again by the device and stored.
    Column("seq_clashes", Integer, nullable=False, server_default="0"),
    Column("last_seq_clash_at", DateTime),
    Column("quarantined", Integer),  # items the device set aside (the server refused them), last heartbeat
    Column("quarantine_reason", Text),  # the oldest quarantined item's reason
    Column("quarantine_items", Text),  # JSON list of {id, device_seq, created_at, reason, score}, no personal data
    Column("max_seq", Integer, nullable=False, server_default="0"),  # highest device_seq stored
)

# What a device may be asked on its heartbeat; retry_quarantined is for rating tablets (a kiosk ignores it).
COMMANDS = commands.NAMES  # what a server may queue for a device (motcua.commands carries them out)

device_commands = Table(
    "device_commands",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("device_id", Integer, ForeignKey("devices.id"), nullable=False),
    Column("name", String(32), nullable=False),  # one of COMMANDS
    Column("created_at", DateTime, nullable=False),
    Column("delivered_at", DateTime),
)

staff = Table(
    "staff",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("office_code", String(64), ForeignKey("offices.code"), nullable=False),
    Column("name", Text, nullable=False),
    Column("title", Text, nullable=False, server_default=""),
    Column("counter", Integer),
    Column("photo", LargeBinary),
    Column("photo_type", String(32)),
    Column("pin_hash", Text),  # pbkdf2_sha256$iterations$salt$hash, checked offline by tablets
    Column("active", Boolean, nullable=False, server_default=text("true")),
)

# The offices an officer belonged to before a move (and since): a rating made before the move is
# judged against the office of its time. An officer never moved has no rows; staff.office_code is current.
staff_offices = Table(
    "staff_offices",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("staff_id", Integer, ForeignKey("staff.id"), nullable=False),
    Column("office_code", String(64), ForeignKey("offices.code"), nullable=False),
    Column("from_at", DateTime),  # null: since the officer was added
    Column("to_at", DateTime),  # null: still there
    Index("ix_staff_offices_staff", "staff_id", "office_code"),
)

procedures = Table(
    "procedures",
    metadata,
    Column("code", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("field_code", String(64), nullable=False, server_default=""),
    Column("field_name", Text, nullable=False, server_default=""),
    Column("item", Text, nullable=False),  # the API item as JSON (docs/ARCHITECTURE.md shape)
    Column("change_seq", Integer, nullable=False),  # catalogue change counter; the sync cursor
    Column("deleted", Boolean, nullable=False, server_default=text("false")),
    Column("updated_at", DateTime, nullable=False),
    # The national portal's id (a UUID; 0014): its page dichvucong.gov.vn/thu-tuc-hanh-chinh/{id} and
    # the detail `sync procedures` asks for. NULL: none known (no QR, no link on slips).
    Column("portal_id", String(36)),
)
Index("ix_procedures_change_seq", procedures.c.change_seq)

dossiers = Table(
    "dossiers",
    metadata,
    Column("code", String(64), primary_key=True),
    Column("office_code", String(64), ForeignKey("offices.code"), nullable=False),
    Column("procedure_code", String(64), nullable=False),
    Column("procedure_name", Text, nullable=False, server_default=""),
    Column("holder_name", Text, nullable=False),  # personal data: only masked on the API
    Column("phone", String(32)),  # personal data: never on the API
    Column("status", Integer, nullable=False),  # national TrangThaiHoSo 1..10
    Column("status_at", DateTime),  # when the current status was entered
    Column("received_at", DateTime, nullable=False),
    Column("due_at", DateTime),
    Column("finished_at", DateTime),
    Column("returned_at", DateTime),
    Column("secret_hash", String(64)),  # keyed hash of the receipt's mã tra cứu (security.secret_hash)
    Column("updated_at", DateTime, nullable=False),
    # The settled verdict (central.rules.settled), written with the dossier by the importer's check
    # and backfilled by migration 0004: reports count finished dossiers in SQL. NULL while open.
    Column("finished_effective_at", DateTime),  # the finish the rule uses (finish, return, 3/8)
    Column("on_time", Boolean),  # NULL: open, withdrawn or without due date
    Column("supplement_s", Integer),  # seconds in status 5 added to due_at
    Column("verdict_rule", Integer),  # rules.RULE_VERSION that judged it; NULL: never judged
    # Where it came from (0015): a connector's name, "push" (POST /api/v1/admin/dossiers) or NULL (an
    # import); the source's own id; a hash of what the source last said; when it was last read there.
    Column("source", String(64)),
    Column("source_id", String(128)),
    Column("source_hash", String(64)),
    Column("synced_at", DateTime),
    # Reporting facts (REPORTING.md, migration 0013). channel: 1 trực tiếp, 2 trực tuyến, 3 bưu chính
    # công ích (NULL: not known, counted with trực tiếp). received_at is the acceptance (tiếp nhận);
    # due_at the appointment on the receipt (ngày hẹn trả gốc), extended_due_at the current one after
    # an apology letter (Mẫu 04, apology_at); the dossier stays judged against due_at.
    Column("channel", Integer),
    Column("submitted_at", DateTime),
    Column("extended_due_at", DateTime),
    Column("apology_at", DateTime),
    Column("complaint", Text),  # a complaint (phản ánh, kiến nghị) about the dossier, as recorded
    Column("complaint_at", DateTime),
    # The settled classification (central.rules): early | on_time | late for a dossier that reached an
    # end status (9, 10, 8, 7, 3 after acceptance); NULL while open. accepted: counted as received
    # (false for status 1 and for a refusal at the counter).
    Column("verdict", String(8)),
    Column("accepted", Boolean),
)
Index("ix_dossiers_office_received", dossiers.c.office_code, dossiers.c.received_at)
# Covers the reports' GROUP BY over finished dossiers (procedure and code: by procedure, 766 figure).
Index(
    "ix_dossiers_office_finished",
    dossiers.c.office_code,
    dossiers.c.finished_effective_at,
    dossiers.c.on_time,
    dossiers.c.verdict_rule,
    dossiers.c.procedure_code,
    dossiers.c.code,
)
Index("ix_dossiers_verdict_rule", dossiers.c.verdict_rule)  # rows to judge afresh (not by the current rule)
# Biểu 06 of all offices: the dossiers open at a period's end (NULL, or ended after it) (migration 0018).
Index("ix_dossiers_finished_effective", dossiers.c.finished_effective_at)
# A name for procedures the catalogue lacks: max(procedure_name) of a code is one index seek.
Index("ix_dossiers_procedure", dossiers.c.procedure_code, dossiers.c.procedure_name)

dossier_steps = Table(
    "dossier_steps",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dossier_code", String(64), ForeignKey("dossiers.code"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("unit", Text, nullable=False, server_default=""),
    Column("status", Integer),  # the dossier status during this step (5 = supplement requested)
    Column("started_at", DateTime),
    Column("finished_at", DateTime),
    Column("due_at", DateTime),
)
Index("ix_dossier_steps_dossier", dossier_steps.c.dossier_code, dossier_steps.c.position)
Index("ix_dossier_steps_status", dossier_steps.c.status, dossier_steps.c.dossier_code)  # 3/5/8 for the rule

ratings = Table(
    "ratings",
    metadata,
    Column("id", String(36), primary_key=True),  # UUID made on the tablet: the exactly-once key
    Column("device_id", Integer, ForeignKey("devices.id"), nullable=False),
    Column("device_seq", Integer, nullable=False),
    Column("created_at", DateTime, nullable=False),  # device clock
    Column("received_at", DateTime, nullable=False),  # server clock
    Column("office_code", String(64), nullable=False),
    Column("counter", Integer),
    Column("staff_id", Integer),
    Column("scale", Integer, nullable=False),
    Column("score", Integer, nullable=False),
    Column("reasons", Text, nullable=False, server_default="[]"),  # JSON list of codes
    Column("comment", Text),
    Column("phone", String(32)),  # personal data: call-back list only
    Column("dossier_code", String(64)),
    Column("content_hash", String(64), nullable=False),  # duplicate vs conflict
    # Recorded less than rules.QUICK_SECONDS after the tablet's previous rating (ratings.mark_quick).
    Column("quick", Boolean, nullable=False, server_default=text("false")),
    UniqueConstraint("device_id", "device_seq", name="uq_ratings_device_seq"),
)
Index(
    "uq_ratings_office_dossier",
    ratings.c.office_code,
    ratings.c.dossier_code,
    unique=True,
    sqlite_where=ratings.c.dossier_code.isnot(None),
    postgresql_where=ratings.c.dossier_code.isnot(None),
)
Index("ix_ratings_office_created", ratings.c.office_code, ratings.c.created_at)
# Covers the reports' rating counts per hour (migration 0004).
Index("ix_ratings_office_created_score", ratings.c.office_code, ratings.c.created_at, ratings.c.scale, ratings.c.score)

# The reports' quick-rating counts read only the (few) quick ratings of a period (migration 0006).
Index("ix_ratings_quick_created", ratings.c.quick, ratings.c.created_at, ratings.c.office_code)
# The call-back list: ratings that left a phone number, newest first (migration 0009).
Index(
    "ix_ratings_callback_created",
    ratings.c.created_at,
    ratings.c.office_code,
    sqlite_where=ratings.c.phone.isnot(None),
    postgresql_where=ratings.c.phone.isnot(None),
)

# A citizen who left a phone number was called back (central.callbacks): by whom, when, what was said.
callbacks = Table(
    "callbacks",
    metadata,
    Column("rating_id", String(36), ForeignKey("ratings.id"), primary_key=True),
    Column("admin_id", Integer, ForeignKey("admins.id"), nullable=False),
    Column("done_at", DateTime, nullable=False),
    Column("note", Text),  # may name the citizen or the number: shown on the call-back list only
)

rating_gaps = Table(
    "rating_gaps",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("device_id", Integer, ForeignKey("devices.id"), nullable=False),
    Column("from_seq", Integer, nullable=False),
    Column("to_seq", Integer, nullable=False),
    Column("detected_at", DateTime, nullable=False),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("device_id", Integer, ForeignKey("devices.id"), primary_key=True),
    Column("key", String(64), primary_key=True),
    Column("response", Text, nullable=False),  # the JSON body answered the first time
    Column("created_at", DateTime, nullable=False),
)
Index("ix_idempotency_keys_created", idempotency_keys.c.created_at)

server_meta = Table(
    "server_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),  # e.g. demo_seeded_at: the "now" the demo data was made for
)

# Dossier lookups that found nothing, per token (central.api.lookups): counted in the database so
# every server process spends one budget. One row per token: its current window and misses in it.
lookup_misses = Table(
    "lookup_misses",
    metadata,
    Column("key", String(64), primary_key=True),  # the token's hash (Caller.token_key)
    Column("window_start", Float, nullable=False),  # epoch seconds of the window's first miss
    Column("misses", Integer, nullable=False),
)

# Kiosk searches that found nothing or were not tapped (motcua/missed.py, migration 0016): per kiosk,
# office day and folded query, the highest total the kiosk reported (a total sent twice counts once).
missed_searches = Table(
    "missed_searches",
    metadata,
    Column("device_id", Integer, ForeignKey("devices.id"), primary_key=True),
    Column("day", String(10), primary_key=True),  # the office day, YYYY-MM-DD (no finer time is kept)
    Column("query", String(80), primary_key=True),  # folded text (motcua.missed.key), never personal-looking
    Column("outcome", String(8), primary_key=True),  # none (nothing offered) | untapped (nothing tapped)
    Column("office_code", String(64), ForeignKey("offices.code"), nullable=False),
    Column("count", Integer, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)
Index("ix_missed_searches_office_day", missed_searches.c.office_code, missed_searches.c.day)

# One row per [connector:NAME] of central.ini (central.connectors, migration 0015): where its next
# pass resumes, which server process holds it, its last pass and error, statuses its map lacked.
connectors = Table(
    "connectors",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("url", Text, nullable=False),
    Column("cursor", Text),  # the source's modified time of the newest dossier a complete pass read
    Column("lease_owner", String(64)),  # the server process running it (host:pid:random)
    Column("lease_until", Float),  # epoch seconds; past it another process may take the lease
    Column("last_run_at", DateTime),
    Column("last_success_at", DateTime),
    Column("last_error", Text),  # names the URL and the cause; never a credential
    Column("last_error_at", DateTime),
    Column("added", Integer, nullable=False, server_default="0"),  # the last complete pass's counts
    Column("updated", Integer, nullable=False, server_default="0"),
    Column("unchanged", Integer, nullable=False, server_default="0"),
    Column("skipped", Integer, nullable=False, server_default="0"),
    Column("unknown_statuses", Text),  # JSON {source status: {count, example code}} of the last pass
)

# One row per month (and office, "" for all) of the rating aggregate sent upward (central.upward,
# migration 0017): the body last built, whether the platform took it, the next try after a failure,
# and which server process holds it while sending (migration 0019).
upward_pushes = Table(
    "upward_pushes",
    metadata,
    Column("month", String(7), primary_key=True),  # YYYY-MM
    Column("office_code", String(64), primary_key=True),  # "" = all offices
    Column("body", Text, nullable=False),  # the JSON sent (aggregates only, nothing personal)
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("last_attempt_at", DateTime),
    Column("sent_at", DateTime),  # set once the platform accepted it
    Column("next_try_at", DateTime),  # None once sent
    Column("last_error", Text),  # names the URL and the cause; never the secret or the token
    Column("lease_owner", String(64)),  # the server process sending it now or last (central.leases, 0019)
    Column("lease_until", Float),  # epoch seconds; past it another process may take the month over
)
