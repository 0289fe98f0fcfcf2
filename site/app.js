// The page: drawing on the canvas, the buttons, and messages to and from the worker that runs Python.
// The page never waits for Python: drawing works at once, and answers arrive as messages.
"use strict";

const SIZE = 280; // strokes are kept in the pad's own 280x280 units, whatever its size on screen
const PEN = 16; // shown pen width; Python redraws the strokes with a pen sized to the digit anyway

const pad = document.getElementById("pad");
const ink = pad.getContext("2d");
const result = document.getElementById("result");
const statusLine = document.getElementById("status");
const networks = document.querySelector(".networks"); // a button per network (made from models.json), and Vote

const strokes = []; // each stroke: a list of [x, y] points, y down
let stroke = null; // the stroke being drawn
let strokePointer = null; // the pointer drawing it (a second finger is ignored)
let ready = false; // Python has loaded

// --- drawing -------------------------------------------------------------------------------------

function redraw() {
  ink.setTransform(1, 0, 0, 1, 0, 0);
  ink.clearRect(0, 0, pad.width, pad.height);
  ink.setTransform(pad.width / SIZE, 0, 0, pad.height / SIZE, 0, 0);
  ink.lineWidth = PEN;
  ink.lineCap = ink.lineJoin = "round";
  ink.strokeStyle = "#111";
  for (const points of strokes) {
    ink.beginPath();
    ink.moveTo(...points[0]);
    if (points.length === 1) ink.lineTo(points[0][0] + 0.01, points[0][1]); // a dot
    // Curves through the midpoints of the samples: smooth strokes from jagged pointer events.
    for (let i = 1; i < points.length - 1; i++) {
      const middle = [(points[i][0] + points[i + 1][0]) / 2, (points[i][1] + points[i + 1][1]) / 2];
      ink.quadraticCurveTo(...points[i], ...middle);
    }
    if (points.length > 1) ink.lineTo(...points[points.length - 1]);
    ink.stroke();
  }
}

let redrawQueued = false;
function redrawSoon() {
  if (redrawQueued) return;
  redrawQueued = true;
  requestAnimationFrame(() => {
    redrawQueued = false;
    redraw();
  });
}

// Crisp ink on high-density screens: the canvas has as many pixels as the screen shows.
function fitPadToScreen() {
  const pixels = Math.round((pad.clientWidth || SIZE) * (window.devicePixelRatio || 1));
  if (pixels > 0 && pad.width !== pixels) pad.width = pad.height = pixels;
  redraw();
}
new ResizeObserver(fitPadToScreen).observe(pad);

function pointOf(event) {
  const box = pad.getBoundingClientRect();
  const x = ((event.clientX - box.left) * SIZE) / box.width;
  const y = ((event.clientY - box.top) * SIZE) / box.height;
  return [Math.round(x * 10) / 10, Math.round(y * 10) / 10];
}

pad.addEventListener("pointerdown", (event) => {
  if (stroke || (event.pointerType === "mouse" && event.button !== 0)) return;
  event.preventDefault();
  pad.setPointerCapture(event.pointerId);
  strokePointer = event.pointerId;
  stroke = [pointOf(event)];
  strokes.push(stroke);
  drawingChanged();
});

pad.addEventListener("pointermove", (event) => {
  if (!stroke || event.pointerId !== strokePointer) return;
  const samples = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
  for (const sample of samples.length ? samples : [event]) stroke.push(pointOf(sample));
  redrawSoon();
});

function endStroke(event) {
  if (event.pointerId !== strokePointer) return;
  stroke = strokePointer = null;
}
for (const type of ["pointerup", "pointercancel", "lostpointercapture"]) pad.addEventListener(type, endStroke);
pad.addEventListener("contextmenu", (event) => event.preventDefault()); // a long press is drawing too

function drawingChanged() {
  redraw();
  if (strokes.length === 0) showIdle("Draw a digit, then press a network's button.");
  else result.classList.toggle("stale", result.dataset.state === "done"); // the answer is for an older drawing
}

function undo() {
  if (stroke) return; // not in the middle of a stroke
  strokes.pop();
  drawingChanged();
}

function clearDrawing() {
  strokes.length = 0;
  stroke = strokePointer = null;
  drawingChanged();
}

document.getElementById("undo").addEventListener("click", undo);
document.getElementById("clear").addEventListener("click", clearDrawing);
document.addEventListener("keydown", (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "z") {
    event.preventDefault();
    undo();
  } else if (event.key === "Escape") {
    clearDrawing();
  }
});

// --- answers -------------------------------------------------------------------------------------

// #result's data-state (loading | idle | done | error) and, with "done", what the answer was.
function setState(state, data = {}) {
  for (const key of ["model", "digit", "probs", "strokes"]) delete result.dataset[key];
  Object.assign(result.dataset, data);
  result.dataset.state = state;
  result.classList.remove("stale");
}

function showError(message) {
  setState("error");
  statusLine.textContent = message;
}

function clearAnswer() {
  document.getElementById("digit").textContent = "–";
  document.getElementById("chart").replaceChildren();
  document.getElementById("seen").getContext("2d").clearRect(0, 0, 28, 28);
  for (const cell of document.querySelectorAll("[data-answer]")) {
    cell.textContent = "–";
    cell.className = "";
  }
}

function showIdle(message, data = {}) {
  if (!ready) return; // "loading" and "error" stay until Python is ready
  clearAnswer();
  setState("idle", data);
  statusLine.textContent = message;
}

function showSeen(values) {
  const seen = document.getElementById("seen").getContext("2d");
  const image = seen.createImageData(28, 28);
  values.forEach((value, i) => image.data.set([255 * value, 255 * value, 255 * value, 255], 4 * i));
  seen.putImageData(image, 0, 0);
}

function showAnswer(answer) {
  if (answer.state === "idle") {
    const message = answer.strokes
      ? "Too little ink to read: draw a whole digit."
      : "Nothing to read yet: draw a digit first.";
    return showIdle(message, { strokes: answer.strokes }); // data-strokes: this press has been answered
  }
  if (answer.state === "error") return showError(`${answer.model} could not read the drawing: ${answer.message}`);
  document.getElementById("digit").textContent = answer.digit;
  const svg = new DOMParser().parseFromString(answer.chart_svg, "image/svg+xml").documentElement;
  document.getElementById("chart").replaceChildren(document.importNode(svg, true));
  showSeen(answer.input);
  for (const cell of document.querySelectorAll("[data-answer]")) {
    const name = cell.dataset.answer;
    cell.textContent = name in answer.answers ? answer.answers[name] : "–";
    cell.className = [
      name === answer.model ? "asked" : "",
      name in answer.answers && answer.answers[name] !== answer.answers.vote ? "differs" : "",
    ].join(" ").trim();
  }
  const who = answer.model === "vote" ? "The vote" : answer.model;
  statusLine.textContent = `${who} reads ${answer.digit}, ${answer.confidence} sure.`;
  setState("done", {
    model: answer.model,
    digit: answer.digit,
    probs: JSON.stringify(answer.probs),
    strokes: answer.strokes,
  });
}

// --- the networks' buttons, made from models.json ----------------------------------------------------

// An element with a class and text; text is never parsed as HTML, so any name is shown as it is.
function element(tag, text = "", className = "") {
  const made = document.createElement(tag);
  made.textContent = text;
  if (className) made.className = className;
  return made;
}

function networkButton(model) {
  const button = element("button", "", model.colour);
  button.type = "button";
  button.dataset.model = model.name;
  button.append(element("b", model.name), element("span", model.layers));
  button.append(element("span", model.ok ? model.accuracy : "disabled"));
  button.title = model.ok
    ? `${model.name}: ${model.layers}, trained on ${model.trained_on}`
    : `${model.name} is disabled: ${model.reason}`;
  button.disabled = !model.ok;
  return button;
}

// The buttons, a column each in the table of answers, the key to the colours, and what each network is.
function showNetworks(models, key) {
  const vote = document.getElementById("vote");
  for (const model of models) {
    networks.insertBefore(networkButton(model), vote);
    const name = element("th", model.name);
    name.scope = "col";
    document.querySelector("#answer-names th:last-child").before(name);
    const answer = element("td", "–");
    answer.dataset.answer = model.name;
    document.querySelector('[data-answer="vote"]').before(answer);
    const about = `layers ${model.layers}, ${model.accuracy} on MNIST's test set; trained on ${model.details}`;
    document.getElementById("labels").append(element("li", `${model.name}: ${about}.`));
    if (!model.ok) {
      document.getElementById("problems").append(element("li", `${model.name} is disabled: ${model.reason}`));
    }
  }
  const legend = document.getElementById("key");
  for (const group of key) {
    legend.append(element("span", "", `swatch ${group.colour}`), `${group.names.join(", ")}: ${group.trained_on}. `);
  }
  legend.append("Each button shows the network's layers and its accuracy on MNIST's test set.");
  vote.disabled = !models.some((model) => model.ok);
}

networks.addEventListener("click", (event) => {
  const button = event.target.closest("button");
  if (button) worker.postMessage({ recognize: button.dataset.model || "vote", strokes });
});

// --- the worker ----------------------------------------------------------------------------------

// The worker names its loading steps; the page lists them and marks each as it begins (for the page-speed
// benchmark, which reads the marks).
function showProgress(step, steps) {
  performance.mark(`loading step ${step}: ${steps[step - 1]}`);
  const list = document.getElementById("steps");
  if (list.children.length !== steps.length) list.replaceChildren(...steps.map((name) => element("li", name)));
  statusLine.textContent = `Loading Python, step ${step} of ${steps.length}: ${steps[step - 1]}…`;
  document.getElementById("progress").max = steps.length;
  document.getElementById("progress").value = step - 1;
  [...list.children].forEach((item, i) => (item.className = i + 1 < step ? "done" : i + 1 === step ? "current" : ""));
}

function onReady(status) {
  performance.mark("python ready");
  document.body.dataset.pythonStart = status.python; // "fresh", or "snapshot" (saved by an earlier visit)
  ready = true;
  showNetworks(status.models, status.key);
  if (!status.models.some((model) => model.ok)) {
    return showError(`None of the networks could be loaded: ${status.models.map((m) => m.reason).join("; ")}`);
  }
  showIdle(strokes.length ? "Ready: press a network's button." : "Draw a digit, then press a network's button.");
  // Only now, so that caching the site for offline use does not compete with the first load.
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("sw.js").catch((error) => console.warn(`Offline use unavailable: ${error}`));
  }
}

let worker = null;
if (typeof WebAssembly !== "object" || typeof Worker !== "function") {
  showError("This browser cannot run WebAssembly in a worker, which the networks need: nothing can read the drawing.");
} else {
  worker = new Worker("worker.js");
  worker.onmessage = ({ data }) => {
    if (data.type === "progress") showProgress(data.step, data.steps);
    else if (data.type === "ready") onReady(data.status);
    else if (data.type === "error") showError(`Python could not start: ${data.message}.`);
    else if (data.type === "answer") showAnswer(data.answer);
    else if (data.type === "snapshot saved") document.body.dataset.pythonSnapshot = "saved"; // for the next visit
  };
  worker.onerror = (event) => showError(`Python could not start: ${event.message || "worker.js failed to load"}.`);
}
