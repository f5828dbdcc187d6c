"""The demo parent has a believable plan to try things with."""

from __future__ import annotations

from sqlalchemy import select

from webapp.demo import DEMO_PASSWORD, seed_demo
from webapp.models import User


def test_demo_parent_has_an_agreed_plan_changed_since(session, pages):
    seed_demo(session)
    session.commit()
    parent = session.scalar(select(User).where(User.email == "parent@example.org"))
    pages.sign_in(parent, password=DEMO_PASSWORD)
    page = pages.get("plans.my_plan")
    titles = [h.text for h in page.select(".goal__title")]
    assert titles[0] == "Get my confidence back so I can go to interviews"
    assert len(titles) == 3
    assert "Changed since you both agreed" in page.select_one("#agreement").text
    assert page.select(".due--overdue") == []  # the overdue step is done
    today = pages.get("home.today")
    assert "Go to the Tuesday peer support group" in today.text
