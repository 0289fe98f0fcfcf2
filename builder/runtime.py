"""Pyodide's pyodide.asm.js with builder/runtime-hook.js put in, so that a memory snapshot can be taken after NumPy
has loaded (see the hook for why). Each place changed is found by an exact piece of Pyodide 0.29.5's text that
must occur exactly once: another Pyodide, where it does not, stops the build with one line, never a runtime that
restores wrongly."""

from __future__ import annotations

from pathlib import Path

from builder.errors import BuildError

HOOK = Path(__file__).with_name("runtime-hook.js")

# (anchor, what replaces it): the loader asks the hook for a library's memory base and tells it the table base;
# the hook itself goes in before Pyodide's restoreSnapshot, which replays the libraries before copying memory in.
CHANGES = (
    ("getMemory(", "Module.dynlibs.memoryFor(libName,"),
    (
        "var tableBase=metadata.tableSize?wasmTable.length:0;",
        "var tableBase=metadata.tableSize?wasmTable.length:0;"
        "Module.dynlibs.tableFor(libName,tableBase,metadata.tableSize);",
    ),
    (
        "API.restoreSnapshot=function(t){",
        "{HOOK}\nAPI.restoreSnapshot=function(t){if(API.config._dynlibs)Module.dynlibs.replay();",
    ),
)


def hooked_runtime(asm_js: str, hook: str | None = None) -> str:
    """pyodide.asm.js with the hook in, each anchor checked to occur exactly once first."""
    hook = HOOK.read_text() if hook is None else hook
    for anchor, _ in CHANGES:
        if (count := asm_js.count(anchor)) != 1:
            raise BuildError(
                f"pyodide.asm.js: {anchor!r} occurs {count} times, not once: not the Pyodide the hook fits"
            )
    for anchor, replacement in CHANGES:
        asm_js = asm_js.replace(anchor, replacement.replace("{HOOK}", hook))
    return asm_js
