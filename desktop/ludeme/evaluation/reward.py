"""The score of an evaluated version: its quality, its progress, and one number from both.

One scale for every version, root or child, kit game or not:

- **quality** (what the game is; the same for a root and for the same game as a child):
  weighted mean of the available terms ``playability`` (``Metrics.playability``: drawn, alive,
  responsive to input against a no-input run, audio-visual richness), ``realisation`` (share of
  the game's own mechanic probes that pass: kit modules, independent of any plan), ``creativity``
  (critic or judge score s, clamp((s − 3) / 7)) and plugin terms (``RewardInputs.extra``).
- **progress** (what it adds to its lineage; None for a root, which counts 0): weighted mean of
  ``mechanics`` (mechanics the child shows that its parent did not, each confirmed by a probe:
  1 − 0.5^n) and ``novelty`` (1 − the highest Jaccard similarity of its mechanic set to the other
  versions' sets of the archive and lineage). A rewrite earns nothing for being a rewrite:
  ``structural`` (code change against the parent) is reported but only tells a cosmetic change.
- penalties: ``cosmetic`` for a child whose mechanic set and numbers are unchanged (a recolour, new
  labels: :func:`numbers_changed` tells a tuning of speeds or lives, which is not cosmetic),
  max(0, 1 − structural / cosmetic_threshold) × (1 − 0.5 · realisation); ``regression``, the
  shell-collapse severity (at least 0.5 when the child collapsed: canvas, loop, input or mechanics
  lost, behaviour gone).

Formula, with w the weights from :class:`~ludeme.core.settings.RewardWeights` and p = w.progress::

    total = clamp((1 − p) · quality + p · progress − w_cosmetic · cosmetic − w_regression · regression)
    total, quality ×= 0.25 if playability < 0.6;  ×= 0.5 if the runtime test failed
    total, quality = min(·, 0.05) if the verdict is "broken"        (factors and cap from settings)

A cosmetic child never outscores its parent: :func:`cap_to_parent` holds its total at the
parent's when it is saved. Each breakdown entry gives the value, its part (quality, progress,
penalty, info), the effective weight on the total and the contribution (they add up to the total
before the gates).

Verdicts: ``ok``/``playable`` pass; ``runtime_failed``/``not-interactive`` (and any unknown word) are
a failed runtime test; ``broken``, ``timeout`` and ``hostile-contained`` are broken.
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
    realisation: float | None = None        # probe pass fraction of the game's own mechanics
    structural: float | None = None         # structural_change(parent, child); None for roots
    novelty: float | None = None            # novelty(features, others)
    creativity: float | None = None         # judge score 0..10
    mechanic_delta: float | None = None     # 1 − Jaccard(parent mechanics, child mechanics)
    new_mechanics: int | None = None        # mechanics new against the parent, confirmed by a probe
    tuned: bool = False                     # the code's numbers changed (numbers_changed): not cosmetic
    # Plugin evaluator terms: {term: {"value": 0..1 | None, "weight": 0..1, "plugin": name}}; they
    # join the quality terms and are renormalised with them.
    extra: Mapping[str, Mapping[str, Any]] | None = None

    @property
    def is_root(self) -> bool:
        return self.structural is None


@dataclass(frozen=True)
class Reward:
    total: float
    breakdown: dict[str, dict[str, Any]] = field(default_factory=dict)
    gates: list[str] = field(default_factory=list)
    quality: float = 0.0
    progress: float | None = None           # None: a root, nothing to add to yet

    def to_dict(self) -> dict[str, Any]:
        return {"total": self.total, "breakdown": {k: dict(v) for k, v in self.breakdown.items()},
                "gates": list(self.gates), "quality": self.quality, "progress": self.progress}


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


_NUMBER = re.compile(r"(?<![\w$.])(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?")


def _numbers(html: str) -> list[str]:
    pieces = kit_pieces(html)
    text = "\n".join(s.code for s in extract_scripts(html))
    if "core" in pieces:
        text = text.replace(pieces["core"], "")
    return _NUMBER.findall(tokenize(text).clean)


def numbers_changed(parent_html: str, child_html: str) -> bool:
    """Whether the child's code holds other numbers than its parent's (a speed, a gravity, lives:
    tuning changes how it plays). Numbers inside strings (colours, labels) and comments do not
    count: a recolour or a new label is cosmetic."""
    return _numbers(parent_html) != _numbers(child_html)


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

def _mean(values: Mapping[str, float | None], weights: Mapping[str, float]
          ) -> tuple[float | None, dict[str, float]]:
    """Weighted mean over the available terms and each term's share (0 when unavailable)."""
    avail = {k: weights.get(k, 0.0) for k, v in values.items() if v is not None and weights.get(k, 0.0) > 0}
    total = sum(avail.values())
    if total <= 0:
        return None, {k: 0.0 for k in values}
    shares = {k: avail.get(k, 0.0) / total for k in values}
    return sum(shares[k] * (values[k] or 0.0) for k in values), shares


def new_mechanics_value(n: int) -> float:
    """Credit for n new mechanics shown by probes: 0, 0.5, 0.75, 0.875 …"""
    return 1.0 - 0.5 ** max(0, int(n))


def proxy_reward(inputs: RewardInputs, settings: RewardSettings | None = None) -> Reward:
    """Quality, progress and the score (formula in the module docstring)."""
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
    q_values: dict[str, float | None] = {
        "playability": None if play is None else _clamp(play),
        "realisation": None if inputs.realisation is None else _clamp(inputs.realisation),
        "creativity": creativity,
    }
    q_weights = w.quality_terms()
    sources: dict[str, str] = {}
    for name, term in (inputs.extra or {}).items():
        if name in q_values or name in ("mechanics", "novelty", "structural", "cosmetic", "regression"):
            continue  # a plugin term never replaces a built-in one
        value = term.get("value")
        q_values[name] = None if value is None else _clamp(value)
        q_weights[name] = max(0.0, min(1.0, float(term.get("weight", 0.0))))
        sources[name] = str(term.get("plugin", ""))
    quality, q_shares = _mean(q_values, q_weights)
    quality = quality or 0.0

    root = inputs.is_root
    p_values: dict[str, float | None] = {
        "mechanics": None if root or inputs.new_mechanics is None else new_mechanics_value(inputs.new_mechanics),
        "novelty": None if root or inputs.novelty is None else _clamp(inputs.novelty),
    }
    progress, p_shares = _mean(p_values, w.progress_terms())
    if progress is None and not root:
        progress = 0.0                # a child with nothing to measure has added nothing we can see
    pw = w.progress

    breakdown: dict[str, dict[str, Any]] = {}
    positive = 0.0
    for part, values, shares, share in (("quality", q_values, q_shares, 1.0 - pw),
                                        ("progress", p_values, p_shares, pw)):
        for k, v in values.items():
            eff = share * shares.get(k, 0.0)
            contrib = eff * v if v is not None else 0.0
            positive += contrib
            breakdown[k] = {"value": v, "part": part, "weight": round(eff, 6), "contribution": round(contrib, 6)}
            if k in sources:
                breakdown[k]["plugin"] = sources[k]
    structural = None if inputs.structural is None else round(max(0.0, inputs.structural), 6)
    breakdown["structural"] = {"value": structural, "part": "info", "weight": 0.0, "contribution": 0.0}

    cosmetic = 0.0
    if inputs.structural is not None and not (inputs.mechanic_delta or 0) > 0 and not (inputs.new_mechanics or 0) > 0 \
            and not inputs.tuned:
        cosmetic = max(0.0, 1.0 - inputs.structural / st.cosmetic_threshold)
        if inputs.realisation is not None:
            cosmetic *= 1.0 - 0.5 * _clamp(inputs.realisation)
    regression = inputs.collapse.severity if inputs.collapse is not None else 0.0
    if inputs.collapse is not None and inputs.collapse.collapsed:
        regression = max(regression, 0.5)
    penalty = 0.0
    for k, v, wt in (("cosmetic", cosmetic, w.cosmetic), ("regression", regression, w.regression)):
        penalty += wt * v
        breakdown[k] = {"value": round(v, 6), "part": "penalty", "weight": -wt, "contribution": round(-wt * v, 6)}

    total = _clamp(positive - penalty)
    factor = 1.0
    gates: list[str] = []
    if play is not None and play < st.playability_gate:
        factor *= st.playability_factor
        gates.append(f"playability {play:.2f} < {st.playability_gate:g}: ×{st.playability_factor:g}")
    if verdict == Verdict.RUNTIME_FAILED:
        factor *= st.runtime_failed_factor
        gates.append(f"runtime test failed: ×{st.runtime_failed_factor:g}")
    total *= factor
    quality *= factor
    if verdict == Verdict.BROKEN:
        total, quality = min(total, st.broken_cap), min(quality, st.broken_cap)
        gates.append(f"broken: capped at {st.broken_cap:g}")
    return Reward(round(total, 6), breakdown, gates, round(quality, 6),
                  None if progress is None else round(progress, 6))


def is_cosmetic(breakdown: Mapping[str, Any]) -> bool:
    """Whether a stored breakdown (its terms) is of a cosmetic-only child."""
    terms = breakdown.get("terms", breakdown) if isinstance(breakdown, Mapping) else {}
    cos = terms.get("cosmetic") if isinstance(terms, Mapping) else None
    return isinstance(cos, Mapping) and float(cos.get("value") or 0.0) > 0.0


def cap_to_parent(total: float, breakdown: Mapping[str, Any], parent_total: float | None
                  ) -> tuple[float, str | None]:
    """A cosmetic child's total held at its parent's (a recolour may look richer, it adds nothing):
    (total, the gate line when it was capped)."""
    if parent_total is None or not is_cosmetic(breakdown) or total <= parent_total:
        return total, None
    return round(float(parent_total), 6), f"cosmetic change: held at its parent's {parent_total:.3f}"
