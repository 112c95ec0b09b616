"""The proxy reward: one number per evaluated version, with its breakdown (CreativeGame, adapted).

Terms, each a value in 0..1 (``None`` = not available for this version):

- ``realisation``: share of planned mechanics whose behavioural probe passed;
- ``structural``: 1 − exp(−c / 0.15) where c = :func:`structural_change` against the parent
  (None for roots);
- ``novelty``: :func:`novelty` = 1 − max Jaccard of this version's mechanic set (kit modules and
  mechanic ids) against other versions' sets (archive and lineage; None without any);
- ``creativity``: clamp((judge − 3) / 7) from a 0–10 LLM judge score (optional);
- ``playability``: ``Metrics.playability`` (0 for a broken version without metrics);
- penalty ``cosmetic``: for a child whose mechanic set is unchanged,
  max(0, 1 − c / cosmetic_threshold) × (1 − 0.5 · realisation) — a small change whose planned
  mechanics are realised ("deepen a mechanic") pays half, a change of the mechanic set pays nothing;
- plugin terms (``RewardInputs.extra``, from plugin evaluators): values in 0..1 with the plugin's
  weight, renormalised with the positive terms above; their breakdown entry names the plugin;
- penalty ``regression``: the shell-collapse severity (lost canvas, loop, input, mechanics, …),
  at least 0.5 when the child collapsed.

Formula, with w the weights from :class:`~ludeme.core.settings.RewardSettings`::

    positive = Σ w_i · v_i / Σ w_i        over the positive terms that are available
    raw      = clamp(positive − w_cosmetic · cosmetic − w_regression · regression, 0, 1)
    total    = raw × (0.25 if playability < 0.6) × (0.5 if the runtime test failed)
    total    = min(total, 0.05) if the verdict is "broken"      (factors and cap from settings)

Verdicts: ``ok``/``playable`` pass; ``runtime_failed``/``not-interactive`` (and any unknown word) are
a failed runtime test; ``broken``, ``timeout`` and ``hostile-contained`` are broken.

Renormalising over available terms keeps seeds (no parent: no structural change, usually no
novelty reference) and runs without a judge on the same 0..1 scale as children with every term.
Each breakdown entry gives the value, the effective weight (after renormalisation; negative for
penalties) and the contribution to ``raw``.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Iterable, Mapping

from ludeme.core.settings import RewardSettings
from ludeme.evaluation.collapse import Collapse
from ludeme.evaluation.metrics import Metrics
from ludeme.evaluation.static_checks import extract_scripts, kit_pieces, tokenize

STRUCTURAL_SCALE = 0.15


class Verdict(StrEnum):
    OK = "ok"                          # ran, no runtime failure
    RUNTIME_FAILED = "runtime_failed"  # ran, but the runtime test failed (e.g. input changed nothing)
    BROKEN = "broken"                  # did not run as a game: static failure, no load, hang, hostile


# The evaluation report's verdicts (evaluation/verdict.py) and what the reward makes of them.
_VERDICTS = {"ok": Verdict.OK, "playable": Verdict.OK,
             "runtime_failed": Verdict.RUNTIME_FAILED, "not-interactive": Verdict.RUNTIME_FAILED,
             "broken": Verdict.BROKEN, "timeout": Verdict.BROKEN, "hostile-contained": Verdict.BROKEN}


def verdict_kind(verdict: "Verdict | str") -> Verdict:
    """The reward's reading of a verdict; an unknown one counts as a failed runtime test."""
    return _VERDICTS.get(str(verdict), Verdict.RUNTIME_FAILED)


@dataclass(frozen=True)
class RewardInputs:
    verdict: Verdict | str = Verdict.OK
    metrics: Metrics | Mapping | None = None
    collapse: Collapse | None = None
    realisation: float | None = None        # probe pass fraction of planned mechanics
    structural: float | None = None         # structural_change(parent, child); None for roots
    novelty: float | None = None            # novelty(features, others)
    creativity: float | None = None         # judge score 0..10
    mechanic_delta: float | None = None     # 1 − Jaccard(parent mechanics, child mechanics)
    # Plugin evaluator terms: {term: {"value": 0..1 | None, "weight": 0..1, "plugin": name}}; they
    # join the positive terms and are renormalised with them.
    extra: Mapping[str, Mapping[str, Any]] | None = None


@dataclass(frozen=True)
class Reward:
    total: float
    breakdown: dict[str, dict[str, Any]] = field(default_factory=dict)
    gates: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"total": self.total, "breakdown": {k: dict(v) for k, v in self.breakdown.items()},
                "gates": list(self.gates)}


def _clamp(x: float) -> float:
    return 0.0 if x != x else max(0.0, min(1.0, float(x)))


# ------------------------------------------------------------------------- structural change

_TOKEN = re.compile(r"[A-Za-z_$][\w$]*|\d[\w.]*|\.\d[\w]*|\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|`[^`]*`|"
                    r"/(?:\\.|[^/\\\n])+/[a-z]*|[^\s\w]")


def _game_code(html: str) -> str:
    """The code that makes this game itself: scripts minus comments, minus the shared kit core."""
    pieces = kit_pieces(html)
    text = "\n".join(s.code for s in extract_scripts(html))
    if "core" in pieces:
        text = text.replace(pieces["core"], "")
    return tokenize(text).stripped


def _shingles(code: str, literal: bool, n: int = 4) -> Counter:
    toks = _TOKEN.findall(code)
    if not literal:
        toks = ["0" if t[0].isdigit() or (t[0] == "." and len(t) > 1) else
                "S" if t[0] in "\"'`" else t for t in toks]
    if len(toks) < n:
        return Counter([tuple(toks)]) if toks else Counter()
    return Counter(zip(*(toks[i:] for i in range(n))))


def _bag_distance(a: Counter, b: Counter) -> float:
    if not a and not b:
        return 0.0
    inter = sum((a & b).values())
    union = sum((a | b).values())
    return 1.0 - inter / union if union else 0.0


def structural_change(parent_html: str, child_html: str) -> float:
    """0 (same code) .. 1 (nothing in common): weighted-Jaccard distance of token 4-gram bags.

    Comments and the shared kit core are ignored. 0.8 of the figure comes from the code's shape
    (numbers and strings abstracted) and 0.2 from the literals, so retuning constants registers a
    little and reshaping logic registers fully."""
    p, c = _game_code(parent_html), _game_code(child_html)
    shape = _bag_distance(_shingles(p, False), _shingles(c, False))
    lit = _bag_distance(_shingles(p, True), _shingles(c, True))
    return round(0.8 * shape + 0.2 * lit, 6)


def jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    sa, sb = set(a), set(b)
    if not sa and not sb:
        return 1.0
    return len(sa & sb) / len(sa | sb)


def novelty(features: Iterable[str], others: Iterable[Iterable[str]]) -> float | None:
    """1 − the highest Jaccard similarity to any other version's mechanic set; None without any."""
    fs = set(features)
    best = None
    for o in others:
        j = jaccard(fs, o)
        best = j if best is None else max(best, j)
    return None if best is None else round(1.0 - best, 6)


def mechanic_delta(parent: Iterable[str], child: Iterable[str]) -> float:
    return round(1.0 - jaccard(parent, child), 6)


# ------------------------------------------------------------------------------------ reward

def proxy_reward(inputs: RewardInputs, settings: RewardSettings | None = None) -> Reward:
    """Combine the terms into one reward (formula in the module docstring)."""
    st = settings or RewardSettings()
    w = st.weights
    verdict = verdict_kind(inputs.verdict)
    metrics = inputs.metrics
    if isinstance(metrics, Mapping):
        metrics = Metrics.from_dict(metrics)

    play = metrics.playability if metrics is not None else (0.0 if verdict == Verdict.BROKEN else None)
    creativity = None
    if inputs.creativity is not None:
        creativity = _clamp((inputs.creativity - st.creativity_offset) / st.creativity_span)
    structural = None
    if inputs.structural is not None:
        structural = _clamp(1 - math.exp(-max(0.0, inputs.structural) / STRUCTURAL_SCALE))
    values: dict[str, float | None] = {
        "realisation": None if inputs.realisation is None else _clamp(inputs.realisation),
        "structural": structural,
        "novelty": None if inputs.novelty is None else _clamp(inputs.novelty),
        "creativity": creativity,
        "playability": None if play is None else _clamp(play),
    }
    weights = w.positive()
    sources: dict[str, str] = {}
    for name, term in (inputs.extra or {}).items():
        if name in values:  # a plugin term never replaces a built-in one
            continue
        value = term.get("value")
        values[name] = None if value is None else _clamp(value)
        weights[name] = max(0.0, min(1.0, float(term.get("weight", 0.0))))
        sources[name] = str(term.get("plugin", ""))
    avail = {k: weights[k] for k, v in values.items() if v is not None and weights[k] > 0}
    wsum = sum(avail.values())
    breakdown: dict[str, dict[str, Any]] = {}
    positive = 0.0
    for k, v in values.items():
        eff = avail[k] / wsum if k in avail else 0.0
        contrib = eff * v if v is not None else 0.0
        positive += contrib
        breakdown[k] = {"value": v, "weight": round(eff, 6), "contribution": round(contrib, 6)}
        if k in sources:
            breakdown[k]["plugin"] = sources[k]

    cosmetic = 0.0
    if inputs.structural is not None and not (inputs.mechanic_delta or 0) > 0:
        cosmetic = max(0.0, 1.0 - inputs.structural / st.cosmetic_threshold)
        if inputs.realisation is not None:
            cosmetic *= 1.0 - 0.5 * _clamp(inputs.realisation)
    regression = inputs.collapse.severity if inputs.collapse is not None else 0.0
    if inputs.collapse is not None and inputs.collapse.collapsed:
        regression = max(regression, 0.5)
    penalty = 0.0
    for k, v, wt in (("cosmetic", cosmetic, w.cosmetic), ("regression", regression, w.regression)):
        penalty += wt * v
        breakdown[k] = {"value": round(v, 6), "weight": -wt, "contribution": round(-wt * v, 6)}

    total = _clamp(positive - penalty)
    gates: list[str] = []
    if play is not None and play < st.playability_gate:
        total *= st.playability_factor
        gates.append(f"playability {play:.2f} < {st.playability_gate:g}: ×{st.playability_factor:g}")
    if verdict == Verdict.RUNTIME_FAILED:
        total *= st.runtime_failed_factor
        gates.append(f"runtime test failed: ×{st.runtime_failed_factor:g}")
    if verdict == Verdict.BROKEN and total > st.broken_cap:
        total = st.broken_cap
        gates.append(f"broken: capped at {st.broken_cap:g}")
    elif verdict == Verdict.BROKEN:
        gates.append(f"broken: capped at {st.broken_cap:g}")
    return Reward(round(total, 6), breakdown, gates)
