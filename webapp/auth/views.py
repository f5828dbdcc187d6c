"""Signing in and out, accepting an invitation, and resetting a password."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import NamedTuple
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from webapp.auth import operations, two_factor
from webapp.auth.forms import (
    AcceptInvitationForm,
    AppCodeForm,
    ForgotPasswordForm,
    ResetPasswordForm,
    SecondStepForm,
    SignInForm,
)
from webapp.auth.session import load_user, start_session_clock
from webapp.auth.tokens import TokenError, find_token
from webapp.models import TokenPurpose
from webapp.services import audit, push
from webapp.services.mail import send_mail
from webapp.services.sms import texts_enabled
from webapp.web.extensions import db, limiter, sign_in_key
from webapp.web.forms import EmptyForm
from webapp.web.htmx import committed
from webapp.web.policy import public, signed_in, staff_only

bp = Blueprint("auth", __name__)

SIGN_IN_FAILED = "The email, mobile number or password is not right. Check them and try again."


def safe_next(target: str | None) -> str | None:
    """Only follow a ?next= that stays on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_LIMIT"]


def _failed(response) -> bool:
    # A failed sign-in re-shows the form; a success redirects.
    return response.status_code == 200


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, key_func=sign_in_key, methods=["POST"], deduct_when=_failed)
@limiter.limit("100 per 5 minutes", methods=["POST"], deduct_when=_failed)
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if form.validate_on_submit():
        user = operations.authenticate(db.session, form.identifier.data, form.password.data)
        if user is not None:
            next_page = safe_next(request.args.get("next"))
            session.clear()  # a new session at sign-in: nothing carried over from before
            if user.is_staff and two_factor.is_enrolled(db.session, user):
                session["pending_user"] = user.get_id()
                session["pending_since"] = int(time.time())
                session["pending_next"] = next_page
                db.session.commit()
                return redirect(url_for("auth.second_step"))
            complete_sign_in(user, remember=bool(form.remember.data), two_step=False)
            return redirect(next_page or url_for("home.index"))
        known = operations.find_user(db.session, form.identifier.data)
        audit.record(
            db.session, "sign_in.failed", participant=None, account=known.id if known else None
        )
        db.session.commit()
        form.password.errors.append(SIGN_IN_FAILED)
    return render_template("auth/sign_in.html", form=form)


def complete_sign_in(user, *, remember: bool, two_step: bool) -> None:
    """Sign the person in, in a fresh session, and record it."""
    audit.record(db.session, "sign_in.succeeded", actor=user, two_step=two_step)
    # Only parents, on their own phone, stay signed in; staff sessions always time out.
    remember = remember and not user.is_staff
    login_user(user, remember=remember)
    session.permanent = remember
    session["two_step"] = two_step
    start_session_clock()
    db.session.commit()


PENDING_SECONDS = 300


def pending_user():
    """The member of staff who gave the right password and now owes a code, if any."""
    since = session.get("pending_since", 0)
    if not session.get("pending_user") or time.time() - since > PENDING_SECONDS:
        return None
    return load_user(session["pending_user"])


def _pending_key() -> str:
    return f"second-step:{session.get('pending_user', '')}"


@bp.route("/sign-in/code", methods=["GET", "POST"])
@public
@limiter.limit("5 per 5 minutes", key_func=_pending_key, methods=["POST"], deduct_when=_failed)
def second_step():
    user = pending_user()
    if user is None:
        flash("Sign in again: codes must be entered within 5 minutes.", "info")
        return redirect(url_for("auth.sign_in"))
    form = SecondStepForm()
    if form.validate_on_submit():
        if two_factor.verify_second_step(db.session, user, form.code.data):
            next_page = session.get("pending_next")
            session.clear()
            complete_sign_in(user, remember=False, two_step=True)
            return redirect(next_page or url_for("home.index"))
        audit.record(db.session, "sign_in.failed", account=user.id, step="code")
        db.session.commit()
        form.code.errors.append("That code is not right. Codes change every 30 seconds.")
    return render_template("auth/second_step.html", form=form, user=user)


@bp.route("/account/two-step", methods=["GET", "POST"])
@staff_only
def two_step_setup():
    if two_factor.is_enrolled(db.session, current_user):
        if request.method == "GET":
            return render_template("auth/two_step_done.html", codes=None, form=AppCodeForm())
        return redirect(url_for("auth.two_step_setup"))
    return enrolment("two_factor.enrolled", "Turn on two-step sign-in")


@bp.route("/account/two-step/new-phone", methods=["GET", "POST"])
@staff_only
def two_step_new_phone():
    """Move two-step sign-in to a new phone: this sign-in has proved the old one."""
    if not (two_factor.is_enrolled(db.session, current_user) and session.get("two_step")):
        return redirect(url_for("auth.two_step_setup"))
    return enrolment("two_factor.moved", "Use this phone from now on", moving=True)


def enrolment(action: str, button: str, moving: bool = False):
    """The set-up page: a new secret waits in the (signed) session until the person's app
    proves it has it; then it replaces any old one and new recovery codes are shown."""
    form = SecondStepForm()
    secret = session.get("two_step_secret") if form.is_submitted() else None
    if not secret:
        secret = session["two_step_secret"] = two_factor.new_secret()
    if form.validate_on_submit():
        codes = two_factor.finish_enrolment(db.session, current_user, secret, form.code.data)
        if codes is not None:
            audit.record(db.session, action, actor=current_user)
            session.pop("two_step_secret", None)
            session["two_step"] = True
            db.session.commit()
            return render_template("auth/two_step_done.html", codes=codes)
        form.code.errors.append(
            "That code is not right. Check the app shows CoPlan, and try the newest code."
        )
    return render_template(
        "auth/two_step_setup.html",
        form=form,
        submit_label=button,
        moving=moving,
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        qr_code=two_factor.qr_code_data_uri(two_factor.provisioning_uri(secret, current_user)),
    )


@bp.post("/account/two-step/recovery-codes")
@staff_only
def new_recovery_codes():
    """Ten new recovery codes (the old ones stop working), for a code from the app."""
    form = AppCodeForm()
    if form.validate_on_submit():
        if two_factor.verify_app_code(db.session, current_user, form.code.data):
            codes = two_factor.new_recovery_codes(db.session, current_user)
            audit.record(db.session, "two_factor.recovery_codes_renewed", actor=current_user)
            db.session.commit()
            return render_template("auth/two_step_done.html", codes=codes)
        db.session.commit()  # the code's step is spent either way
        form.code.errors.append("That code is not right. Codes change every 30 seconds.")
    return render_template("auth/two_step_done.html", codes=None, form=form), 422


@bp.route("/sign-out", methods=["POST"])
@signed_in
def sign_out():
    form = EmptyForm()
    if not form.validate_on_submit():
        return redirect(url_for("home.index"))
    # A shared phone should not go on showing this person's session times on its lock screen.
    push.forget_this_phone(
        db.session, user=current_user, subscription_id=session.get(push.SESSION_KEY)
    )
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    response = make_response(redirect(url_for("auth.sign_in")))
    # On a shared phone, nothing of this person's should stay behind.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.route("/privacy")
@public
def privacy():
    return render_template(
        "auth/privacy.html", notice_version=current_app.config["PRIVACY_NOTICE_VERSION"]
    )


def _link_problem(error: TokenError):
    return render_template("auth/link_problem.html", message=error.message), error.status


def start_new_session(user) -> None:
    """Sign ``user`` in afresh: whoever was signed in on this phone is signed out first."""
    if current_user.is_authenticated:
        logout_user()
    session.clear()
    login_user(user)
    start_session_clock()


@bp.route("/invite/<token>", methods=["GET", "POST"])
@public
@limiter.limit("30 per 5 minutes", methods=["POST"])
def accept_invitation(token: str):
    try:
        record = find_token(db.session, token, TokenPurpose.INVITE)
    except TokenError as error:
        return _link_problem(error)
    invited = record.user
    form = AcceptInvitationForm()
    form.personal_details = (invited.first_name, invited.email, invited.phone)
    notice = current_app.config["PRIVACY_NOTICE_VERSION"]
    if form.validate_on_submit():
        with committed(TokenError) as joined:
            user = operations.accept_invitation(
                db.session, token=token, password=form.password.data, notice_version=notice
            )
            start_new_session(user)
        if joined.refusal:
            return _link_problem(joined.refusal)
        flash(f"Welcome to CoPlan, {user.first_name}. You're signed in.", "success")
        return redirect(url_for("home.index"))
    return render_template(
        "auth/accept_invitation.html", form=form, invited=invited, notice_version=notice
    )


@bp.route("/forgot-password", methods=["GET", "POST"])
@public
@limiter.limit("5 per 15 minutes", methods=["POST"], key_func=sign_in_key)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        # A mobile number typed gets a text (an email if this service sends no texts).
        by_text = "@" not in form.identifier.data and texts_enabled()
        user = operations.find_user(db.session, form.identifier.data)
        if user is not None and user.is_active and (by_text or user.email):
            send_reset_link(user, by_email=not by_text, by_text=by_text)
            db.session.commit()
        # The same answer whether or not the account exists.
        flash(FORGOT_BY_TEXT if by_text else FORGOT_BY_EMAIL, "success")
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/forgot_password.html", form=form)


FORGOT_BY_EMAIL = (
    "If that email address has a CoPlan account, we've sent it a link to choose a new "
    "password. It works for 24 hours. No email? Your keyworker can give you a link."
)
FORGOT_BY_TEXT = (
    "If that mobile number has a CoPlan account, we've sent it a text with a link to choose a "
    "new password. It works for 24 hours. No text? Your keyworker can give you a link."
)


class LinkSent(NamedTuple):
    """A one-time link, whether the mail server took it, and whether the text provider did
    (None when no text was tried)."""

    link: str
    emailed: bool
    texted: bool | None


def send_reset_link(
    user, issued_by=None, *, by_email: bool = True, by_text: bool = True
) -> LinkSent:
    """Make a reset link for ``user`` and send it by email and by text, where they can get
    each (a parent asking for one gets it the way they asked)."""
    hours = current_app.config["RESET_HOURS"]
    token = operations.issue_reset_link_token(
        db.session, user=user, lifetime=timedelta(hours=hours), issued_by=issued_by
    )
    link = url_for("auth.reset_password", token=token, _external=True)
    if issued_by is not None:
        audit.record(db.session, "reset.issued", actor=issued_by, participant=user)
    emailed = by_email and bool(user.email) and email_reset_link(user, link, hours)
    texted = (
        operations.text_reset_link(db.session, user=user, link=link, hours=hours)
        if by_text
        else None
    )
    return LinkSent(link, emailed, texted)


def email_reset_link(user, link: str, hours: int) -> bool:
    mail = send_mail(
        db.session,
        to=user.email,
        user=user,
        subject="Choose a new CoPlan password",
        body=render_template("mail/reset_password.txt", user=user, link=link, hours=hours),
    )
    return mail.sent_at is not None


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
@limiter.limit("30 per 5 minutes", methods=["POST"])
def reset_password(token: str):
    try:
        record = find_token(db.session, token, TokenPurpose.RESET)
    except TokenError as error:
        return _link_problem(error)
    user = record.user
    form = ResetPasswordForm()
    form.personal_details = (user.first_name, user.email, user.phone)
    if form.validate_on_submit():
        try:
            operations.reset_password(db.session, token=token, password=form.password.data)
        except TokenError as error:
            db.session.rollback()
            return _link_problem(error)
        db.session.commit()
        if current_user.is_authenticated:
            logout_user()
        session.clear()
        flash("Your password has been changed. Sign in with your new password.", "success")
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/reset_password.html", form=form, user=user)
