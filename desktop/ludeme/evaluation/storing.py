"""Keep an evaluation with its version: reward, breakdown, status and the recording."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ludeme.store.project import Project

STATUS_FOR = {"playable": "evaluated", "not-interactive": "evaluated", "broken": "broken",
              "hostile-contained": "rejected", "timeout": "broken"}


def store_report(project: Project, version_id: str, report, record_path: Path | None) -> None:
    from ludeme.evaluation.reward import cap_to_parent

    version = project.version(version_id)
    parent_total = project.version(version.parents[0]).reward if version.parents else None
    total, capped = cap_to_parent(report.reward, report.breakdown, parent_total)
    if capped:
        report.reward, report.gates = total, [*report.gates, capped]
    breakdown = {"verdict": report.verdict, "reasons": report.reasons, "terms": report.breakdown,
                 "gates": report.gates, "metrics": report.metrics, "probes": report.probes,
                 "behaviour_probes": getattr(report, "behaviour_probes", []),
                 "quality": getattr(report, "quality", None), "progress": getattr(report, "progress", None),
                 "blocked_requests": report.blocked_requests}
    project.update_version(version_id, reward=report.reward, breakdown=breakdown,
                           status=STATUS_FOR.get(report.verdict, "broken"))
    for probe in [*report.probes, *getattr(report, "behaviour_probes", [])]:
        try:
            project.set_probe_result(version_id, probe["id"], probe["ok"], probe.get("reason", ""))
        except Exception:  # a module without an archive entry: the report still holds it
            pass
    video = None
    if record_path is not None and Path(record_path).exists():
        video = Path(record_path).read_bytes()
    project.add_recording(
        version_id, video=video, contact_sheet=report.contact_sheet_png, thumbnail=report.thumbnail_png,
        video_mime="video/mp4" if str(record_path).endswith(".mp4") else "video/webm",
        input_trace=report.input_trace, console_log="\n".join(
            f"{c['level']}: {c['message']}" for c in report.console),
        metrics=report.metrics, duration=(report.recording or {}).get("seconds", 0.0),
        fps=(report.recording or {}).get("fps", 0), bot=report.settings.get("bot", ""))


def evaluate_stored(project: Project, version_id: str, settings, *, record_path: Path | None = None, trace=None,
                    progress=None):
    """Playtest a stored version (compared with its first parent), scored with ``settings.reward``
    (``core.settings.evaluation_settings(project)`` gives the project's), and keep the report, recording and thumbnail with it. Without ``record_path`` the
    recording goes through a temporary file and lives only in the project. Returns the report."""
    import tempfile

    from ludeme.evaluation.evaluator import evaluate

    progress = progress or (lambda fraction, message: None)
    version = project.version(version_id)
    files = project.version_files(version.id)
    parent_html = None
    if version.parents:
        parent_html = project.version_files(version.parents[0]).get("index.html", b"").decode("utf-8", "replace")
    progress(0.1, "playtesting")
    with tempfile.TemporaryDirectory(prefix="ludeme-eval-") as tmp:
        record = Path(record_path) if record_path is not None else Path(tmp) / "recording.webm"
        report = evaluate(files, settings, record_path=record, parent_html=parent_html, trace=trace)
        progress(0.9, "keeping the report")
        store_report(project, version.id, report, record)
    if record_path is None and report.recording is not None:
        report.recording = {**report.recording, "path": "(stored in project)"}
    return report
