"""Operators as jobs: crossover (a version with several parents), explore (an under-used mechanic),
manual edit (a person's code becomes a version), repair (resample) — each evaluated before saving."""
from __future__ import annotations

import pytest


from ludeme.evolution.jobs import JOB_FUNCTIONS


def roots(project, *titles):
    by_title = {lin.title: lin for lin in project.lineages()}
    return [project.versions(by_title[t].id)[0] for t in titles]


def test_crossover_has_two_parents(qapp, project):
    a, = roots(project, "Sky Hopper")
    b = project.version(JOB_FUNCTIONS["mutate"](project, {"version_id": a.id, "direction": "add a dash",
                                                           "seconds": 1.5})["version_id"])
    out = JOB_FUNCTIONS["crossover"](project, {"version_ids": [a.id, b.id], "seed": 3, "seconds": 1.5})
    assert out["ok"], out
    child = project.version(out["version_id"])
    assert child.operator == "crossover" and child.parents == (a.id, b.id)
    assert JOB_FUNCTIONS["crossover"](project, {"version_ids": [a.id]})["ok"] is False


def test_explore_manual_and_repair(qapp, project):
    root, = roots(project, "Dune Dash")
    explored = JOB_FUNCTIONS["explore"](project, {"version_id": root.id, "seconds": 1.5})
    assert explored["ok"], explored
    added = set(explored["realised"]) - set(root.mechanics)
    assert added, "explore brings a mechanic the version did not have"
    html = project.version_files(root.id)["index.html"].decode().replace("<title>Dune Dash</title>",
                                                                        "<title>Dune Dash (my cut)</title>")
    manual = JOB_FUNCTIONS["manual"](project, {"version_id": root.id, "html": html, "note": "retitled",
                                               "seconds": 1.5})
    assert manual["ok"] and project.version(manual["version_id"]).operator == "manual"
    assert JOB_FUNCTIONS["manual"](project, {"version_id": root.id, "html": "  "})["ok"] is False
    repaired = JOB_FUNCTIONS["repair"](project, {"version_id": explored["version_id"], "seconds": 1.5})
    assert repaired["ok"] and project.version(repaired["version_id"]).parents == (root.id,)
    assert project.version(repaired["version_id"]).operator == "repair"
    assert project.version(explored["version_id"]).operator == "explore"


def test_studio_jobs_import_idea_and_evolve(qapp, project):
    """The studio's New lineage and Evolve actions run as jobs too (the GUI never waits on them)."""
    html = project.version_files(roots(project, "Orbit Toy")[0].id)["index.html"].decode()
    before = {lin.id for lin in project.lineages()}
    imported = JOB_FUNCTIONS["import"](project, {"html": html, "title": "My Orbit", "seconds": 1.5})
    assert imported["ok"], imported
    lin = project.lineages()[-1]
    assert lin.id not in before and lin.title == "My Orbit"
    assert project.version(imported["version_id"]).operator == "import"
    assert JOB_FUNCTIONS["import"](project, {"html": " ", "title": "x"})["ok"] is False

    idea = JOB_FUNCTIONS["idea"](project, {"prompt": "a frog hopping between lily pads", "seconds": 1.5,
                                           "seed": 2})
    assert idea["ok"], idea
    assert project.version(idea["version_id"]).operator == "idea"
    assert JOB_FUNCTIONS["idea"](project, {"prompt": "  "})["ok"] is False

    sky, = roots(project, "Sky Hopper")
    seen = []
    out = JOB_FUNCTIONS["evolve"](project, {"lineage_id": sky.lineage_id, "generations": 1, "population": 2,
                                            "seconds": 1.5}, progress=lambda f, m: seen.append(f))
    assert out["generations"] == 1 and out["versions"] >= 1
    assert "generations" in out["message"] and len(project.versions(sky.lineage_id)) > 1
    assert seen and max(seen) <= 0.85  # below the commit point: a cancel always stops a run


def test_jobs_score_with_the_projects_reward_weights(qapp, project):
    """Settings ▸ Reward changes how new versions are scored (a job reads the project's weights)."""
    from ludeme.core.settings import RewardWeights, Settings, save_engine_settings

    sky, = roots(project, "Sky Hopper")
    default = JOB_FUNCTIONS["mutate"](project, {"version_id": sky.id, "seed": 5, "seconds": 1.5})
    base = project.version(default["version_id"]).breakdown["terms"]
    only_playability = RewardWeights(realisation=0, creativity=0, playability=1, mechanics=0, novelty=0,
                                     progress=0, cosmetic=0, regression=0)
    settings = Settings()
    save_engine_settings(project, settings.model_copy(update={
        "reward": settings.reward.model_copy(update={"weights": only_playability})}))
    weighted = JOB_FUNCTIONS["mutate"](project, {"version_id": sky.id, "seed": 5, "seconds": 1.5})
    child = project.version(weighted["version_id"])
    terms = child.breakdown["terms"]
    assert terms["playability"]["weight"] > base["playability"]["weight"]
    assert terms["mechanics"]["weight"] == 0 and base["mechanics"]["weight"] > 0
    assert child.reward == pytest.approx(child.breakdown["quality"], abs=1e-3)   # score = quality alone


def test_evaluate_job_keeps_score_recording_and_thumbnail(qapp, project):
    seed, = roots(project, "Pulse Lane")
    assert seed.reward is None and not project.recordings(seed.id)
    out = JOB_FUNCTIONS["evaluate"](project, {"version_id": seed.id, "seconds": 1.5})
    assert out["ok"] and out["verdict"] == "playable"
    again = project.version(seed.id)
    assert again.reward is not None and again.breakdown["verdict"] == "playable"
    assert project.thumbnail(seed.id)[:8] == b"\x89PNG\r\n\x1a\n"


def test_reward_weights_travel_in_the_evaluation_settings(qapp, project):
    """No hidden context: the weights are a field of the evaluation settings the operator is given
    (or reads from the project), and are kept in their own section when settings are saved."""
    from ludeme.core.settings import RewardWeights, Settings, evaluation_settings, save_engine_settings
    from ludeme.evolution.operators.mutate import mutate

    only_playability = RewardWeights(realisation=0, creativity=0, playability=1, mechanics=0, novelty=0,
                                     progress=0, cosmetic=0, regression=0)
    settings = Settings()
    save_engine_settings(project, settings.model_copy(update={
        "reward": settings.reward.model_copy(update={"weights": only_playability}),
        "evaluation": settings.evaluation.model_copy(update={"seconds": 1.5, "idle_seconds": 1.5})}))
    s = evaluation_settings(project, fps=20)
    assert s.reward.weights == only_playability and (s.seconds, s.fps) == (1.5, 20)
    assert "reward" not in s.to_dict()  # Settings ▸ Evaluation is stored without a copy of ▸ Reward

    sky, = roots(project, "Sky Hopper")
    called_without = mutate(project, sky.id, seed=5, eval_settings=None)  # the project's weights
    explicit = mutate(project, sky.id, seed=5, eval_settings=evaluation_settings(None, seconds=1.5))  # defaults
    w = {vid: project.version(vid).breakdown["terms"]["mechanics"]["weight"]
         for vid in (called_without.version_id, explicit.version_id)}
    assert w[called_without.version_id] == 0 and w[explicit.version_id] > 0
