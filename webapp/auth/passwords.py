"""Password hashing (argon2) and the NCSC-style rules: long enough, not a common password,
no composition rules."""

from __future__ import annotations

import gzip
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 8
MAX_LENGTH = 200


def _hasher() -> PasswordHasher:
    config = current_app.config
    key = "coplan.password_hasher"
    if key not in current_app.extensions:
        current_app.extensions[key] = PasswordHasher(
            time_cost=config["ARGON2_TIME_COST"],
            memory_cost=config["ARGON2_MEMORY_COST"],
            parallelism=config["ARGON2_PARALLELISM"],
        )
    return current_app.extensions[key]


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether the password matches; a missing hash never matches."""
    if not password_hash:
        # Spend the same time as a real check so that timing does not reveal unknown accounts.
        _hasher().hash(password)
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with older parameters than the app uses now."""
    return _hasher().check_needs_rehash(password_hash)


@cache
def common_passwords() -> frozenset[str]:
    """About 20,000 of the passwords people use most (Django's list, BSD licence)."""
    data = resources.files("webapp").joinpath("data/common-passwords.txt.gz").read_bytes()
    words = gzip.decompress(data).decode().split()
    return frozenset(w.strip().lower() for w in words) | {"coplan", "coplan123", "lone parent"}


def password_problem(password: str, *, personal: tuple[str | None, ...] = ()) -> str | None:
    """What is wrong with a new password, in words a person can act on, or None."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters. A few words together are easy to remember."
    if len(password) > MAX_LENGTH:
        return f"Use {MAX_LENGTH} characters or fewer."
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) < 3:
        return "That password is too easy to guess. Try three random words together."
    for value in personal:
        if value and len(value) >= 4 and value.lower() in lowered:
            return "Don't use your name, email or phone number in your password."
    return None
