"""Secrets of the central server: random tokens stored as sha256, scrypt passwords, staff PINs."""
import hashlib
import hmac
import secrets


def new_token() -> str:
    """A random bearer token for a device or an admin (shown once, never stored)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps of a token or a dossier secret."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_secret(given: str | None, stored_hash: str | None) -> bool:
    """Constant-time comparison of a presented secret with a stored hash."""
    if not given or not stored_hash:
        # Still burn one comparison so a miss costs what a hit costs.
        hmac.compare_digest(token_hash(given or ""), "0" * 64)
        return False
    return hmac.compare_digest(token_hash(given), stored_hash)


SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **SCRYPT)
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str | None) -> bool:
    if not stored or not stored.startswith("scrypt$"):
        return False
    _, n, r, p, salt, digest = stored.split("$")
    got = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), dklen=32,
                         n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(got.hex(), digest)


PIN_ITERATIONS = 100_000


def hash_pin(pin: str) -> str:
    """Officer PIN in the form tablets verify offline: pbkdf2_sha256$iterations$salt$hash."""
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), salt, PIN_ITERATIONS)
    return f"pbkdf2_sha256${PIN_ITERATIONS}${salt.hex()}${digest.hex()}"
