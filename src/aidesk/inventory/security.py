"""Passwords (argon2id) and API tokens (random, stored as a SHA-256 digest).

An API token is `aidk_` followed by 43 URL-safe characters from `secrets.token_urlsafe(32)`: 256 bits of
entropy. Because a token cannot be guessed, a plain SHA-256 digest is enough to store it (unlike a
password, it needs no slow hash): checking a token is one indexed lookup of its digest, and a database
leak does not reveal usable tokens. The token itself is shown once, when it is created.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import lru_cache
from typing import Any

TOKEN_PREFIX = "aidk_"
TOKEN_BYTES = 32
PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 1024  # argon2 takes any length; refuse megabyte "passwords"


@lru_cache(maxsize=1)
def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id with the library's (RFC 9106) defaults


def check_password_policy(password: str) -> str | None:
    """Why this password is refused, or None."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return f"a password needs at least {PASSWORD_MIN_LENGTH} characters"
    if len(password) > PASSWORD_MAX_LENGTH:
        return f"a password has at most {PASSWORD_MAX_LENGTH} characters"
    return None


def hash_password(password: str) -> str:
    return str(_hasher().hash(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; spends the same time when there is no hash (unknown user)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    if len(password) > PASSWORD_MAX_LENGTH:
        return False
    target = password_hash or _dummy_hash()
    try:
        ok = bool(_hasher().verify(target, password))
    except (VerificationError, InvalidHashError):
        return False
    return ok and password_hash is not None


def password_needs_rehash(password_hash: str) -> bool:
    return bool(_hasher().check_needs_rehash(password_hash))


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def digests_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("ascii"), b.encode("ascii"))


def looks_like_token(value: str) -> bool:
    return value.startswith(TOKEN_PREFIX) and 20 <= len(value) <= 100
