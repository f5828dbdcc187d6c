"""A parent's own sign-in details: their password, email address and mobile number.

A new email address becomes the account's only once a link sent to it is opened, and the old
address is then told, so nobody can quietly take an account over by changing its email."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_user

from webapp.auth import operations
from webapp.auth.forms import ChangeEmailForm, ChangeMobileForm, ChangePasswordForm
from webapp.auth.tokens import TokenError
from webapp.auth.views import _link_problem, bp
from webapp.models import Role
from webapp.services.mail import send_mail
from webapp.web.extensions import db
from webapp.web.htmx import committed
from webapp.web.policy import allow, public

EMAIL_LINK_HOURS = 24


@bp.route("/account")
@allow(Role.PARTICIPANT)
def account():
    return render_template("auth/account.html")


def refused_page(form, refusal: operations.AccountRefused, template: str):
    """The form again, with the refusal next to its field and what was typed kept."""
    form[refusal.field].errors = [*form[refusal.field].errors, refusal.message]
    return render_template(template, form=form), 422


@bp.route("/account/password", methods=["GET", "POST"])
@allow(Role.PARTICIPANT)
def change_password():
    form = ChangePasswordForm()
    form.personal_details = (current_user.first_name, current_user.email, current_user.phone)
    if not form.validate_on_submit():
        return render_template("auth/change_password.html", form=form), 422 if form.errors else 200
    user = current_user._get_current_object()
    with committed(operations.AccountRefused) as changed:
        operations.change_password(
            db.session, user=user, current=form.current_password.data, new=form.password.data
        )
    if changed.refusal:
        return refused_page(form, changed.refusal, "auth/change_password.html")
    login_user(user)  # this phone stays signed in; every other one is signed out
    flash("Your password has been changed. Other phones signed in need it now.", "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/email", methods=["GET", "POST"])
@allow(Role.PARTICIPANT)
def change_email():
    form = ChangeEmailForm()
    if not form.validate_on_submit():
        return render_template("auth/change_email.html", form=form), 422 if form.errors else 200
    with committed(operations.AccountRefused) as asked:
        token = operations.ask_email_change(
            db.session,
            user=current_user,
            new_email=form.email.data,
            current=form.current_password.data,
            lifetime=timedelta(hours=EMAIL_LINK_HOURS),
        )
        mail = email_the_link(form.email.data.lower(), token)
    if asked.refusal:
        return refused_page(form, asked.refusal, "auth/change_email.html")
    flash(confirm_link_news(mail.to_address, mail.sent_at is not None), "success")
    return redirect(url_for("auth.account"))


def email_the_link(address: str, token: str):
    link = url_for("auth.confirm_email", token=token, _external=True)
    return send_mail(
        db.session,
        to=address,
        user=current_user,
        subject="Confirm your new CoPlan email address",
        body=render_template(
            "mail/confirm_email.txt", user=current_user, link=link, hours=EMAIL_LINK_HOURS
        ),
    )


def confirm_link_news(address: str, sent: bool) -> str:
    """What the parent is told, saying what actually happened to the email."""
    if sent:
        return (
            f"We've emailed a link to {address}. Open it within {EMAIL_LINK_HOURS} hours to "
            "make it your email address. Until then your old one still works."
        )
    if current_app.config.get("MAIL_SERVER"):
        return f"We couldn't send the email to {address} just now. We'll try again."
    return f"Email isn't set up here, so no link was sent to {address}. Ask your keyworker."


@bp.route("/account/email/confirm/<token>")
@public
def confirm_email(token: str):
    with committed(TokenError) as confirmed:
        user, old = operations.confirm_email_change(db.session, token=token)
        if old:
            tell_the_old_address(user, old)
    if confirmed.refusal:
        return _link_problem(confirmed.refusal)
    flash(f"Your email address is now {user.email}.", "success")
    return redirect(url_for("auth.account" if current_user.is_authenticated else "auth.sign_in"))


def tell_the_old_address(user, old: str) -> None:
    send_mail(
        db.session,
        to=old,
        user=user,
        subject="Your CoPlan email address was changed",
        body=render_template("mail/email_changed.txt", user=user, new=user.email),
    )


@bp.route("/account/mobile", methods=["GET", "POST"])
@allow(Role.PARTICIPANT)
def change_mobile():
    form = ChangeMobileForm(data={"phone": current_user.phone})
    if not form.validate_on_submit():
        return render_template("auth/change_mobile.html", form=form), 422 if form.errors else 200
    with committed(operations.AccountRefused) as changed:
        operations.change_mobile(db.session, user=current_user, phone=form.phone.data or None)
    if changed.refusal:
        return refused_page(form, changed.refusal, "auth/change_mobile.html")
    flash(
        "Your mobile number is saved." if form.phone.data else "Your mobile is removed.", "success"
    )
    return redirect(url_for("auth.account"))
