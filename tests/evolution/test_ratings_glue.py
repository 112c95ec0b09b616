"""Ratings on a real project: votes in, Bradley–Terry out, scores stored; and the CLI for it."""
from __future__ import annotations

import json

import pytest

from ludeme.cli import main
from ludeme.core.settings import SelectionSettings
from ludeme.evolution.ratings import fit_project, selection_scores, tallies, update_bt_scores


def test_fit_and_store_bt_scores(project):
    a, b, c = (v.id for v in project.versions()[:3])
    for _ in range(6):
        project.add_vote(a, b, "left")
        project.add_vote(b, c, "left")
    project.add_vote(a, c, "tie")
    project.add_vote(a, c, "left")
    project.add_vote(b, c, "both_bad")
    project.add_vote(c, a, "left", voter="judge", judge_model="m")  # judge votes are kept apart
    fit = update_bt_scores(project, bootstrap=30)
    assert fit[a].score > fit[b].score > fit[c].score
    for vid, r in fit.items():
        stored = project.version(vid)
        assert (stored.bt_score, stored.bt_low, stored.bt_high) == pytest.approx(r.as_tuple())
        assert stored.bt_low <= stored.bt_score <= stored.bt_high
    judge = fit_project(project, voter="judge", bootstrap=0)
    assert set(judge) == {a, c} and judge[c].score > judge[a].score
    both = fit_project(project, voter="all", bootstrap=0)
    assert both[a].n == fit[a].n + 1
    t = tallies(project.votes())
    assert (t[a].wins, t[a].losses, t[a].ties) == (7, 1, 1) and t[c].both_bad == 1
    with pytest.raises(ValueError):
        fit_project(project, voter="robot")


def test_one_vote_moves_a_rating_a_bounded_amount(project):
    """A designer's first vote nudges the two versions (under 100 points), it does not fling them
    to 265 and 1735; many votes the same way still separate them clearly."""
    a, b = (v.id for v in project.versions()[:2])
    project.add_vote(a, b, "left")
    fit = update_bt_scores(project, bootstrap=0)
    assert 1000 < fit[a].score < 1100 and 900 < fit[b].score < 1000
    for _ in range(19):
        project.add_vote(a, b, "left")
    many = update_bt_scores(project, bootstrap=0)
    assert many[a].score - many[b].score > 2 * (fit[a].score - fit[b].score)


def test_lineage_fit_uses_only_votes_inside_the_lineage(project):
    lin = project.lineages()[0].id
    a = project.versions(lin)[0].id
    other = [v.id for v in project.versions() if v.lineage_id != lin][:2]
    project.add_vote(a, other[0], "left")
    project.add_vote(other[0], other[1], "left")
    assert fit_project(project, lineage_id=lin, bootstrap=0) == {}
    assert set(fit_project(project, bootstrap=0)) == {a, *other}


def test_selection_scores_mix_per_settings(project):
    a, b = (v.id for v in project.versions()[:2])
    project.add_vote(a, b, "left")
    project.set_rating(b, 5)
    human_only = selection_scores(project, SelectionSettings(judge_weight=0, stars_weight=0))
    assert human_only[a] > human_only[b]
    stars_only = selection_scores(project, SelectionSettings(human_weight=0, judge_weight=0, stars_weight=1))
    assert stars_only == {b: pytest.approx(1400)}


def test_cli_vote_rate_ratings(project, capsys):
    path = str(project.path)
    a, b = (v.id for v in project.versions()[:2])
    project.close()
    assert main(["vote", "--project", path, a, b, "left"]) == 0
    assert main(["vote", "--project", path, a, b, "tie", "--blind"]) == 0
    assert main(["rate", "--project", path, a, "4"]) == 0
    capsys.readouterr()
    assert main(["ratings", "--project", path, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    rows = {r["version"]: r for r in out["versions"]}
    assert out["votes"] == 2 and rows[a]["rating"] > rows[b]["rating"]
    assert (rows[a]["wins"], rows[a]["ties"], rows[a]["stars"]) == (1, 1, 4)
    assert main(["ratings", "--project", path]) == 0
    text = capsys.readouterr().out
    assert a in text and "95% interval" in text
    assert main(["ratings", "--project", path, "--voter", "judge"]) == 0
    capsys.readouterr()
    from ludeme.store import open_project
    with open_project(project.path) as p:  # the project-wide human fit is stored
        assert p.version(a).bt_score == pytest.approx(rows[a]["rating"], abs=0.06)
        assert p.votes()[1].blind


@pytest.mark.parametrize("argv", [
    ["vote", "{p}", "nope", "{b}", "left"],
    ["vote", "{p}", "{a}", "{b}", "draw"],
    ["vote", "{p}", "{a}", "{a}", "left"],
    ["rate", "{p}", "nope", "3"],
    ["rate", "{p}", "{a}", "6"],
    ["rate", "{p}", "{a}", "x"],
    ["ratings", "{p}", "--lineage", "nope"],
    ["ratings", "{p}", "--voter", "robot"],
])
def test_cli_errors_are_one_line_exit_2(project, capsys, argv):
    a, b = (v.id for v in project.versions()[:2])
    path = str(project.path)
    project.close()
    args = []
    for x in argv:
        args += ["--project", path] if x == "{p}" else [x.format(a=a, b=b)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("ludeme: ") and err.count("\n") == 1
