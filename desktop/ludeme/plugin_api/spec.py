"""The hook specifications (pluggy project name ``ludeme``).

Each hook is called once per plugin when plugins load and returns that plugin's contributions
(see :mod:`ludeme.plugin_api.contributions`); the host validates them and calls their functions
itself, one plugin at a time, so a failing plugin is reported and skipped, never fatal.
"""
from __future__ import annotations

from typing import Iterable

import pluggy

PROJECT = "ludeme"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def ludeme_evaluators() -> Iterable["Evaluator"]:  # noqa: F821
    """Extra reward terms (:class:`Evaluator`)."""


@hookspec
def ludeme_operators() -> Iterable["Operator"]:  # noqa: F821
    """Extra offline mutation operators (:class:`Operator`)."""


@hookspec
def ludeme_bots() -> Iterable["BotType"]:  # noqa: F821
    """Extra playtest bots (:class:`BotType`)."""


@hookspec
def ludeme_exporters() -> Iterable["Exporter"]:  # noqa: F821
    """Extra export formats (:class:`Exporter`)."""


@hookspec
def ludeme_generators() -> Iterable["Generator"]:  # noqa: F821
    """Idea-to-game generators (:class:`Generator`)."""


HOOKS = ("ludeme_evaluators", "ludeme_operators", "ludeme_bots", "ludeme_exporters", "ludeme_generators")
