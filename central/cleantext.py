"""Text from the wire that the database can store, checked in one place.

PostgreSQL refuses a NUL character in any text value, and a lone surrogate (JSON "\\ud800") is
not UTF-8, so neither database driver can send it. Such text is refused where it arrives: a rating
item is `rejected` with `invalid:<field>`, a request field or address gets a 4xx, never a 500.
"""

from typing import Annotated

from pydantic import AfterValidator

UNSTORABLE = "contains a NUL character or a lone surrogate, which cannot be stored"


def storable(text: str) -> bool:
    """True when the database can store `text` as it is."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def clean_text(value: str) -> str:
    """`value` unchanged, or ValueError (the message never repeats the value)."""
    if not storable(value):
        raise ValueError(UNSTORABLE)
    return value


# A request model's text field: `version: StorableStr = Field("", max_length=64)` → 422 when bad.
StorableStr = Annotated[str, AfterValidator(clean_text)]
