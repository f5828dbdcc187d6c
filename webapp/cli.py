"""Commands run with ``flask --app webapp …``."""

from __future__ import annotations

import click
from flask import Flask, current_app, url_for

from webapp.web.extensions import db


def init_app(app: Flask) -> None:
    from webapp.sessions.reminders import send_reminders_command

    app.cli.add_command(create_admin_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(send_reminders_command)
    app.cli.add_command(apply_retention_command)
    app.cli.add_command(generate_vapid_keys_command)
    app.cli.add_command(generate_two_factor_key_command)
    app.cli.add_command(rotate_two_factor_key_command)


@click.command("create-admin")
@click.argument("email")
@click.option("--name", default="CoPlan admin", show_default=True, help="The admin's name.")
def create_admin_command(email: str, name: str) -> None:
    """Make the first admin account and print a one-time set-up link (valid 24 hours).

    Works on an empty install under production settings; safe to run again."""
    from webapp.staff.operations import AdminRefused, create_admin

    try:
        done = create_admin(db.session, email=email, name=name)
    except AdminRefused as refused:
        raise click.ClickException(str(refused)) from refused
    db.session.commit()
    if done.token is None:
        click.echo(
            f"{done.admin.email} is already set up as an admin: no link made. If they have "
            "lost their password, they can ask for a reset link on the sign-in page."
        )
        return
    what = "Made an admin account for" if done.created else "A new set-up link for"
    click.echo(f"{what} {done.admin.email}.")
    click.echo("Open this link within 24 hours to choose a password (it works once):")
    click.echo(f"  {external_url('auth.accept_invitation', token=done.token)}")


def external_url(endpoint: str, **values) -> str:
    """A full link for a command's output, at BASE_URL when set (as mail from jobs uses)."""
    base_url = current_app.config.get("BASE_URL") or "http://127.0.0.1:5000"
    with current_app.test_request_context(base_url=base_url):
        return url_for(endpoint, _external=True, **values)


@click.command("generate-vapid-keys")
def generate_vapid_keys_command() -> None:
    """Print a fresh VAPID key pair for Web Push, as lines for the environment file."""
    from webapp.services.push import generate_vapid_keys

    public, private = generate_vapid_keys()
    click.echo("# Web Push keys for CoPlan (keep the private one secret, like SECRET_KEY).")
    click.echo("# Set VAPID_SUBJECT too: a mailto: address the push services can write to.")
    click.echo(f"VAPID_PUBLIC_KEY={public}")
    click.echo(f"VAPID_PRIVATE_KEY={private}")


@click.command("generate-two-factor-key")
def generate_two_factor_key_command() -> None:
    """Print a fresh key for staff's authenticator secrets, as a line for the environment file."""
    from webapp.services.crypto import generate_key

    click.echo("# A new key goes first; keep the old one after it until rotate-two-factor-key ran.")
    click.echo(f"TWO_FACTOR_KEYS={generate_key()}")


@click.command("rotate-two-factor-key")
def rotate_two_factor_key_command() -> None:
    """Encrypt every authenticator secret again with the first of TWO_FACTOR_KEYS."""
    from webapp.auth.two_factor import reencrypt_secrets

    done, unreadable = reencrypt_secrets(db.session)
    db.session.commit()
    click.echo(f"Encrypted {done} authenticator secrets with the first key.")
    if unreadable:
        click.echo(
            f"{unreadable} could not be read with any of TWO_FACTOR_KEYS and were left as they "
            "are: those staff sign in with a recovery code until their two-step sign-in is "
            "reset (docs/operations.md)."
        )


@click.command("apply-retention")
@click.option("--dry-run", is_flag=True, help="List what would be anonymised; change nothing.")
def apply_retention_command(dry_run: bool) -> None:
    """Anonymise records closed for longer than RETENTION_DAYS. Safe to run twice, or on
    several machines at once."""
    from webapp.models import utcnow
    from webapp.privacy.retention import apply_retention

    days = current_app.config["RETENTION_DAYS"]
    ids = apply_retention(db.session, now=utcnow(), retention_days=days, dry_run=dry_run)
    db.session.commit()
    verb = "Would anonymise" if dry_run else "Anonymised"
    click.echo(f"{verb} {len(ids)} record(s) closed more than {days} days ago.")
    for participant_id in ids:
        click.echo(f"  participant {participant_id}")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only seed when the database has no users.")
@click.option(
    "--scale",
    type=click.Choice(["small", "large"]),
    default="small",
    show_default=True,
    help="small: one locality to try CoPlan; large: DESIGN.md's scale (5,000 parents).",
)
@click.option("--seed", type=int, default=2026, show_default=True, help="Seed for --scale large.")
def seed_demo_command(if_empty: bool, scale: str, seed: int) -> None:
    """Add a demo locality with staff and parents, and print the demo sign-ins."""
    from webapp.demo import DEMO_PASSWORD, DEMO_SIGN_INS, database_is_empty, seed_demo
    from webapp.demo.large import seed_large, settle_after_bulk_load

    if not current_app.config.get("DEMO_DATA_ALLOWED"):
        raise click.ClickException("Demo data is refused with a production configuration.")
    if not database_is_empty(db.session):
        if if_empty:
            click.echo("The database already has people in it: no demo data added.")
        else:
            raise click.ClickException("The database is not empty; demo data not added.")
    elif scale == "large":
        click.echo(f"Building the large demo dataset from seed {seed}:")
        seed_large(db.session, seed=seed, echo=click.echo)
        db.session.commit()
        settle_after_bulk_load(db.session)
        click.echo("Large demo data added.")
        click.echo(f"\nDemo sign-ins (password for all: {DEMO_PASSWORD}):")
        click.echo("  manager@example.org, keyworker@example.org, parent@example.org")
        click.echo("  and keyworker2@…, parent2@… up to keyworker100@, parent5000@example.org")
        return
    else:
        seed_demo(db.session)
        db.session.commit()
        click.echo("Demo data added.")
    click.echo(f"\nDemo sign-ins (password for all: {DEMO_PASSWORD}):")
    for sign_in in DEMO_SIGN_INS:
        click.echo(f"  {sign_in.role:<10} {sign_in.email:<24} {sign_in.name}")
