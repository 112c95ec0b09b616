"""What evaluation and judgement leave behind: recordings, votes and lineage memories."""
from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any

from ludeme.core.domain import Memory, Recording, Vote, VoteOutcome, Voter


def _recording(r: Any) -> Recording:
    return Recording(
        id=r.id, version_id=r.version_id, video_sha=r.video_sha,
        contact_sheet_sha=r.contact_sheet_sha, thumbnail_sha=r.thumbnail_sha,
        input_trace=tuple(r.input_trace), console_log=r.console_log, metrics=r.metrics,
        duration=r.duration, fps=r.fps, bot=r.bot, created=r.created)


def _vote(v: Any) -> Vote:
    return Vote(id=v.id, left=v.left_id, right=v.right_id, outcome=v.outcome, voter=v.voter,
                judge_model=v.judge_model, blind=bool(v.blind), created=v.created)


def _memory(m: Any) -> Memory:
    return Memory(id=m.id, lineage_id=m.lineage_id, intent=m.intent, lesson=m.lesson, q=m.q,
                  visits=m.visits, updated=m.updated)


class RecordsMixin:
    # -- recordings -------------------------------------------------------------------------
    def add_recording(
        self, version_id: str, *, video: bytes | None = None, contact_sheet: bytes | None = None,
        thumbnail: bytes | None = None, video_mime: str = "video/webm",
        input_trace: Iterable[Any] = (), console_log: str = "",
        metrics: Mapping[str, Any] | None = None, duration: float = 0.0, fps: float = 0.0,
        bot: str = "",
    ) -> Recording:
        """One evaluation run; media go to the blob store (stored once however often used)."""
        R = self.m.Recording
        with self.db.atomic():
            shas = [None if data is None else self._insert_blob(bytes(data), mime)
                    for data, mime in ((video, video_mime), (contact_sheet, "image/png"),
                                       (thumbnail, "image/png"))]
            rid = R.insert(
                version=version_id, video_sha=shas[0], contact_sheet_sha=shas[1],
                thumbnail_sha=shas[2], input_trace=list(input_trace), console_log=console_log,
                metrics=dict(metrics or {}), duration=float(duration), fps=float(fps), bot=bot,
                created=time.time()).execute()
            return _recording(R.get_by_id(rid))

    def copy_recording(self, source_id: str, target_id: str) -> Recording | None:
        """The latest recording of ``source_id`` again for ``target_id`` (a fork plays the same
        game, so its evaluation and media are the source's; blobs are shared, not copied)."""
        R = self.m.Recording
        src = R.select().where(R.version == source_id).order_by(R.id.desc()).first()
        if src is None:
            return None
        with self.db.atomic():
            rid = R.insert(version=target_id, video_sha=src.video_sha, contact_sheet_sha=src.contact_sheet_sha,
                           thumbnail_sha=src.thumbnail_sha, input_trace=list(src.input_trace),
                           console_log=src.console_log, metrics=dict(src.metrics or {}), duration=src.duration,
                           fps=src.fps, bot=src.bot, created=time.time()).execute()
            return _recording(R.get_by_id(rid))

    def recordings(self, version_id: str) -> list[Recording]:
        R = self.m.Recording
        return [_recording(r) for r in R.select().where(R.version == version_id).order_by(R.id)]

    def thumbnail(self, version_id: str) -> bytes | None:
        """The latest recording's thumbnail of a version (for the lineage tree)."""
        row = self.db.execute_sql(
            "SELECT thumbnail_sha FROM recording WHERE version_id = ? AND thumbnail_sha IS NOT NULL"
            " ORDER BY id DESC LIMIT 1", (version_id,)).fetchone()
        return None if row is None else self.blob(row[0])

    # -- votes ------------------------------------------------------------------------------
    def add_vote(self, left: str, right: str, outcome: VoteOutcome | str, *,
                 voter: Voter | str = Voter.HUMAN, judge_model: str | None = None,
                 blind: bool = False) -> Vote:
        if left == right:
            raise ValueError("a vote compares two different versions")
        outcome, voter = VoteOutcome(outcome), Voter(voter)
        if voter is Voter.JUDGE and not judge_model:
            raise ValueError("a judge's vote names the judge model")
        V = self.m.Vote
        with self.db.atomic():
            vid = V.insert(left=left, right=right, outcome=outcome.value, voter=voter.value,
                           judge_model=judge_model, blind=bool(blind),
                           created=time.time()).execute()
            return _vote(V.get_by_id(vid))

    def votes(self, version_id: str | None = None, voter: Voter | str | None = None) -> list[Vote]:
        V = self.m.Vote
        query = V.select().order_by(V.id)
        if version_id is not None:
            query = query.where((V.left == version_id) | (V.right == version_id))
        if voter is not None:
            query = query.where(V.voter == Voter(voter).value)
        return [_vote(v) for v in query]

    # -- memories ---------------------------------------------------------------------------
    def add_memory(self, lineage_id: str, intent: str, lesson: str = "", q: float = 0.0,
                   visits: int = 0) -> Memory:
        M = self.m.Memory
        with self.db.atomic():
            mid = M.insert(lineage=lineage_id, intent=intent, lesson=lesson, q=float(q),
                           visits=int(visits), updated=time.time()).execute()
            return _memory(M.get_by_id(mid))

    def memories(self, lineage_id: str) -> list[Memory]:
        """A lineage's lessons, most valuable first."""
        M = self.m.Memory
        query = M.select().where(M.lineage == lineage_id).order_by(M.q.desc(), M.id)
        return [_memory(m) for m in query]

    def update_memory(self, memory_id: int, *, lesson: str | None = None, q: float | None = None,
                      visits: int | None = None) -> Memory:
        M = self.m.Memory
        changes: dict[Any, Any] = {M.updated: time.time()}
        if lesson is not None:
            changes[M.lesson] = lesson
        if q is not None:
            changes[M.q] = float(q)
        if visits is not None:
            changes[M.visits] = int(visits)
        with self.db.atomic():
            if M.update(changes).where(M.id == memory_id).execute() == 0:
                raise KeyError(f"no memory {memory_id!r} in this project")
            return _memory(M.get_by_id(memory_id))
