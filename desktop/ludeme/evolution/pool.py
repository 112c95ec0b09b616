"""Evaluations on every core: a pool of evaluator processes for `ludeme evolve --jobs N` (the
threads that feed it are in evolution/slots.py).

Each member is ``python -m ludeme.evolution.pool``: one process with its own QApplication and
browser that reads one request per line on stdin (the game, its parent, the planned mechanics, the
settings with their reward weights, where to write the recording) and answers one line on stdout
(the report, images included). The members only evaluate: the calling process (the one writer of
the project file) generates, saves and selects. ``EvalPool.evaluate`` has the signature of
``evaluation.evaluator.evaluate`` and is safe to call from several threads at once; each call
takes an idle member.

A member that dies (a game that crashes its evaluator, a kill) is replaced; the evaluation it was
running comes back as a broken report that says so. Members exit when their stdin closes, so a
killed parent leaves none behind once their current evaluation ends.

Cancel reaches running evaluations: a pool given ``cancel`` (a callable) checks it twice a second
while it waits, kills the member (``EvalPool``) or cancels the Ray task (``RayPool``, force) and
raises :class:`EvaluationCancelled`; nothing of that child is saved and a resumed run makes it again.
A run's money is one ``slots.RunBudget`` shared by its children's threads, so a model call that
would overspend is refused inside a running child, not only before the next child starts.
"""
from __future__ import annotations

import base64
import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

# Peak memory of one evaluation (Python + browser processes), measured by tests/bench; the number
# of evaluations run at once is bounded so that they fit in the memory that is free.
EVAL_PEAK_MB = 950
# One evaluation keeps about two cores busy (its play run and its no-input run each have a renderer,
# and the recording is encoded alongside): more evaluations than cores / 2 only slow each other down.
CORES_PER_EVAL = 2
MEMBER_TIMEOUT_S = 300.0  # one evaluation, whatever the game does (its own limits are much shorter)
CANCEL_POLL_S = 0.5  # how often a waiting evaluation checks whether it was cancelled


class EvaluationCancelled(BaseException):
    """A running evaluation was cancelled (its member killed, its Ray task cancelled). A
    BaseException, so that the pipeline's ``except Exception`` does not take it for a game's fault."""


def memory_bound_jobs(wanted: int) -> int:
    """``wanted`` at most, and no more evaluations than fit in the memory that is free now."""
    try:
        with open("/proc/meminfo") as f:
            info = dict(line.split(":", 1) for line in f)
        available_mb = int(info["MemAvailable"].split()[0]) // 1024
    except (OSError, KeyError, ValueError):
        return max(1, wanted)
    return max(1, min(wanted, available_mb // EVAL_PEAK_MB))


def default_jobs() -> int:
    """Evaluations at once when none is asked for: one per two cores, as many as fit in free memory."""
    return memory_bound_jobs(max(1, (os.cpu_count() or 1) // CORES_PER_EVAL))


def _settings_payload(settings) -> dict:
    if settings is None:
        return {}
    data = settings.model_dump(mode="json")
    reward = getattr(settings, "reward", None)
    if reward is not None:  # left out of model_dump on purpose (its own section when stored)
        data["reward"] = reward.model_dump(mode="json")
    return data


def _settings_from(data: dict):
    from ludeme.core.settings import EvaluationSettings, RewardSettings

    reward = data.pop("reward", None)
    s = EvaluationSettings.from_dict(data)
    return s.model_copy(update={"reward": RewardSettings.from_dict(reward)}) if reward is not None else s


def _request(files, settings, parent_html, planned, record_path, novelty_against, kw, who: str) -> dict:
    """One evaluation as the JSON a pool member or a Ray task takes (``evaluator.evaluate``'s arguments)."""
    probes = kw.pop("probes", None)
    if kw:
        raise TypeError(f"{who}.evaluate does not take {', '.join(sorted(kw))}")
    return {"probes": [p.to_dict() if hasattr(p, "to_dict") else dict(p) for p in probes or ()],
            "html": files.get("index.html", b"").decode("utf-8", "replace"),
            "settings": _settings_payload(settings), "parent_html": parent_html,
            "planned": list(planned or ()), "record_path": str(record_path) if record_path else None,
            "novelty_against": [sorted(s) for s in novelty_against] if novelty_against else None}


# -- this process's evaluations: here, or on a cluster -----------------------------------------------
_BACKEND: dict[str, Any] = {"pool": None, "where": {}}


def use_cluster(address: str | None) -> None:
    """Send this process's default evaluations (``evaluate_default``) to a Ray cluster at ``address``;
    None or "" keeps them on this machine. ValueError with a one-line reason when Ray is missing or
    the cluster cannot be reached."""
    old = _BACKEND["pool"]
    if old is not None:
        old.close()
        _BACKEND["pool"] = None
    if not address:
        return
    try:
        import ray  # noqa: F401
    except ImportError:
        raise ValueError("a cluster address is set but Ray is not installed: "
                         "pip install 'ludeme[cluster]' (or clear Settings ▸ Evaluation ▸ Cluster)") from None
    try:
        _BACKEND["pool"] = RayPool(address)
    except ValueError:
        raise
    except Exception as exc:  # noqa: BLE001 - ConnectionError and Ray's own errors
        raise ValueError(f"cannot reach the Ray cluster at {address}: {' '.join(str(exc).split())[:200]}") from None


def cluster_pool():
    """The Ray pool ``use_cluster`` connected this process to, or None."""
    return _BACKEND["pool"]


def _reachable(address: str, timeout: float = 3.0) -> None:
    """A HOST:PORT (or ray://HOST:PORT) with nothing listening fails at once: Ray itself waits minutes."""
    import socket

    if address == "auto":
        return
    host, _, port = address.removeprefix("ray://").rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=timeout):
            pass
    except (OSError, ValueError) as exc:
        why = "nothing is listening there" if isinstance(exc, ConnectionRefusedError) else \
            " ".join(str(exc).split())[:120] or type(exc).__name__
        raise ValueError(f"cannot reach the Ray cluster at {address}: {why}") from None


def evaluate_default(files: dict[str, bytes], settings=None, **kw):
    """Evaluate here, or on the cluster ``use_cluster`` named; where it ran is counted (``where_ran``)."""
    pool = _BACKEND["pool"]
    if pool is None:
        import socket

        from ludeme.evaluation.evaluator import evaluate

        report = evaluate(files, settings, **kw)
        name = f"this machine ({socket.gethostname()})"
        _BACKEND["where"][name] = _BACKEND["where"].get(name, 0) + 1
        return report
    before = dict(pool.nodes)
    report = pool.evaluate(files, settings, **kw)
    for node, n in pool.nodes.items():
        if n > before.get(node, 0):
            _BACKEND["where"][node] = _BACKEND["where"].get(node, 0) + n - before.get(node, 0)
    return report


def where_ran(reset: bool = False) -> dict[str, int]:
    """Where this process's default evaluations ran: {place: how many}."""
    out = dict(_BACKEND["where"])
    if reset:
        _BACKEND["where"].clear()
    return out


def _inputs_to_wire(inputs) -> dict | None:
    if inputs is None:
        return None
    d = {f: getattr(inputs, f) for f in inputs.__dataclass_fields__}
    d["verdict"] = str(d["verdict"])
    if d.get("metrics") is not None and hasattr(d["metrics"], "to_dict"):
        d["metrics"] = d["metrics"].to_dict()
    if d.get("collapse") is not None:
        d["collapse"] = d["collapse"].to_dict()
    return d


def _inputs_from_wire(d: dict | None):
    if not d:
        return None
    from ludeme.evaluation.collapse import Collapse
    from ludeme.evaluation.reward import RewardInputs

    d = dict(d)
    if d.get("collapse") is not None:
        d["collapse"] = Collapse(**d["collapse"])
    known = RewardInputs.__dataclass_fields__
    return RewardInputs(**{k: v for k, v in d.items() if k in known})


def report_to_wire(report) -> dict:
    d = report.to_dict(with_images=True)
    for key in ("contact_sheet_png", "thumbnail_png"):
        if d.get(key) is not None:
            d[key] = base64.b64encode(d[key]).decode("ascii")
    d["reward_inputs"] = _inputs_to_wire(report.reward_inputs)  # so a critic can rescore it here
    return d


def report_from_wire(d: dict):
    from ludeme.evaluation.evaluator import EvalReport, Stage

    d = dict(d)
    for key in ("contact_sheet_png", "thumbnail_png"):
        if d.get(key) is not None:
            d[key] = base64.b64decode(d[key])
    d["stages"] = [Stage(**s) for s in d.get("stages") or []]
    known = EvalReport.__dataclass_fields__
    report = EvalReport(**{k: v for k, v in d.items() if k in known and k != "reward_inputs"})
    report.reward_inputs = _inputs_from_wire(d.get("reward_inputs"))
    return report


def member_env() -> dict[str, str]:
    """This process's environment for an evaluator process, without model keys: members only play
    games, and a key they never hold cannot leak from them (the model calls stay in this process)."""
    from ludeme.agents.keys import GENERIC_ENV, PROVIDER_ENV

    keys = {GENERIC_ENV, *(name for names in PROVIDER_ENV.values() for name in names)}
    return {k: v for k, v in os.environ.items()
            if k not in keys and not k.endswith(("_API_KEY", "_API_TOKEN", "_SECRET_KEY"))}


class _Member:
    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "ludeme.evolution.pool"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
                                     bufsize=1)

    def ask(self, request: dict, cancel=None) -> dict | None:
        """The member's answer, or None when it died (or hung past MEMBER_TIMEOUT_S). ``cancel()``
        true while it plays: the member is killed and EvaluationCancelled raised."""
        try:
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            return None
        box: dict[str, Any] = {}

        def read() -> None:
            try:
                box["line"] = self.proc.stdout.readline()
            except (OSError, ValueError):
                box["line"] = ""

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        deadline = time.monotonic() + MEMBER_TIMEOUT_S
        while reader.is_alive() and time.monotonic() < deadline:
            reader.join(CANCEL_POLL_S)
            if reader.is_alive() and cancel is not None and cancel():
                self.close(kill=True)
                raise EvaluationCancelled("the evaluation was cancelled")
        line = box.get("line")
        if not line:
            self.close(kill=True)
            return None
        return json.loads(line)

    def close(self, kill: bool = False) -> None:
        try:
            if kill:
                self.proc.kill()
            else:
                self.proc.stdin.close()
            self.proc.wait(timeout=30)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            self.proc.kill()


class EvalPool:
    """``jobs`` evaluator processes, started on first use; ``close()`` (or ``with``) ends them."""

    def __init__(self, jobs: int, cancel=None) -> None:
        self.jobs = max(1, int(jobs))
        self.cancel = cancel  # a callable: true once running evaluations must stop
        self._idle: queue.Queue[_Member] = queue.Queue()
        self._started = 0
        self._lock = threading.Lock()
        self._all: list[_Member] = []
        self.replaced = 0  # members that died and were replaced
        self._env = member_env()

    def __enter__(self) -> EvalPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _take(self) -> _Member:
        with self._lock:
            if self._idle.empty() and self._started < self.jobs:
                self._started += 1
                member = _Member(self._env)
                self._all.append(member)
                return member
        return self._idle.get()

    def evaluate(self, files: dict[str, bytes], settings=None, *, parent_html: str | None = None,
                 planned=(), record_path: Path | None = None, novelty_against=None, **kw):
        """Like ``evaluator.evaluate``, in a member process (its ``reward_inputs`` stay there:
        a report from the pool cannot be rescored with a critic's score)."""
        from ludeme.evaluation.evaluator import EvalReport

        request = _request(files, settings, parent_html, planned, record_path, novelty_against, kw, "EvalPool")
        member = self._take()
        try:
            answer = member.ask(request, self.cancel)
        except EvaluationCancelled:  # killed on purpose: its place is free for a new member
            with self._lock:
                self._all.remove(member)
                self._started -= 1
            raise
        if answer is None:  # it died: replace it, and say what happened to this game
            with self._lock:
                self._all.remove(member)
                self.replaced += 1
                member = _Member(self._env)
                self._all.append(member)
            self._idle.put(member)
            return EvalReport(verdict="broken", reasons=["the evaluation process died while playing this game"])
        self._idle.put(member)
        if "error" in answer:
            return EvalReport(verdict="broken", reasons=[f"the evaluation failed: {answer['error']}"])
        return report_from_wire(answer["report"])

    def close(self) -> None:
        with self._lock:
            members, self._all = self._all, []
        for m in members:
            m.close()


def _evaluate_request(req: dict) -> dict:
    """One request evaluated in this process (a pool member or a Ray worker): {"report": …} or {"error": …}."""
    from ludeme.evaluation.evaluator import ensure_app, evaluate

    ensure_app()
    try:
        novelty = [set(s) for s in req["novelty_against"]] if req.get("novelty_against") else None
        kw = {"novelty_against": novelty} if novelty else {}
        if req.get("probes"):
            kw["probes"] = list(req["probes"])
        report = evaluate({"index.html": req["html"].encode("utf-8")}, _settings_from(dict(req["settings"])),
                          parent_html=req.get("parent_html"), planned=tuple(req.get("planned") or ()),
                          record_path=Path(req["record_path"]) if req.get("record_path") else None, **kw)
        return {"report": report_to_wire(report)}
    except Exception as exc:  # noqa: BLE001 - told to the caller, the process goes on
        return {"error": " ".join(f"{type(exc).__name__}: {exc}".split())[:300]}


def _serve() -> int:
    """A member: evaluate one request per stdin line until stdin closes."""
    # Answers go to the real stdout; anything else written to fd 1 (libraries, the browser) goes to stderr.
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    for line in sys.stdin:
        answers.write(json.dumps(_evaluate_request(json.loads(line)), default=str) + "\n")
        answers.flush()
    return 0


# -- a Ray cluster ----------------------------------------------------------------------------------
def _ray_task(req: dict) -> dict:
    """A Ray task: evaluate on whichever node runs it; the recording comes back as bytes (the
    caller's folder is not this node's) with the node that ran it."""
    import socket
    import tempfile

    wanted = req.get("record_path")
    with tempfile.TemporaryDirectory(prefix="ludeme-ray-") as tmp:
        local = dict(req, record_path=str(Path(tmp) / Path(wanted).name) if wanted else None)
        out = _evaluate_request(local)
        rec = Path(local["record_path"]) if wanted else None
        if rec is not None and rec.exists() and "report" in out:
            out["recording_b64"] = base64.b64encode(rec.read_bytes()).decode("ascii")
    try:
        import ray

        node = ray.get_runtime_context().get_node_id()[:8]
    except Exception:  # noqa: BLE001 - outside a Ray worker (tests call it directly)
        node = "local"
    out["node"] = f"{socket.gethostname()} node {node}"
    return out


class RayPool:
    """Evaluations as Ray tasks on a cluster (``address``: "auto", "HOST:PORT" or "ray://…"); the
    same ``evaluate`` as ``EvalPool``. A task whose worker or node dies is retried by Ray (up to
    ``retries`` times); only this process writes the project, so a retried evaluation is never saved
    twice. Each node needs Ludeme installed in the Python that runs Ray (the same bootstrap)."""

    def __init__(self, address: str, jobs: int | None = None, *, retries: int = 3, cancel=None) -> None:
        import ray

        self.cancel = cancel  # a callable: true once running tasks must stop (they are force-cancelled)

        _reachable(address)  # ValueError at once, where ray.init would wait for minutes
        if not ray.is_initialized():
            ray.init(address=address, logging_level="ERROR", log_to_driver=False)
        self._ray = ray
        cpus = int(ray.cluster_resources().get("CPU", 1))
        self.jobs = max(1, int(jobs) if jobs else cpus)
        self._task = ray.remote(num_cpus=1, max_retries=retries, retry_exceptions=False)(_ray_task)
        self.nodes: dict[str, int] = {}  # where evaluations ran -> how many
        self._lock = threading.Lock()

    def __enter__(self) -> RayPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def evaluate(self, files: dict[str, bytes], settings=None, *, parent_html: str | None = None,
                 planned=(), record_path: Path | None = None, novelty_against=None, **kw):
        from ludeme.evaluation.evaluator import EvalReport

        request = _request(files, settings, parent_html, planned, record_path, novelty_against, kw, "RayPool")
        try:
            answer = self._wait(self._task.remote(request))
        except EvaluationCancelled:
            raise
        except Exception as exc:  # noqa: BLE001 - retries spent, node gone for good, timeout
            return EvalReport(verdict="broken", reasons=[f"the cluster could not evaluate this game: "
                                                         f"{type(exc).__name__}"])
        with self._lock:
            self.nodes[answer.get("node", "?")] = self.nodes.get(answer.get("node", "?"), 0) + 1
        if "error" in answer:
            return EvalReport(verdict="broken", reasons=[f"the evaluation failed: {answer['error']}"])
        report = report_from_wire(answer["report"])
        if record_path is not None and answer.get("recording_b64"):
            Path(record_path).parent.mkdir(parents=True, exist_ok=True)
            Path(record_path).write_bytes(base64.b64decode(answer["recording_b64"]))
            if report.recording:
                report.recording = {**report.recording, "path": str(record_path)}
        return report

    def _wait(self, ref) -> dict:
        """The task's answer; cancelled on the cluster (force: its worker process is killed) once
        ``cancel()`` is true. Ray's own errors (retries spent, a node gone) are raised."""
        deadline = time.monotonic() + MEMBER_TIMEOUT_S
        while True:
            ready, _ = self._ray.wait([ref], timeout=CANCEL_POLL_S)
            if ready:
                return self._ray.get(ref)
            if self.cancel is not None and self.cancel():
                self._ray.cancel(ref, force=True)
                raise EvaluationCancelled("the evaluation was cancelled on the cluster")
            if time.monotonic() > deadline:
                self._ray.cancel(ref, force=True)
                raise TimeoutError(f"no answer in {MEMBER_TIMEOUT_S:.0f} s")

    def close(self) -> None:
        if self._ray.is_initialized():
            self._ray.shutdown()


if __name__ == "__main__":
    sys.exit(_serve())
