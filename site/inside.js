// The "Inside the network" view: every layer of the network that reads (for the vote, of each network, and how
// their probabilities average), updated with each reading while the view is open. The numbers are Python's
// (recognizer/inside.py): activations, scores, probabilities, the neurons that carried the answer, and the heat map
// of which pixels pushed it up or down; this file only draws them. A neuron chosen here shows its incoming weights
// and can be silenced: every reading then sends the silenced neurons (a reload forgets them). app.js calls
// Inside.connect({call, reread}) once, Inside.request(reading) for each reading's extra fields, Inside.show(answer)
// and Inside.clear(), and Inside.arrived({reading, inside}) with the worker's "inside" event (after its answer).
import { element, remember, remembered } from "./dom.js";
import { drawActivations, drawBars, drawDiverging, drawGrey, readColours } from "./pictures.js";

export const Inside = (() => {
  const toggle = document.getElementById("inside-toggle");
  const view = document.getElementById("inside");
  const status = document.getElementById("inside-status");
  const whyRow = document.getElementById("inside-why");
  const partsBox = document.getElementById("inside-networks");
  const panel = document.getElementById("neuron");
  const result = document.getElementById("result");
  const altered = document.getElementById("altered");
  const REMEMBERED = "digit-recognizer: inside view open";
  // Neurons per row of a layer's grid (300 make 12 rows); on a touch or narrow screen 12, so that each is at least
  // 24 px (WCAG 2.5.8).
  const COLUMNS = 25;
  const TOUCH = matchMedia("(pointer: coarse), (max-width: 40rem)");

  const silenced = new Map(); // network -> Set of its silenced neurons ("layer:neuron"); a reload forgets them
  const parts = new Map(); // a network's name and layers -> its part (makePart), made once, drawn with each reading
  let host = { call: async () => ({}), reread() {} };
  let shown = null; // the inside view of the answer on screen
  let chosen = null; // {network, neuron: "1:17"}
  let asked = 0; // the id of the newest question about a neuron
  let wanted = null; // the id of the reading whose view is wanted: any other's is for a drawing no longer shown

  const isOpen = () => toggle.getAttribute("aria-expanded") === "true";

  const listed = (values, places) => values.map((value, d) => `${d}: ${value.toFixed(places)}`).join(", ");

  // --- a network's part, made once and updated with each reading ------------------------------------------

  // A layer's neurons: a picture with a pixel per neuron (its brightness the activation), under a grid of
  // transparent buttons, one per neuron, to choose it. Each reading repaints the picture only: the buttons stay.
  function layerGrid(network, layer, size) {
    const grid = element("div", { class: "neurons", role: "group" });
    const columns = TOUCH.matches ? 12 : COLUMNS;
    const rows = Math.ceil(size / columns);
    grid.style.setProperty("--rows", rows);
    grid.style.setProperty("--columns", columns);
    const picture = element("canvas", { width: columns, height: rows, "aria-hidden": "true" });
    grid.append(picture);
    const cells = [];
    for (let j = 1; j <= size; j++) {
      const name = `neuron ${j} of layer ${layer}`; // named from the start; its activation is added as it is focused
      cells.push(element("button", { type: "button", "data-neuron": `${layer}:${j}`, tabindex: "-1", "aria-label": name }));
    }
    cells[0].tabIndex = 0; // one stop per grid for Tab; the arrow keys move within it
    grid.append(...cells);
    grid.addEventListener("click", (event) => {
      const cell = event.target.closest("[data-neuron]");
      if (cell) choose(network, cell.dataset.neuron);
    });
    grid.addEventListener("keydown", (event) => moveWithin(event, cells, columns));
    grid.addEventListener("focusin", (event) => describe(network, event.target));
    return { grid, cells, picture };
  }

  // Arrow keys, Home and End move between a grid's neurons; Enter or Space chooses one (it is a button).
  function moveWithin(event, cells, columns) {
    const at = cells.indexOf(document.activeElement);
    if (at < 0) return;
    const steps = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -columns, ArrowDown: columns };
    let to = at + (steps[event.key] || 0);
    if (event.key === "Home") to = 0;
    if (event.key === "End") to = cells.length - 1;
    if (to === at || to < 0 || to >= cells.length) return;
    event.preventDefault();
    cells[at].tabIndex = -1;
    cells[to].tabIndex = 0;
    cells[to].focus();
  }

  // A neuron ("2:17") of a network shown: {layer, number, activation on the drawing shown}, or null.
  function neuronShown(network, neuron) {
    const part = shown && shown.networks.find((n) => n.network === network);
    if (!part || !neuron) return null;
    const [layer, number] = neuron.split(":").map(Number);
    return { layer, number, activation: part.layers[layer - 1].activations[number - 1] };
  }

  // A neuron's name for a screen reader, with its activation on the drawing shown: made as it is focused.
  function describe(network, cell) {
    const about = neuronShown(network, cell.dataset.neuron);
    if (!about) return;
    const quiet = isSilenced(network, cell.dataset.neuron) ? ", silenced" : "";
    const activation = about.activation.toFixed(2);
    cell.setAttribute("aria-label", `neuron ${about.number} of layer ${about.layer}: activation ${activation}${quiet}`);
  }

  function makePart(network) {
    const article = element("article", { class: "inside-network", "data-network": network.network });
    const sizes = network.layers.map((layer) => layer.size);
    const heading = `${network.network}: ${[network.input.length, ...sizes, network.out.scores.length].join("-")}`;
    article.append(element("h3", {}, heading));
    const input = element("canvas", { width: 28, height: 28, class: "picture", role: "img" });
    const inputRow = element("div", { class: "layer input", "data-layer": "0" });
    const seen = `x: the ${network.input.length} pixels ${network.network} sees`;
    inputRow.append(element("p", { class: "equation" }, seen), input);
    article.append(inputRow);
    const layers = network.layers.map(({ layer, size, equation, shapes }) => {
      const row = element("div", { class: "layer", "data-layer": layer, "data-size": size });
      const { grid, cells, picture } = layerGrid(network.network, layer, size);
      const summary = element("p", { class: "caption summary" });
      const about = [element("p", { class: "equation" }, equation), element("p", { class: "caption" }, shapes)];
      row.append(...about, grid, summary);
      article.append(row);
      return { row, grid, cells, picture, summary };
    });
    const outRow = element("div", { class: "layer out", "data-layer": "out" });
    const scores = element("canvas", { width: 220, height: 64, class: "bars", role: "img" });
    const probs = element("canvas", { width: 220, height: 64, class: "bars", role: "img" });
    const summary = element("p", { class: "caption summary" });
    const figures = element("div", { class: "out-figures" });
    const scoresFigure = element("figure");
    scoresFigure.append(scores, element("figcaption", {}, "scores z"));
    const probsFigure = element("figure");
    probsFigure.append(probs, element("figcaption", {}, "probabilities p = softmax(z / T)"));
    figures.append(scoresFigure, probsFigure);
    outRow.append(
      element("p", { class: "equation" }, network.out.equation),
      element("p", { class: "caption" }, network.out.shapes),
      figures,
      summary,
    );
    article.append(outRow);
    const why = element("figure", { class: "why-map" });
    const whyCanvas = element("canvas", { width: 28, height: 28, "data-why": network.network, role: "img" });
    const whyCaption = element("figcaption");
    why.append(whyCanvas, whyCaption);
    return { article, input, layers, out: { row: outRow, scores, probs, summary }, why, whyCanvas, whyCaption };
  }

  function partOf(network) {
    const key = `${network.network} ${network.layers.map((layer) => layer.size).join("-")}`;
    if (!parts.has(key)) parts.set(key, makePart(network));
    return parts.get(key);
  }

  function updatePart(part, network, digit) {
    const name = network.network;
    drawGrey(part.input, network.input.map((level) => level / 255));
    part.input.setAttribute("aria-label", `the 28 by 28 image ${name} sees`);
    network.layers.forEach((layer, i) => {
      const { row, cells, grid, picture, summary } = part.layers[i];
      Object.assign(row.dataset, { active: layer.active, size: layer.size });
      drawActivations(picture, layer.activations);
      for (const cell of grid.querySelectorAll(".path, .silenced")) cell.classList.remove("path", "silenced");
      for (const { neuron } of layer.paths) cells[neuron - 1].classList.add("path");
      for (const neuron of layer.silenced) cells[neuron - 1].classList.add("silenced");
      const carried = layer.paths.map((path) => `${path.neuron} (+${path.adds.toFixed(2)})`).join(", ");
      const text = `${layer.active} of ${layer.size} active. Carrying ${digit}: ${carried || "none"}.`;
      summary.textContent = text;
      grid.setAttribute("aria-label", `Layer ${layer.layer} of ${name}, ${layer.size} neurons: ${text}`);
    });
    const { row, scores, probs, summary } = part.out;
    row.dataset.scores = JSON.stringify(network.out.scores);
    row.dataset.probs = JSON.stringify(network.probs);
    drawBars(scores, network.out.scores, digit);
    drawBars(probs, network.probs, digit);
    scores.setAttribute("aria-label", `scores z of ${name}: ${listed(network.out.scores, 2)}`);
    probs.setAttribute("aria-label", `probabilities of ${name}: ${listed(network.probs, 3)}`);
    const T = Number(network.out.temperature.toPrecision(3)); // as the equation writes it
    summary.textContent =
      `${digit} scores ${network.out.scores[digit].toFixed(2)}; divided by T = ${T} and through the softmax, ` +
      `that is ${(100 * network.probs[digit]).toFixed(1)}%.`;
    drawDiverging(part.whyCanvas, network.why.map((percent) => percent / 100), network.input);
    part.whyCaption.textContent = name;
    part.whyCanvas.setAttribute(
      "aria-label",
      `why ${name} scores ${digit}: red pixels pushed the score up, blue ones down`,
    );
  }

  // The vote's last part: the average of the networks' probabilities.
  let average = null;
  function voteAverage(inside) {
    if (!average) {
      average = { row: element("div", { class: "layer out vote-average", "data-network": "vote" }) };
      average.bars = element("canvas", { width: 220, height: 64, class: "bars", role: "img" });
      average.equation = element("p", { class: "equation" });
      average.row.append(element("h3", {}, "The vote"), average.equation, average.bars);
    }
    const names = inside.networks.map((network) => network.network);
    average.equation.textContent = `p = (${names.map((name) => `p${name}`).join(" + ")}) / ${names.length}`;
    average.row.dataset.probs = JSON.stringify(inside.probs);
    drawBars(average.bars, inside.probs, inside.digit);
    average.bars.setAttribute("aria-label", `the vote's probabilities: ${listed(inside.probs, 3)}`);
    return average.row;
  }

  // --- the view -------------------------------------------------------------------------------------

  function showInside(inside) {
    readColours(view);
    shown = inside;
    const used = inside.networks.map((network) => {
      const part = partOf(network);
      updatePart(part, network, inside.digit);
      return part;
    });
    partsBox.replaceChildren(
      ...used.map((part) => part.article),
      ...(inside.model === "vote" ? [voteAverage(inside)] : []),
    );
    const why = `Why ${inside.digit}: the gradient of its score times each pixel (red pushed it up, blue down)`;
    whyRow.replaceChildren(element("p", { class: "equation" }, why), ...used.map((part) => part.why));
    Object.assign(view.dataset, { state: "done", model: inside.model, strokes: inside.strokes });
    const who = inside.model === "vote" ? "the vote's four networks" : inside.model;
    status.textContent = `Inside ${who}, reading ${inside.digit}. Choose a neuron to see what it looks for.`;
    if (chosen) showChosen();
  }

  function showChosen() {
    for (const cell of view.querySelectorAll("[data-neuron].chosen")) cell.classList.remove("chosen");
    const part = chosen && view.querySelector(`.inside-network[data-network="${chosen.network}"]`);
    const cell = part && part.querySelector(`[data-neuron="${chosen.neuron}"]`);
    if (!cell) return void (panel.hidden = true);
    cell.classList.add("chosen");
    cell.closest(".layer").after(panel); // under the chosen neuron's layer
    const { layer, number, activation } = neuronShown(chosen.network, chosen.neuron);
    const quiet = isSilenced(chosen.network, chosen.neuron);
    panel.dataset.network = chosen.network;
    document.getElementById("neuron-text").textContent =
      `${chosen.network}, neuron ${number} of layer ${layer}: ${quiet ? "silenced, " : ""}activation ` +
      `${activation.toFixed(2)} on this drawing. Its weights: red where activity raises it, blue where it lowers it.`;
    document.getElementById("silence").disabled = quiet;
    document.getElementById("restore").disabled = !quiet;
  }

  // --- choosing a neuron, and what it looks for ------------------------------------------------------------

  function choose(network, neuron) {
    chosen = { network, neuron };
    const part = view.querySelector(`.inside-network[data-network="${network}"]`);
    const cells = part ? [...part.querySelectorAll(`[data-neuron^="${neuron.split(":")[0]}:"]`)] : [];
    for (const cell of cells) cell.tabIndex = cell.dataset.neuron === neuron ? 0 : -1;
    panel.hidden = false;
    showChosen();
    const id = ++asked;
    host.call("neuron", { network, neuron }).then(
      (reply) => showNeuron({ ...reply, id }),
      (error) => showNeuron({ id, network, neuron, error: error.message }),
    );
  }

  function showNeuron(reply) {
    if (reply.id !== asked || !chosen) return;
    const canvas = document.getElementById("neuron-weights");
    const caption = document.getElementById("neuron-weights-caption");
    if (reply.error) {
      caption.textContent = `its weights could not be shown: ${reply.error}`;
      return;
    }
    const network = shown && shown.networks.find((n) => n.network === reply.network);
    const [layer] = reply.neuron.split(":").map(Number);
    const seen = document.getElementById("neuron-input");
    // The first layer's weights are a 28x28 picture, beside the input; a deeper layer's are a grid of the layer
    // before's neurons, beside their activations.
    const before = network && (layer === 1 ? network.input.map((v) => v / 255) : network.layers[layer - 2].activations);
    const columns = layer === 1 ? 28 : COLUMNS;
    const rows = Math.ceil(reply.weights.length / columns);
    for (const picture of [canvas, seen]) [picture.width, picture.height] = [columns, rows];
    const padded = (values) => [...values, ...new Array(columns * rows - values.length).fill(0)];
    drawDiverging(canvas, padded(reply.weights));
    canvas.dataset.weights = reply.neuron;
    canvas.setAttribute("aria-label", `the incoming weights of ${reply.network}'s neuron ${reply.neuron}`);
    const largest = reply.scale.toFixed(2);
    caption.textContent = `${reply.weights.length} weights from ${reply.from} (largest ±${largest}), bias ${reply.bias}`;
    if (before) {
      const most = Math.max(...before) || 1;
      drawGrey(seen, padded(before.map((value) => Math.max(value, 0) / most)));
    }
    const saw = layer === 1 ? "the input it saw" : `a${layer - 1}: what it saw`;
    document.getElementById("neuron-input-caption").textContent = saw;
  }

  // --- silencing -------------------------------------------------------------------------------------

  const isSilenced = (network, neuron) => Boolean(silenced.get(network) && silenced.get(network).has(neuron));

  function count() {
    let total = 0;
    for (const neurons of silenced.values()) total += neurons.size;
    return total;
  }

  function setSilenced(network, neuron, quiet) {
    if (!silenced.has(network)) silenced.set(network, new Set());
    silenced.get(network)[quiet ? "add" : "delete"](neuron);
    if (!silenced.get(network).size) silenced.delete(network);
    markAltered();
    if (chosen) showChosen(); // its buttons at once: Restore can follow Silence before the view is drawn again
    host.reread();
  }

  function restoreAll() {
    silenced.clear();
    markAltered();
    host.reread();
  }

  // Every view says which networks are altered: #result and #inside carry how many neurons are silenced, a line
  // above the answer names them, and each altered network's button and answer are marked.
  function markAltered() {
    const total = String(count());
    view.dataset.silenced = result.dataset.silenced = total;
    const plural = (n) => `${n} neuron${n === 1 ? "" : "s"}`;
    const named = [...silenced].map(([name, neurons]) => `${name} (${plural(neurons.size)} silenced)`);
    altered.hidden = !named.length;
    const line = `Altered: ${named.join(", ")}: its answers, and the vote's, are not the trained network's.`;
    altered.querySelector("span").textContent = named.length ? line : "";
    for (const button of document.querySelectorAll(".networks button[data-model]")) {
      const quiet = silenced.has(button.dataset.model);
      button.classList.toggle("altered", quiet);
      if (quiet) button.title = `${button.dataset.model} is altered: neurons silenced in the inside view`;
    }
    for (const cell of document.querySelectorAll("#answer-digits [data-answer]")) {
      cell.classList.toggle("altered", silenced.has(cell.dataset.answer));
    }
  }

  // --- what app.js calls ------------------------------------------------------------------------------

  function open(opened) {
    toggle.setAttribute("aria-expanded", String(opened));
    view.hidden = !opened;
    remember(REMEMBERED, opened); // without storage the view is closed at the next visit
    if (opened) host.reread(); // the answer on screen, read again with the inside view
  }

  toggle.addEventListener("click", () => open(!isOpen()));
  const silenceChosen = (quiet) => () => chosen && setSilenced(chosen.network, chosen.neuron, quiet);
  document.getElementById("silence").addEventListener("click", silenceChosen(true));
  document.getElementById("restore").addEventListener("click", silenceChosen(false));
  document.getElementById("restore-all").addEventListener("click", restoreAll);

  return {
    connect(given) {
      host = given;
      if (remembered(REMEMBERED)) open(true);
    },

    // The extra fields of reading `id`: the silenced neurons always; the inside view while it is open.
    request(id) {
      wanted = isOpen() ? id : null;
      if (wanted !== null) view.dataset.state = "reading";
      const neurons = Object.fromEntries([...silenced].map(([name, set]) => [name, [...set]]));
      return { silenced: neurons, inside: isOpen() };
    },

    show() {
      markAltered();
    },

    arrived({ reading, inside }) {
      if (reading !== wanted || !isOpen()) return;
      if (inside.error) {
        view.dataset.state = "error";
        status.textContent = `The inside view could not be shown: ${inside.error}.`;
      } else if (inside.state === "done") {
        showInside(inside);
      }
    },

    clear() {
      wanted = null; // a view still to come is for a drawing no longer on screen
      shown = null;
      Object.assign(view.dataset, { state: "idle" });
      delete view.dataset.model;
      delete view.dataset.strokes;
      whyRow.replaceChildren();
      view.append(panel); // out of the parts it may be under, before they are taken away
      partsBox.replaceChildren();
      panel.hidden = true;
      status.textContent = "Draw a digit: every layer of the network that reads it shows here.";
    },

    markAltered,
  };
})();
