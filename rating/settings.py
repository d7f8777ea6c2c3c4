"""The rating tablet's own config sections: [rating], [reasons], [theme] (common ones: motcua.settings)."""

from motcua.config import Config, ConfigError, Key, Section, load_config
from motcua.settings import device_schema, theme_section

from rating.texts import DEFAULT_REASONS, SCALE_LABELS

RATING = Section(
    "rating",
    "The counter this tablet faces and how a citizen rates.",
    [
        Key(
            "counter", "int", 1, "Counter number (quầy số) shown on screen and sent with every rating.", min=1, max=999
        ),
        Key(
            "staff_id",
            "str",
            "",
            "Officer on duty by staff id from the server's staff list; empty = the "
            "officer signs in on the tablet with their name and PIN.",
            pattern=r"\d*",
            shape="a staff id (digits)",
        ),
        Key(
            "scale",
            "int",
            3,
            "Levels of the scale: 3 (Rất hài lòng / Hài lòng / Không hài lòng: the levels of the Decree 61/2018 "
            "evaluation, still used by most one-stop software; Decree 118/2025's are unverified), 4 or 5.",
            min=3,
            max=5,
        ),
        Key(
            "labels_vi",
            "str",
            "",
            "Vietnamese labels of the levels, best first, separated by |; empty = the standard labels of the scale.",
        ),
        Key("labels_en", "str", "", "English labels of the levels, best first, separated by |."),
        Key(
            "cooldown_seconds",
            "seconds",
            20,
            "After a rating, taps are ignored this long (anti-stuffing); the citizen sees why.",
            min=0,
            max=3600,
        ),
        Key(
            "prompt_timeout_seconds",
            "seconds",
            30,
            "Every prompt goes back to the idle screen after this long without a touch.",
            min=5,
            max=600,
        ),
        Key("thanks_seconds", "seconds", 5, "How long the thank-you screen stays.", min=1, max=60),
        Key(
            "keep_vote_on_timeout",
            "bool",
            True,
            "When a citizen taps a face and walks away on the reasons "
            "or dossier step, keep the tapped score (without unconfirmed reasons or comment).",
        ),
        Key(
            "dossier_link",
            "bool",
            True,
            "Ask the citizen to scan the receipt so the rating names the "
            "dossier (one rating per dossier); scanning on the idle screen also starts a rating.",
        ),
        Key("require_service_done", "bool", False, "Ratings only after the officer marks the service done."),
        Key(
            "officer_button",
            "bool",
            True,
            "Show the officer's 'Đã phục vụ xong' button on the idle screen (used when require_service_done = yes).",
        ),
    ],
)
REASONS = Section(
    "reasons",
    "What a citizen may tell after a low score (below the middle of the scale).",
    [
        Key("ask", "bool", True, "Show the reasons screen after a low score."),
        Key(
            "codes",
            "list",
            list(DEFAULT_REASONS),
            "Reason codes sent to the server, in screen order. A code "
            "other than the standard ones must first be listed in the server's [server] custom_reason_codes, "
            "or the server refuses its ratings (invalid:reasons).",
        ),
        Key(
            "labels_vi",
            "str",
            "",
            "Vietnamese labels for the codes, same order, separated by |; empty = "
            "the standard labels of the standard codes.",
        ),
        Key("labels_en", "str", "", "English labels for the codes, same order, separated by |."),
        Key("comment", "bool", True, "Offer a free comment typed on the Vietnamese on-screen keyboard."),
        Key(
            "phone",
            "bool",
            True,
            "Offer a phone number for a call-back (personal data: stored, never logged or shown).",
        ),
    ],
)
THEME = theme_section(
    "Colours (#rrggbb); empty keeps the shared high-contrast theme.",
    [Key("danger", "colour", None, "Colour of the notices that explain an ignored tap.")],
)
SECTIONS = [RATING, REASONS, THEME]
SCHEMA = device_schema("rating", SECTIONS, "rating tablet")


def load(path, env: dict | None = None) -> Config:
    """The tablet's config file loaded and checked (motcua.config.ConfigError lists every problem)."""
    return load_config(path, SCHEMA, env)


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split("|")] if text.strip() else []


def scale_labels(cfg) -> dict:
    """{score: (vi, en)} for the configured scale; configured labels win over the standard ones."""
    scale = cfg.rating.scale
    labels = dict(SCALE_LABELS[scale])
    order = sorted(labels, reverse=True)
    for lang_index, key in ((0, "labels_vi"), (1, "labels_en")):
        given = _split(cfg.rating[key])
        if given and len(given) != scale:
            raise ConfigError(
                f"[rating] {key}: {len(given)} labels for a {scale}-level scale; "
                f"give {scale}, best first, separated by |"
            )
        for score, text in zip(order, given):
            pair = list(labels[score])
            pair[lang_index] = text
            labels[score] = tuple(pair)
    return labels


def reason_labels(cfg) -> dict:
    """{code: (vi, en)} in screen order; a code without a standard label needs one in labels_vi."""
    codes = cfg.reasons.codes
    vi, en = _split(cfg.reasons.labels_vi), _split(cfg.reasons.labels_en)
    errors = []
    for key, given in (("labels_vi", vi), ("labels_en", en)):
        if given and len(given) != len(codes):
            errors.append(
                f"[reasons] {key}: {len(given)} labels for {len(codes)} codes; "
                "give one per code, same order, separated by |"
            )
    if errors:
        raise ConfigError(errors)
    result = {}
    for i, code in enumerate(codes):
        std = DEFAULT_REASONS.get(code)
        label_vi = vi[i] if vi else (std[0] if std else None)
        if label_vi is None:
            raise ConfigError(
                f"[reasons] codes: {code!r} has no standard label; give labels_vi (and labels_en) for every code"
            )
        label_en = en[i] if en else (std[1] if std else label_vi)
        result[code] = (label_vi, label_en)
    return result
