// "Where it goes wrong": a network's confusion matrix on MNIST's test digits, the digits behind a cell (and why each
// network reads one as it does), where two networks disagree, and a map of the last hidden layer with the drawing on
// it. The numbers are Python's (recognizer/errors.py); this file draws them.
// #lab carries data-state (idle | loading | scoring | done | error), data-model, data-set and data-accuracy. Each
// cell of table#confusion is a button [data-cell="T:P"] with data-count; #lab-digits then holds [data-test-index]
// with data-answer and data-probability, each with a button that opens it in the box. #disagree carries data-a-only
// and data-b-only; #map carries data-points, data-x and data-y; #map-neighbours holds the drawing's five nearest.
// app.js imports this file when the section is first opened and calls connect({call, opening}); the worker's "lab"
// events (the test digits arriving and being read) reach heard().
import { element, plural, section } from "./dom.js";
import { chosenNetwork, networkOptions } from "./networks.js";
import { drawFitted, isDrawing, openImage, strokes } from "./pad.js";
import { drawDiverging, drawGrey, readColours } from "./pictures.js";

const $ = (id) => document.getElementById(id);
const view = $("lab");
const status = $("lab-status");
const progress = $("lab-progress");
const SHOWN = 48; // digits of a cell shown at a time
// The map's ten colours, a digit each (Tableau's ten, told apart by most eyes)
const DOTS = "#1f77b4 #ff7f0e #2ca02c #d62728 #9467bd #8c564b #e377c2 #7f7f7f #bcbd22 #17becf".split(" ");
let host = { call: async () => ({}) };
let ready = false; // every network has read the test digits
let cell = null; // the cell chosen: {truth, answer, shown}
const asked = {}; // the newest request of each kind: any other's answer is for a choice no longer on screen

const percent = (p, places = 1) => `${(100 * p).toFixed(places)}%`;
const NAMES = { vote: "the vote", yours: "yours", training: "yours, as it trains" };
const name = (model) => NAMES[model] || model;
const args = () => ({ model: $("lab-model").value, set: $("lab-set").value });

// The newest request of a kind, answered: its result, or null when a newer one has been asked since.
async function ask(kind, call, request) {
  const id = (asked[kind] = (asked[kind] || 0) + 1);
  const out = await host.call(call, request);
  return id === asked[kind] ? out : null;
}

function failed(error) {
  view.dataset.state = "error";
  status.textContent = error.message || String(error);
}

// --- a test digit, as a tile: its picture (choosing it shows why), its answer, and a button to open it in the box --

// A card's image: its 784 grey levels (0-255), sent as bytes in base64.
const levelsOf = (image) => Array.from(atob(image), (c) => c.charCodeAt(0));

function imageCanvas(levels, label) {
  const canvas = element("canvas", { width: 28, height: 28, role: "img", "aria-label": label });
  drawGrey(
    canvas,
    levels.map((v) => v / 255),
  );
  return canvas;
}

// A test digit in the box: MNIST's as its image, a pen digit as its strokes.
const openInBox = (digit) => (digit.strokes ? drawFitted(digit.strokes) : openImage(levelsOf(digit.image)));

function tile(digit, choose) {
  const about = `test digit ${digit.index}, a ${digit.label}, read as ${digit.answer} (${percent(digit.probability)})`;
  const figure = element("figure", {
    "data-test-index": digit.index,
    "data-label": digit.label,
    "data-answer": digit.answer,
    "data-probability": digit.probability,
  });
  const pick = element("button", { type: "button", "aria-pressed": "false", "aria-label": `Why: ${about}` });
  pick.append(imageCanvas(levelsOf(digit.image), about));
  pick.addEventListener("click", () => choose(digit.index, pick));
  const open = element("button", { type: "button", class: "open", "aria-label": `Open ${about} in the box` }, "Open");
  open.addEventListener("click", () => openInBox(digit));
  figure.append(pick, element("figcaption", {}, `${digit.answer} · ${percent(digit.probability)}`), open);
  return figure;
}

// One digit chosen: what every network reads of it, each network's heat map of why, and the button to open it.
async function chooseDigit(index, pressed) {
  for (const button of view.querySelectorAll(".lab-digits figure > button[aria-pressed]")) {
    button.setAttribute("aria-pressed", String(button === pressed));
  }
  const digit = await ask("digit", "lab.digit", { ...args(), index }).catch(failed);
  if (!digit) return;
  const chosen = $("lab-chosen");
  const about = `Test digit ${digit.index}, a ${digit.label}: ${name(digit.model)} reads ${digit.answer} (${percent(digit.probability)}).`;
  const figures = digit.readers.map((reader) => {
    const figure = element("figure", { "data-model": reader.model, "data-answer": reader.answer });
    const caption = `${name(reader.model)}: ${reader.answer} (${percent(reader.probability)})`;
    if (reader.why.length) {
      const label = `why ${reader.model} reads ${reader.answer}: red pixels pushed its score up, blue ones down`;
      const canvas = element("canvas", { width: 28, height: 28, class: "why-map", role: "img", "aria-label": label });
      drawDiverging(
        canvas,
        reader.why.map((v) => v / 100),
        levelsOf(digit.image),
      );
      figure.append(canvas);
    }
    figure.append(element("figcaption", {}, caption));
    return figure;
  });
  const open = element("button", { type: "button" }, "Open it in the box");
  open.addEventListener("click", () => openInBox(digit));
  const picture = element("figure");
  picture.append(
    imageCanvas(levelsOf(digit.image), `test digit ${digit.index}, a ${digit.label}`),
    element("figcaption", {}, "the digit"),
  );
  const why = `${about} Why, for each network (red pushed its answer up, blue down):`;
  chosen.replaceChildren(element("p", {}, why), picture, ...figures, open);
  chosen.hidden = false;
}

// --- the confusion matrix --------------------------------------------------------------------------------------

async function showMatrix() {
  const matrix = await ask("matrix", "lab.matrix", args()).catch(failed);
  if (!matrix) return;
  const { counts, recall, accuracy, digits } = matrix;
  const most = Math.max(1, ...counts.flatMap((row, t) => row.filter((_, p) => p !== t)));
  const table = $("confusion");
  const head = element("tr");
  head.append(
    element("th", { scope: "col" }, "was ↓ read →"),
    ...counts.map((_, p) => element("th", { scope: "col" }, String(p))),
  );
  head.append(element("th", { scope: "col" }, "right"));
  const rows = counts.map((row, t) => {
    const tr = element("tr");
    tr.append(element("th", { scope: "row" }, String(t)));
    for (const [p, count] of row.entries()) {
      const button = element(
        "button",
        {
          type: "button",
          "data-cell": `${t}:${p}`,
          "data-count": count,
          "aria-pressed": String(cell?.truth === t && cell?.answer === p),
          "aria-label": `${count} ${count === 1 ? "digit" : "digits"} ${t} read as ${p}`, // its text first,
        },
        count ? String(count) : "·",
      );
      if (t === p) button.classList.add("right");
      else button.style.setProperty("--share", Math.min(1, 0.15 + (0.85 * count) / most) * (count > 0));
      button.disabled = count === 0;
      button.addEventListener("click", () => chooseCell(t, p));
      const td = element("td");
      td.append(button);
      tr.append(td);
    }
    tr.append(element("td", { class: "recall" }, percent(recall[t])));
    return tr;
  });
  const caption = element(
    "caption",
    {},
    `${name(matrix.model)}: ${percent(accuracy, 2)} of ${digits.toLocaleString("en")} test digits read right`,
  );
  table.replaceChildren(caption, head, ...rows);
  Object.assign(view.dataset, { state: "done", model: matrix.model, set: matrix.set, accuracy });
  status.textContent = `${name(matrix.model)} reads ${percent(accuracy, 2)} of them right; ${plural(digits - Math.round(accuracy * digits), "mistake")}. Choose a cell to see its digits.`;
  if (cell) chooseCell(cell.truth, cell.answer);
}

async function chooseCell(truth, answer, more = false) {
  cell = more ? cell : { truth, answer, shown: 0 };
  for (const button of $("confusion").querySelectorAll("[data-cell]")) {
    button.setAttribute("aria-pressed", String(button.dataset.cell === `${truth}:${answer}`));
  }
  const found = await ask("cell", "lab.cell", { ...args(), truth, answer, start: cell.shown, count: SHOWN }).catch(
    failed,
  );
  if (!found) return;
  const list = $("lab-digits");
  const tiles = found.digits.map((digit) => tile(digit, chooseDigit));
  if (more) list.append(...tiles);
  else {
    list.replaceChildren(...tiles);
    $("lab-chosen").hidden = true;
  }
  cell.shown += found.digits.length;
  const what = truth === answer ? `${truth}s read right` : `${truth}s read as ${answer}`;
  $("lab-cell-title").textContent =
    `${plural(found.total, "test digit")}: ${what}, the surest first (${cell.shown} shown).`;
  $("lab-more").hidden = cell.shown >= found.total;
}

// --- where two networks disagree ------------------------------------------------------------------------------

async function showDisagree() {
  const a = $("disagree-a").value;
  const b = $("disagree-b").value;
  const out = await ask("disagree", "lab.disagree", { a, b, set: $("lab-set").value }).catch(failed);
  if (!out) return;
  Object.assign($("disagree").dataset, { a: out.a, b: out.b, aOnly: out.a_only, bOnly: out.b_only });
  $("disagree-text").textContent =
    a === b
      ? "Choose two different networks."
      : `${name(a)} reads ${plural(out.a_only, "test digit")} right that ${name(b)} gets wrong, and ${name(b)} ${plural(out.b_only, "digit")} that ${name(a)} gets wrong.`;
  $("disagree-a-title").textContent = out.a_only ? `Right by ${name(a)}, with ${name(b)}'s wrong answer:` : "";
  $("disagree-b-title").textContent = out.b_only ? `Right by ${name(b)}, with ${name(a)}'s wrong answer:` : "";
  $("disagree-a-digits").replaceChildren(...out.a_digits.map((digit) => tile(digit, chooseDigit)));
  $("disagree-b-digits").replaceChildren(...out.b_digits.map((digit) => tile(digit, chooseDigit)));
}

// --- the map ---------------------------------------------------------------------------------------------------

let map = null; // the map on screen: {model, projection, points, labels}
let dot = null; // the drawing's place on it: {x, y}

let points = null; // the map's test digits drawn once, on a canvas of their own: each dot then only redraws itself

function drawMap() {
  const canvas = $("map");
  const context = canvas.getContext("2d");
  const { width, height } = canvas;
  const place = ([x, y]) => [8 + x * (width - 16), height - 8 - y * (height - 16)];
  context.clearRect(0, 0, width, height);
  if (!map) return;
  if (points?.map !== map) {
    points = { map, canvas: element("canvas", { width, height }) };
    const layer = points.canvas.getContext("2d");
    layer.globalAlpha = 0.75;
    for (const [digit, colour] of DOTS.entries()) {
      layer.fillStyle = colour;
      map.points.forEach((point, i) => {
        if (map.labels[i] !== digit) return;
        const [x, y] = place(point);
        layer.fillRect(x - 1.5, y - 1.5, 3, 3);
      });
    }
  }
  context.drawImage(points.canvas, 0, 0);
  if (!dot) return;
  const [x, y] = place([Math.min(1.03, Math.max(-0.03, dot.x)), Math.min(1.03, Math.max(-0.03, dot.y))]);
  context.lineWidth = 3;
  context.strokeStyle = getComputedStyle(view).color;
  context.beginPath();
  context.arc(x, y, 8, 0, 2 * Math.PI);
  context.stroke();
  context.fillStyle = "#fff";
  context.fill();
}

function describeMap(neighbours = []) {
  const how = $("map-projection").value === "pca" ? "principal components" : "Fisher's discriminants";
  let text = `${plural(map.points.length, "test digit")} placed by the ${how} of ${name(map.model)}'s last hidden layer`;
  if (map.model === "training") text += ` after ${plural(map.epochs, "epoch")}`;
  if (neighbours.length) text += `; your drawing lands by test digits ${neighbours.map((n) => n.label).join(", ")}`;
  $("map").setAttribute("aria-label", text);
}

// The map's key: each digit in its colour.
$("map-key").append(
  ...DOTS.map((colour, digit) => {
    const key = element("span", {}, String(digit));
    key.style.setProperty("--dot", colour);
    return key;
  }),
);

async function showMap() {
  const model = $("map-training").checked ? "training" : $("lab-model").value;
  const request = { ...args(), model, projection: $("map-projection").value };
  const out = await ask("map", "lab.map", request).catch(failed);
  if (!out) return;
  map = out;
  Object.assign($("map").dataset, { points: out.points.length, model: out.model, epochs: out.epochs ?? "" });
  describeMap();
  drawMap();
  locate();
}

// Where the drawing in the box lands, and its nearest test digits in that layer.
async function locate() {
  if (!ready || !map || view.hidden) return;
  if (!strokes.length) {
    dot = null;
    delete $("map").dataset.x;
    delete $("map").dataset.y;
    $("map-neighbours").replaceChildren();
    $("map-text").textContent = "Draw a digit to see where it lands.";
    return drawMap();
  }
  const request = { model: map.model, set: map.set, projection: map.projection, strokes: [...strokes] };
  const out = await ask("locate", "lab.locate", request).catch(failed);
  if (!out || out.state !== "done") return;
  dot = { x: out.x, y: out.y };
  drawMap();
  Object.assign($("map").dataset, { x: out.x, y: out.y }); // the dot first; its neighbours below
  $("map-neighbours").replaceChildren(...out.neighbours.map((digit) => tile(digit, chooseDigit)));
  $("map-text").textContent = "The five test digits nearest your drawing in that layer:";
  describeMap(out.neighbours);
}

// --- the section -------------------------------------------------------------------------------------------------

// The selects follow the networks' buttons: yours joins them when there is one.
function options() {
  const models = networkOptions($("lab-model"), true);
  if (!$("lab-model").dataset.chosen) $("lab-model").value = chosenNetwork();
  networkOptions($("disagree-a"), true);
  networkOptions($("disagree-b"), true);
  if (!$("disagree-b").dataset.chosen) $("disagree-b").value = "vote";
  return models;
}

function refresh() {
  if (!ready || view.hidden) return;
  readColours(view);
  showMatrix();
  showDisagree();
  showMap();
}

// The worker fetches the set's digits and has every network read them (again, for one that changed).
async function start() {
  options();
  ready = false;
  try {
    await host.call("lab.open", { set: $("lab-set").value });
  } catch (error) {
    return failed(error);
  }
  ready = view.dataset.state !== "error";
  refresh();
}

// The worker's "lab" events: the digits arriving, then being read.
export function heard({ state, set, received, total, done, of, problem }) {
  if (state === "error") return failed({ message: `The test digits could not be had: ${problem}.` });
  view.dataset.state = state === "done" ? view.dataset.state : state;
  progress.hidden = state === "done";
  if (state === "loading") {
    Object.assign(progress, { max: total, value: received });
    const what = set === "pen" ? "the pen digits" : "MNIST's test digits";
    status.textContent = `Fetching ${what}: ${(received / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB…`;
  } else if (state === "scoring") {
    Object.assign(progress, { max: of, value: done });
    status.textContent = `The networks are reading the digits: ${Math.round((100 * done) / of)}%…`;
  }
}

const toggle = $("lab-toggle");
const { shell } = section(
  toggle,
  view,
  (on) => on && start(),
  () => {},
);

for (const id of ["lab-model", "lab-set"])
  $(id).addEventListener("change", () => {
    $(id).dataset.chosen = "1";
    cell = null;
    $("lab-digits").replaceChildren();
    $("lab-cell-title").textContent = "";
    $("lab-more").hidden = true;
    $("lab-chosen").hidden = true;
    if (id === "lab-set") start();
    else refresh();
  });
$("lab-more").addEventListener("click", () => cell && chooseCell(cell.truth, cell.answer, true));
for (const id of ["disagree-a", "disagree-b"])
  $(id).addEventListener("change", () => {
    $(id).dataset.chosen = "1";
    showDisagree();
  });
$("map-projection").addEventListener("change", showMap);

// Yours as it trains ("Train your own"): while a network trains, its map can be drawn again after each epoch (the
// training's status, #train-status, says which epoch it is in), so the clusters are seen forming.
const training = $("train-status");
function trainingChanged() {
  const on = ["training", "paused"].includes(training.dataset.state);
  const box = $("map-training");
  box.disabled = !on;
  if (!on && box.checked) box.checked = false;
  if (ready && !view.hidden && (box.checked || map?.model === "training")) showMap(); // Python keeps it per epoch
}
const watched = ["data-state", "data-epoch", "data-test-accuracy"];
new MutationObserver(trainingChanged).observe(training, { attributes: true, attributeFilter: watched });
$("map-training").addEventListener("change", () => ready && showMap());
trainingChanged();
$("pad").addEventListener("drawn", () => !isDrawing() && locate());
// Yours came, went or changed: the networks' buttons change, and what has not read the digits reads them.
new MutationObserver(() => !view.hidden && ready && start()).observe(document.querySelector(".networks"), {
  childList: true,
});

let connected = false;
export function connect({ call, opening }) {
  if (connected) return;
  connected = true;
  host = { call };
  if (opening.has(toggle) || shell.remembered()) shell.open(true);
}
