"""Flask extensions, created here and bound to the app in create_app."""

from __future__ import annotations

from flask import request
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from webapp.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
compress = Compress()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def sign_in_key() -> str:
    """Throttle sign-in per account typed, so one person can't lock out a venue's wifi."""
    typed = (request.form.get("identifier") or "").strip().lower()
    return f"sign-in:{typed}"
