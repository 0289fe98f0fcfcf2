// The page's glue: drawing on the canvas, the buttons, and messages to and from the Python worker.
"use strict";

const pad = document.getElementById("pad");
const ink = pad.getContext("2d");
const result = document.getElementById("result");
const statusText = document.getElementById("status");
const progressBar = document.getElementById("progress");
const modelButtons = [...document.querySelectorAll("button[data-model]"), document.getElementById("vote")];
const strokes = []; // each stroke: a list of [x, y] in canvas pixels
let ready = false;

// --- drawing ---------------------------------------------------------------------------------------

function canvasPoint(event) {
  const box = pad.getBoundingClientRect();
  return [((event.clientX - box.left) * pad.width) / box.width, ((event.clientY - box.top) * pad.height) / box.height];
}

function drawStroke(points) {
  ink.beginPath();
  ink.moveTo(...points[0]);
  if (points.length === 1) ink.lineTo(points[0][0] + 0.1, points[0][1]);
  for (let i = 1; i < points.length - 1; i++) {
    // Curve through the midpoints: smooth strokes from jagged pointer samples.
    const middle = [(points[i][0] + points[i + 1][0]) / 2, (points[i][1] + points[i + 1][1]) / 2];
    ink.quadraticCurveTo(...points[i], ...middle);
  }
  if (points.length > 1) ink.lineTo(...points[points.length - 1]);
  ink.stroke();
}

function redraw() {
  ink.clearRect(0, 0, pad.width, pad.height);
  ink.lineWidth = 16;
  ink.lineCap = ink.lineJoin = "round";
  ink.strokeStyle = "#111";
  strokes.forEach(drawStroke);
}

let drawing = null;
pad.addEventListener("pointerdown", (event) => {
  event.preventDefault();
  pad.setPointerCapture(event.pointerId);
  drawing = [canvasPoint(event)];
  strokes.push(drawing);
  redraw();
});
pad.addEventListener("pointermove", (event) => {
  if (!drawing) return;
  const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
  for (const e of events.length ? events : [event]) drawing.push(canvasPoint(e));
  redraw();
});
for (const type of ["pointerup", "pointercancel"]) pad.addEventListener(type, () => (drawing = null));

function clearDrawing() {
  strokes.length = 0;
  redraw();
  showIdle();
}

function undo() {
  strokes.pop();
  redraw();
}

document.getElementById("clear").addEventListener("click", clearDrawing);
document.getElementById("undo").addEventListener("click", undo);
document.addEventListener("keydown", (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key === "z") { event.preventDefault(); undo(); }
  if (event.key === "Escape") clearDrawing();
});

// --- results ---------------------------------------------------------------------------------------

function setState(state) {
  result.dataset.state = state;
  for (const key of ["model", "digit", "probs", "strokes"]) if (state !== "done") delete result.dataset[key];
}

function showIdle() {
  if (!ready) return;
  setState("idle");
  statusText.textContent = "Draw a digit, then press a network's button.";
  document.getElementById("digit").textContent = "–";
  document.getElementById("chart").replaceChildren();
  document.querySelectorAll("[data-answer]").forEach((cell) => (cell.textContent = "–"));
}

function showSeen(values) {
  const seen = document.getElementById("seen").getContext("2d");
  const image = seen.createImageData(28, 28);
  values.forEach((v, i) => {
    image.data.set([255 * v, 255 * v, 255 * v, 255], 4 * i);
  });
  seen.putImageData(image, 0, 0);
}

function showAnswer(answer) {
  if (answer.state === "idle") return showIdle();
  if (answer.state === "error") {
    statusText.textContent = `Could not read the drawing: ${answer.message}`;
    return;
  }
  document.getElementById("digit").textContent = answer.digit;
  const chart = new DOMParser().parseFromString(answer.chart_svg, "image/svg+xml").documentElement;
  document.getElementById("chart").replaceChildren(document.importNode(chart, true));
  showSeen(answer.input);
  for (const [name, digit] of Object.entries(answer.answers)) {
    const cell = document.querySelector(`[data-answer="${name}"]`);
    if (cell) cell.textContent = digit;
  }
  const name = answer.model === "vote" ? "The vote" : answer.model;
  statusText.textContent = `${name} reads ${answer.digit} (${(100 * answer.probs[answer.digit]).toFixed(1)}% sure).`;
  Object.assign(result.dataset, {
    model: answer.model, digit: answer.digit, probs: JSON.stringify(answer.probs), strokes: answer.strokes,
  });
  setState("done");
}

function showModels(models) {
  const labels = document.getElementById("labels");
  for (const model of models) {
    const button = document.querySelector(`button[data-model="${model.name}"]`);
    const item = document.createElement("li");
    item.textContent = `${model.name}: ${model.ok ? model.label : "disabled: " + model.reason}`;
    if (!model.ok) item.className = "broken";
    labels.append(item);
    if (!button) continue;
    button.disabled = !model.ok;
    button.title = model.ok ? model.label : `Disabled: ${model.reason}`;
  }
  document.getElementById("vote").disabled = !models.some((m) => m.ok);
}

// --- the worker ------------------------------------------------------------------------------------

const worker = new Worker("worker.js");
worker.onmessage = ({ data }) => {
  if (data.type === "progress") {
    statusText.textContent = `Loading Python: ${data.text} (step ${data.step} of 4)`;
    progressBar.value = data.step - 1;
  } else if (data.type === "ready") {
    ready = true;
    showModels(data.status.models);
    showIdle();
  } else if (data.type === "error") {
    setState("error");
    statusText.textContent = `Python could not start: ${data.message}.`;
  } else if (data.type === "answer") {
    showAnswer(data.answer);
  }
};
worker.onerror = (event) => {
  setState("error");
  statusText.textContent = `Python could not start: ${event.message || "the worker failed to load"}.`;
};

for (const button of modelButtons) {
  button.addEventListener("click", () => {
    const model = button.dataset.model || "vote";
    worker.postMessage({ model, strokes: strokes.map((s) => s.map(([x, y]) => [x, y])) });
  });
}

if ("serviceWorker" in navigator) navigator.serviceWorker.register("sw.js").catch(() => {});
