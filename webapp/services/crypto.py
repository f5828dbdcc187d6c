"""Secrets CoPlan must read back, encrypted with keys held outside the database.

Staff's authenticator secrets (TOTP) must be readable to check a code, so they can't be
hashed like passwords. They are kept encrypted (Fernet: AES-128-CBC with an HMAC) with the
keys in ``TWO_FACTOR_KEYS``, so a copy of the database alone can't make anyone's codes.

``TWO_FACTOR_KEYS`` is a comma-separated list: the first key encrypts, every key decrypts, so a
new key goes first and the old one can follow it until ``flask --app webapp rotate-two-factor-
key`` has encrypted every secret again. Production refuses to start without it; elsewhere a key
is derived from ``SECRET_KEY``.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

__all__ = ["InvalidToken", "decrypt", "encrypt", "generate_key", "valid_key"]


def generate_key() -> str:
    return Fernet.generate_key().decode()


def valid_key(key: str) -> bool:
    try:
        Fernet(key)
    except (ValueError, TypeError):
        return False
    return True


def _configured_keys() -> tuple[str, ...]:
    config = current_app.config
    keys = tuple(config.get("TWO_FACTOR_KEYS") or ())
    return keys or (_derived_key(config["SECRET_KEY"]),)


@lru_cache(maxsize=8)
def _derived_key(secret_key: str) -> str:
    """Development and tests: a key of its own, derived from the app's secret."""
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"coplan two-factor secrets"
    ).derive(secret_key.encode())
    return base64.urlsafe_b64encode(derived).decode()


@lru_cache(maxsize=8)
def _keyring(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(text: str) -> str:
    return _keyring(_configured_keys()).encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    """The text, or InvalidToken if none of the keys made it (or it was changed)."""
    return _keyring(_configured_keys()).decrypt(token.encode()).decode()


def reencrypt(token: str) -> str:
    """The same text encrypted with the first key (after a new key was put first)."""
    return _keyring(_configured_keys()).rotate(token.encode()).decode()
