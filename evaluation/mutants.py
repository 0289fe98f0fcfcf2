"""Mutation testing: how many plausible bugs the unit tests catch, module by module (python -m evaluation mutants).

mutmut (pinned in requirements.lock) makes one small change at a time in a copy of site/py/recognizer (an operator,
a number, a comparison, an argument left out) and runs the unit tests that reach the function it changed; a change
no test notices "survived". Each module is tested by its own test files (MODULES), so a run takes minutes, not
hours. Some changes cannot alter what the code does (EQUIVALENT, each with why): they are
counted apart. docs/mutants.md gets each module's score, killed / (killed + survived), and every survivor.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from files import DOCS, RECOGNIZER, ROOT, shown

WORKSPACE = ROOT / "test-output" / "mutants"  # a copy of the package and its unit tests, for mutmut
REPORT = DOCS / "mutants.md"
GOAL = 0.9  # of the changes that could alter behaviour, the share the tests must catch

# The modules measured, each with the test files that pin it.
MODULES = {
    "backprop": ["test_backprop.py", "test_calibrate.py"],
    "inside": ["test_inside.py"],
    "training": ["test_trainer.py", "test_yours.py"],
    "yours": ["test_yours.py"],
    "session": ["test_yours.py"],
    "choice": ["test_yours.py"],
    "digitfiles": ["test_yours.py"],
    "models": ["test_models.py", "test_weights.py"],
    "temperature": ["test_calibrate.py", "test_weights.py"],
}

# Changes that cannot alter behaviour, by module, function and the changed line as mutmut writes it: why.
EQUIVALENT: dict[str, str] = {}

# What mutmut's exit codes mean here: a timeout is a change the tests caught (it never finished).
CAUGHT = {"killed", "timeout", "caught by type check", "segfault"}
MISSED = {"survived", "no tests"}


def prepare(modules: list[str]) -> None:
    """The workspace: the package under src/ (where mutmut looks), the unit tests, and mutmut's settings."""
    shutil.rmtree(WORKSPACE, ignore_errors=True)
    shutil.copytree(RECOGNIZER, WORKSPACE / "src" / "recognizer", ignore=shutil.ignore_patterns("__pycache__"))
    (WORKSPACE / "tests").mkdir()
    for test in [*(ROOT / "tests").glob("*.py")]:
        shutil.copy2(test, WORKSPACE / "tests" / test.name)
    files = sorted({f"tests/{name}" for module in modules for name in MODULES[module]})
    settings = {
        "source_paths": ["src/recognizer"],
        "only_mutate": [f"src/recognizer/{module}.py" for module in modules],
        "pytest_add_cli_args_test_selection": files,
        "pytest_add_cli_args": ["-p", "no:cacheprovider"],
        "use_git_change_detection": False,
    }
    toml = "[tool.mutmut]\n" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in settings.items())
    toml += '\n[tool.pytest.ini_options]\npythonpath = ["."]\n'
    (WORKSPACE / "pyproject.toml").write_text(toml)


def run_mutmut() -> None:
    command = [sys.executable, "-m", "mutmut", "run", "--max-children", str(os.cpu_count() or 2)]
    subprocess.run(command, cwd=WORKSPACE, check=True)


def outcomes() -> list[dict]:
    """Every mutant of the run: its module, function, status and changed lines (read with mutmut's own code)."""
    os.chdir(WORKSPACE)
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    from mutmut.stats import status_by_exit_code
    from mutmut.utils.file_utils import walk_mutatable_files

    found = []
    for path in walk_mutatable_files():
        data = SourceFileMutationData(path=path)
        data.load()
        for name, code in data.exit_code_by_key.items():
            status = status_by_exit_code[code]
            diff = get_diff_for_mutant(name, path=path) if status not in CAUGHT else ""
            changed = [line[1:].strip() for line in diff.splitlines() if line.startswith("+") and line[1:2] != "+"]
            found.append({"module": Path(path).stem, "function": function_of(name), "status": status,
                          "name": name, "changed": " / ".join(changed)})  # fmt: skip
    return found


def function_of(name: str) -> str:
    """recognizer.yours.xǁTrainerǁtrain__mutmut_3 -> Trainer.train; recognizer.yours.x_layers_problem__mutmut_1
    -> layers_problem."""
    mangled = name.rpartition(".")[2].partition("__mutmut_")[0]
    return mangled.replace("xǁ", "").replace("ǁ", ".") if "ǁ" in mangled else re.sub(r"^x_", "", mangled)


def key_of(mutant: dict) -> str:
    return f"{mutant['module']}.{mutant['function']}: {mutant['changed']}"


def scores(found: list[dict]) -> dict[str, Counter]:
    by_module: dict[str, Counter] = {}
    for mutant in found:
        verdict = "equivalent" if key_of(mutant) in EQUIVALENT else mutant["status"]
        verdict = "caught" if verdict in CAUGHT else "missed" if verdict in MISSED else verdict
        by_module.setdefault(mutant["module"], Counter())[verdict] += 1
    return by_module


def report(found: list[dict], minutes: float) -> str:
    lines = [
        "# Mutation testing: the bugs the unit tests catch",
        "",
        "Each figure below comes from `./dev mutants` (that is, `python -m evaluation mutants`): mutmut changed",
        "one thing at a time in a copy of `site/py/recognizer` and ran each module's unit tests (MODULES in",
        "evaluation/mutants.py). A change is *caught* when a test fails or hangs,",
        "*missed* when every test still passes, *equivalent* when it cannot change what the code does (listed at the",
        f"end, with why). Score: caught / (caught + missed); the goal is {GOAL:.0%} in each module.",
        f"This run took {minutes:.0f} minutes.",
        "",
        "| module | changes | caught | missed | equivalent | score |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for module, counts in sorted(scores(found).items()):
        judged = counts["caught"] + counts["missed"]
        score = f"{counts['caught'] / judged:.0%}" if judged else "–"
        row = [module, sum(counts.values()), counts["caught"], counts["missed"], counts["equivalent"], score]
        lines.append("| " + " | ".join(map(str, row)) + " |")
    missed = [m for m in found if m["status"] in MISSED and key_of(m) not in EQUIVALENT]
    lines += ["", "## Missed", ""]
    for m in missed:
        lines.append(f"- `{m['module']}.{m['function']}`: `{m['changed'] or '(a line left out)'}` ({m['status']})")
    lines += ["", "## Equivalent", ""]
    lines += [f"- `{key}`: {why}" for key, why in sorted(EQUIVALENT.items())]
    return "\n".join(lines) + "\n"


def main(modules: list[str] | None = None) -> int:
    modules = modules or list(MODULES)
    unknown = sorted(set(modules) - set(MODULES))
    if unknown:
        print(f"error: no such module to measure: {', '.join(unknown)} (one of: {', '.join(MODULES)})", file=sys.stderr)
        return 2
    began = time.monotonic()
    prepare(modules)
    run_mutmut()
    found = outcomes()
    REPORT.write_text(report(found, (time.monotonic() - began) / 60))
    for module, counts in sorted(scores(found).items()):
        judged = counts["caught"] + counts["missed"]
        print(f"{module:12} {counts['caught']:4} of {judged:4} caught ({counts['equivalent']} equivalent)")
    print(f"wrote {shown(REPORT)}")
    return 0
