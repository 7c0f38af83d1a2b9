"""Run several learners' sessions at once on this machine, as a shared hub would, and report how they fared.

    python scripts/sessions.py -n 4                 # 4 sessions at once, each running the lessons in order
    python scripts/sessions.py -n 6 notebooks/04_backing_services.ipynb   # 6 at once, one lesson each

Each session runs its notebooks one after the other, as a learner's kernel would (the way
scripts/run_notebooks.py runs them), in a workspace of its own, as a hub gives each user theirs.
The report gives, per session: passed, or the notebook and cell that failed; its wall time in
checks and seconds; its peak memory, summed over its kernel and everything the kernel started
(PostgreSQL, honcho, gunicorn, the app...), sampled from /proc every --interval seconds. Then,
per notebook, the peak memory of a session while it ran that notebook; and the peak memory the
whole machine used, above what it used before the sessions started (meaningful on a quiet machine
only: whatever else runs there counts too).

Memory is given as RSS (each process's resident memory, added up: shared pages count once per
process, so it errs high) and PSS (shared pages divided among the processes sharing them: what
the session really costs the machine). For maintainers, before a workshop on a new host; not part
of the test suite. Linux only. Everything it started is stopped when it ends, also on Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import psutil
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
from run_notebooks import run_cells  # noqa: E402  (the benchmark's own way to run a notebook)

from workshop import reference  # noqa: E402
from workshop.processes import stop_owned  # noqa: E402

MB = 1024 * 1024
_PR_SET_CHILD_SUBREAPER = 36


def keep_descendants() -> None:
    """Make this process inherit its orphaned descendants (Linux), so that none escapes counting or stopping."""
    if ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")


def reap() -> None:
    """Collect the exit status of every finished child: orphans handed to this process would stay zombies."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def cpu_seconds() -> float:
    """The CPU time (user and system) of every descendant that has ended and been collected."""
    usage = os.times()
    return usage.children_user + usage.children_system


def session(notebooks: list[Path]) -> int:
    """One learner's session (run in a process of its own): each notebook in turn, a JSON line per event on stdout."""
    keep_descendants()

    def say(**event: object) -> None:
        print(json.dumps(event), flush=True)

    for path in notebooks:
        name = str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
        say(start=name)
        started, cpu_before, ran = time.perf_counter(), cpu_seconds(), []
        try:
            notebook = nbformat.read(path, as_version=4)
            for index, _ in run_cells(notebook, path.parent):
                ran.append(index)  # cells run in order: the one that fails is number len(ran)
        except CellExecutionError as error:
            say(failed=name, cell=len(ran), error=f"{error.ename}: {error.evalue}"[:200])
            return 1
        except Exception as error:  # noqa: BLE001 (a dead kernel, a cell's timeout: the session fails, with its cell)
            say(failed=name, cell=len(ran), error=f"{type(error).__name__}: {error}"[:200])
            return 1
        finally:
            reap()
        say(done=name, seconds=time.perf_counter() - started, cpu=cpu_seconds() - cpu_before)
    return 0


@dataclass
class Session:
    """A running session, as the parent sees it: its process, where it is, and what it used."""

    number: int
    folder: Path
    process: subprocess.Popen[str]
    notebook: str = ""
    failure: str = ""
    seconds: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    peak_rss: int = 0
    peak_pss: int = 0
    peak_by_notebook: dict[str, tuple[int, int]] = field(default_factory=dict)
    most_processes: int = 0
    ended_at: float = 0.0

    def follow(self) -> None:
        """Read the session's events until it ends."""
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with contextlib.suppress(ValueError):
                event = json.loads(line)
                if "start" in event:
                    self.notebook = event["start"]
                elif "done" in event:
                    self.seconds[event["done"]] = event["seconds"]
                    self.cpu[event["done"]] = event["cpu"]
                elif "failed" in event:
                    self.failure = f"{event['failed']}, cell #{event['cell']}: {event['error']}"
        self.process.wait()
        self.ended_at = time.perf_counter()
        if self.process.returncode and not self.failure:
            self.failure = f"the session exited with status {self.process.returncode}: see {self.folder}/session.log"

    def sample(self) -> None:
        """Add up the memory of the session's kernel and all it started (not the session process itself)."""
        try:
            procs = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.Error:
            return
        rss = pss = 0
        for proc in procs:
            with contextlib.suppress(psutil.Error):
                info = proc.memory_full_info()
                rss, pss = rss + info.rss, pss + info.pss
        self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
        self.most_processes = max(self.most_processes, len(procs))
        if self.notebook:
            old_rss, old_pss = self.peak_by_notebook.get(self.notebook, (0, 0))
            self.peak_by_notebook[self.notebook] = (max(old_rss, rss), max(old_pss, pss))


def machine_used() -> int:
    """The memory the whole machine uses now: total less what is available."""
    memory = psutil.virtual_memory()
    return int(memory.total - memory.available)


def stop_everything(sessions: list[Session]) -> int:
    """Stop every session and everything it started: SIGTERM, then SIGKILL after 3 s; return how many were running."""
    procs = []
    for s in sessions:
        with contextlib.suppress(psutil.Error):
            parent = psutil.Process(s.process.pid)
            procs += [parent, *parent.children(recursive=True)]
    with contextlib.suppress(psutil.Error):
        procs += psutil.Process().children(recursive=True)  # orphans handed to this process
    procs = list({p.pid: p for p in procs}.values())
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            proc.terminate()
    _, alive = psutil.wait_procs(procs, timeout=3)
    for proc in alive:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    psutil.wait_procs(alive, timeout=3)
    for s in sessions:  # and anything the workshop tagged with the session's workspace, wherever it went
        stop_owned(s.folder, grace=1.0)
    reap()
    return len(procs)


def mb(size: int) -> str:
    """Bytes as whole megabytes."""
    return f"{size / MB:.0f} MB"


def report(sessions: list[Session], started: float, check: float, baseline: int, peak_machine: int) -> None:
    """Print each session's result, time and peak memory, then the peaks per notebook and of the machine."""
    print(f"{'session':8} {'result':8} {'wall time':>24} {'peak RSS':>9} {'peak PSS':>9} {'processes':>9}")
    for s in sessions:
        wall = s.ended_at - started
        print(
            f"{s.number:<8} {'FAILED' if s.failure else 'passed':8} {reference.in_checks(wall, check):>24} "
            f"{mb(s.peak_rss):>9} {mb(s.peak_pss):>9} {s.most_processes:>9}"
        )
        if s.failure:
            print(f"         {s.failure}")
    names = list(dict.fromkeys(name for s in sessions for name in s.peak_by_notebook))
    print(f"\n{'notebook':45} {'time (mean over sessions)':>26} {'CPU':>8} {'peak RSS':>9} {'peak PSS':>9}")
    for name in names:
        times = [s.seconds[name] for s in sessions if name in s.seconds]
        cpus = [s.cpu[name] for s in sessions if name in s.cpu]
        rss = max(s.peak_by_notebook.get(name, (0, 0))[0] for s in sessions)
        pss = max(s.peak_by_notebook.get(name, (0, 0))[1] for s in sessions)
        took = reference.in_checks(statistics.mean(times), check) if times else "did not finish"
        cpu = f"{statistics.mean(cpus):.1f} s" if cpus else "-"
        print(f"{name:45} {took:>26} {cpu:>8} {mb(rss):>9} {mb(pss):>9}")
    print(
        "(peaks per notebook: the highest of any session while it ran that notebook; CPU: of the kernel and all"
        " it started)"
    )
    print(
        f"\nThe machine: {mb(baseline)} in use before, {mb(peak_machine)} at the peak: {mb(peak_machine - baseline)}"
        f" more while {len(sessions)} session(s) ran, on {psutil.cpu_count()} CPU(s) (all else running counts)."
    )
    failed = sum(bool(s.failure) for s in sessions)
    print(f"{len(sessions) - failed} of {len(sessions)} session(s) passed.")


def main() -> int:
    """Start the sessions, sample their memory until they end, stop everything, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="what each session runs (default: the lessons)")
    parser.add_argument("-n", "--sessions", type=int, default=4, help="how many sessions run at once (default 4)")
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between memory samples (default 0.2)")
    parser.add_argument("--session", type=Path, help=argparse.SUPPRESS)  # one session's own process
    args = parser.parse_args()
    notebooks = [p.resolve() for p in args.notebooks] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    if args.session:
        return session(notebooks)
    if not sys.platform.startswith("linux"):
        sys.exit("scripts/sessions.py reads each process's memory as Linux reports it: run it on the Linux host.")
    keep_descendants()
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # a kill stops everything too, as Ctrl-C does
    before = reference.measure()
    top = Path(tempfile.mkdtemp(prefix="workshop-sessions-"))
    top.chmod(0o755)  # as root, lesson 04's PostgreSQL runs as `nobody`, who must enter it
    sessions: list[Session] = []
    baseline = peak_machine = machine_used()
    started = time.perf_counter()
    try:
        for number in range(1, args.sessions + 1):
            folder = top / f"session-{number}"
            folder.mkdir(mode=0o755)
            with open(folder / "session.log", "w") as log:
                process = subprocess.Popen(
                    [sys.executable, __file__, "--session", str(folder), *map(str, notebooks)],
                    env={**os.environ, "WORKSHOP_WORKSPACE": str(folder / "workspace")},
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=log,
                    text=True,
                    start_new_session=True,  # Ctrl-C reaches this process only, which stops them all in order
                )
            sessions.append(Session(number, folder, process))
        readers = [threading.Thread(target=s.follow, daemon=True) for s in sessions]
        for reader in readers:
            reader.start()
        while any(reader.is_alive() for reader in readers):
            for s in sessions:
                s.sample()
            peak_machine = max(peak_machine, machine_used())
            time.sleep(args.interval)
    except KeyboardInterrupt:
        print(f"Interrupted: stopped {stop_everything(sessions)} process(es).", file=sys.stderr)
        shutil.rmtree(top, ignore_errors=True)
        return 130
    left = stop_everything(sessions)
    keep = [s.folder for s in sessions if s.failure]
    for s in sessions:
        if not s.failure:
            shutil.rmtree(s.folder, ignore_errors=True)
    after = reference.measure()
    print(reference.describe(before, after))
    report(sessions, started, (before + after) / 2, baseline, peak_machine)
    if left:
        print(f"{left} process(es) were still running at the end, and were stopped.")
    if keep:
        print("The failed sessions' workspaces and logs are kept: " + ", ".join(map(str, keep)))
    else:
        shutil.rmtree(top, ignore_errors=True)
    return 1 if keep or left else 0


if __name__ == "__main__":
    sys.exit(main())
