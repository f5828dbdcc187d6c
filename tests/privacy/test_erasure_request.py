"""Asking to delete my information asks first, and can be taken back until a manager acts."""

from sqlalchemy import select

from webapp.models import AuditEvent, ErasureRequest, ErasureStatus


def test_ask_to_delete_asks_for_confirmation_and_can_be_withdrawn_until_a_manager_acts(
    make, pages, session
):
    here = make.locality()
    parent = make.participant(locality=here, keyworker=make.keyworker(locality=here))
    manager = make.manager(locality=here)
    pages.sign_in(parent)
    link = pages.get("privacy.index").find("a", string="Ask to delete my information")
    assert link["href"] == pages.url("privacy.ask_erasure")
    check = pages.get("privacy.ask_erasure")
    assert check.h1.text == "Ask to delete your information?"
    assert [b.text for b in check.select(".choices button")] == [
        "Yes, ask to delete my information",
        "Keep my information",
    ]
    assert session.scalars(select(ErasureRequest)).all() == []
    pages.post("privacy.ask_erasure")
    assert "Take back my request" in pages.get("privacy.index").select_one("#delete").text
    pages.post("privacy.withdraw_erasure")
    request = session.scalars(select(ErasureRequest)).one()
    assert request.status == ErasureStatus.WITHDRAWN
    actions = session.scalars(select(AuditEvent.action)).all()
    assert "erasure.withdrawn" in actions
    assert pages.get("privacy.index").find("a", string="Ask to delete my information")
    pages.sign_out()
    pages.sign_in(manager)
    assert parent.name not in pages.get("admin.erasure_requests").select_one("main").text

    # Once a manager has acted there is nothing to take back.
    pages.sign_out()
    pages.sign_in(parent)
    pages.post("privacy.ask_erasure")
    waiting = session.scalars(
        select(ErasureRequest).where(ErasureRequest.status == ErasureStatus.PENDING)
    ).one()
    waiting.status = ErasureStatus.REFUSED
    session.commit()
    pages.post("privacy.withdraw_erasure")
    page = pages.get("privacy.index")
    assert "a manager has already dealt with it" in page.select_one(".notice--warning").text
    session.refresh(waiting)
    assert waiting.status == ErasureStatus.REFUSED
