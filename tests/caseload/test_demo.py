"""Demo data: the small demo shows the service record, and the large one is reproducible."""

from dataclasses import replace

from sqlalchemy import func, select

from tests.conftest import delete_all_rows
from webapp import areas
from webapp.demo import DEMO_PASSWORD, seed_demo
from webapp.demo.large import seed_large
from webapp.models import Note, Outcome, PipelineStageChange, User


def test_demo_keyworker_sees_the_record_with_notes_and_outcomes(pages, session):
    seed_demo(session)
    session.commit()
    keyworker = session.scalar(select(User).where(User.email == "keyworker@example.org"))
    aisha = session.scalar(select(User).where(User.email == "parent@example.org"))
    kirsty = session.scalar(select(User).where(User.email == "kirsty.d@example.org"))
    pages.sign_in(keyworker, password=DEMO_PASSWORD)
    caseload = pages.get("caseload.index")
    assert "Asked to be contacted" in caseload.select_one(f"[data-participant='{kirsty.id}']").text
    record = pages.get("caseload.record", participant_id=aisha.id)
    titles = [t.text.strip() for t in record.select(".timeline__title")]
    assert "Started training" in titles and any("Staff-only" in t for t in titles)
    assert record.select_one("[data-current-stage]")["data-current-stage"] == "3"


def snapshot(session):
    return (
        session.scalars(select(User.name).order_by(User.id)).all(),
        session.scalar(select(func.count()).select_from(Note)),
        session.scalar(select(func.count()).select_from(Outcome)),
        session.scalars(select(PipelineStageChange.stage).order_by(PipelineStageChange.id)).all(),
    )


def test_large_demo_is_the_same_from_the_same_seed(app, session, monkeypatch):
    calls = []
    declared = areas.of(app)
    seeds = (*declared.large_demo_seeds, lambda s, context: calls.append(len(context.participants)))
    monkeypatch.setitem(app.extensions, areas.EXTENSION, replace(declared, large_demo_seeds=seeds))
    sizes = {"keyworkers_per_locality": 2, "participants_per_keyworker": 3}
    context = seed_large(session, seed=7, **sizes)
    session.commit()
    first = snapshot(session)
    assert len(context.locality_ids) == 5 and len(context.participants) == 30
    assert calls == [30]  # areas' bulk seeds get the people to build on
    assert session.scalar(select(User).where(User.email == "keyworker@example.org"))
    session.close()
    delete_all_rows()
    seed_large(session, seed=7, **sizes)
    session.commit()
    assert snapshot(session) == first
    session.close()
    delete_all_rows()
    seed_large(session, seed=8, **sizes)
    session.commit()
    assert snapshot(session)[0] != first[0]
