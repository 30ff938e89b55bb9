"""Run the `torget` command line in the test's own process, as a script would call it.

A `torget` process spends ~2 s importing before it does anything, and hashes passwords
with the real Argon2 parameters; the suite runs hundreds of commands. Click's `CliRunner`
calls the same `torget.cli` group with the given arguments and environment, captures what it
prints and its exit status, so a test reads it like a finished process. `torget serve` and
the tests of the installed entry point still start real processes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from click.testing import CliRunner

from torget.cli import cli

__all__ = ["Ran", "run_torget"]


@dataclass(frozen=True)
class Ran:
    """What a finished command left, with the names of `subprocess.CompletedProcess`."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str


def run_torget(env: dict[str, str], *args: str, check: bool = False) -> Ran:
    """`torget ARGS` with exactly the `TORGET_*` variables of `env` set (the test process's
    own are hidden for the call). An exception the command does not turn into a message is
    raised, not folded into exit status 1, so a crash shows its traceback."""
    own = {k: v for k, v in env.items() if k.startswith("TORGET_")}
    hidden: dict[str, str | None] = {k: None for k in os.environ if k.startswith("TORGET_")}
    result = CliRunner().invoke(cli, list(args), env={**hidden, **own}, prog_name="torget")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    ran = Ran(tuple(args), result.exit_code, result.stdout, result.stderr)
    if check and ran.returncode != 0:
        raise AssertionError(f"torget {' '.join(args)} failed:\n{ran.stdout}\n{ran.stderr}")
    return ran
