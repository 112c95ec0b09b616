"""Recordings, votes, memories, jobs, the ledger, meta and the change counter."""
from __future__ import annotations

import threading
import time

import pytest

from ludeme.core.domain import JobStatus, LedgerEntry, Memory, Recording, Vote, VoteOutcome, Voter
from ludeme.store import open_project

from .conftest import html


@pytest.fixture
def pair(project, lineage):
    a = project.add_version(lineage.id, {"index.html": html("a")}, operator="seed")
    b = project.add_version(lineage.id, {"index.html": html("b")}, [a.id], operator="mutate")
    return a, b


def test_recording_round_trip(project, pair):
    a, _ = pair
    video = b"\x1aE\xdf\xa3" + bytes(range(256)) * 40
    rec = project.add_recording(
        a.id, video=video, contact_sheet=b"PNGsheet", thumbnail=b"PNGthumb",
        input_trace=[{"t": 0.1, "key": "Space"}], console_log="ready\n",
        metrics={"fps": 59.8, "motion": 0.4}, duration=12.0, fps=30.0, bot="random")
    assert isinstance(rec, Recording) and rec.version_id == a.id
    assert project.blob(rec.video_sha) == video and project.blob(rec.thumbnail_sha) == b"PNGthumb"
    assert rec.input_trace == ({"t": 0.1, "key": "Space"},) and rec.metrics["fps"] == 59.8
    assert (rec.duration, rec.fps, rec.bot, rec.console_log) == (12.0, 30.0, "random", "ready\n")
    assert project.recordings(a.id) == [rec]
    assert project.thumbnail(a.id) == b"PNGthumb"
    again = project.add_recording(a.id, video=video)
    assert again.video_sha == rec.video_sha and again.thumbnail_sha is None
    assert project.thumbnail(a.id) == b"PNGthumb"  # the latest recording that has one
    video_codec = project.db.execute_sql(
        "SELECT codec FROM blob WHERE sha256 = ?", (rec.video_sha,)).fetchone()[0]
    assert video_codec == "", "video is stored as it is, not recompressed"


def test_votes(project, pair):
    a, b = pair
    v1 = project.add_vote(a.id, b.id, "left")
    v2 = project.add_vote(b.id, a.id, VoteOutcome.BOTH_BAD, voter="judge", judge_model="m/judge",
                          blind=True)
    assert isinstance(v1, Vote) and v1.outcome is VoteOutcome.LEFT and v1.voter is Voter.HUMAN
    assert v2.blind and v2.judge_model == "m/judge"
    assert project.votes() == [v1, v2]
    assert project.votes(voter="judge") == [v2]
    assert project.votes(a.id) == [v1, v2]
    with pytest.raises(ValueError):
        project.add_vote(a.id, a.id, "tie")
    with pytest.raises(ValueError):
        project.add_vote(a.id, b.id, "maybe")
    with pytest.raises(ValueError):
        project.add_vote(a.id, b.id, "tie", voter="judge")


def test_memories(project, lineage):
    m1 = project.add_memory(lineage.id, "floatier jump", "players liked it", q=0.2)
    m2 = project.add_memory(lineage.id, "more enemies", q=0.6, visits=3)
    assert isinstance(m1, Memory)
    assert project.memories(lineage.id) == [m2, m1]
    up = project.update_memory(m1.id, q=0.9, visits=1, lesson="players loved it")
    assert (up.q, up.visits, up.lesson) == (0.9, 1, "players loved it")
    assert up.updated >= m1.updated
    assert [m.id for m in project.memories(lineage.id)] == [m1.id, m2.id]
    with pytest.raises(KeyError):
        project.update_memory(999, q=1.0)


def test_jobs(project):
    low = project.enqueue_job("evaluate", {"version": "abc"}, priority=0)
    high = project.enqueue_job("generate", {"direction": "faster"}, priority=5)
    assert low.status is JobStatus.QUEUED and low.payload == {"version": "abc"}
    assert [j.id for j in project.jobs()] == [low.id, high.id]
    claimed = project.claim_job("worker-1")
    assert claimed.id == high.id and claimed.status is JobStatus.RUNNING
    assert claimed.attempts == 1 and claimed.worker == "worker-1" and claimed.started
    assert project.claim_job("worker-2", kinds=["generate"]) is None
    progressed = project.update_job(high.id, progress=0.5, message="writing code",
                                    heartbeat=time.time())
    assert progressed.progress == 0.5 and progressed.message == "writing code"
    done = project.update_job(high.id, status="done", result={"version": "def"})
    assert done.status is JobStatus.DONE and done.progress == 1.0 and done.finished
    assert done.result == {"version": "def"}
    assert [j.id for j in project.jobs(status="queued")] == [low.id]
    assert [j.id for j in project.jobs(status=["done", "failed"], kind="generate")] == [high.id]
    with pytest.raises(ValueError):
        project.update_job(low.id, kind="other")
    with pytest.raises(KeyError):
        project.update_job(999, progress=0.1)


def test_crashed_worker_jobs_go_back_to_the_queue(project):
    job = project.enqueue_job("evaluate")
    project.claim_job("w")
    project.update_job(job.id, heartbeat=time.time() - 120)
    assert project.requeue_stale_jobs(older_than=60) == 1
    again = project.claim_job("w2")
    assert again.id == job.id and again.attempts == 2 and again.worker == "w2"


def test_two_workers_never_claim_the_same_job(tmp_path, project):
    for i in range(40):
        project.enqueue_job("evaluate", {"i": i})
    claimed: list[int] = []

    def work(name):
        with open_project(project.path) as mine:
            while (job := mine.claim_job(name)) is not None:
                claimed.append(job.id)

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(claimed) == sorted(j.id for j in project.jobs())


def test_ledger(project, pair):
    a, _ = pair
    job = project.enqueue_job("generate")
    e1 = project.add_ledger("coder", "anthropic/x", 1000, 2000, 0.03, 4.2, version_id=a.id,
                            job_id=job.id)
    e2 = project.add_ledger("critic", "openai/y", 10, 20, 0.001, 0.5)
    assert isinstance(e1, LedgerEntry) and e1.version_id == a.id and e1.job_id == job.id
    assert project.ledger() == [e1, e2]
    assert project.ledger(version_id=a.id) == [e1]
    totals = project.ledger_totals()
    assert totals["calls"] == 2 and totals["tokens_in"] == 1010 and totals["cost"] == pytest.approx(0.031)


def test_meta(project):
    project.set_meta("theme", "dark")
    assert project.meta("theme") == "dark" and project.meta("missing", "x") == "x"


def test_change_counter_moves_on_every_write(project, lineage):
    seen = [project.change_counter()]

    def moved():
        now = project.change_counter()
        assert now > seen[-1]
        seen.append(now)

    v = project.add_version(lineage.id, {"index.html": html()})
    moved()
    project.update_lineage(lineage.id, title="renamed")
    moved()
    project.set_rating(v.id, 3)
    moved()
    w = project.add_version(lineage.id, {}, [v.id])
    moved()
    project.add_vote(v.id, w.id, "tie")
    moved()
    job = project.enqueue_job("evaluate")
    moved()
    project.update_job(job.id, progress=0.3)
    moved()
    project.soft_delete(w.id)
    moved()
    before = project.change_counters()
    project.versions()
    project.lineages()
    assert project.change_counters() == before, "reading changes nothing"
    assert before["version"] >= 4 and before["vote"] == 1 and before["job"] == 2


def test_change_counter_sees_other_connections(project, lineage):
    start = project.change_counter()
    with open_project(project.path) as other:
        other.add_lineage("from another process")
    assert project.change_counter() == start + 1


def test_the_jobs_panel_queries(project):
    """What the studio's jobs panel reads comes from the store: the newest jobs, the ones to
    watch, counts by status and what each job's model calls cost."""
    jobs = [project.enqueue_job("mutate", {"n": i}) for i in range(5)]
    assert [j.id for j in project.recent_jobs(3)] == [j.id for j in jobs[2:]]
    claimed = project.claim_job("w")
    assert project.finish_job(claimed.id, "w", "done", result={"version_id": None})
    watch = project.jobs_to_watch(jobs[3].id, [claimed.id])
    assert {j.id for j in watch} == {claimed.id} | {j.id for j in jobs[1:]}  # queued ones, newer, watched
    assert project.job_status_counts() == {"done": 1, "queued": 4}
    project.add_ledger("coder", "m", cost=0.25, job_id=claimed.id)
    project.add_ledger("critic", "m", cost=0.5, job_id=claimed.id)
    assert project.job_costs([claimed.id, jobs[1].id]) == {claimed.id: 0.75}
