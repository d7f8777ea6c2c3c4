"""Secrets of the central server: random tokens stored as sha256, keyed hashes of dossier lookup
secrets, scrypt passwords, staff PINs."""

import hashlib
import hmac
import secrets

from sqlalchemy import select

from central.errors import BadInput
from central.storage.schema import server_meta


def new_token() -> str:
    """A random bearer token for a device or an admin (shown once, never stored)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps of a random token (256 bits: an unkeyed hash is enough)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# Dossier lookup secrets (the receipt's mã tra cứu) are short: an unkeyed hash of one is reversed in
# under a second. What a dossier keeps is HMAC-SHA256(server key, sha256(secret)): without the key
# (server_meta LOOKUP_KEY, made by `motcua-central init`, migration 0010) nothing can be tried
# offline. The inner sha256 is what rows before 0010 stored, so 0010 keyed every stored hash in place.
LOOKUP_KEY = "lookup_secret_key"
LOOKUP_SECRET_MIN_LENGTH = 6


def new_lookup_key() -> str:
    return secrets.token_hex(32)


def lookup_key(conn) -> bytes:
    """This database's key for lookup secrets (server_meta, made by migration 0010)."""
    value = conn.execute(select(server_meta.c.value).where(server_meta.c.key == LOOKUP_KEY)).scalar()
    if value is None:
        raise RuntimeError("the database has no lookup-secret key: run 'motcua-central init' to upgrade it")
    return bytes.fromhex(value)


def keyed_secret_hash(key: bytes, unkeyed: str) -> str:
    """The stored form of a lookup secret from its unkeyed sha256 (hex): what migration 0010 applies."""
    return hmac.new(key, unkeyed.encode("ascii"), hashlib.sha256).hexdigest()


def secret_hash(key: bytes, secret: str) -> str:
    """What a dossier keeps of its lookup secret."""
    return keyed_secret_hash(key, token_hash(secret))


def same_secret(key: bytes, given: str | None, stored_hash: str | None) -> bool:
    """Constant-time comparison of a presented lookup secret with a dossier's stored hash."""
    if not given or not stored_hash:
        # Still burn one hash and comparison so a miss costs what a hit costs.
        hmac.compare_digest(secret_hash(key, given or ""), "0" * 64)
        return False
    return hmac.compare_digest(secret_hash(key, given), stored_hash)


SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **SCRYPT)
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${salt.hex()}${digest.hex()}"


PASSWORD_MIN_LENGTH = 8


def password_problem(password: str) -> BadInput | None:
    """Why an admin password cannot be set (its `message` in English, its `text` on a dashboard page),
    or None when it can."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return BadInput(
            "password",
            f"The password must be at least {PASSWORD_MIN_LENGTH} characters long.",
            "problem.password_too_short",
            min=PASSWORD_MIN_LENGTH,
        )
    if password != password.strip():
        return BadInput("password", "The password must not start or end with a space.", "problem.password_spaces")
    return None


def check_password(password: str, stored: str | None) -> bool:
    if not stored or not stored.startswith("scrypt$"):
        return False
    _, n, r, p, salt, digest = stored.split("$")
    got = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), dklen=32, n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(got.hex(), digest)
