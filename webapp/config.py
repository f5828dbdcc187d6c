"""Configuration read from the environment: one class per way of running CoPlan."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from webapp.services import crypto


def comma_separated(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain postgresql:// URLs."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def instance_secret_key(instance_path: str) -> str:
    """Read the secret key kept in the instance folder, creating it on first run."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    """Defaults for running CoPlan on a developer's machine."""

    ENV_NAME = "development"
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    # Keys for staff's authenticator secrets, newest first (webapp/services/crypto.py).
    TWO_FACTOR_KEYS = comma_separated(os.environ.get("TWO_FACTOR_KEYS", ""))
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("DATABASE_URL", "sqlite:///coplan.db")
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL")
    # How many reverse proxies (nginx, a load balancer) stand in front; 0 trusts no
    # X-Forwarded-* header at all.
    TRUSTED_PROXY_HOPS = int(os.environ.get("TRUSTED_PROXY_HOPS", "0"))

    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "").lower() in ("1", "true", "yes")
    MAIL_FROM = os.environ.get("MAIL_FROM", "CoPlan <no-reply@coplan.example>")
    # Running a live service without email, on purpose: pages then say nothing was emailed.
    MAIL_DISABLED = os.environ.get("MAIL_DISABLED", "").lower() in ("1", "true", "yes")

    # Web Push (reminders on a parent's phone). Without all three, push is off: no push
    # controls are offered and reminders go by email only. `flask generate-vapid-keys` makes
    # a pair; the subject is a mailto: address the push services can write to.
    VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY")
    VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY")
    VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT")

    # Text messages: SMS_PROVIDER is "notify" (GOV.UK Notify, with an API key and a text
    # template whose whole content is ((message))) or "http" (a JSON post with a bearer token).
    # Unset, no texts are sent and no text options are offered.
    SMS_PROVIDER = os.environ.get("SMS_PROVIDER", "").strip().lower() or None
    NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY")
    NOTIFY_SMS_TEMPLATE_ID = os.environ.get("NOTIFY_SMS_TEMPLATE_ID")
    NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL")
    # The bearer token Notify sends with received texts (set the same in Notify's settings).
    NOTIFY_CALLBACK_TOKEN = os.environ.get("NOTIFY_CALLBACK_TOKEN")
    SMS_HTTP_URL = os.environ.get("SMS_HTTP_URL")
    SMS_HTTP_TOKEN = os.environ.get("SMS_HTTP_TOKEN")
    SMS_TIMEOUT_SECONDS = float(os.environ.get("SMS_TIMEOUT_SECONDS", "10"))

    # Cookies: secure flags are switched on when the request arrives over https.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    PERMANENT_SESSION_LIFETIME = timedelta(days=30)
    STAFF_IDLE_MINUTES = 30
    STAFF_SESSION_HOURS = 12
    # Staff must set up an authenticator app before they see anyone's record.
    STAFF_TWO_FACTOR_REQUIRED = os.environ.get("STAFF_TWO_FACTOR_REQUIRED", "").lower() in (
        "1",
        "true",
        "yes",
    )

    # A document may be 5 MB (webapp/documents/files.py). Up to this, a bigger one is refused
    # next to the field with the rest of the form kept; past it, the request is not read at all
    # and the answer is a plain page saying the file is too big (webapp/web/errors.py).
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024

    WTF_CSRF_TIME_LIMIT = None  # a parent may leave a form open between school runs

    # argon2 parameters: the library's defaults (about a quarter of a second a hash).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 4

    INVITE_DAYS = 7
    RESET_HOURS = 24
    PRIVACY_NOTICE_VERSION = "2026-11"

    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    SIGN_IN_LIMIT = "10 per 5 minutes"
    # A phone's outbox sends a few batches a minute at most; this only stops a runaway script.
    API_RATE_LIMIT = "300 per minute"
    # The address people reach CoPlan at, for links in mail sent by scheduled jobs.
    BASE_URL = os.environ.get("BASE_URL")

    # Closed records are anonymised after this many days (`flask apply-retention`).
    RETENTION_DAYS = int(os.environ.get("RETENTION_DAYS", str(6 * 365)))

    # Compress pages, styles and scripts: most parents are on slow mobile data.
    COMPRESS_MIMETYPES = [
        "text/html",
        "text/css",
        "text/csv",
        "text/calendar",
        "application/javascript",
        "text/javascript",  # what Python's mimetypes gives .js files (htmx, app.js)
        "application/json",
        "application/manifest+json",
        "image/svg+xml",
    ]
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_MIN_SIZE = 500

    DEMO_DATA_ALLOWED = True
    TESTING = False


class TestConfig(Config):
    """Fast, isolated settings for the test suite."""

    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-use"
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("TEST_DATABASE_URL", "sqlite:///coplan-test.db")
    )
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    ARGON2_PARALLELISM = 1
    RATELIMIT_STORAGE_URI = "memory://"
    API_RATE_LIMIT = "100000 per minute"  # tests send thousands; one test checks the real limit
    MAIL_SERVER = None
    VAPID_PUBLIC_KEY = VAPID_PRIVATE_KEY = VAPID_SUBJECT = None
    SMS_PROVIDER = None


class ProductionConfig(Config):
    """Settings for a real service: refuses to start with anything unsafe."""

    ENV_NAME = "production"
    DEMO_DATA_ALLOWED = False
    STAFF_TWO_FACTOR_REQUIRED = True
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


class UnsafeConfiguration(RuntimeError):
    """Raised when a production configuration would put people's data at risk."""


SMS_SETTINGS = {
    "notify": ("NOTIFY_API_KEY", "NOTIFY_SMS_TEMPLATE_ID"),
    "http": ("SMS_HTTP_URL", "SMS_HTTP_TOKEN"),
}


def text_message_problems(config: dict) -> list[str]:
    """What stops the configured text provider working, in words for whoever set it up."""
    provider = config.get("SMS_PROVIDER")
    if not provider:
        return []
    if provider not in SMS_SETTINGS:
        return [f"SMS_PROVIDER must be notify or http, not {provider!r}."]
    missing = [name for name in SMS_SETTINGS[provider] if not config.get(name)]
    return [f"SMS_PROVIDER={provider} needs {' and '.join(missing)}."] if missing else []


CONFIG_BY_NAME: dict[str, type[Config]] = {
    "development": Config,
    "production": ProductionConfig,
}


def config_for_environment(value: str | None) -> type[Config]:
    """The config class COPLAN_ENV names, in any case; unset means development.

    A value CoPlan doesn't know stops it starting: a typo such as "prod" must not quietly run a
    live service on development settings, which allow demo data with a published password."""
    name = (value or "").strip().lower() or "development"
    if name not in CONFIG_BY_NAME:
        known = " or ".join(CONFIG_BY_NAME)
        raise UnsafeConfiguration(
            f"COPLAN_ENV is {value.strip()!r}, which CoPlan doesn't know: set it to {known}."
        )
    return CONFIG_BY_NAME[name]


def check_production(config: dict) -> None:
    """Refuse settings that must never reach a live service."""
    problems = []
    if not config.get("SECRET_KEY") or len(config["SECRET_KEY"]) < 32:
        problems.append("SECRET_KEY must be set to a random value of at least 32 characters.")
    keys = config.get("TWO_FACTOR_KEYS") or []
    if not keys or not all(crypto.valid_key(key) for key in keys):
        problems.append(
            "TWO_FACTOR_KEYS must be set to keys from `flask --app webapp generate-two-factor-key`."
        )
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        problems.append("DATABASE_URL must point at PostgreSQL, not SQLite.")
    if config.get("DEBUG"):
        problems.append("Debug mode must be off.")
    if config.get("DEMO_DATA_ALLOWED"):
        problems.append("Demo data must not be allowed.")
    if not config.get("BASE_URL"):
        problems.append("BASE_URL must be set (for example https://coplan.example.org).")
    if not config.get("MAIL_SERVER") and not config.get("MAIL_DISABLED"):
        problems.append(
            "MAIL_SERVER must be set, so invitations, resets and reminders can be emailed; "
            "set MAIL_DISABLED=1 to run without email on purpose."
        )
    subject = config.get("VAPID_SUBJECT")
    if config.get("VAPID_PRIVATE_KEY") and not (subject or "").startswith("mailto:"):
        problems.append("VAPID_SUBJECT must be a mailto: address when VAPID keys are set.")
    if problems:
        raise UnsafeConfiguration("CoPlan will not start in production: " + " ".join(problems))
