"""How the build stops and what it says: one line, never a traceback."""

from __future__ import annotations


class BuildError(Exception):
    """Something the build cannot go on without; the message is one line."""


def step(text: str) -> None:
    print(f"- {text}", flush=True)


def first_error_line(stderr: str) -> str:
    """The line of a tool's error output (npm, our Node programs) that says what went wrong."""
    noise = ("npm error code", "npm error errno", "npm error syscall", "complete log", "npm warn")
    lines = [line.strip() for line in stderr.splitlines() if line.strip() and not any(n in line for n in noise)]
    return (lines or ["no output"])[0].removeprefix("npm error ")[:200]
