"""PIN hashes: the one format the server stores officer PINs in and tablets check offline.

`pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>` (docs/ARCHITECTURE.md). The same format holds a
device's own admin PIN (`[admin] pin_hash`, made by `python -m motcua.config hash-pin`).
"""

import hashlib
import hmac
import os
import re

__all__ = ["ITERATIONS", "PATTERN", "SHAPE", "hash_pin", "check_pin"]

ITERATIONS = 100_000
PATTERN = re.compile(r"pbkdf2_sha256\$\d+\$[0-9a-f]+\$[0-9a-f]+")
SHAPE = "pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>"


def hash_pin(pin: str, iterations: int = ITERATIONS, salt: bytes | None = None) -> str:
    """A new hash of `pin` with a random salt (or the one given, for tests)."""
    salt = salt or os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), salt, iterations)
    return f"pbkdf2_sha256${iterations}${salt.hex()}${digest.hex()}"


def check_pin(pin: str | None, pin_hash: str | None) -> bool:
    """True when `pin` matches the hash (constant-time); False for an empty PIN or a malformed hash."""
    if not pin or not pin_hash:
        return False
    try:
        algo, iterations, salt_hex, hash_hex = pin_hash.split("$")
        if algo != "pbkdf2_sha256":
            return False
        expected = bytes.fromhex(hash_hex)
        got = hashlib.pbkdf2_hmac(
            "sha256", pin.encode("utf-8"), bytes.fromhex(salt_hex), int(iterations), dklen=len(expected)
        )
    except (ValueError, TypeError, OverflowError):
        return False
    return hmac.compare_digest(got, expected)
