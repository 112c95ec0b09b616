"""The operators that make versions: mutate (and repair, explore), crossover and a person's edit,
import, idea and fork. Each evaluates what it made and saves it through ``save.save_version``, the
one transaction by which a version enters a project."""
from ludeme.evolution.operators.create import fork, import_game, new_from_idea, save_evaluated
from ludeme.evolution.operators.mutate import OFFLINE, MutationResult, mutate
from ludeme.evolution.operators.save import NewVersion, save_version

__all__ = ["OFFLINE", "MutationResult", "NewVersion", "fork", "import_game", "mutate", "new_from_idea",
           "save_evaluated", "save_version"]
