"""The pairwise audio-visual judge: both presentation orders, contact sheets sent as images, game
text fenced, a judge vote stored apart from human votes; disagreement between orders is a tie."""
from __future__ import annotations

import json
import re

import pytest

from ludeme.agents.judge import judge_model_for, judge_pair
from ludeme.agents.llm import LLMClient
from ludeme.agents.settings import AgentSettings
from ludeme.cli import main
from ludeme.store import create_default_project, open_project


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory, qapp):
    path = tmp_path_factory.mktemp("judge") / "j.ludeme"
    project = create_default_project(path)
    ids = [project.versions(lin.id)[0].id for lin in project.lineages()[:2]]
    project.close()
    for vid in ids:
        assert main(["evaluate", vid, "--project", str(path), "--seconds", "2", "--json"]) == 0
    return path, ids


def verdict(winner: str) -> str:
    return json.dumps({"winner": winner, "confidence": 0.8, "reasons": ["clearer feedback"], "scores": []})


@pytest.mark.parametrize("first,second,outcome", [("A", "B", "left"), ("A", "A", "tie"), ("both_bad", "both_bad", "both_bad")])
def test_judge_pair(fake_llm, evaluated, capsys, first, second, outcome):
    capsys.readouterr()
    path, (left, right) = evaluated
    settings = AgentSettings(api_base=fake_llm.api_base, judge_model="openai/fake-judge")
    model = judge_model_for(settings)
    client = LLMClient(settings.model_copy(update={"default_model": model}))
    fake_llm.reply(verdict(first)).reply(verdict(second))
    with open_project(path) as project:
        result = judge_pair(client, project, left, right, model=model)
        assert result.outcome == outcome
        votes = project.votes(voter="judge")
        assert votes[-1].outcome == outcome and votes[-1].judge_model == "openai/fake-judge"
        assert not project.votes(voter="human"), "judge votes are kept apart from human ones"
    sent = fake_llm.requests[-2:]
    assert all(r.images for r in sent), "both contact sheets go to the judge as images"
    texts = [json.dumps(r.messages) for r in sent]
    nonces = [set(re.findall(r"GAME-CONTENT-([0-9a-f]+)", t)) for t in texts]
    assert all(nonces) and not (nonces[0] & nonces[1]), "a fresh nonce fences game content on every call"


def test_judge_defaults_to_a_model_other_than_the_coder():
    settings = AgentSettings(roles={"coder": {"model": "openai/big-coder"}, "critic": {"model": "openai/small-critic"}})
    assert judge_model_for(settings) != "openai/big-coder"
