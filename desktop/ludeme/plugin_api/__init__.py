"""The plugin API: hook specs, contribution records and the host that finds and loads plugins.

A plugin is a module (a file or package in the repository's ``plugins/`` folder, in the user's
``<data dir>/plugins`` folder, or named by an entry point in the group ``ludeme.plugins``) with
one or more hook implementations::

    from ludeme.plugin_api import Evaluator, hookimpl

    def _brightness(ctx):
        if ctx.frames is None or not len(ctx.frames):
            return {"brightness": None}
        return {"brightness": float(ctx.frames.mean()) / 255}

    @hookimpl
    def ludeme_evaluators():
        return [Evaluator("brightness", _brightness, weight=0.05, description="mean brightness")]

``get_host()`` loads everything once, lazily; ``host.problems`` lists what failed.
"""
from ludeme.plugin_api.contributions import (BotType, EvaluationContext, Evaluator, Exporter, Generator, Operator,
                                             PluginInfo, PluginProblem)
from ludeme.plugin_api.host import PluginError, PluginHost, get_host, set_host
from ludeme.plugin_api.spec import hookimpl, hookspec

__all__ = ["BotType", "EvaluationContext", "Evaluator", "Exporter", "Generator", "Operator", "PluginError",
           "PluginHost", "PluginInfo", "PluginProblem", "get_host", "hookimpl", "hookspec", "set_host"]
