"""My information's "Read it as a page": a summary a parent can read, downloads beside it."""

from tests.privacy.test_export_and_erasure import person_everywhere  # noqa: F401
from webapp.models import User


def test_read_it_as_a_page_is_grouped_as_a_parent_knows_it_with_no_ids_or_secrets(
    person_everywhere,  # noqa: F811
    pages,
    session,
):
    participant, staff = person_everywhere
    pages.sign_in(session.get(User, participant.id))
    index = pages.get("privacy.index")
    link = index.find("a", string="Read it as a page")
    assert link["href"] == pages.url("privacy.summary")
    page = pages.get("privacy.summary")
    headings = [h.text for h in page.select("h2#about-you, h2[id^=your-]")]
    assert headings == [
        "About you",
        "Your plan",
        "Your sessions",
        "Your check-ins",
        "Notes on your record",
        "Referrals and what you achieved",
        "Messages",
    ]
    text = page.select_one("main").text
    for raw in ("password", "(hidden)", "_id", "token", "hash", "None"):
        assert raw not in text.replace("None given", "").replace("None yet", ""), raw
    notes = page.select_one("[aria-labelledby=your-notes] ul").select("li")
    assert len(notes) == 1, "a note staff keep for themselves is not shown"
    messages = page.select("[aria-labelledby=your-messages] li")
    assert {m.text.split(": ")[0].split(", ")[-1] for m in messages} == {"you", staff.name}
    assert "wellbeing" in page.select_one("[aria-labelledby=your-checkins] li").text
    downloads = {a.text: a["href"] for a in page.select("aside a")}
    assert downloads["Download it as a data file (JSON)"] == pages.url(
        "privacy.download", kind="json"
    )
    assert pages.url("privacy.download", kind="zip") in downloads.values()
