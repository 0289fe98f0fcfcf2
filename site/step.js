// "Watch it learn" and "Fool it": backpropagation's two gradients on the drawing on screen. The numbers are
// Python's (recognizer/step.py); this file draws them, with the inside view's pictures (pictures.js).
// One step: every phase of one gradient-descent step of a network's scratch copy, shown one after another with
// Next and Back (or Play); "Take this step" moves the copy on by it and shows the next, "Reset" goes back to the
// network that reads. #step carries data-state (idle | working | done | error), data-phase, data-model, data-cost,
// data-before and data-after (the target's probability before and after the step), data-strokes (of the drawing it
// is about) and data-steps (steps the copy has taken).
// Fool it: the input moved along the gradient of a digit's probability until the network reads it. #fool carries
// data-state (idle | working | done | failed | error), data-model, data-target, data-steps, data-l2, data-pixels
// and data-fooled (each network and the vote: fooled or not, and the digit check's digit_like).
// app.js imports this file when one of the two is first opened and calls connect({call, opening}): opening holds
// the toggles clicked before it arrived. Each answer on screen then comes as #result's "answered" event, a drawing
// no longer answered as its "cleared" event; the one on screen before is answer.js's shownAnswer().
import { shownAnswer } from "./answer.js";
import { element, section } from "./dom.js";
import { chosenNetwork, networkOptions } from "./networks.js";
import { strokes } from "./pad.js";
import { drawActivations, drawBars, drawDiverging, drawGrey, readColours } from "./pictures.js";

const $ = (id) => document.getElementById(id);
const result = $("result");
const COLUMNS = 25; // neurons per row of a layer's picture, as the inside view draws them
const PHASES = [
  ["forward", "Forward"],
  ["cost", "Cost"],
  ["output-error", "Output error"],
  ["hidden-error", "Back through the layers"],
  ["gradient", "A neuron's gradient"],
  ["update", "The update"],
  ["after", "Read again"],
  ["check", "Proof"],
];
let host = { call: async () => ({}) };
let answer = null; // the answer on screen

const fixed = (value, places = 3) => Number(value).toPrecision(places);
const digits = (select) => {
  if (!select.options.length) for (let d = 0; d <= 9; d++) select.append(element("option", { value: d }, String(d)));
};

// A picture of a layer's neurons, a pixel each, in rows of COLUMNS (the inside view's grid, without its buttons).
function layerPicture(values, signed, label) {
  const rows = Math.ceil(values.length / COLUMNS);
  const grid = element("div", { class: "neurons" });
  grid.style.setProperty("--rows", rows);
  grid.style.setProperty("--columns", COLUMNS);
  const canvas = element("canvas", { width: COLUMNS, height: rows, role: "img", "aria-label": label });
  const padded = [...values, ...new Array(COLUMNS * rows - values.length).fill(0)];
  if (signed) drawDiverging(canvas, padded);
  else drawActivations(canvas, padded);
  grid.append(canvas);
  return grid;
}

function picture(values, draw, label, caption) {
  const figure = element("figure");
  const canvas = element("canvas", { width: 28, height: 28, class: "picture", role: "img", "aria-label": label });
  draw(canvas, values);
  figure.append(canvas, element("figcaption", {}, caption));
  return figure;
}
const grey = (levels) => (canvas) =>
  drawGrey(
    canvas,
    levels.map((v) => v / 255),
  );
const signed = (percents) => (canvas) =>
  drawDiverging(
    canvas,
    percents.map((v) => v / 100),
  );

function bars(values, digit, label) {
  const canvas = element("canvas", { width: 220, height: 64, class: "bars", role: "img", "aria-label": label });
  drawBars(canvas, values, digit);
  return canvas;
}

const listed = (values, places) => values.map((v, d) => `${d}: ${Number(v).toFixed(places)}`).join(", ");

// --- one step, phase by phase ------------------------------------------------------------------------------

// Which way a first-layer neuron's weights move, by the sign of its error.
function moves(delta) {
  if (delta === 0) return "Its error δ is 0 (it was off): its weights only shrink a little, by λ.";
  const way = delta > 0 ? "positive: its weights on your ink fall" : "negative: its weights on your ink rise";
  return `Its error δ is ${way}, so that it answers this drawing ${delta > 0 ? "less" : "more"}.`;
}

// Each phase's panel, made from the step Python worked out.
const PANELS = {
  forward(step) {
    const { forward, target } = step;
    const layers = forward.layers.map(({ layer, activations }) => {
      const active = activations.filter((a) => a > 0).length;
      const row = element("div", { class: "layer" });
      const text = `a${layer}: ${active} of ${activations.length} neurons active`;
      row.append(element("p", { class: "caption" }, text), layerPicture(activations, false, `layer ${layer}: ${text}`));
      return row;
    });
    const p = forward.probs;
    return [
      element("p", {}, `The drawing x goes through every layer; the output is p = softmax(z).`),
      picture(forward.input, grey(forward.input), "the 28 by 28 input x", "x: the input"),
      ...layers,
      bars(p, target, `probabilities: ${listed(p, 3)}`),
      element(
        "p",
        { class: "caption" },
        `It reads ${forward.digit}; p${target} = ${fixed(p[target])} for ${target}, the digit it should read.`,
      ),
    ];
  },
  cost({ cost, target }) {
    return [
      element("p", { class: "equation" }, `C = −ln p${target} + (λ/2) Σ w²`),
      element(
        "p",
        { class: "equation" },
        `  = −ln ${fixed(cost.p)} + (${cost.lambda} / 2) × Σ w² = ${fixed(cost.cross_entropy, 4)} + ${fixed(cost.l2_term, 3)} = ${fixed(cost.cost, 4)}`,
      ),
      element(
        "p",
        { class: "caption" },
        "The more sure it is of the right digit, the smaller −ln p; the L2 term keeps weights small (λ as in training; p with T = 1, as in training).",
      ),
    ];
  },
  "output-error"({ output_error: error, target }) {
    return [
      element(
        "p",
        { class: "equation" },
        `${error.equation}, with y the digit it should read as ten numbers (1 at ${target})`,
      ),
      bars(error.delta, target, `output error: ${listed(error.delta, 4)}`),
      element(
        "p",
        { class: "caption" },
        `Negative at ${target}: raising its score lowers the cost; positive where a wrong digit scores.`,
      ),
    ];
  },
  "hidden-error"({ hidden_errors: layers, activation }) {
    return [...layers].reverse().map((layer) => {
      const box = element("div", {
        class: "layer",
        "data-delta-layer": layer.layer,
        "data-size": layer.size,
        "data-nonzero": layer.nonzero,
      });
      const text = `${layer.nonzero} of ${layer.size} neurons carry error; ${activation}′ is 0 at the others.`;
      box.append(
        element("p", { class: "equation" }, layer.equation),
        element("p", { class: "caption" }, `shapes: ${layer.shapes}`),
        layerPicture(
          layer.delta.map((v) => v / 100),
          true,
          `the error of layer ${layer.layer}: ${text} Largest ±${fixed(layer.scale)}`,
        ),
        element("p", { class: "caption" }, `${text} Red: positive, blue: negative (largest ±${fixed(layer.scale)}).`),
      );
      return box;
    });
  },
  gradient({ gradient: g }) {
    const norms = element("table", { class: "answers norms" });
    norms.append(element("tr"));
    norms.rows[0].append(element("th", {}, "layer"), element("th", {}, "‖∂C/∂W‖"), element("th", {}, "‖∂C/∂b‖"));
    for (const { layer, weights, biases } of g.norms) {
      const row = element("tr");
      row.append(element("td", {}, String(layer)), element("td", {}, fixed(weights)), element("td", {}, fixed(biases)));
      norms.append(row);
    }
    const about = `∂C/∂W for neuron ${g.neuron} of layer 1 = δ${g.neuron} x + λ w: your drawing, scaled by the neuron's error δ = ${fixed(g.delta)}`;
    return [
      element("p", { class: "equation" }, `∂C/∂W1[:, ${g.neuron}] = δ1[${g.neuron}] · x + λ W1[:, ${g.neuron}]`),
      picture(g.picture, signed(g.picture), about, `its weights' gradient (largest ±${fixed(g.scale)})`),
      element(
        "p",
        { class: "caption" },
        `${about}. Its bias gradient ∂C/∂b = δ = ${fixed(g.bias)}. Choose another neuron above, or on the first layer's picture.`,
      ),
      norms,
    ];
  },
  update({ update: u, rate, gradient }) {
    const pictures = element("div", { class: "fool-pictures" });
    pictures.append(
      picture(u.before, signed(u.before), `neuron ${u.neuron}'s weights before`, "its weights before"),
      picture(
        u.change,
        signed(u.change),
        `the change, largest ${fixed(u.largest_change)}`,
        `the change (largest ${fixed(u.largest_change)})`,
      ),
      picture(u.after, signed(u.after), `neuron ${u.neuron}'s weights after`, "after"),
    );
    return [
      element("p", { class: "equation" }, `W ← W − η ∂C/∂W, with η = ${rate} (every weight and bias of every layer)`),
      pictures,
      element(
        "p",
        { class: "caption" },
        `${moves(gradient.delta)} Before and after on one scale (±${fixed(u.scale)}).`,
      ),
    ];
  },
  after({ after, target, model, steps }) {
    const change = `p${target}: ${fixed(after.target_before)} → ${fixed(after.target_after)}`;
    return [
      element("p", {}, `${change}; the cost ${fixed(after.cost_after, 4)} after the step.`),
      bars(after.before, target, `before the step: ${listed(after.before, 3)}`),
      bars(after.after, target, `after the step: ${listed(after.after, 3)}`),
      element(
        "p",
        { class: "caption" },
        `Before (first) and after (second). This is step ${steps + 1} of a copy of ${model}: “Take this step” ` +
          "keeps it; the network that reads your drawings is unchanged.",
      ),
    ];
  },
  check({ check }) {
    const table = element("table", {
      class: "answers check",
      "data-gradient-check": "",
      "data-max-relative-error": check.max_relative_error,
    });
    table.append(element("tr"));
    for (const title of ["layer", "weight", "backprop", "(C(w+ε) − C(w−ε)) / 2ε", "relative error"]) {
      table.rows[0].append(element("th", { scope: "col" }, title));
    }
    for (const row of check.rows) {
      const tr = element("tr");
      for (const text of [
        row.layer,
        `${row.row}, ${row.column}`,
        fixed(row.backprop, 6),
        fixed(row.numeric, 6),
        fixed(row.error, 2),
      ]) {
        tr.append(element("td", {}, String(text)));
      }
      table.append(tr);
    }
    return [
      element(
        "p",
        {},
        `Is backpropagation right? Each weight nudged by ε = ${check.epsilon} both ways, in float64: the largest relative error is ${fixed(check.max_relative_error, 2)}.`,
      ),
      table,
    ];
  },
};

const Step = (() => {
  const toggle = $("step-toggle");
  const view = $("step");
  const status = $("step-status");
  const box = $("step-view");
  const list = $("step-phases");
  let shown = null; // the step on screen
  let panels = [];
  let phase = 0;
  let asked = 0; // the newest request: any other's answer is for something no longer asked
  let picked = false; // the person chose the digit it should read, for this drawing
  let playing = null;

  const { isOpen, shell } = section(toggle, view, (on) => (on ? answered(answer) : stopPlaying()), answered);
  list.append(...PHASES.map(([name, title], i) => element("li", { "data-phase": name }, `${i + 1}. ${title}`)));
  digits($("step-target"));

  function ask(kind = "step.show", keepPhase = false) {
    if (!isOpen() || !answer) return;
    const args = { model: $("step-model").value, strokes: [...strokes], target: Number($("step-target").value) };
    args.rate = Number($("step-rate").value);
    if ($("step-neuron").value) args.neuron = Number($("step-neuron").value);
    const id = ++asked;
    view.dataset.state = "working";
    status.textContent = kind === "step.again" ? "Taking the step…" : "Working out the step…";
    host.call(kind, args).then(
      (step) => id === asked && show({ ...step, strokes: args.strokes.length }, keepPhase ? phase : 0),
      (error) => id === asked && failed(error.message),
    );
  }

  function failed(message) {
    view.dataset.state = "error";
    status.textContent = `The step could not be worked out: ${message}.`;
  }

  function show(step, at) {
    readColours(view);
    shown = step;
    panels = PHASES.map(([name, title], i) => {
      const panel = element("section", { class: "phase", "data-phase-view": name, "aria-label": title });
      panel.append(element("h3", {}, `${i + 1}. ${title}`), ...PANELS[name](step));
      return panel;
    });
    box.replaceChildren(...panels);
    const first = box.querySelector('[data-delta-layer="1"] canvas');
    if (first) first.addEventListener("click", (event) => chooseNeuron(event, first));
    Object.assign(view.dataset, {
      state: "done",
      model: step.model,
      steps: step.steps,
      cost: step.cost.cost,
      before: step.after.target_before,
      after: step.after.target_after,
      strokes: step.strokes,
    });
    const copy = step.steps
      ? `its copy, ${step.steps} step${step.steps === 1 ? "" : "s"} on from the network that reads`
      : "the network that reads (a copy of it)";
    status.textContent = `One step of ${step.model}, ${copy}, towards ${step.target}: Next walks through it.`;
    for (const id of ["step-next", "step-back", "step-play", "step-again", "step-reset"]) $(id).disabled = false;
    goTo(at);
  }

  // Clicking the first layer's error picture chooses the neuron whose gradient is shown.
  function chooseNeuron(event, canvas) {
    const box = canvas.getBoundingClientRect();
    const column = Math.floor(((event.clientX - box.left) / box.width) * canvas.width);
    const row = Math.floor(((event.clientY - box.top) / box.height) * canvas.height);
    const neuron = row * COLUMNS + column + 1;
    if (neuron > shown.hidden_errors[0].size) return;
    $("step-neuron").value = neuron;
    ask("step.show", true);
  }

  // Phases up to the one at `at` are shown, that one marked; the others wait for Next.
  function goTo(at) {
    phase = Math.max(0, Math.min(PHASES.length - 1, at));
    panels.forEach((panel, i) => {
      panel.hidden = i > phase;
      panel.classList.toggle("current", i === phase);
    });
    for (const [i, item] of [...list.children].entries()) {
      item.className = i < phase ? "done" : i === phase ? "current" : "";
    }
    view.dataset.phase = PHASES[phase][0];
    $("step-back").disabled = phase === 0;
    $("step-next").disabled = phase === PHASES.length - 1;
    if (phase > 0 && panels[phase]) panels[phase].scrollIntoView({ block: "nearest" });
  }

  function play() {
    if (playing) return stopPlaying();
    if (phase === PHASES.length - 1) goTo(0);
    $("step-play").textContent = "Pause";
    playing = setInterval(() => (phase < PHASES.length - 1 ? goTo(phase + 1) : stopPlaying()), 1500);
  }
  function stopPlaying() {
    clearInterval(playing);
    playing = null;
    $("step-play").textContent = "Play";
  }

  // A new answer on screen: the step on it (towards the network's answer, unless another digit was chosen).
  function answered(given) {
    if (!given) return;
    const models = networkOptions($("step-model"), false);
    if (models.includes(given.model)) $("step-model").value = given.model;
    if (!picked) $("step-target").value = given.answers[$("step-model").value] ?? given.digit;
    stopPlaying();
    ask();
  }

  function cleared() {
    asked += 1;
    picked = false;
    shown = null;
    panels = [];
    stopPlaying();
    box.replaceChildren();
    view.dataset.state = "idle";
    for (const id of ["step-next", "step-back", "step-play", "step-again", "step-reset"]) $(id).disabled = true;
    status.textContent = "Draw a digit: one learning step on it shows here.";
  }

  $("step-next").addEventListener("click", () => goTo(phase + 1));
  $("step-back").addEventListener("click", () => goTo(phase - 1));
  $("step-play").addEventListener("click", play);
  $("step-again").addEventListener("click", () => ask("step.again"));
  $("step-reset").addEventListener("click", () => ask("step.reset"));
  $("step-target").addEventListener("change", () => {
    picked = true;
    ask();
  });
  $("step-model").addEventListener("change", () => {
    $("step-neuron").value = "";
    ask();
  });
  for (const id of ["step-rate", "step-neuron"]) $(id).addEventListener("change", () => ask("step.show", true));

  return { ...shell, cleared };
})();

// --- fooling it ---------------------------------------------------------------------------------------

const Fool = (() => {
  const toggle = $("fool-toggle");
  const view = $("fool");
  const status = $("fool-status");
  let asked = 0;
  const { shell } = section(toggle, view, (on) => on && answer && answered(answer), answered);
  digits($("fool-target"));

  function start() {
    if (!answer) return;
    const args = { model: $("fool-model").value, strokes: [...strokes], target: Number($("fool-target").value) };
    const id = ++asked;
    view.dataset.state = "working";
    status.textContent = `Moving the pixels towards ${args.target}…`;
    host.call("fool", args).then(
      (fooled) => id === asked && show(fooled),
      (error) => {
        if (id !== asked) return;
        view.dataset.state = "error";
        status.textContent = `It could not be fooled: ${error.message}.`;
      },
    );
  }

  function show(fooled) {
    readColours(view);
    const { model, target, steps, l2, pixels } = fooled;
    Object.assign(view.dataset, {
      state: fooled.state,
      model,
      target,
      steps,
      l2,
      pixels,
      fooled: JSON.stringify(fooled.fooled),
    });
    drawGrey(
      $("fool-original"),
      fooled.original.map((v) => v / 255),
    );
    drawDiverging(
      $("fool-change"),
      fooled.change.map((v) => v / 100),
    );
    drawGrey(
      $("fool-fooled"),
      fooled.fooled_input.map((v) => v / 255),
    );
    const who = model === "vote" ? "The vote" : model;
    const ink = `${steps} step${steps === 1 ? "" : "s"}, a change of L2 length ${l2.toFixed(2)}, ${pixels} pixel${pixels === 1 ? "" : "s"} moved by more than 0.1`;
    const others = Object.entries(fooled.answers).filter(([name]) => name !== model);
    const alsoFooled = others.filter(([, digit]) => digit === target).map(([name]) => name);
    const check = fooled.fooled.digit_like
      ? "still looks like a digit to the check"
      : "no longer looks like a digit to the check";
    status.textContent =
      fooled.state === "done"
        ? `${who} now reads ${target}: ${ink}. Also fooled: ${alsoFooled.join(", ") || "none of the others"}; it ${check}.`
        : `${who} could not be made to read ${target} in ${fooled.limit} steps (${ink}, p${target} = ${fooled.probability}).`;
    $("fool-change").setAttribute("aria-label", `the change: ${ink}`);
    $("fool-fooled").setAttribute(
      "aria-label",
      `the input that ${fooled.state === "done" ? "fools" : "did not fool"} ${who}`,
    );
    const names = $("fool-names");
    const reads = $("fool-answers");
    names.replaceChildren(element("th", { scope: "row" }, "network"));
    reads.replaceChildren(element("th", { scope: "row" }, "reads"));
    for (const [name, digit] of Object.entries(fooled.answers)) {
      names.append(element("th", { scope: "col" }, name === "vote" ? "Vote" : name));
      reads.append(
        element("td", { class: digit === target ? "differs" : "", "data-answer-fooled": name }, String(digit)),
      );
    }
    $("fool-who").hidden = false;
  }

  function answered(given) {
    networkOptions($("fool-model"), true);
    $("fool-model").value = given.model in given.answers ? given.model : chosenNetwork();
    const other = given.candidates.find((c) => c.digit !== given.digit);
    if (other && !view.dataset.picked) $("fool-target").value = other.digit;
    $("fool-start").disabled = false;
    cleared(false);
  }

  // The fooled input was for another drawing: its pictures go.
  function cleared(disable = true) {
    asked += 1;
    view.dataset.state = "idle";
    for (const key of ["model", "target", "steps", "l2", "pixels", "fooled"]) delete view.dataset[key];
    for (const id of ["fool-original", "fool-change", "fool-fooled"]) $(id).getContext("2d").clearRect(0, 0, 28, 28);
    $("fool-who").hidden = true;
    if (disable) {
      $("fool-start").disabled = true;
      delete view.dataset.picked;
    }
    status.textContent = disable
      ? "Draw a digit, then choose what it should be made to read."
      : "Choose a network and a digit, then press Fool it.";
  }

  $("fool-start").addEventListener("click", start);
  $("fool-target").addEventListener("change", () => (view.dataset.picked = "true"));
  return { ...shell, cleared };
})();

let connected = false;
export function connect({ call, opening }) {
  if (connected) return; // once: later clicks on either toggle are its own
  connected = true;
  host = { call };
  answer = shownAnswer();
  result.addEventListener("answered", ({ detail }) => {
    answer = detail;
    Step.answered(detail);
    Fool.answered(detail);
  });
  result.addEventListener("cleared", () => {
    answer = null;
    Step.cleared();
    Fool.cleared();
  });
  for (const part of [Step, Fool]) if (opening.has(part.toggle) || part.remembered()) part.open(true);
}
