"""Lineage bundles: export then import into another project loses nothing, shares nothing secret,
and importing twice is refused clearly (or done as a copy under new ids)."""
from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from ludeme.exchange import (
    ExportError, FormatUnavailable, ImportRefused, export, export_bundle, exporter, formats,
    import_bundle, register_exporter,
)
from ludeme.exchange import _REGISTERED, _BUILTIN
from ludeme.exchange.validate import Limits, read_bundle
from ludeme.store import create_default_project, create_project, open_project

from tests.exchange.family import family_project, file_sha, row_counts


@pytest.fixture
def family(tmp_path):
    project, made = family_project(tmp_path)
    yield project, made
    project.close()


def _everything(project, version_ids, lineage_ids):
    """All that a bundle promises to carry, in comparable form (row ids of recordings, votes and
    memories are each project's own and left out)."""
    ids = set(version_ids)
    versions = {v.id: v for v in project.versions(include_deleted=True) if v.id in ids}
    recordings = {vid: [(r.video_sha, r.contact_sheet_sha, r.thumbnail_sha, r.input_trace, r.console_log,
                         dict(r.metrics), r.duration, r.fps, r.bot, r.created) for r in project.recordings(vid)]
                  for vid in ids}
    blobs = {sha: project.blob(sha) for recs in recordings.values() for rec in recs for sha in rec[:3] if sha}
    return {
        "lineages": [project.lineage(lid) for lid in lineage_ids],
        "versions": versions,
        "edges": [e for e in project.edges() if e.child in ids],
        "files": {vid: project.version_files(vid) for vid in ids},
        "entries": {vid: project.file_entries(vid) for vid in ids},
        "mechanic_links": {vid: project.version_mechanics(vid) for vid in ids},
        "recordings": recordings,
        "media": blobs,
        "votes": sorted((v.left, v.right, v.outcome, v.voter, v.judge_model, v.blind, v.created)
                        for v in project.votes() if v.left in ids and v.right in ids),
        "memories": {lid: [(m.intent, m.lesson, m.q, m.visits, m.updated) for m in project.memories(lid)]
                     for lid in lineage_ids},
    }


def test_round_trip_into_a_new_project_loses_nothing(family, tmp_path):
    project, made = family
    lin = made["lineage"]
    path = export_bundle(project, lin.title, tmp_path / "out.ludeme-bundle")
    assert path == tmp_path / "out.ludeme-bundle"
    want_versions = [v.id for v in project.versions(lin.id, include_deleted=True)] + [made["other_root"].id]
    before = _everything(project, want_versions, [lin.id, made["other"].id])

    fresh = create_project(tmp_path / "fresh.ludeme")
    result = import_bundle(fresh, path)
    assert (result.lineages, result.versions, result.recordings, result.votes, result.memories) == \
        (2, 7, 2, 3, 3)
    assert result.lineage_ids == (lin.id, made["other"].id) and result.target == lin.id
    after = _everything(fresh, want_versions, [lin.id, made["other"].id])
    for key in before:
        assert after[key] == before[key], key
    # The soft-deleted fork, the stars, favourite, BT interval, plan and unicode note came across.
    assert fresh.version(made["c"].id).deleted_at is not None
    a = fresh.version(made["a"].id)
    assert (a.rating, a.bt_low, list(a.plan["steps"]), a.note) == (4, 1480.0, [1, 2.5, None], made["a"].note)
    assert fresh.version(made["y"].id).parents == (made["x"].id, made["other_root"].id)
    # Only the other lineage's root came along (it is y's parent), not its whole lineage.
    assert [v.id for v in fresh.versions(made["other"].id)] == [made["other_root"].id]
    # Mechanics the versions use came with their archive entries, counts and all.
    for m in made["mechanics"][:2]:
        assert fresh.mechanic(m.id) == project.mechanic(m.id)
    assert fresh.search_mechanics(made["mechanics"][0].name)  # full-text index filled too
    # The vote with a version that was not exported stayed home; the outsider is absent.
    with pytest.raises(KeyError):
        fresh.version(made["outsider"].id)
    # The video is byte-identical and plays (a real WebM).
    rec = fresh.recordings(made["a"].id)[0]
    assert fresh.blob(rec.video_sha) == made["video"] and made["video"][:4] == b"\x1a\x45\xdf\xa3"
    assert fresh.thumbnail(made["x"].id) == made["thumb"]
    fresh.close()


def test_bundle_layout_blobs_once_manifest_hashes_and_no_secrets(family, tmp_path):
    project, made = family
    path = export_bundle(project, made["lineage"].id, tmp_path)  # a folder: named after the lineage
    assert path.parent == tmp_path and path.suffix == ".ludeme-bundle"
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        manifest = json.loads(zf.read("manifest.json"))
        blobs = [n for n in names if n.startswith("blobs/")]
        assert len(blobs) == len(set(blobs)) == manifest["counts"]["blobs"]
        # The shared video of two recordings and the repeated game file are each stored once.
        assert sum(1 for n in blobs if zf.read(n) == made["video"]) == 1
        assert set(manifest["payloads"]) == set(names) - {"manifest.json"}
        for name, entry in manifest["payloads"].items():
            data = zf.read(name)
            assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["size"]
        everything = b"".join(zf.read(n) for n in names)
    assert manifest["format"] == "ludeme-bundle" and manifest["schema_version"] == 1
    assert manifest["target"] == {"kind": "lineage", "id": made["lineage"].id, "title": made["lineage"].title}
    assert manifest["counts"]["versions"] == 7 and manifest["counts"]["votes"] == 3
    assert b"sk-SECRET" not in everything and b"api_key" not in everything
    assert b"localhost:1" not in everything


def test_a_version_exports_with_its_ancestors_only(family, tmp_path):
    project, made = family
    path = export_bundle(project, made["x"].id, tmp_path / "x.zip")
    bundle = read_bundle(path)
    assert [v.id for v in bundle.versions] == [made["root"].id, made["a"].id, made["b"].id, made["x"].id]
    assert {(v.left, v.right) for v in bundle.votes} == {(made["a"].id, made["b"].id), (made["x"].id, made["a"].id)}
    assert bundle.manifest.target.kind == "version"
    fresh = create_project(tmp_path / "fresh.ludeme")
    result = import_bundle(fresh, path)
    assert result.target == made["x"].id and result.versions == 4
    assert fresh.version(made["x"].id).parents == (made["a"].id, made["b"].id)
    assert fresh.version_files(made["x"].id) == project.version_files(made["x"].id)
    fresh.close()


def test_importing_twice_is_refused_clearly_and_writes_nothing(family, tmp_path):
    project, made = family
    path = export_bundle(project, made["lineage"].title, tmp_path / "b.ludeme-bundle")
    target = create_default_project(tmp_path / "target.ludeme")
    import_bundle(target, path)
    target.close()
    sha, counts = file_sha(tmp_path / "target.ludeme"), row_counts(tmp_path / "target.ludeme")
    target = open_project(tmp_path / "target.ludeme")
    with pytest.raises(ImportRefused, match=r"already has all 7 of its versions .*\(--copy\)"):
        import_bundle(target, path)
    # Back into the project it came from: the same clear refusal.
    with pytest.raises(ImportRefused, match="already has all 7"):
        import_bundle(project, path)
    target.close()
    assert file_sha(tmp_path / "target.ludeme") == sha
    assert row_counts(tmp_path / "target.ludeme") == counts


def test_import_as_a_copy_gets_new_ids_and_the_same_shape(family, tmp_path):
    project, made = family
    path = export_bundle(project, made["lineage"].title, tmp_path / "b.ludeme-bundle")
    before = len(project.versions(include_deleted=True))
    result = import_bundle(project, path, as_copy=True)
    assert len(project.versions(include_deleted=True)) == before + 7
    m = result.id_map
    assert set(m) >= {made["a"].id, made["lineage"].id} and not set(m.values()) & set(m)
    copy_y = project.version(m[made["y"].id])
    assert copy_y.parents == (m[made["x"].id], m[made["other_root"].id])
    assert project.version_files(copy_y.id) == project.version_files(made["y"].id)
    copy_a = project.version(m[made["a"].id])
    assert (copy_a.rating, copy_a.reward, copy_a.lineage_id) == (4, made["a"].reward, m[made["lineage"].id])
    assert len(project.recordings(copy_a.id)) == 1
    assert project.lineage(m[made["lineage"].id]).title == made["lineage"].title
    assert [x.intent for x in project.memories(m[made["lineage"].id])] == \
        [x.intent for x in project.memories(made["lineage"].id)]
    # Blobs are shared with the originals, not stored twice.
    assert result.blobs == 0


def test_bad_targets_and_destinations_are_one_line_errors(family, tmp_path):
    project, _ = family
    with pytest.raises(ExportError, match="no lineage or version 'nope'"):
        export_bundle(project, "nope", tmp_path / "x.ludeme-bundle")
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(ExportError, match="cannot make the folder"):
        export_bundle(project, project.lineages()[0].id, tmp_path / "a-file" / "x.ludeme-bundle")
    assert sorted(p.name for p in tmp_path.iterdir() if "bundle" in p.name or p.suffix == ".part") == []
    # a folder that does not exist yet is made (as the other exports do)
    made = export_bundle(project, project.lineages()[0].id, tmp_path / "new" / "deeper" / "x.ludeme-bundle")
    assert (tmp_path / "new" / "deeper" / "x.ludeme-bundle").is_file(), made


def test_limits_apply_to_real_bundles_too(family, tmp_path):
    project, made = family
    path = export_bundle(project, made["lineage"].title, tmp_path / "b.ludeme-bundle")
    with pytest.raises(ImportRefused, match="more than the 10 allowed"):
        read_bundle(path, Limits(max_entries=10))
    with pytest.raises(ImportRefused, match="for one file"):
        read_bundle(path, Limits(max_entry_bytes=len(made["video"]) - 1))


def test_format_dispatcher_lazy_builtins_and_plugins(family, tmp_path, monkeypatch):
    project, made = family
    assert formats()[:5] == ["bundle", "itch", "gallery", "git", "clip"]
    path = export(project, made["lineage"].title, tmp_path / "b.ludeme-bundle", format="bundle")
    assert read_bundle(path).manifest.counts["versions"] == 7
    monkeypatch.setitem(_BUILTIN, "zine", ("ludeme.exchange.zine_not_installed", "export_zine"))
    with pytest.raises(FormatUnavailable, match="format zine is not available"):
        exporter("zine")
    with pytest.raises(FormatUnavailable, match="unknown export format 'pdf'"):
        exporter("pdf")
    written = []

    def export_titles(project, target_id, out):
        out = Path(out)
        out.write_text("\n".join(lin.title for lin in project.lineages()))
        written.append(target_id)
        return out

    monkeypatch.setattr("ludeme.exchange._REGISTERED", dict(_REGISTERED))
    register_exporter("titles", export_titles)
    assert "titles" in formats()
    out = export(project, "anything", tmp_path / "titles.txt", format="titles")
    assert written == ["anything"] and made["lineage"].title in out.read_text()
    with pytest.raises(ValueError):
        register_exporter("no spaces please", export_titles)


def test_a_real_evaluation_travels_with_its_recording(tmp_path, qapp):
    """Evaluate a version for real (bots, QtWebEngine, WebM), store it the way the pipeline does,
    then export that version and import it: report, probes and a playable video arrive intact."""
    from ludeme.core.settings import EvaluationSettings
    from ludeme.evaluation.evaluator import evaluate
    from ludeme.evaluation.recording import probe_recording
    from ludeme.evaluation.storing import store_report

    project = create_default_project(tmp_path / "studio.ludeme")
    lin = project.lineages()[0]
    root = project.versions(lin.id)[0]
    v = project.add_version(lin.id, project.version_files(root.id), [root.id], operator="mutate",
                            status="validating", direction="same game, new evaluation")
    report = evaluate(project.version_files(v.id), EvaluationSettings(seconds=1.5, idle_seconds=0.5),
                      record_path=tmp_path / "run.webm")
    store_report(project, v.id, report, tmp_path / "run.webm")
    path = export_bundle(project, v.id, tmp_path / "v.ludeme-bundle")
    fresh = create_project(tmp_path / "fresh.ludeme")
    import_bundle(fresh, path)
    assert fresh.version(v.id) == project.version(v.id)
    assert fresh.version(v.id).breakdown["verdict"] == report.verdict
    assert fresh.version_mechanics(v.id) == project.version_mechanics(v.id)
    assert any(link.probe_ok is not None for link in fresh.version_mechanics(v.id))
    (mine,), (theirs,) = project.recordings(v.id), fresh.recordings(v.id)
    assert (theirs.video_sha, theirs.thumbnail_sha, theirs.contact_sheet_sha, theirs.input_trace,
            theirs.metrics, theirs.console_log) == (mine.video_sha, mine.thumbnail_sha, mine.contact_sheet_sha,
                                                    mine.input_trace, mine.metrics, mine.console_log)
    (tmp_path / "back.webm").write_bytes(fresh.blob(theirs.video_sha))
    info = probe_recording(tmp_path / "back.webm")
    assert info.duration > 1.0 and info.duration == pytest.approx(probe_recording(tmp_path / "run.webm").duration)
    project.close()
    fresh.close()


def test_export_reads_one_snapshot_while_another_process_writes(family, tmp_path, monkeypatch):
    """A worker committing while an export runs is neither blocked nor half-seen."""
    import ludeme.exchange.bundle as bundle_mod

    project, made = family
    other = open_project(project.path)
    real_resolve = bundle_mod.resolve_target

    def resolve_then_someone_writes(p, target_id):
        target = real_resolve(p, target_id)
        other.add_vote(made["a"].id, made["x"].id, "right")  # committed by another connection
        other.add_memory(made["lineage"].id, "late lesson")
        return target

    monkeypatch.setattr(bundle_mod, "resolve_target", resolve_then_someone_writes)
    path = export_bundle(project, made["lineage"].id, tmp_path / "b.ludeme-bundle")
    bundle = read_bundle(path)
    assert len(bundle.votes) == 3 and len(bundle.memories) == 3
    assert "late lesson" not in {m.intent for m in bundle.memories}
    assert len(project.votes()) == 5  # after the export, the new vote is visible as usual
    other.close()


def test_a_bundle_cannot_choose_how_its_files_are_served(family, tmp_path):
    """The game:// scheme serves files with their stored type: an import derives it from the
    name, so a bundle claiming a script is a web page gets a script."""
    from tests.exchange.hostile import entries_of, rehash, write_zip

    project, made = family
    path = export_bundle(project, made["y"].id, tmp_path / "y.ludeme-bundle")
    entries = entries_of(path)
    files = json.loads(entries["files.json"])
    for f in files:
        f["mime"] = "text/html"
    entries["files.json"] = json.dumps(files).encode()
    forged = write_zip(tmp_path / "forged.ludeme-bundle", rehash(entries))
    fresh = create_project(tmp_path / "fresh.ludeme")
    import_bundle(fresh, forged)
    assert fresh.version_file(made["y"].id, "extra.js") == (b"let k = 1;", "text/javascript")
    assert fresh.version_file(made["y"].id, "index.html")[1] == "text/html"
    fresh.close()


def test_progress_is_reported_from_zero_to_done(family, tmp_path):
    project, made = family
    seen_out, seen_in = [], []
    path = export_bundle(project, made["lineage"].id, tmp_path / "b.ludeme-bundle",
                         progress=lambda f, msg: seen_out.append((f, msg)))
    fresh = create_project(tmp_path / "fresh.ludeme")
    import_bundle(fresh, path, progress=lambda f, msg: seen_in.append((f, msg)))
    fresh.close()
    for seen in (seen_out, seen_in):
        fractions = [f for f, _ in seen]
        assert len(seen) > 3 and fractions == sorted(fractions) and seen[-1] == (1.0, "done")
    assert {msg for _, msg in seen_in} == {"checking the bundle", "importing", "done"}
