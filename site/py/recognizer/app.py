"""What the page's worker calls: load the networks once, then read drawings. Answers are JSON-able dicts.

Every press runs all the networks that loaded (each takes well under a millisecond), so the page can show
their answers side by side; the vote is the average of their probabilities. Every answer also says whether the
drawing looks like a digit at all (digitlike.py): one that does not is never called sure.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from . import yours
from .chart import bar_chart, percent, pie_chart
from .digitlike import Check
from .inside import incoming, neuron_named, silenced_neurons, view, with_silenced
from .kept import checked_examples, drawing_problem, examples_file, read_examples_file
from .learn import MOST_REHEARSAL, Personal, Teaching, rehearsal_from_bytes
from .models import WeightsError, load_check, load_listed, read_check_entry
from .network import Network, vote
from .preprocess import Strokes, to_network_input

VOTE = "vote"
YOURS = yours.NAME  # a network the person trained in the page (yours.py): it votes only when they say so
CHECK = "check"  # the check's entry among the networks' (no network in models.json may take the name)
NOT_A_DIGIT = "not a digit"  # what the pie of a drawing that is not digit-like says across it
SURE = 0.9  # below this probability for its answer the page says it is not sure (chosen in docs/results.md)
CANDIDATES = 3  # how many digits an answer lists, likeliest first
_networks: dict[str, Network] = {}  # the networks that loaded, by name
_entries: dict[str, dict] = {}  # every network models.json lists, loaded or not
_failures: dict[str, str] = {}  # why a listed network did not load
_check: Check | None = None  # whether a drawing is a digit at all; None when it did not load
_check_failure = ""  # why it did not load


def data_sets(trained_on: dict) -> str:
    """The data sets a network learned from, as models.json lists them: "MNIST + pen digits"."""
    return " + ".join(data_set["name"] for data_set in trained_on.get("sets", [])) or "unknown data"


def training_summary(trained_on: dict) -> str:
    """Its data sets and how many images it saw an epoch: "MNIST + pen digits, 54,996 images an epoch"."""
    per_epoch = trained_on.get("images_per_epoch")
    return data_sets(trained_on) + (f", {per_epoch:,} images an epoch" if per_epoch else "")


def training_details(trained_on: dict) -> str:
    """Everything models.json says about a network's training data, in one sentence."""
    parts = []
    for data_set in trained_on.get("sets", []):
        writers = f" by {data_set['writers']} writers" if "writers" in data_set else ""
        parts.append(f"{data_set['name']} ({data_set['images']:,} digits{writers})")
    text = " + ".join(parts) or "unknown data"
    augmentation = trained_on.get("augmentation")
    if augmentation:
        text += f", each in {augmentation['copies']} distorted versions ({', '.join(augmentation['kinds'])})"
    per_epoch = trained_on.get("images_per_epoch")
    return text + (f"; {per_epoch:,} images an epoch" if per_epoch else "")


def describe(name: str, entry: dict) -> dict:
    """What the page shows about a network: its architecture, colour, training data and test accuracy.

    entry: the fields of its models.json entry that passed their checks (models.entry_problems); every value
    shown is a string, empty or "untested" for a field that is missing."""
    layers = "-".join(map(str, entry.get("layers", [])))
    accuracy = f"{100 * entry['test_accuracy']:.2f}%" if "test_accuracy" in entry else "untested"
    trained_on = entry.get("trained_on", {})
    return {
        "name": name,
        "layers": layers,
        "colour": entry.get("colour", ""),
        "accuracy": accuracy,
        "trained_on": training_summary(trained_on),
        "details": training_details(trained_on),
    }


def colour_key(described: list[dict]) -> list[dict]:
    """The key to the buttons' colours: for each colour, its networks and what they were trained on."""
    key = {}
    for model in described:
        group = key.setdefault(model["colour"], {"colour": model["colour"], "names": [], "trained_on": []})
        group["names"].append(model["name"])
        if model["trained_on"] not in group["trained_on"]:
            group["trained_on"].append(model["trained_on"])
    return [{**group, "trained_on": "; ".join(group["trained_on"])} for group in key.values()]


def load(weights_dir: str | Path) -> dict:
    """Load every network models.json lists: each is ready, or disabled with a one-line reason of its own.

    A missing or unreadable models.json, or one listing no networks, raises models.WeightsError: then nothing
    can be read."""
    listed = load_listed(weights_dir, taken=frozenset({VOTE, CHECK}))
    _entries.clear()
    _entries.update({model.name: model.entry for model in listed})
    _networks.clear()
    _networks.update({model.name: model.network for model in listed if model.network})
    _failures.clear()
    _failures.update({model.name: model.reason for model in listed if not model.network})
    global _rehearsal, _check, _check_failure
    _rehearsal = None  # framed for the networks loaded before, as their personal copies were made from them
    try:
        _entries[CHECK] = read_check_entry(weights_dir)
        _check, _check_failure = load_check(weights_dir, _entries[CHECK]), ""
    except WeightsError as e:  # then every drawing counts as a digit, as before there was a check
        _check, _check_failure = None, str(e)
    forget()
    models = [
        {**describe(model.name, model.entry), "ok": model.network is not None, "reason": model.reason}
        for model in listed
    ]
    check = {"ok": _check is not None, "reason": _check_failure}
    return {"models": models, "key": colour_key(models), "ready": sorted(_networks), "check": check}


def check_drawing(strokes) -> None:
    """ValueError with one line unless strokes is a list of strokes, each a list of (x, y) pairs of numbers."""
    problem = drawing_problem(strokes)
    if problem:
        raise ValueError(problem)


@dataclass
class Reading:
    """What every answer to a drawing starts from."""

    inputs: dict[str, np.ndarray]  # the drawing framed for the networks, by framing
    personal: dict[str, Network] | None  # the personal copies, when they answer
    quiet: dict[str, list]  # the silenced neurons, by network (inside.py)
    answering: dict[str, Network]  # the networks that answer: shipped or personal (and yours), silenced neurons silent
    voters: list[str]  # those the vote averages
    probabilities: dict[str, np.ndarray]  # each answering network's, and the vote's
    shown: dict[str, list[float]]  # the same, as the page shows them (6 decimals)


def reading(model: str, strokes: Strokes, silenced: dict | None) -> Reading | None:
    """Every loaded network's probabilities for a drawing; None for a blank or nearly blank one. ValueError with
    one line for strokes that are not strokes, a network that is unknown or did not load, or a bad neuron."""
    check_drawing(strokes)
    mine = yours.current()
    if model not in {*_networks, VOTE, *([YOURS] if mine else [])}:
        if model in _failures:
            raise ValueError(f"{model} is disabled: {_failures[model]}")
        raise ValueError(f"{model}: no such network (known: {', '.join([*_entries, VOTE])})")
    if not _networks:
        raise ValueError("no network is loaded")
    framings = {**framings_of(_networks), **({CHECK: _entries[CHECK]["framing"]} if _check else {})}
    framings |= {YOURS: mine.entry["framing"]} if mine else {}
    inputs = {framing: to_network_input(strokes, framing) for framing in sorted(set(framings.values()))}
    if any(x is None for x in inputs.values()):
        return None
    personal = personal_networks()
    networks, voters = with_yours(personal or _networks)
    quiet = silenced_neurons(silenced or {}, networks)
    answering = with_silenced(networks, quiet)
    probabilities = answers_of(answering, inputs, voters)
    shown = {name: [round(float(p), 6) for p in probs] for name, probs in probabilities.items()}
    return Reading(inputs, personal, quiet, answering, voters, probabilities, shown)


def idle(model: str, strokes: Strokes) -> dict:
    """The answer, and the inside view, of a blank or nearly blank drawing."""
    return {"state": "idle", "model": model, "strokes": len(strokes)}


def recognize(model: str, strokes: Strokes, silenced: dict | None = None) -> dict:
    """The answer of `model` (a network's name or "vote") to a drawing, with every loaded network's answer.

    strokes: a list of strokes, each a list of (x, y) points in the drawing's pixels, y down; anything else
    raises ValueError. A blank or nearly blank drawing gives {"state": "idle"}; a network that is unknown or did
    not load raises ValueError. silenced: neurons that send nothing, by network ({"B2": ["1:17"]}: inside.py).
    """
    read = reading(model, strokes, silenced)
    if read is None:
        return idle(model, strokes)
    inputs, personal, probabilities = read.inputs, read.personal, read.probabilities
    chosen = probabilities[model]
    digit_like = looks_like_a_digit(personal_check() if personal else _check, inputs)
    # The picture shown is the input of the chosen network; for the vote, of the first network (B1).
    seen_by = model if model != VOTE else next(iter(_networks))
    title = {VOTE: "The vote", YOURS: "Yours"}.get(model, model)
    likeliest = np.argsort(-chosen, kind="stable")[:CANDIDATES]
    return {
        "state": "done",
        "model": model,
        "digit": int(chosen.argmax()),
        "probs": read.shown[model],
        "confidence": percent(float(chosen.max())),  # as the chart's legend writes it: one rounding rule
        "sure": bool(chosen.max() >= SURE) and digit_like,
        "digit_like": digit_like,
        "digit_like_of": dict.fromkeys(probabilities, digit_like),  # the one check judges every network's answer
        "candidates": [{"digit": int(d), "confidence": percent(float(chosen[d]))} for d in likeliest],
        "input": np.round(inputs[framing_of(seen_by)], 3).tolist(),
        "chart_svg": pie_chart(chosen.tolist(), f"{title} reads", "" if digit_like else NOT_A_DIGIT),
        "bars_svg": bar_chart(chosen.tolist(), f"{title}'s likeliest digits"),
        "answers": {name: int(p.argmax()) for name, p in probabilities.items()},
        "strokes": len(strokes),
        "personal": personal is not None,  # answered by the copies that learned the person's examples
        **({"shipped": shipped_answer(model, inputs, read.quiet)} if personal else {}),
        "silenced": {name: len(neurons) for name, neurons in read.quiet.items() if neurons},  # altered networks
    }


def inside_of(model: str, strokes: Strokes, silenced: dict | None = None) -> dict:
    """What happens inside `model` as it reads the drawing (inside.view, each network with its own framing of
    it), explaining the answer recognize() gives; {"state": "idle"} for a blank drawing. Errors as recognize's."""
    read = reading(model, strokes, silenced)
    if read is None:
        return idle(model, strokes)
    shown = read.answering if model != VOTE else {name: read.answering[name] for name in read.voters}
    own = {name: read.inputs[framing_of(name)] for name in shown}
    answer = {"digit": int(read.probabilities[model].argmax()), "probs": read.shown}
    return {"state": "done", "strokes": len(strokes), **view(model, shown, own, read.quiet, answer)}


def looks_like_a_digit(check: Check | None, inputs: dict[str, np.ndarray]) -> bool:
    """The check's judgement of the drawing (inputs by framing); without a check, every drawing is a digit."""
    return check is None or bool(check.digit_like(inputs[_entries[CHECK]["framing"]])[0])


def answers_of(
    networks: dict[str, Network], inputs: dict[str, np.ndarray], voters: list[str] | None = None
) -> dict[str, np.ndarray]:
    """Each network's probabilities for the drawing (inputs by framing), and the vote's: of `voters`, or all."""
    probabilities = {name: network.probabilities(inputs[framing_of(name)]) for name, network in networks.items()}
    probabilities[VOTE] = vote([probabilities[name] for name in (voters or networks)])
    return probabilities


def with_yours(networks: dict[str, Network]) -> tuple[dict[str, Network], list[str]]:
    """The networks and yours, if there is one, and the names the vote averages: yours only when it votes."""
    mine = yours.current()
    if mine is None:
        return networks, list(networks)
    return networks | {YOURS: mine.network}, [*networks, *([YOURS] if mine.in_vote else [])]


def shipped_answer(model: str, inputs: dict[str, np.ndarray], quiet: dict) -> dict:
    """What the shipped networks (before any teaching; silenced neurons silent) read, beside the personal answer."""
    networks, voters = with_yours(_networks)
    chosen = answers_of(with_silenced(networks, quiet), inputs, voters)[model]
    digit_like = looks_like_a_digit(_check, inputs)
    return {
        "digit": int(chosen.argmax()),
        "confidence": percent(float(chosen.max())),
        "sure": bool(chosen.max() >= SURE) and digit_like,
        "digit_like": digit_like,
    }


# --- teaching: personal copies of the networks learn the person's examples (learn.py, kept.py) -------------

_examples: list[dict] = []  # every example kept, in the order taught
_learner: Personal | None = None  # the personal copies, learning _examples one at a time


def personal_networks() -> dict[str, Network] | None:
    """The personal copies once they have learned every kept example; until then (None) the shipped answer."""
    if _examples and _learner is not None and len(_learner.labels) == len(_examples):
        return _learner.networks
    return None


def personal_check() -> Check | None:
    """The check for this person: a drawing near one of their examples is a digit (digitlike.py)."""
    if _check is None or personal_networks() is None:
        return _check
    framing = _entries[CHECK]["framing"]
    if framing not in _learner.inputs:  # the examples are drawn in the networks' framings only
        return _check.with_examples(np.stack([to_network_input(e["strokes"], framing) for e in _examples]))
    return _check.with_examples(_learner.rendered(framing))


def personal_status() -> dict:
    """How many examples are kept (in all and per digit), how many of them the personal copies have learned."""
    per_digit = [0] * 10
    for example in _examples:
        per_digit[example["digit"]] += 1
    return {
        "examples": len(_examples),
        "per_digit": per_digit,
        "learned": len(_learner.labels) if _learner else 0,
        "personal": personal_networks() is not None,
    }


def keep(examples: list[dict]) -> dict:
    """Add examples ({"digit", "strokes"}) to learn, after checking all of them (ValueError: none is added)."""
    _examples.extend(checked_examples(examples))
    return personal_status()


_rehearsal: dict | None = None  # the rehearsal digits, by framing, once loaded
MOST_REHEARSAL_BYTES = MOST_REHEARSAL * 800 + 65_536  # its images and labels, with room for the zip's headers


def load_rehearsal(path: str) -> int:
    """Read the rehearsal digits that learning needs (learn.py): how many; ValueError with one line if the file
    is bad."""
    global _rehearsal
    data = file_head(path, MOST_REHEARSAL_BYTES)
    _rehearsal = rehearsal_from_bytes(data, set(framings_of(_networks).values()))
    return len(next(iter(_rehearsal.values()))[1])


def file_head(path: str, most: int) -> bytes:
    """At most `most` bytes of a file the worker wrote: a bigger one is cut short, and then refused as damaged."""
    with open(path, "rb") as file:
        return file.read(most)


def new_learner() -> Personal:
    """Personal copies of the shipped networks, to learn the kept examples."""
    return Personal(_networks, framings_of(_networks), Teaching(), _rehearsal)


def framings_of(networks: dict[str, Network]) -> dict[str, str]:
    """Each network's framing of its inputs, as models.json says."""
    return {name: framing_of(name) for name in networks}


def framing_of(name: str) -> str:
    """How a network's input is framed, as models.json (or for yours, its entry) says."""
    return yours.current().entry["framing"] if name == YOURS else _entries[name]["framing"]


def learn_next() -> dict:
    """Teach the personal copies the first kept example they have not learned yet (made from the shipped
    networks at the first)."""
    global _learner
    if _rehearsal is None:
        raise ValueError("the rehearsal digits are not loaded: nothing can be learned without them")
    if _learner is None:
        _learner = new_learner()
    _learner.rehearsal = _rehearsal  # restored copies were made before the rehearsal digits were loaded
    learned = len(_learner.labels)
    if learned < len(_examples):
        _learner.teach(_examples[learned]["strokes"], _examples[learned]["digit"])
    return personal_status()


def forget() -> dict:
    """Forget every example and the personal copies: the shipped networks answer again."""
    global _learner
    _examples.clear()
    _learner = None
    return personal_status()


def personal_key() -> str:
    """What personal copies are made from: the shipped networks' files and the teaching settings. Saved
    copies with another key were made for other networks (another version of the site) and are re-learned."""
    networks = {name: _entries[name].get("sha256", "") for name in sorted(_networks)}
    return json.dumps({"networks": networks, "teaching": asdict(Teaching())}, sort_keys=True)


def save_personal(path: str) -> None:
    """The personal copies, with the key and number of examples they were made from, as one .npz file."""
    if personal_networks() is None:
        raise ValueError("no personal copies to save: every kept example must be learned first")
    arrays = {"key": np.array(personal_key()), "examples": np.array(len(_examples))}
    for name, network in _learner.networks.items():
        for i, (w, b) in enumerate(zip(network.weights, network.biases, strict=True)):
            arrays[f"{name}.w{i}"], arrays[f"{name}.b{i}"] = w, b
    with open(path, "wb") as file:
        np.savez(file, **arrays)


def restore_personal(path: str) -> bool:
    """Use saved personal copies if they were made from these networks and exactly the kept examples; False
    (nothing changes) when they were not, or the file is damaged: then the examples are learned again."""
    global _learner
    try:
        with np.load(path, allow_pickle=False) as saved:
            if str(saved["key"]) != personal_key() or int(saved["examples"]) != len(_examples):
                return False
            copies = {name: restored_copy(name, network, saved) for name, network in _networks.items()}
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        return False
    if not _examples or None in copies.values():
        return False
    learner = new_learner()
    for example in _examples:
        learner.remember(example["strokes"], example["digit"])
    learner.networks = copies
    _learner = learner
    return True


def restored_copy(name: str, shipped: Network, saved) -> Network | None:
    """A personal copy of `shipped` from the saved arrays, or None when they do not have its shapes."""
    weights = [saved[f"{name}.w{i}"] for i in range(len(shipped.weights))]
    biases = [saved[f"{name}.b{i}"] for i in range(len(shipped.biases))]
    expected = [(p.shape, p.dtype) for p in shipped.weights + shipped.biases]
    if [(p.shape, p.dtype) for p in weights + biases] != expected:
        return None
    return Network(weights, biases, shipped.activation, shipped.temperature)


# --- JSON in, JSON out: what the page's worker calls, so no Python object crosses into JavaScript ---------


def load_json(weights_dir: str) -> str:
    """load() as JSON; {"error": reason} when models.json itself is unusable (then nothing can be read)."""
    try:
        return json.dumps(load(weights_dir))
    except WeightsError as error:
        return json.dumps({"error": str(error)})


def recognize_json(model: str, strokes: str, silenced: str = "{}") -> str:
    """recognize() with the strokes, the silenced neurons and the answer as JSON."""
    return json.dumps(recognize(model, json.loads(strokes), json.loads(silenced)))


def inside_json(model: str, strokes: str, silenced: str = "{}") -> str:
    """inside_of() as JSON, or {"error": its one line}."""
    return as_json(lambda: inside_of(model, json.loads(strokes), json.loads(silenced)))


def neuron_json(network: str, neuron: str) -> str:
    """What a hidden neuron of the answering network looks for (inside.incoming), or {"error": why not}."""

    def looks_for():
        networks = personal_networks() or _networks
        if network not in networks:
            raise ValueError(f"no network {network} is loaded")
        return incoming(networks[network], neuron_named(neuron, networks[network]))

    return as_json(looks_for)


# --- teaching, JSON in and out: what the worker calls ---------------------------------------------------


def as_json(work) -> str:
    """work()'s result as JSON, or {"error": its one line} when it raises ValueError."""
    try:
        return json.dumps(work())
    except ValueError as error:
        return json.dumps({"error": str(error)})


def keep_json(examples: str) -> str:
    return as_json(lambda: keep(json.loads(examples)))


def personal_status_json() -> str:
    return json.dumps(personal_status())


def learn_next_json() -> str:
    return as_json(learn_next)


def forget_json() -> str:
    return json.dumps(forget())


def load_rehearsal_json(path: str) -> str:
    return as_json(lambda: {"digits": load_rehearsal(path)})


def examples_file_json() -> str:
    """The text of a file carrying every kept example (kept.py), for the person to save."""
    return examples_file(_examples)


def new_examples_json(text: str) -> str:
    """The examples a file carries that are not kept yet: {"examples": [...], "repeated": how many were}, or
    {"error": why the file is refused}."""

    def new_examples():
        examples = read_examples_file(text)
        known = {json.dumps(example, sort_keys=True) for example in _examples}
        new = [example for example in examples if json.dumps(example, sort_keys=True) not in known]
        return {"examples": new, "repeated": len(examples) - len(new)}

    return as_json(new_examples)


# --- your network, trained in the page (yours.py): what the worker calls --------------------------------------


def yours_status() -> dict:
    """Your network as its button shows it (describe()), and whether it votes; {"yours": None} without one."""
    mine = yours.current()
    if mine is None:
        return {"yours": None}
    return {"yours": {**describe(YOURS, mine.entry), "label": "Yours", "ok": True, "in_vote": mine.in_vote}}


def yours_status_json() -> str:
    return json.dumps(yours_status())


def yours_json(work) -> str:
    """work() (of yours.py), then the training's status if it gave one, with your network's: as JSON, or
    {"error": its one line}."""
    return as_json(lambda: {**(work() or {}), **yours_status()})


def add_part_json(kind: str, path: str) -> str:
    return as_json(lambda: yours.add_part(kind, file_head(path, yours.MOST_PART_BYTES)))


def training_defaults_json() -> str:
    """The form's defaults and limits: what a visitor may choose (yours.py)."""
    limits = {**yours.LIMITS, "hidden": yours.HIDDEN, "neurons": yours.NEURONS}
    return json.dumps({"defaults": yours.DEFAULTS, "limits": limits})


def start_training_json(fields: str) -> str:
    return yours_json(lambda: yours.start(json.loads(fields)))


def train_json(seconds: float, pictures: bool) -> str:
    return yours_json(lambda: yours.train(seconds, pictures))


def stop_training_json() -> str:
    return yours_json(yours.stop)


def grid_json() -> str:
    return as_json(yours.grid_digits)


def yours_in_vote_json(on: bool) -> str:
    return yours_json(lambda: yours.set_in_vote(on))


def import_yours_json(path: str) -> str:
    return yours_json(lambda: yours.import_file(file_head(path, yours.MOST_FILE_BYTES)))


def restore_yours_json(path: str, entry: str) -> str:
    return yours_json(lambda: yours.restore(file_head(path, yours.MOST_FILE_BYTES), json.loads(entry)))


def export_yours(path: str) -> str:
    """Write your network's file to path; its entry as JSON (kept beside it, so a reload needs no digits)."""
    mine = yours.current()
    if mine is None:
        raise ValueError("no network of yours to export")
    with open(path, "wb") as file:
        file.write(mine.data)
    return json.dumps(mine.entry)


def forget_yours_json() -> str:
    return yours_json(yours.forget)
