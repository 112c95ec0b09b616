"""Shell collapse: a child that kept the look of its parent but lost what made it a game.

CreativeGame saw a Flappy lineage "repaired" into an empty arcade shell; a repairer that deletes a
mechanic to silence an error must not be rewarded. ``shell_collapse`` compares a child with its
parent and lists what went missing:

- ``canvas``, ``loop``, ``input``, ``render``: the parent passed that static check, the child fails
  it (severity 1 each: a core loss always collapses);
- ``kit:<id>``: a kit module inlined in the parent is gone from the child (and was not meant to be
  removed): 0.6 × the share of the parent's modules lost;
- ``mechanic:<id>``: a planned mechanic the parent showed (as a kit module, in its telemetry's
  mechanic list, or by name in its code) shows nowhere in the child — not as a kit module, not in
  the telemetry, not by a passing behaviour probe (``shown``), not by name in the code: 0.3 each.
  A planned mechanic the parent never had is not a loss (its realisation is scored elsewhere);
- ``controls``: the child no longer listens for at least half of the keys the parent did (or for
  the pointer it used): 0.2 × the share lost;
- ``code_size``: the child's code (comments and literals removed) is under half the parent's: 0.3;
- with metrics for both: ``entity_variety`` (under half the parent's entity tags, parent ≥ 3): 0.25;
  ``activity`` (changing frames under 40 % of the parent's, parent ≥ 0.3): 0.25;
  ``responsiveness`` (under 40 % of the parent's, parent ≥ 0.2): 0.3;
  ``audio`` (parent sounded in ≥ 10 % of windows, child in under 2 %): 0.15.

``severity`` = min(1, sum of the weights); ``collapsed`` when a core check was lost or severity ≥ 0.5.
The reward's regression penalty is the severity.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from ludeme.evaluation.metrics import Metrics
from ludeme.evaluation.static_checks import kit_modules, static_checks, tokenize, extract_scripts

CORE_CHECKS = ("canvas", "loop", "input", "render")
COLLAPSE_SEVERITY = 0.5


@dataclass(frozen=True)
class Collapse:
    collapsed: bool
    lost: list[str] = field(default_factory=list)
    detail: str = ""
    severity: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"collapsed": self.collapsed, "lost": list(self.lost), "detail": self.detail,
                "severity": self.severity}


def _metrics(m: Metrics | Mapping | None) -> Metrics | None:
    if m is None or isinstance(m, Metrics):
        return m
    return Metrics.from_dict(m)


def code_size(html: str) -> int:
    """Characters of code once comments, literal contents and whitespace are removed."""
    return sum(len(re.sub(r"\s+", "", tokenize(s.code).clean)) for s in extract_scripts(html))


def _norm(text: str) -> str:
    return re.sub(r"[_\-\s]", "", text.lower())


def shell_collapse(parent_html: str, child_html: str, parent_metrics: Metrics | Mapping | None = None,
                   child_metrics: Metrics | Mapping | None = None, planned: Iterable[str] = (),
                   *, removed: Iterable[str] = (), shown: Iterable[str] = ()) -> Collapse:
    """What the child lost against its parent (see the module docstring for weights).

    ``planned``: mechanic ids the plan keeps or adds (they must show in the child); ``removed``:
    ids the plan deliberately removes (their loss is not counted); ``shown``: ids a behaviour probe
    showed in the child. A version compared with itself loses nothing.
    """
    removed_set = set(removed)
    lost: list[str] = []
    notes: list[str] = []
    severity = 0.0

    pc = {c.name: c for c in static_checks(parent_html)}
    cc = {c.name: c for c in static_checks(child_html)}
    core_lost = False
    for name in CORE_CHECKS:
        if pc[name].ok and not cc[name].ok:
            lost.append(name)
            notes.append(f"{name}: {cc[name].detail}")
            severity += 1.0
            core_lost = True

    parent_mods = kit_modules(parent_html)
    child_mods = set(kit_modules(child_html))
    gone = [m for m in parent_mods if m not in child_mods and m not in removed_set]
    if gone:
        lost += [f"kit:{m}" for m in gone]
        share = len(gone) / max(1, len(parent_mods))
        severity += 0.6 * share
        notes.append(f"kit modules gone: {', '.join(gone)}")

    cm = _metrics(child_metrics)
    pm = _metrics(parent_metrics)
    planned_ids = [p for p in dict.fromkeys(planned) if p and p not in removed_set]
    if planned_ids:
        text = _norm("\n".join(tokenize(s.code).stripped for s in extract_scripts(child_html)))
        before = _norm("\n".join(tokenize(s.code).stripped for s in extract_scripts(parent_html)))
        had = set(parent_mods) | set(pm.mechanics if pm else ())
        present = set(child_mods) | set(cm.mechanics if cm else ()) | set(shown)
        missing = [p for p in planned_ids if (p in had or _norm(p) in before)
                   and p not in present and _norm(p) not in text]
        if missing:
            lost += [f"mechanic:{p}" for p in missing]
            severity += 0.3 * len(missing)
            notes.append(f"planned mechanics missing: {', '.join(missing)}")

    from ludeme.evaluation.bots import discover_controls

    pk, ck = discover_controls(parent_html), discover_controls(child_html)
    keys_gone = [k for k in pk.keys if k not in set(ck.keys)]
    units = len(pk.keys) + int(pk.pointer)
    gone_units = len(keys_gone) + int(pk.pointer and not ck.pointer)
    if units and gone_units / units >= 0.5:
        lost.append("controls")
        severity += 0.2 * gone_units / units
        notes.append("controls gone: " + ", ".join(keys_gone + (["pointer"] if pk.pointer and not ck.pointer else [])))

    ps, cs = code_size(parent_html), code_size(child_html)
    if ps > 200 and cs < 0.5 * ps:
        lost.append("code_size")
        severity += 0.3
        notes.append(f"code shrank from {ps} to {cs} characters")

    if pm and cm:
        if pm.entity_variety >= 3 and cm.entity_variety < 0.5 * pm.entity_variety:
            lost.append("entity_variety")
            severity += 0.25
            notes.append(f"entity kinds {pm.entity_variety} -> {cm.entity_variety}")
        if pm.changing_fraction >= 0.3 and cm.changing_fraction < 0.4 * pm.changing_fraction:
            lost.append("activity")
            severity += 0.25
            notes.append(f"changing frames {pm.changing_fraction:.2f} -> {cm.changing_fraction:.2f}")
        if pm.responsiveness is not None and cm.responsiveness is not None \
                and pm.responsiveness >= 0.2 and cm.responsiveness < 0.4 * pm.responsiveness:
            lost.append("responsiveness")
            severity += 0.3
            notes.append(f"responsiveness {pm.responsiveness:.2f} -> {cm.responsiveness:.2f}")
        if pm.audio_activity >= 0.1 and cm.audio_activity < 0.02:
            lost.append("audio")
            severity += 0.15
            notes.append("the child is silent")

    severity = min(1.0, severity)
    collapsed = core_lost or severity >= COLLAPSE_SEVERITY
    return Collapse(collapsed, lost, "; ".join(notes), round(severity, 4))
