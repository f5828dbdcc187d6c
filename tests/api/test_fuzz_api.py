"""Generated JSON to the sync API: never a server error, and an entry is stored only when the
API says "stored" for it."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from webapp.models import CheckIn
from webapp.web.extensions import db

EXAMPLES = 600

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
ANSWERS = ["optimistic", "useful", "relaxed", "problems", "thinking", "close", "own_mind"]
SCALES = [f"confidence_{s}" for s in ("work", "money", "childcare", "health", "skills", "support")]
plausible_entry = st.fixed_dictionaries(
    {"uuid": st.one_of(st.uuids().map(str), st.text(max_size=40))},
    optional={
        "recorded_at": st.one_of(
            st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
            st.text(max_size=30),
        ),
        **{name: st.one_of(st.integers(-3, 12), json_values) for name in ANSWERS + SCALES},
        "note": st.one_of(st.text(max_size=2100), json_values),
        "note_shared": json_values,
        "contact_me": json_values,
    },
)
batches = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {"checkins": st.one_of(st.lists(plausible_entry, max_size=5), json_values)},
        optional={"user": json_values},
    ),
)


def test_generated_batches_never_break_the_api(pages, make):
    parent = make.participant(locality=make.locality())
    pages.sign_in(parent)
    token = pages.csrf_token()

    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(batch=batches)
    def post(batch):
        before = db.session.scalar(select(func.count()).select_from(CheckIn))
        response = pages.client.post("/api/v1/checkins", json=batch, headers={"X-CSRFToken": token})
        assert response.status_code < 500, (batch, response.get_data(as_text=True))
        assert response.is_json
        stored = 0
        if response.status_code == 200:
            stored = sum(1 for r in response.json["results"] if r["status"] == "stored")
        after = db.session.scalar(select(func.count()).select_from(CheckIn))
        db.session.commit()
        assert after - before == stored

    post()


def test_text_that_is_not_json_is_refused_plainly(pages, make):
    pages.sign_in(make.participant(locality=make.locality()))
    response = pages.client.post(
        "/api/v1/checkins",
        data=b"\xff\xfe not json",
        headers={"X-CSRFToken": pages.csrf_token(), "Content-Type": "application/json"},
    )
    assert response.status_code == 400 and response.is_json
