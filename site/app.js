// The page: drawing on the canvas, the buttons, and messages to and from the worker that runs Python.
// The page never waits for Python: drawing works at once, and answers arrive as messages. Reading is live:
// when a stroke ends, the chosen network (the vote until a button picks another) reads the drawing.
"use strict";
/* global Inside -- inside.js: the inside view, and the neurons silenced in it */
/* global Train -- train.js: training a network of one's own, and its controls */

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
let chosen = "vote"; // the network that reads the drawing

// --- drawing -------------------------------------------------------------------------------------

function redraw() {
  ink.setTransform(1, 0, 0, 1, 0, 0);
  ink.clearRect(0, 0, pad.width, pad.height);
  ink.setTransform(pad.width / SIZE, 0, 0, pad.height / SIZE, 0, 0);
  ink.lineWidth = PEN;
  ink.lineCap = ink.lineJoin = "round";
  ink.strokeStyle = getComputedStyle(pad).color; // the theme's ink (style.css), dark or light
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
matchMedia("(prefers-color-scheme: dark)").addEventListener("change", redraw); // the ink follows the theme

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
  drawingChanged();
}
for (const type of ["pointerup", "pointercancel", "lostpointercapture"]) pad.addEventListener(type, endStroke);
pad.addEventListener("contextmenu", (event) => event.preventDefault()); // a long press is drawing too

// Whatever changed the drawing, the answer on screen was for another one: it is dropped at once, and the
// finished drawing is read anew.
function drawingChanged() {
  redraw();
  if (!ready) return; // read once Python is
  forgetRequests();
  if (strokes.length === 0) showIdle("Draw a digit in the box, or try an example.");
  else if (stroke) setState("drawing", { model: chosen }, "Drawing…");
  else read();
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

// An example drawing replaces the box's, as if drawn there.
function drawExample(example) {
  strokes.length = 0;
  strokes.push(...example.strokes);
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

// --- examples: drawings anyone can try, with or without a pointer ------------------------------------

// site/examples.json (python -m evaluation examples): held-out writers' digits as strokes in the box's units.
let examples = null;
let nextExample = 0;

async function tryAnExample() {
  try {
    examples ??= fetch("examples.json").then((response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.json();
    });
    const { examples: drawings } = await examples;
    drawExample(drawings[nextExample++ % drawings.length]);
  } catch (error) {
    examples = null; // the next press tries again
    document.getElementById("problems").append(element("li", `The examples could not be loaded: ${error.message}`));
  }
}
document.getElementById("example").addEventListener("click", tryAnExample);

// --- reading: one request with the worker at a time, and only the newest answer ever shown ----------------

let newest = 0; // the id of the newest request: the answer of any other is for a drawing no longer on screen
let busy = false; // a request is with the worker
let waiting = null; // the newest request made while it was busy: all the others were dropped

function forgetRequests() {
  newest += 1;
  waiting = null;
}

function read() {
  forgetRequests();
  waiting = { id: newest, recognize: chosen, strokes: [...strokes], ...Inside.request(newest) };
  setState("reading", { model: chosen }, "Reading…");
  sendWaiting();
}

function sendWaiting() {
  if (busy || !waiting || !worker) return;
  worker.postMessage(waiting);
  busy = true;
  waiting = null;
}

function answered(id, answer) {
  busy = false;
  if (id === newest) showAnswer(answer);
  sendWaiting();
}

function choose(model) {
  chosen = model;
  for (const button of networks.querySelectorAll("button")) {
    button.setAttribute("aria-pressed", String((button.dataset.model || "vote") === chosen));
  }
}

networks.addEventListener("click", (event) => {
  const button = event.target.closest("button");
  if (!button || !ready) return;
  choose(button.dataset.model || "vote");
  if (strokes.length) read();
  else showIdle("Nothing to read yet: draw a digit first.");
});

// --- answers -------------------------------------------------------------------------------------

// #result's data-state (loading | idle | drawing | reading | learning | done | error), what it is about, and the
// status line that says so. data-strokes is the box's count of strokes, or with "done" the count the answer read.
// With "done": data-digit (the likeliest digit), data-sure, and data-digit-like ("false": it does not look like a
// digit at all; then it is never sure). inside.js keeps data-silenced: how many neurons are silenced, "0" if none.
function setState(state, data, message) {
  for (const key of ["model", "digit", "probs", "strokes", "sure", "digitLike"]) delete result.dataset[key];
  Object.assign(result.dataset, { strokes: strokes.length }, data);
  result.dataset.state = state;
  statusLine.textContent = message;
  for (const button of teachButtons) button.disabled = state !== "done";
}

function showError(message) {
  clearAnswer();
  setState("error", {}, message);
}

function clearAnswer() {
  result.classList.remove("answered");
  document.getElementById("digit").textContent = "–";
  document.getElementById("chart").replaceChildren();
  document.getElementById("bars").replaceChildren();
  document.getElementById("seen").getContext("2d").clearRect(0, 0, 28, 28);
  Inside.clear();
  for (const cell of document.querySelectorAll("[data-answer]")) {
    cell.textContent = "–";
    cell.className = "";
  }
}

function showIdle(message) {
  if (!ready) return; // "loading" and "error" stay until Python is ready
  clearAnswer();
  setState("idle", {}, message);
}

function showSeen(values) {
  const seen = document.getElementById("seen").getContext("2d");
  const image = seen.createImageData(28, 28);
  values.forEach((value, i) => image.data.set([255 * value, 255 * value, 255 * value, 255], 4 * i));
  seen.putImageData(image, 0, 0);
}

function showSvg(id, text) {
  const svg = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
  document.getElementById(id).replaceChildren(document.importNode(svg, true));
}

// "4 (52.1%), 9 (30.2%) or 7 (8.0%)": the candidates as Python gives them, with its rounding.
function candidateList(candidates) {
  const named = candidates.map(({ digit, confidence }) => `${digit} (${confidence})`);
  return named.length > 1 ? `${named.slice(0, -1).join(", ")} or ${named[named.length - 1]}` : named.join("");
}

const nameOf = (model) => ({ vote: "The vote", yours: "Yours" })[model] || model;

function verdict(answer) {
  const who = nameOf(answer.model);
  if (!answer.digit_like) {
    const to = answer.model === "vote" ? "" : ` to ${answer.model}`;
    return `That does not look like a digit${to}. If it is one, press “It was” and its digit.`;
  }
  if (answer.sure) return `${who} reads ${answer.digit}, ${answer.confidence} sure.`;
  return `${who} is not sure: maybe ${candidateList(answer.candidates)}.`;
}

// What the big digit's caption says: "reads" 7, "maybe" 7, or for a drawing that is not digit-like "closest" 7.
const caption = (answer) => (!answer.digit_like ? "closest" : answer.sure ? "reads" : "maybe");

function showAnswer(answer) {
  if (answer.state === "idle") return showIdle("Too little ink to read: draw a whole digit.");
  if (answer.state === "error") return showError(`${answer.model} could not read the drawing: ${answer.message}`);
  document.getElementById("digit").textContent = answer.digit;
  document.getElementById("reads").textContent = caption(answer);
  showSvg("chart", answer.chart_svg);
  showSvg("bars", answer.bars_svg);
  showSeen(answer.input);
  for (const cell of document.querySelectorAll("[data-answer]")) {
    const name = cell.dataset.answer;
    cell.textContent = name in answer.answers ? answer.answers[name] : "–";
    // Each network's own judgement: a digit it does not think is one is shown greyed, and says so when hovered.
    const digitLike = answer.digit_like_of[name];
    cell.dataset.digitLike = String(digitLike !== false);
    cell.title = digitLike === false ? `${nameOf(name)}: this does not look like a digit` : "";
    cell.className = [
      name === answer.model ? "asked" : "",
      name in answer.answers && answer.answers[name] !== answer.answers.vote ? "differs" : "",
      digitLike === false ? "off" : "",
    ].join(" ").trim();
  }
  const shipped = document.getElementById("shipped");
  shipped.hidden = !answer.personal;
  if (answer.personal) {
    const { digit, confidence } = answer.shipped;
    shipped.textContent = `Your personal copies answer. Without your examples: ${digit} (${confidence}).`;
  }
  result.classList.add("answered");
  setState(
    "done",
    {
      model: answer.model,
      digit: answer.digit,
      probs: JSON.stringify(answer.probs),
      strokes: answer.strokes,
      sure: answer.sure,
      digitLike: answer.digit_like,
    },
    verdict(answer),
  );
  Inside.show(answer);
}

// --- teaching: "It was: D" after an answer; the worker keeps the drawing as an example and learns it ------------

const teachButtons = document.querySelectorAll("[data-teach]");
const personal = document.getElementById("personal");
let chores = 0; // ids of the requests that are not readings (forget, export, import)
let askedToPersist = false;

function note(text) {
  document.getElementById("personal-note").textContent = text;
}

// The drawing on screen was `digit`: the answer that comes back is the personal copies', for the same drawing.
function teach(digit) {
  if (result.dataset.state !== "done" || !worker) return;
  forgetRequests(); // any answer still coming is for the drawing before the lesson
  worker.postMessage({ id: newest, teach: digit, recognize: chosen, strokes: [...strokes], ...Inside.request(newest) });
  setState("learning", { model: chosen }, `Learning that this is a ${digit}… (you can draw meanwhile)`);
  note("");
}
for (const button of teachButtons) button.addEventListener("click", () => teach(Number(button.dataset.teach)));

// The personal copies' answer to the drawing taught; if the worker could not even answer, the drawing is read again.
function taught({ id, answer, error }) {
  if (error) note(error);
  if (id !== newest) return;
  if (answer) showAnswer(answer);
  else read();
}

// What the worker says about the examples: how many (per digit), and whether the personal copies answer yet.
function showPersonal({ examples, per_digit: perDigit, learned, personal: answering, learning, storage, problem }) {
  const wasAnswering = personal.dataset.answering === "true";
  Object.assign(personal.dataset, { examples, learning, answering });
  const plural = (n) => `${n} example${n === 1 ? "" : "s"}`;
  let text;
  if (!examples) text = "Not taught yet. When a reading is wrong, press “It was” and the digit you drew.";
  else if (learning || learned < examples) text = `Learning your examples: ${learned} of ${examples}…`;
  else text = `Taught by ${plural(examples)} of your hand: your personal copies of the networks answer.`;
  if (storage) text += ` Your examples are not kept: ${storage}.`;
  document.getElementById("personal-status").textContent = text;
  if (problem) note(problem);
  const table = personal.querySelector(".per-digit");
  table.hidden = !examples;
  const names = document.getElementById("per-digit-names");
  const counts = document.getElementById("per-digit-counts");
  names.replaceChildren(names.firstElementChild, ...perDigit.map((_, digit) => element("th", String(digit))));
  counts.replaceChildren(
    counts.firstElementChild,
    ...perDigit.map((count) => element("td", String(count), count ? "" : "none")),
  );
  document.getElementById("forget").disabled = document.getElementById("export").disabled = !examples;
  // Ask the browser, once, not to clear the examples when it runs short of space (it may grant this silently).
  if (examples && !askedToPersist && navigator.storage && navigator.storage.persist) {
    askedToPersist = true;
    navigator.storage.persist().catch(() => {});
  }
  // The copies that answer changed (learned, or forgotten): the answer on screen is read again by them.
  if (answering !== wasAnswering && result.dataset.state === "done" && strokes.length) read();
}

function forgetExamples() {
  const count = Number(personal.dataset.examples);
  if (!count || !worker) return;
  const sure = confirm(`Forget all ${count} of your examples? The networks go back to how they were shipped.`);
  if (sure) worker.postMessage({ id: ++chores, forget: true });
}
document.getElementById("forget").addEventListener("click", forgetExamples);

function forgot({ error }) {
  note(error ? `Your examples could not be forgotten: ${error}.` : "Your examples are forgotten.");
}

// Export: the examples as a file of JSON (strokes and digits), which another browser can import.
document.getElementById("export").addEventListener("click", () => worker && worker.postMessage({ id: ++chores, export: true }));

function exported({ text, error }) {
  if (error) return note(`The examples could not be exported: ${error}.`);
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  link.download = "digit-recognizer-examples.json";
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}

const MOST_FILE_BYTES = 50e6; // far more than 10,000 examples need: a bigger file is not ours
const chooser = document.getElementById("import-file");
document.getElementById("import").addEventListener("click", () => chooser.click());
chooser.addEventListener("change", async () => {
  const [file] = chooser.files;
  chooser.value = ""; // the same file can be chosen again
  if (!file || !worker) return;
  if (file.size > MOST_FILE_BYTES) return note(`${file.name} was not imported: it is too big to be a file of examples.`);
  worker.postMessage({ id: ++chores, import: await file.text() });
});

function imported({ added, repeated, error }) {
  if (error) return note(`The file was not imported: ${error}.`);
  const again = repeated ? ` (${repeated} already kept)` : "";
  note(`Imported ${added} example${added === 1 ? "" : "s"}${again}.`);
}

// --- the networks' buttons, made from models.json ----------------------------------------------------

// An element with a class and text; text is never parsed as HTML, so any name is shown as it is.
function element(tag, text = "", className = "") {
  const made = document.createElement(tag);
  made.textContent = text;
  if (className) made.className = className;
  return made;
}

// "784-150-200-100-10" may wrap after a hyphen, never inside a number: no line may break between a hyphen and a
// digit, so each hyphen is followed by a <wbr>.
function layersLabel(layers) {
  const label = element("span");
  layers.split("-").forEach((number, i) => label.append(...(i ? ["-", document.createElement("wbr")] : []), number));
  return label;
}

function networkButton(model) {
  const button = element("button", "", model.colour);
  button.type = "button";
  button.dataset.model = model.name;
  button.append(element("b", model.label || model.name), layersLabel(model.layers));
  button.append(element("span", model.ok ? model.accuracy : "disabled"));
  button.title = model.ok
    ? `${model.name}: ${model.layers}, trained on ${model.trained_on}`
    : `${model.name} is disabled: ${model.reason}`;
  button.disabled = !model.ok;
  return button;
}

// A network's button before Vote, and its column in the table of answers (before the vote's).
function addNetwork(model) {
  networks.insertBefore(networkButton(model), document.getElementById("vote"));
  const name = element("th", model.label || model.name);
  name.scope = "col";
  document.querySelector("#answer-names th:last-child").before(name);
  name.dataset.network = model.name;
  const answer = element("td", "–");
  answer.dataset.answer = model.name;
  document.querySelector("#answer-digits td:last-child").before(answer);
}

// Your network (train.js): its button and column come, change or go; the drawing is read again, since the vote
// may have changed too.
function showYours(model) {
  for (const made of document.querySelectorAll('[data-model="yours"], [data-network="yours"], [data-answer="yours"]')) {
    made.remove();
  }
  if (model) addNetwork(model);
  if (!model && chosen === "yours") choose("vote");
  else choose(chosen);
  if (ready && strokes.length && !stroke) read();
}

// What showNetworks made, removed: a load tried again makes them anew.
function forgetNetworks() {
  for (const made of document.querySelectorAll(".networks button[data-model], #answer-names th:not(:last-child)")) {
    made.remove();
  }
  for (const cell of document.querySelectorAll("[data-answer]:not(:last-child)")) cell.remove();
  for (const id of ["labels", "problems", "key"]) document.getElementById(id).replaceChildren();
}

// The buttons, a column each in the table of answers, the key to the colours, and what each network is.
function showNetworks(models, key) {
  forgetNetworks();
  const vote = document.getElementById("vote");
  for (const model of models) {
    addNetwork(model);
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
  choose(chosen);
  Inside.markAltered();
}

// --- the worker ----------------------------------------------------------------------------------

const MB = (bytes) => (bytes / 1e6).toFixed(1);
let markedStep = 0;

// The worker names its loading steps and counts the bytes received of build.json's total. The status line (read
// aloud) changes with each step and says the total; the bar and the figure beside it follow every chunk. Each
// step's start is marked for the page-speed benchmark, which reads the marks.
function showProgress({ step, steps, received, total }) {
  const bar = document.getElementById("progress");
  bar.max = total;
  bar.value = received;
  const figures = `${MB(received)} of ${MB(total)} MB`;
  bar.setAttribute("aria-valuetext", figures);
  document.getElementById("received").textContent = figures;
  if (step === markedStep) return;
  markedStep = step;
  performance.mark(`loading step ${step}: ${steps[step - 1]}`);
  const list = document.getElementById("steps");
  if (list.children.length !== steps.length) list.replaceChildren(...steps.map((name) => element("li", name)));
  statusLine.textContent = `Loading Python, ${MB(total)} MB: step ${step} of ${steps.length}, ${steps[step - 1]}…`;
  [...list.children].forEach((item, i) => (item.className = i + 1 < step ? "done" : i + 1 === step ? "current" : ""));
}

function onReady(status) {
  performance.mark("python ready");
  document.body.dataset.pythonStart = status.python; // "fresh", or "snapshot" (saved by an earlier visit)
  if (status.snapshotRefused) {
    document.body.dataset.pythonSnapshot = "refused"; // so none is saved: the storage line says why
    const why = status.snapshotRefused;
    startsAfresh = ` Python starts afresh on each visit: this browser cannot restore a snapshot of it (${why}).`;
  }
  ready = true;
  showNetworks(status.models, status.key);
  if (status.check && !status.check.ok) {
    const line = `The check that a drawing is a digit at all is off (${status.check.reason}): every drawing counts as one.`;
    document.getElementById("problems").append(element("li", line));
  }
  if (!status.models.some((model) => model.ok)) {
    ready = false;
    return failedToLoad(`None of the networks could be loaded: ${status.models.map((m) => m.reason).join("; ")}`);
  }
  drawingChanged(); // a drawing made while Python loaded is read now
  keepForOffline(); // only now, so that keeping the site for offline use does not compete with the first load
}

// --- offline: the service worker keeps the site; the page says whether it did, and how much it keeps ------------

let offlineAsked = false;
let startsAfresh = ""; // the storage line's last words where this browser cannot restore Python's snapshot

function keepForOffline() {
  if (!("serviceWorker" in navigator) || offlineAsked) return;
  offlineAsked = true;
  navigator.serviceWorker.addEventListener("message", ({ data }) => data && data.type === "offline" && showOffline(data));
  navigator.serviceWorker
    .register("sw.js")
    .then(async () => (await navigator.serviceWorker.ready).active.postMessage({ type: "offline?" }))
    .catch((error) => showOffline({ kept: false, reason: String(error.message || error) }));
}

let offlineSaid = null; // what the service worker last said, shown again once Python's snapshot is saved

// {kept, missing: files it could do without but could not keep, reason: why it kept nothing}
async function showOffline(said) {
  offlineSaid = said;
  const { kept, missing = [], reason = "" } = said;
  const line = document.getElementById("offline");
  line.dataset.offline = !kept ? "failed" : missing.length ? "partial" : "ready";
  if (!kept) {
    const online = "the page works while this device is online";
    line.textContent = `Not kept for offline use (${reason}): ${online}.${startsAfresh}`;
    return;
  }
  const except = missing.length ? `, except ${missing.join(", ")}, which could not be kept` : "";
  let size = "";
  try {
    const { usage } = await navigator.storage.estimate();
    size = ` It keeps ${MB(usage)} MB in this browser.`;
  } catch {
    // no estimate in this browser: the line says the rest
  }
  line.textContent = `Ready offline: this page works without a network${except}.${size}${startsAfresh}`;
}

// A load that failed says why, and offers to try again; the drawing stays.
function failedToLoad(message) {
  showError(message);
  document.getElementById("retry").hidden = false;
}

let worker = null;

function startWorker() {
  markedStep = 0;
  busy = false;
  forgetRequests();
  worker = new Worker("worker.js");
  worker.onmessage = ({ data }) => {
    if (data.type === "progress") showProgress(data);
    else if (data.type === "ready") onReady(data.status);
    else if (data.type === "error") failedToLoad(`Python could not start: ${data.message}.`);
    else if (data.type === "answer") answered(data.id, data.answer);
    else if (data.type === "taught") taught(data);
    else if (data.type === "personal") showPersonal(data);
    else if (data.type === "forgot") forgot(data);
    else if (data.type === "exported") exported(data);
    else if (data.type === "imported") imported(data);
    else if (data.type === "neuron") Inside.neuron(data);
    else if (data.type === "inside") Inside.arrived(data);
    else if (data.type === "digits") Train.digits(data);
    else if (data.type === "grid") Train.grid(data);
    else if (data.type === "training") Train.training(data);
    else if (data.type === "yours") Train.yours(data);
    else if (data.type === "yours file") Train.file(data);
    else if (data.type === "training reply") Train.reply({ ...data, asked: trainingAsks.get(data.id) });
    else if (data.type === "snapshot saved") {
      document.body.dataset.pythonSnapshot = "saved"; // for the next visit
      if (offlineSaid) showOffline(offlineSaid); // the storage line counts it
    }
  };
  worker.onerror = (event) => failedToLoad(`Python could not start: ${event.message || "worker.js failed to load"}.`);
}

function retry() {
  document.getElementById("retry").hidden = true;
  worker.terminate();
  setState("loading", {}, "Loading Python…");
  startWorker();
}
document.getElementById("retry").addEventListener("click", retry);

// The inside view asks the worker about neurons, and has the drawing read again when it opens or a neuron is silenced.
Inside.connect({
  post: (message) => worker && worker.postMessage(message),
  reread: () => ready && strokes.length && !stroke && read(),
});

if (typeof WebAssembly !== "object" || typeof Worker !== "function") {
  showError("This browser cannot run WebAssembly in a worker, which the networks need: nothing can read the drawing.");
} else {
  startWorker();
}

// Training one's own network asks the worker too; each request is kept by id, so its reply can say what it was.
const trainingAsks = new Map();
Train.connect({
  post: (message) => {
    if (!worker) return;
    trainingAsks.set(++chores, message);
    worker.postMessage({ id: chores, ...message });
  },
  showYours,
});
