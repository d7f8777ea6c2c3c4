"""The `[connector:NAME]` and `[connector_fields:NAME]` sections of central.ini, declared like `[server]`.

The keys are declared here once (motcua.config: name, type, range, default, help) and documented in
docs/CONFIG.md; `central.connectors.config` checks what one key cannot say alone (a key one kind
needs, the token file's mode, the status map's rows) with errors naming the file, the section and
the key.
"""

from motcua.config import Key, Section

KINDS = ("opencps", "dvcqg", "json")
# Fields a [connector_fields:NAME] section maps, in the import's names (central.importers).
FIELDS = (
    "code",
    "procedure_code",
    "procedure_name",
    "holder_name",
    "status",
    "received_at",
    "due_at",
    "extended_due_at",
    "finished_at",
    "returned_at",
    "status_at",
    "modified_at",
    "unit_code",
)

CONNECTOR = Section(
    "connector",
    "A source of dossiers the server reads: the province's one-gate system (OpenCPS), the exchange "
    "platform (the DongBoHoSoMC shape) or any HTTP JSON list. One section per source, named "
    "[connector:NAME] (letters, digits, - or _). `motcua-central sync dossiers --config FILE` runs "
    "one pass; `serve --config FILE` runs each on its interval. No environment overrides.",
    repeated=True,
    keys=[
        Key("kind", "choice", None, "What the source speaks.", choices=KINDS, required=True),
        Key("url", "url", None, "The source's base address, e.g. https://motcua.tinh.gov.vn.", required=True),
        Key(
            "group_id",
            "str",
            "",
            "opencps: the site's groupId header (ask the province).",
            pattern=r"[0-9A-Za-z_-]*",
            shape="the site's group id (digits)",
        ),
        Key(
            "office",
            "str",
            "",
            "The office its dossiers belong to (motcua-central office add); empty: the office whose "
            "unit code begins the dossier code.",
        ),
        Key(
            "token_file",
            "path",
            None,
            "The credential the province issued (opencps, json: the bearer token; dvcqg: the "
            "password), alone in a file only the server's user may read (chmod 600). Never logged.",
        ),
        Key(
            "status_map",
            "path",
            None,
            "A CSV of 'source,national' rows: the source's status (opencps: new, processing, done, "
            "...) and the national status 1-10 it means. Without it, only statuses 1-10 are read. "
            "A dossier in a status the map lacks is left as it was and listed on the dashboard.",
        ),
        Key("interval_seconds", "seconds", 300, "Seconds between two passes under serve.", min=10, max=86400),
        Key("timeout_seconds", "seconds", 20, "Seconds one request to the source may take.", min=1, max=300),
        Key("page_size", "int", 200, "Dossiers asked for per page.", min=1, max=1000),
        Key(
            "live_lookup",
            "bool",
            False,
            "opencps, dvcqg: a kiosk lookup of a code the server lacks or holds stale asks the "
            "source (the receipt's secret passed through, never stored).",
        ),
        Key(
            "lookup_timeout_seconds",
            "seconds",
            3,
            "Seconds a live lookup may wait for the source before the server answers from what it "
            "holds (a kiosk gives up after its [server] timeout_seconds, 5 by default).",
            min=0.2,
            max=30,
        ),
        Key(
            "stale_seconds",
            "seconds",
            900,
            "A dossier read from the source longer ago than this is stale: a live lookup asks again.",
            min=0,
        ),
        Key(
            "auth_url",
            "url",
            None,
            "dvcqg: the login address (POST {username, password} with header dstcode).",
        ),
        Key("username", "str", "", "dvcqg: the account the province issued."),
        Key("dstcode", "str", "", "dvcqg: the dstcode header the platform expects."),
        Key("unit_code", "str", "", "dvcqg: madonvi, the unit whose dossiers are asked for."),
        Key(
            "service",
            "str",
            "LayDanhSachHoSo",
            "dvcqg: the service name that lists dossiers changed since a time (the province says which).",
        ),
        Key(
            "list_path",
            "str",
            "",
            "json: the path of the list under url (e.g. /pa/dossier/search); empty: url itself.",
        ),
    ],
)

CONNECTOR_FIELDS = Section(
    "connector_fields",
    "For a kind = json connector: where each dossier field is in the source's items, as a dotted "
    "path (applicant.data.fullname); one section per connector, [connector_fields:NAME]. code, "
    "procedure_code, holder_name, status and received_at are needed.",
    repeated=True,
    keys=[
        Key(
            "items",
            "str",
            "",
            "Where the list is in the answer (content, data.items); empty: the answer itself, or its "
            "data, items, content or result.",
        ),
        *[Key(name, "str", "", f"The source's field for {name}.") for name in FIELDS],
        Key("page_param", "str", "", "The query parameter of the page number; empty: one request."),
        Key("size_param", "str", "size", "The query parameter of the page size."),
        Key("first_page", "int", 0, "The number of the first page (0 or 1).", min=0, max=1),
        Key("since_param", "str", "", "The query parameter given the cursor (the last modified_at seen)."),
    ],
)

SECTIONS = [CONNECTOR, CONNECTOR_FIELDS]
