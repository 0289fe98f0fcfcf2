// The page's wiring: the pad, the networks' buttons, the answer, teaching, the inside view, one learning step and
// fooling it, where each network goes wrong, and "Train your own", each a module of its own, joined here to the worker that runs Python. The page
// never waits for Python: drawing works at once, and answers arrive as messages. Reading is live: when a stroke
// ends, the chosen network (the vote until a button picks another) reads the drawing.
import { setState, showAnswer, showError, showIdle } from "./answer.js";
import { element, remembered } from "./dom.js";
import { Inside } from "./inside.js";
import { keepForOffline, pythonStarted, showProgress, snapshotSaved, startAgain } from "./loading.js";
import { choose, chosenNetwork, showNetworks, showYours } from "./networks.js";
import { isDrawing, onChange, strokes } from "./pad.js";
import * as teach from "./teach.js";
import { Yours } from "./yours.js";

let ready = false; // Python has loaded

// Whatever changed the drawing, the answer on screen was for another one: it is dropped at once, and the
// finished drawing is read anew.
function drawingChanged() {
  if (!ready) return; // read once Python is
  forgetRequests();
  if (strokes.length === 0) showIdle("Draw a digit in the box, or try an example.");
  else if (isDrawing()) setState("drawing", { model: chosenNetwork() }, "Drawing…");
  else read();
}
onChange(drawingChanged);

const readAgain = () => ready && strokes.length && !isDrawing() && read();

document.querySelector(".networks").addEventListener("click", (event) => {
  const button = event.target.closest("button");
  if (!button || !ready) return;
  choose(button.dataset.model || "vote");
  if (strokes.length) read();
  else showIdle("Nothing to read yet: draw a digit first.");
});

// --- reading: one reading with the worker at a time, and only the newest answer ever shown ----------------

let newest = 0; // the number of the newest reading: the answer of any other is for a drawing no longer on screen
let busy = false; // a reading is with the worker
let waiting = null; // the newest reading asked for while it was busy: all the others were dropped

function forgetRequests() {
  newest += 1;
  waiting = null;
}

// What a reading of the drawing on screen asks: the chosen network, the strokes, and the inside view's fields.
const readingArgs = () => ({
  reading: newest,
  model: chosenNetwork(),
  strokes: [...strokes],
  ...Inside.request(newest),
});

function read() {
  forgetRequests();
  waiting = readingArgs();
  setState("reading", { model: waiting.model }, "Reading…");
  sendWaiting();
}

function sendWaiting() {
  if (busy || !waiting || !worker) return;
  const args = waiting;
  busy = true;
  waiting = null;
  call("read", args)
    .catch((error) => ({ state: "error", model: args.model, message: error.message }))
    .then((answer) => {
      busy = false;
      if (args.reading === newest) showAnswer(answer);
      sendWaiting();
    });
}

// --- Python ready, or not ----------------------------------------------------------------------------------

function onReady(status) {
  pythonStarted(status);
  ready = true;
  showNetworks(status.models, status.key);
  if (status.check && !status.check.ok) {
    const line = `The check that a drawing is a digit at all is off (${status.check.reason}): every drawing counts as one.`;
    document.getElementById("problems").append(element("li", {}, line));
  }
  if (!status.models.some((model) => model.ok)) {
    ready = false;
    return failedToLoad(`None of the networks could be loaded: ${status.models.map((m) => m.reason).join("; ")}`);
  }
  drawingChanged(); // a drawing made while Python loaded is read now
  keepForOffline();
}

// A load that failed says why, and offers to try again; the drawing stays.
function failedToLoad(message) {
  showError(message);
  document.getElementById("retry").hidden = false;
}

// --- the worker: one protocol (worker.js): requests {id, call, args} answered {id, result} or {id, error}; events
// {event, ...} for what the page did not ask ---------------------------------------------------------------

let worker = null;
let lastId = 0;
const pending = new Map(); // id -> {resolve, reject} of each request not answered yet

// The worker's answer to a request: a promise of its result, rejected with its one line.
function call(name, args = {}) {
  return new Promise((resolve, reject) => {
    if (!worker) return reject(new Error("Python is not running"));
    const id = ++lastId;
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, call: name, args });
  });
}

// What the worker says unasked, by event.
const EVENTS = {
  progress: showProgress,
  ready: ({ status }) => onReady(status),
  failed: ({ message }) => failedToLoad(`Python could not start: ${message}.`),
  "snapshot saved": snapshotSaved,
  inside: ({ reading, inside }) => Inside.arrived({ reading, inside }),
  examples: teach.showPersonal,
  digits: (data) => Yours.digits(data),
  grid: (data) => Yours.grid(data),
  training: (data) => Yours.training(data),
  yours: (data) => Yours.yours(data),
};

function heard({ data }) {
  if (data.event) return EVENTS[data.event](data);
  const request = pending.get(data.id);
  pending.delete(data.id);
  if (!request) return;
  if ("error" in data) request.reject(new Error(data.error));
  else request.resolve(data.result);
}

function startWorker() {
  startAgain();
  busy = false;
  forgetRequests();
  for (const { reject } of pending.values()) reject(new Error("Python was started again"));
  pending.clear();
  worker = new Worker("worker.js", { type: "module" });
  worker.onmessage = heard;
  worker.onerror = (event) => failedToLoad(`Python could not start: ${event.message || "worker.js failed to load"}.`);
}

document.getElementById("retry").addEventListener("click", () => {
  document.getElementById("retry").hidden = true;
  worker.terminate();
  setState("loading", {}, "Loading Python…");
  startWorker();
});

// Each feature asks the worker through call; the inside view and teaching have the drawing read again when what
// answers changes.
Inside.connect({ call, reread: readAgain });
teach.connect({ call, readingArgs, forgetRequests, read, isNewest: (reading) => reading === newest });

// Sections fetched when one of their toggles is first opened, or at once if one was open last time: a first visit
// does without them. The toggles clicked before the module arrived are handed on, to open. Gives the module's
// promise, once asked for.
function fetchedOnOpening(toggleIds, load, statusId) {
  let module = null;
  const opening = new Set();
  function start(toggle) {
    if (toggle) opening.add(toggle);
    module ??= load();
    module.then(
      (loaded) => loaded.connect({ call, opening }),
      (error) => {
        module = null; // tried again at the next opening
        document.getElementById(statusId).textContent = `This section could not be loaded: ${error.message}.`;
      },
    );
  }
  const toggles = toggleIds.map((id) => document.getElementById(id));
  for (const toggle of toggles) toggle.addEventListener("click", () => start(toggle));
  if (toggles.some((toggle) => remembered(toggle.dataset.remember))) start(null);
  return () => module;
}
// "Watch it learn" and "Fool it" (step.js); "Where it goes wrong" (lab.js), which hears the worker's "lab" events.
fetchedOnOpening(["step-toggle", "fool-toggle"], () => import("./step.js"), "step-status");
const lab = fetchedOnOpening(["lab-toggle"], () => import("./lab.js"), "lab-status");
EVENTS.lab = (data) => lab()?.then((loaded) => loaded.heard(data));

if (typeof WebAssembly !== "object" || typeof Worker !== "function") {
  showError("This browser cannot run WebAssembly in a worker, which the networks need: nothing can read the drawing.");
} else {
  startWorker();
}

// "Train your own" (opened at once if it was open last time: it asks the worker for the form's defaults), and your
// network's button, which comes and goes with it: the vote may have changed too.
Yours.connect({
  call,
  showYours: (model) => {
    showYours(model);
    readAgain();
  },
});
