"""One way to start a Celery worker process on the default queue: the pipeline tests and the benchmark
(`manage.py bench_scores`, `make bench`) both launch theirs here, so they run the same command."""

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path


def worker_command(
    *, concurrency: int = 1, name: str | None = None, beat_schedule: str | None = None
) -> list:
    """`python -m celery -A vendorrisk worker` on the default queue, quiet about its peers.

    One process (solo pool) unless `concurrency` > 1 (prefork); with `beat_schedule`, beat runs inside it.
    """
    cmd = [sys.executable, "-m", "celery", "-A", "vendorrisk", "worker", "-Q", "default", "-l", "info"]
    cmd += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    if name:
        cmd += ["-n", name]
    cmd += (
        ["--pool", "solo"] if concurrency == 1 else ["--pool", "prefork", "--concurrency", str(concurrency)]
    )
    if beat_schedule:
        cmd += ["-B", "--schedule", beat_schedule]
    return cmd


class CeleryWorker:
    """A worker process in its own session (so stopping it stops its pool children), logging to a file."""

    def __init__(
        self,
        env: Mapping[str, str],
        *,
        cwd: Path,
        log_path: Path | None = None,
        concurrency: int = 1,
        name: str | None = None,
        beat: bool = False,
    ):
        if log_path is None:
            handle, name_of_log = tempfile.mkstemp(prefix="vr-worker-", suffix=".log")
            os.close(handle)
            log_path = Path(name_of_log)
        self.log_path = Path(log_path)
        schedule = str(self.log_path) + ".beat" if beat else None
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(
                worker_command(concurrency=concurrency, name=name, beat_schedule=schedule),
                cwd=cwd,
                env=dict(env),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for(self, text: str, timeout: float) -> None:
        """Until the log says `text`; AssertionError with the log's tail if the worker dies or times out."""
        deadline = time.time() + timeout
        while text not in self.output():
            if self.proc.poll() is not None or time.time() > deadline:
                raise AssertionError(f"worker never said {text!r}:\n{self.output()[-3000:]}")
            time.sleep(0.1)

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        """Warm shutdown (SIGTERM to the whole session), killed after 20 s."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
