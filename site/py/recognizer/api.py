"""The one door from the page's worker into Python: call(name, args) runs CALLS[name](**args), JSON in and out.

Every function the page may call is in CALLS, each a plain function taking and giving JSON-able values, so no
Python object ever crosses into JavaScript. A call answers {"result": ...}, or {"error": one line} when it
fails: a bad drawing, a damaged file, a field not allowed. Never a traceback.

The page has one Reader (app.py): the shipped networks, the person's teaching (teach.py) and their own network
(yours.py). Files (weights, digits, saved copies) cross as paths in Pyodide's file system, which the worker writes
and reads.
"""

from __future__ import annotations

import functools
import json

from .app import Reader
from .entries import WeightsError
from .step import Stepper

reader = Reader()
teacher, trainer = reader.teacher, reader.trainer
stepper = Stepper(reader)


@functools.cache
def the_lab():
    """The lab, imported at its first use: a first visit downloads lab.py as source (a third of its bytecode's
    size), and only a visitor who opens "Where it goes wrong" compiles it."""
    from .lab import Lab

    return Lab(reader)


def lab_call(name: str):
    return lambda **args: getattr(the_lab(), name)(**args)


CALLS = {
    # reading (app.py)
    "load": reader.load,  # weights_dir -> the networks' status
    "recognize": reader.recognize,  # model, strokes, silenced -> the answer
    "inside": reader.inside,  # model, strokes, silenced -> the inside view
    "neuron": reader.neuron,  # network, neuron ("1:17") -> what it looks for
    # one learning step in slow motion, and fooling a network (step.py)
    "step.show": stepper.show,  # model, strokes, target, rate, neuron -> every phase of the copy's next step
    "step.again": stepper.again,  # the same: the step is taken, and the next one shown
    "step.reset": stepper.reset,  # the same, from the network that reads
    "fool": stepper.fool,  # model, strokes, target -> the fooled input and who it fools
    # where each network goes wrong (lab.py)
    "lab.add_set": lab_call("add_set"),  # kind, path -> the set's size
    "lab.score": lab_call("score"),  # seconds -> how many of the sets' digits the networks have read
    "lab.matrix": lab_call("matrix"),  # model, set -> the confusion matrix, accuracy, recall
    "lab.cell": lab_call("cell"),  # model, set, truth, answer, start, count -> the digits in a cell
    "lab.digit": lab_call("digit"),  # model, set, index -> what every network reads of one, and why
    "lab.disagree": lab_call("disagree"),  # a, b, set -> what each gets right that the other gets wrong
    "lab.map": lab_call("map"),  # model, set, projection -> the digits placed by the last hidden layer
    "lab.locate": lab_call("locate"),  # model, strokes, set, projection -> the drawing on that map, its nearest digits
    # teaching, "It was" (teach.py)
    "teach.status": teacher.status,
    "teach.add": teacher.add,  # examples
    "teach.new_examples": teacher.new_examples,  # text of a file of examples
    "teach.examples_file": teacher.examples_file,
    "teach.load_rehearsal": teacher.load_rehearsal,  # path
    "teach.learn_next": teacher.learn_next,
    "teach.forget": teacher.forget,
    "teach.save": teacher.save,  # path
    "teach.restore": teacher.restore,  # path
    # Train your own (yours.py)
    "yours.defaults": trainer.defaults,
    "yours.add_part": trainer.add_part,  # kind, path
    "yours.grid": trainer.grid,
    "yours.start": trainer.start,  # fields
    "yours.train": trainer.train,  # seconds, pictures
    "yours.stop": trainer.stop,
    "yours.status": trainer.status,
    "yours.vote": trainer.vote,  # on
    "yours.import": trainer.import_file,  # path; then "yours.score" until it is yours
    "yours.score": trainer.score,  # seconds
    "yours.restore": trainer.restore,  # path, entry
    "yours.export": trainer.export,  # path
    "yours.forget": trainer.forget,
}


def call(name: str, args: str = "{}") -> str:
    """CALLS[name](**args), args and answer as JSON: {"result": ...} or {"error": one line}."""
    try:
        if name not in CALLS:
            raise ValueError(f"{name}: no such call")
        return json.dumps({"result": CALLS[name](**json.loads(args))})
    except (ValueError, WeightsError) as error:  # what was given (a drawing, a file, a field) is refused: its own words
        return json.dumps({"error": one_line(str(error))})
    except Exception as error:  # anything else is a fault of ours: named, still one line
        return json.dumps({"error": one_line(f"{name} failed: {type(error).__name__}: {error}")})


def one_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "no reason given"
