"""Mutation testing: how many plausible bugs the unit tests catch, module by module (python -m evaluation mutants).

mutmut (pinned in requirements.lock) makes one small change at a time in a copy of site/py/recognizer (an operator,
a number, a comparison, an argument left out) and runs the unit tests that reach the function it changed; a change
no test notices is missed. Each module is tested by its own test files (MODULES), so a run takes minutes, not
hours. Some changes cannot alter what the code does (EQUIVALENT and why_equivalent, each with why): they are
counted apart. docs/mutants.md gets each module's score, caught / (caught + missed), and every change missed.
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
    "backprop": ["test_backprop.py", "test_calibrate.py", "test_inside.py"],
    "linalg": ["test_linalg.py"],
    "inside": ["test_inside.py"],
    "step": ["test_step.py"],
    "training": ["test_trainer.py"],
    "yours": ["test_yours.py"],
    "session": ["test_yours.py"],
    "choice": ["test_yours.py"],
    "digitfiles": ["test_yours.py"],
    "models": ["test_models.py", "test_weights.py"],
    "temperature": ["test_calibrate.py", "test_weights.py"],
}

# Changes that cannot alter behaviour, by module, function and the changed line as mutmut writes it: why.
PRECISION = "float64 in place of float32: the same numbers to seven digits, and the page shows three"
SAME_LENGTHS = "the lists zipped have the lengths the code expects by construction: strict or not, the same pairs"
ONLY_MEMORY = "the cap bounds memory only: a longer file is refused either way, as damaged or as more than it may hold"
NEVER_CLIPPED = "the clip never binds: the scale is the column's largest magnitude over 127"
ZERO_OVER_ANY = "the divisor matters only when every value is 0, and 0 divided by anything is 0"
BOTH_EXACT = "either branch gives ln(1 + sum exp(z_k - z_y)) exactly; the one taken only keeps exp from overflowing"
EQUIVALENT: dict[str, str] = {
    "step.data_cost: if top >= 0:  # p_target is small: exp(others) could overflow; take the largest out": BOTH_EXACT,
    "step.data_cost: if top > 1:  # p_target is small: exp(others) could overflow; take the largest out": BOTH_EXACT,
    "step.picture: return levels(values / (scale or 2.0), 100), scale": ZERO_OVER_ANY,
    "step.update_phase: scale = float(max(np.abs(w0).max(), np.abs(w1).max())) or 2.0": ZERO_OVER_ANY,
    'step.update_phase: "change": levels((w1 - w0) / (float(np.abs(w1 - w0).max()) or 2.0), 100),': ZERO_OVER_ANY,
    "temperature.fit_temperature: while high - low >= TOLERANCE:": "one more halving of an interval of 1e-5 in log T",
    "temperature.fit_temperature: if cost_a <= cost_b:  # the minimum lies left of b": "differs only on an exact tie",
    "backprop.score_gradients: outputs = hidden_outputs(network, np.asarray(x, dtype=None)[None, :])": PRECISION,
    "backprop.score_gradients: outputs = hidden_outputs(network, np.asarray(x, )[None, :])": PRECISION,
    "backprop.score_gradients: delta = np.zeros((1, network.layers[-1]), dtype=None)": PRECISION,
    "backprop.score_gradients: delta = np.zeros((1, network.layers[-1]), )": PRECISION,
    "backprop.score_gradients: delta = np.zeros((2, network.layers[-1]), dtype=np.float32)": (
        "a second row of zeros is carried back alongside and never read: row 0 is the same"
    ),
    "inside.rounded: return np.round(values.astype(None), places).tolist()": "astype(None) is float64",
    "inside.inside: for layer, (a, grad, row) in enumerate(zip(outputs[1:], gradients[1:], rows, strict=None), "
    "start=1):": "strict=None is strict=False",
    "inside.inside: for layer, (a, grad, row) in enumerate(zip(outputs[1:], gradients[1:], rows, ), start=1):": (
        "zip's default is strict=False"
    ),
    'inside.inside: "why": levels(why / (why_scale or 2), 100),  # x * dz/dx in percent of its largest magnitude, '
    "why_scale": "the divisor is used only when every value is 0, which any divisor leaves 0",
    'choice.plain: return str(int(number)) if float(number).is_integer() else f"{number:f}".rstrip("XX0XX")': (
        "rstrip takes a set of characters, and a number written with :f has no X"
    ),
    "session.first_layer_pictures: return np.rint(127 * w / np.where(most > 0, most, 2)).astype(int).tolist()": (
        "the divisor is used only for a neuron whose weights are all 0, which any divisor leaves 0"
    ),
    "models.file_head: return file.read(None)": ONLY_MEMORY,
    "models.quantised: scale = np.where(most > 0, most / 127, 2).astype(SCALE)": (
        "the scale of a column of zeros: any scale stores its zeros as 0"
    ),
    'models.network_to_bytes: np.savez_compressed(buffer, **{name: a if name[0] in "XXwsXX" else a.astype(STORED) '
    "for name, a in arrays.items()})": "`in` on a string asks for a character: X is never a name's first",
    "training.epoch_samples: return rng.integers(copies, size=epoch_size), images": (
        "integers(n) draws from 0 to n - 1, as integers(0, n) does, and the same numbers"
    ),
    "session.Session.__init__: self.operands = product_operands(layers, batch, np.random.default_rng(None))": (
        "the values multiplied do not change how long a product takes, which is all they are for"
    ),
    "session.Session.__init__: self.operands = product_operands(layers, batch, np.random.default_rng(1))": (
        "the values multiplied do not change how long a product takes, which is all they are for"
    ),
    "yours.Trainer.import_file: network = network_of_file(file_head(path, None))": ONLY_MEMORY,
    "yours.Trainer.restore: data = file_head(path, None)": ONLY_MEMORY,
}
for key in ("None", '"XXnameXX"', '"NAME"'):
    taken = f'problems.setdefault({key}, f"{{MANIFEST}}: entry {{number}}\'s name {{shown(name)}} is already taken")'
    EQUIVALENT[f"models.load_listed: {taken}"] = "only the first problem's reason is read, never the key it is under"
for bounds in ("None, 127", "-127, None", "-128, 127", "-127, 128"):
    clipped = f"return np.clip(np.rint(w / scale), {bounds}).astype(QUANTISED), scale"
    EQUIVALENT[f"models.quantised: {clipped}"] = NEVER_CLIPPED

# What mutmut's exit codes mean here: a timeout is a change the tests caught (it never finished).
CAUGHT = {"killed", "timeout", "caught by type check", "segfault"}
MISSED = {"survived", "no tests"}


def prepare(modules: list[str], tests: list[str]) -> None:
    """The workspace: the package under src/ (where mutmut looks), the unit tests, and mutmut's settings."""
    shutil.rmtree(WORKSPACE, ignore_errors=True)
    shutil.copytree(RECOGNIZER, WORKSPACE / "src" / "recognizer", ignore=shutil.ignore_patterns("__pycache__"))
    (WORKSPACE / "tests").mkdir()
    for test in [*(ROOT / "tests").glob("*.py")]:
        shutil.copy2(test, WORKSPACE / "tests" / test.name)
    settings = {
        "source_paths": ["src/recognizer"],
        "only_mutate": [f"src/recognizer/{module}.py" for module in modules],
        "pytest_add_cli_args_test_selection": [f"tests/{name}" for name in tests],
        "pytest_add_cli_args": ["-p", "no:cacheprovider"],
        "use_git_change_detection": False,
        # A change that makes its tests take three times as long (in CPU time) is caught: it hangs.
        "timeout_multiplier": 1.5,
    }
    toml = "[tool.mutmut]\n" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in settings.items())
    toml += '\n[tool.pytest.ini_options]\npythonpath = ["."]\n'
    (WORKSPACE / "pyproject.toml").write_text(toml)


def run_mutmut() -> None:
    """One mutant per core at a time, each with one thread of BLAS: its time limit is counted in CPU seconds, which
    threads busy-waiting for a core would inflate into timeouts."""
    command = [sys.executable, "-m", "mutmut", "run", "--max-children", str(os.cpu_count() or 2)]
    one_thread = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    subprocess.run(command, cwd=WORKSPACE, check=True, env={**os.environ, **one_thread})


def outcomes() -> list[dict]:
    """Every mutant of the run: its module, function, status and changed lines (read with mutmut's own code)."""
    os.chdir(WORKSPACE)
    from mutmut.configuration import reset_config
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    from mutmut.stats import status_by_exit_code
    from mutmut.utils.file_utils import walk_mutatable_files

    reset_config()  # this workspace's settings
    found = []
    for path in walk_mutatable_files():
        data = SourceFileMutationData(path=path)
        data.load()
        for name, code in data.exit_code_by_key.items():
            status = status_by_exit_code[code]
            diff = get_diff_for_mutant(name, path=path) if status not in CAUGHT else ""
            lines = diff.splitlines()
            changed = [line[1:].strip() for line in lines if line.startswith("+") and line[1:2] != "+"]
            original = [line[1:].strip() for line in lines if line.startswith("-") and line[1:2] != "-"]
            found.append({"module": Path(path).stem, "function": function_of(name), "status": status,
                          "name": name, "changed": " / ".join(changed), "original": " / ".join(original)})  # fmt: skip
    return found


def function_of(name: str) -> str:
    """recognizer.yours.xǁTrainerǁtrain__mutmut_3 -> Trainer.train; recognizer.yours.x_layers_problem__mutmut_1
    -> layers_problem."""
    mangled = name.rpartition(".")[2].partition("__mutmut_")[0]
    return mangled.replace("xǁ", "").replace("ǁ", ".") if "ǁ" in mangled else re.sub(r"^x_", "", mangled)


def key_of(mutant: dict) -> str:
    return f"{mutant['module']}.{mutant['function']}: {mutant['changed']}"


def without_strict(line: str) -> str:
    return re.sub(r",\s*(strict=\w+)?\s*\)", ")", line)


def why_equivalent(mutant: dict) -> str | None:
    """Why a change cannot alter behaviour, or None. One rule covers a whole kind: zip(..., strict=True) made
    lenient, where the code builds its lists of equal length (strict=True only asserts it)."""
    if key_of(mutant) in EQUIVALENT:
        return EQUIVALENT[key_of(mutant)]
    original = mutant.get("original", "")
    if "strict=True" in original and without_strict(original) == without_strict(mutant["changed"]):
        return SAME_LENGTHS
    return None


def scores(found: list[dict]) -> dict[str, Counter]:
    by_module: dict[str, Counter] = {}
    for mutant in found:
        verdict = "equivalent" if why_equivalent(mutant) else mutant["status"]
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
    missed = [m for m in found if m["status"] in MISSED and not why_equivalent(m)]
    lines += ["", "## Missed", ""]
    for m in missed:
        lines.append(f"- `{m['module']}.{m['function']}`: `{m['changed'] or '(a line left out)'}` ({m['status']})")
    lines += ["", "## Equivalent", ""]
    for m in found:
        if m["status"] in MISSED and (why := why_equivalent(m)):
            lines.append(f"- `{key_of(m)}`: {why}")
    return "\n".join(lines) + "\n"


def main(modules: list[str] | None = None) -> int:
    modules = modules or list(MODULES)
    unknown = sorted(set(modules) - set(MODULES))
    if unknown:
        print(f"error: no such module to measure: {', '.join(unknown)} (one of: {', '.join(MODULES)})", file=sys.stderr)
        return 2
    began = time.monotonic()
    groups: dict[tuple[str, ...], list[str]] = {}  # modules pinned by the same test files run together
    for module in modules:
        groups.setdefault(tuple(MODULES[module]), []).append(module)
    found = []
    for tests, group in groups.items():
        prepare(group, list(tests))
        run_mutmut()
        found += outcomes()
        os.chdir(ROOT)
    REPORT.write_text(report(found, (time.monotonic() - began) / 60))
    for module, counts in sorted(scores(found).items()):
        judged = counts["caught"] + counts["missed"]
        print(f"{module:12} {counts['caught']:4} of {judged:4} caught ({counts['equivalent']} equivalent)")
    print(f"wrote {shown(REPORT)}")
    return 0
