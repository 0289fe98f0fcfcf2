// The worker owns Python, in Pyodide's web-worker pattern: the page posts messages, the worker answers.
// It loads everything once, in the steps load-python.js lists (LOAD_STEPS): the Python runtime, NumPy, our
// recognizer package (the wheel build.json names), the networks' weights
// (weights/models.json and the files it lists). Starting the runtime is this file's; the rest is load-python.js's.
// A later visit skips all of that: it starts from a snapshot of Python taken once the first had loaded (snapshot.js).
// Once loaded, it teaches personal copies of the networks the person's corrections (teach.js), and trains a
// network of the person's own when they ask (yours.js).
// In, each with the page's id: {id, recognize: "B1".."B4" or "vote", strokes, silenced, inside} | {id, teach: digit,
// recognize, strokes, silenced, inside} | {id, forget: true} | {id, export: true} | {id, import: text of a file of
// examples} | {id, neuron: "1:17", network} (what a neuron looks for: recognizer.inside). silenced and inside are
// the inside view's (inside.js): the neurons silenced in it, and whether it is open.
// Out: {type: "progress", step, steps, received, total} (bytes of build.json's first_load) | {type: "ready",
// status (with python: "fresh" or "snapshot", and snapshotRefused: why this browser cannot restore one, or null)}
// | {type: "error", message} | {type: "snapshot saved"} | {type: "personal", ...} (teach.js), and for
// each request, with its id: {type: "answer", id, answer} | {type: "taught", id, answer, error} | {type:
// "forgot", id, error} | {type: "exported", id, text} | {type: "imported", id, added, repeated, error} | {type:
// "neuron", id, network, neuron, weights, scale, bias, from, or error}; with inside, after the answer (which never
// waits for it): {type: "inside", id, inside: recognizer.app.inside_of's view, or {error}}. Training one's own:
// {id, train: "open" | "start" (with fields) | "pause" | "resume" | "stop"} | {id, yours: "vote" (with on) |
// "import" (with data, the file's bytes) | "export" | "forget"}, each answered {type: "training reply", id,
// result, or error}; how training goes comes as its own messages (yours.js).
"use strict";
/* global fetchUnpackingWasm -- unpack-wasm.js */
/* global LOAD_STEPS, PYTHON_OPTIONS, download, downloadWeights, loadLater, loadRecognizer, plainWords, recognizerIn -- load-python.js */
/* global checkAnswer, startFromSnapshot, takeSnapshot -- snapshot.js */
/* global makeTeacher -- teach.js */
/* global makeTrainer -- yours.js */
/* global loadPyodide -- pyodide/pyodide.js, imported once the load begins */

const SITE = new URL("./", self.location).href;
// The build's description is asked for first of all, while this worker's own scripts load.
const buildDescription = fetch(new URL("build.json", SITE));
buildDescription.catch(() => {}); // reported where it is awaited
const sitePath = (url) => new URL(url, SITE).href.replace(SITE, "");

// --- bytes received ---------------------------------------------------------------------------------------
// build.json lists what a first load fetches, with sizes (builder/first_load.py): the page shows the bytes
// received of their total, each file counted as its body streams in, so that a slow line shows it moving.
let listed = null; // build.json's first_load: path -> {bytes, sha256}
const arrived = new Map(); // path -> bytes received so far (a file fetched again counts afresh)
const RUNTIME = ["pyodide/pyodide.asm.wasm.zst", "pyodide/zstddec.wasm", "pyodide/python_stdlib.zip"];
const kept = new Map(); // a runtime file's chunks as received, until Python has started: to name a damaged one
let step = 0; // of LOAD_STEPS, from 1
let progressTimer = null;
let loaded = false; // ready or failed: no more progress

function postProgress() {
  progressTimer = null;
  if (loaded || !listed) return;
  let received = 0;
  let total = 0;
  for (const [path, { bytes }] of Object.entries(listed)) {
    received += Math.min(arrived.get(path) || 0, bytes); // a server's own gzip can make more bytes arrive
    total += bytes;
  }
  postMessage({ type: "progress", step, steps: LOAD_STEPS, received, total });
}

function progress(newStep) {
  step = newStep;
  postProgress();
}

// At most a message every 50 ms however small the chunks.
function bytesArrived(path, count) {
  arrived.set(path, (arrived.get(path) || 0) + count);
  progressTimer ??= setTimeout(postProgress, 50);
}

async function sha256(bytes, encoding) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  if (encoding === "base64") return btoa(String.fromCharCode(...digest));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

// fetch, counting each body as it streams. Pyodide fetches its wheels with an integrity hash, and such a fetch
// resolves only once the whole file has arrived and been checked: nothing could be counted meanwhile. So that
// fetch is made without it, and the same check is made here on the bytes counted.
const plainFetch = self.fetch.bind(self);
const early = new Map(); // path -> a counted response fetched before anyone asked for it (fetchEarly)
async function countingFetch(resource, options = {}) {
  const path = sitePath(resource.url || resource);
  const { integrity, ...unchecked } = options;
  const checkHere = typeof integrity === "string" && integrity.startsWith("sha256-");
  const earlier = early.get(path);
  early.delete(path);
  const counted = await (earlier || plainFetch(resource, checkHere ? unchecked : options).then(counting(path)));
  if (!checkHere || !counted.ok) return counted;
  const bytes = await counted.arrayBuffer();
  if ((await sha256(bytes, "base64")) !== integrity.slice("sha256-".length)) {
    throw new TypeError(`${path} does not match its integrity hash`); // as fetch itself would reject
  }
  return new Response(bytes, counted);
}

// The response, its body counted as it streams (and a runtime file's chunks kept, to name it if damaged).
const counting = (path) => (response) => {
  if (!response.ok || !response.body) return response;
  arrived.set(path, 0);
  const chunks = RUNTIME.includes(path) ? [] : null;
  if (chunks) kept.set(path, chunks);
  const counter = new TransformStream({
    transform(chunk, controller) {
      bytesArrived(path, chunk.byteLength);
      if (chunks) chunks.push(chunk);
      controller.enqueue(chunk);
    },
  });
  return new Response(response.body.pipeThrough(counter), response);
};

// Starts fetching a file Pyodide will ask for only later (a wheel: once the runtime has started), so that it
// arrives while the runtime starts; Pyodide's own request then takes this response.
function fetchEarly(path) {
  const response = plainFetch(new URL(path, SITE).href).then(counting(path));
  response.catch(() => {}); // a failure is Pyodide's to report, when it asks
  early.set(path, response);
}

// Pyodide's own scripts come by importScripts, which cannot be counted as they stream: each counts once whole.
const plainImportScripts = self.importScripts.bind(self);
self.importScripts = (...urls) => {
  plainImportScripts(...urls);
  for (const url of urls) bytesArrived(sitePath(url), Infinity);
};

// The runtime file whose bytes, as Pyodide was given them, are not build.json's: damaged on the way or
// left from another version. Checked only once starting Python has failed.
async function damagedRuntimeFile() {
  for (const [path, chunks] of kept) {
    const bytes = await new Blob(chunks).arrayBuffer();
    if (listed && listed[path] && (await sha256(bytes)) !== listed[path].sha256) return path;
  }
  return null;
}

// Pyodide's own downloads (runtime, standard library, wheels) that fail, so that an error can name the file
// behind it rather than the symptom. A fetch with an integrity hash rejects when the bytes do not match it.
const failedDownloads = [];
const recordingFetch = async (resource, options = {}) => {
  const url = sitePath(resource.url || resource);
  try {
    const response = await countingFetch(resource, options);
    if (!response.ok) failedDownloads.push(`${url}: HTTP ${response.status}`);
    return response;
  } catch (error) {
    const hashed = options.integrity ? " or does not match its sha256 in pyodide-lock.json" : "";
    failedDownloads.push(`${url} could not be downloaded${hashed}`);
    throw error;
  }
};
plainImportScripts("unpack-wasm.js", "load-python.js", "snapshot.js"); // teaching's, once loaded (below)
const fetchUnpacking = fetchUnpackingWasm(recordingFetch);
self.fetch = (resource, options) => {
  const runtime = String(resource.url || resource) === RUNTIME_WASM && runtimeResponse;
  return runtime || fetchUnpacking(resource, options); // the runtime's WebAssembly is fetched once (below)
};

function failure(what, error) {
  const detail = failedDownloads.length ? [...new Set(failedDownloads)].join("; ") : plainWords(error);
  return new Error(detail ? `${what} (${detail})` : what, { cause: error });
}

// --- a snapshot of Python, loaded -----------------------------------------------------------------------
// Loading (starting the runtime, NumPy, our package, the weights) is most of the wait. On the first visit the
// worker keeps a snapshot of Python once all is loaded (snapshot.js) in this browser's cache; later visits
// start from it, ready to answer, without loading anything else. A snapshot matches only the exact runtime,
// libraries and networks it was made with, so it is kept under the build's version, and saving one removes those
// of other versions. A snapshot that cannot be used (damaged, another version's, refused by this browser) is
// deleted and Python starts afresh.
const SNAPSHOTS = `digit-recognizer python snapshot ${SITE}`;
const snapshotKey = (version) => `${SITE}python-snapshot?version=${version}`;
// Where a browser refused this version's snapshot (its function table laid out otherwise), a small note takes
// the snapshot's place: no more are saved for this version, since every one would cost 12 MB for nothing.
const refusedKey = (version) => `${SITE}python-snapshot-refused?version=${version}`;
let startedFromSnapshot = null; // the version whose snapshot this load started from

// The snapshots' cache, opened once as the worker starts, for every use below (no cache storage in a private
// window, or plain http beyond localhost: the promise rejects).
const snapshotCache = (async () => caches.open(SNAPSHOTS))();
snapshotCache.catch(() => {}); // a fresh start, each time it is asked for

// This version's snapshot, if saved: {blob: a promise of it, its parts read while the runtime starts}, else null.
async function savedSnapshot(version) {
  try {
    const saved = await (await snapshotCache).match(snapshotKey(version));
    return saved ? { blob: saved.blob() } : null;
  } catch {
    return null; // no cache storage (a private window, or plain http beyond localhost): start afresh
  }
}

// Snapshots Python at once (before the first await: nothing may run in Python meanwhile), with what about()
// says, then saves it. Optional: a failure costs only the next visit's speed.
async function saveSnapshot(pyodide, version, about) {
  try {
    const snapshot = takeSnapshot(pyodide, about()); // a copy of all Python's memory: a small phone may refuse
    const cache = await snapshotCache;
    await cache.put(snapshotKey(version), new Response(await snapshot));
    for (const request of await cache.keys()) {
      if (request.url !== snapshotKey(version)) await cache.delete(request);
    }
    postMessage({ type: "snapshot saved" });
  } catch (error) {
    console.warn(`Python's snapshot was not saved, the next visit starts it afresh: ${plainWords(error)}`);
  }
}

async function forgetSnapshot(version) {
  try {
    await (await snapshotCache).delete(snapshotKey(version));
  } catch {
    // no cache storage: nothing was saved
  }
}

// This browser cannot restore this version's snapshots: the note (why) replaces every snapshot and older note.
async function noteRefusal(version, why) {
  try {
    const cache = await snapshotCache;
    for (const request of await cache.keys()) await cache.delete(request);
    await cache.put(refusedKey(version), new Response(why));
  } catch {
    // no cache storage: nothing to keep, and no snapshot to save either
  }
}

// Why this browser refused this version's snapshot, if it did; else null.
async function refusal(version) {
  try {
    const note = await (await snapshotCache).match(refusedKey(version));
    return note ? await note.text() : null;
  } catch {
    return null;
  }
}

// Python ready to answer, from this version's snapshot: {pyodide, status, answer, app}, or null when there is
// none or it could not be used (then deleted).
async function restoredPython(version, indexURL) {
  const snapshot = await savedSnapshot(version);
  if (!snapshot) return null;
  try {
    const started = startFromSnapshot(loadPyodide, { ...PYTHON_OPTIONS, indexURL }, snapshot.blob);
    const { pyodide, about } = await Promise.race([started, runtimeFailure()]);
    const { answer, app } = recognizerIn(pyodide);
    if (checkAnswer(answer) !== about.check) throw new Error("it answers otherwise");
    startedFromSnapshot = version;
    return { pyodide, status: about.status, answer, app };
  } catch (error) {
    console.warn(`Python's snapshot could not be used, starting afresh: ${plainWords(error)}`);
    if (error.name === "SnapshotRefusedError") await noteRefusal(version, plainWords(error));
    else await forgetSnapshot(version);
    failedDownloads.length = 0; // a download that failed then is tried again, and reported if it fails again
    return null;
  }
}

// --- the runtime's WebAssembly ----------------------------------------------------------------------------
// Pyodide fetches and compiles its WebAssembly only once its own script has loaded (and, on a repeat visit, the
// snapshot has been read). The worker fetches and compiles it from its start instead, beside those, and hands
// Pyodide the compiled module: one fetch and one compilation serve every start (a fresh one after a failed
// restore too).
const RUNTIME_WASM = new URL("pyodide/pyodide.asm.wasm", SITE).href;
let runtimeResponse = null;
let runtimeModule = null;

function compileRuntime() {
  runtimeResponse = self.fetch(RUNTIME_WASM);
  runtimeModule = WebAssembly.compileStreaming(runtimeResponse);
  runtimeModule.catch(() => {}); // reported when Pyodide instantiates it
}

// Pyodide only logs a failure to start its WebAssembly (a missing or damaged pyodide.asm.wasm), then waits
// forever: this rejects instead. (The response Pyodide passes is the one already compiled.)
function runtimeFailure() {
  return new Promise((_, reject) => {
    WebAssembly.instantiateStreaming = async (response, imports) => {
      try {
        const module = await runtimeModule;
        return { module, instance: await WebAssembly.instantiate(module, imports) };
      } catch (error) {
        reject(error);
        throw error;
      }
    };
  });
}

async function load() {
  if (typeof WebAssembly !== "object") throw new Error("this browser cannot run WebAssembly, which Python needs");
  compileRuntime();
  const build = await download(() => buildDescription, SITE, "build.json", "the build description");
  const { version, recognizer_wheel: wheel, first_load: firstLoad, later, digits } = await build.json();
  listed = firstLoad; // before the first progress message: the page says the total from the start

  progress(1);
  try {
    importScripts("pyodide/pyodide.js");
  } catch (error) {
    throw new Error(`could not load the Python runtime (pyodide/pyodide.js): ${plainWords(error)}`, { cause: error });
  }
  const indexURL = new URL("pyodide/", SITE).href;
  const restored = await restoredPython(version, indexURL);
  if (restored) {
    kept.clear();
    return { ...restored, later, digits, status: { ...restored.status, python: "snapshot" } };
  }

  // Afresh. What Python needs once started is fetched while it starts.
  const weights = downloadWeights(countingFetch, SITE);
  weights.catch(() => {}); // a failure is reported where it is awaited
  for (const path of Object.keys(listed)) if (path.endsWith(".whl")) fetchEarly(path);
  let pyodide;
  try {
    pyodide = await Promise.race([loadPyodide({ ...PYTHON_OPTIONS, indexURL, _makeSnapshot: true }), runtimeFailure()]);
  } catch (error) {
    const damaged = failedDownloads.length ? null : await damagedRuntimeFile();
    const why = `${damaged} is damaged or not the file of this version`;
    if (damaged) throw new Error(`the Python runtime did not start (${why})`, { cause: error });
    throw failure("the Python runtime did not start", error);
  }
  kept.clear();

  const { status, answer, app } = await loadRecognizer(pyodide, {
    wheel: { url: new URL(wheel, SITE).href, name: wheel },
    weights,
    onStep: progress,
    failure,
  });
  // Snapshotted (once the page is told it is ready) only with every network working: one that failed to load
  // should be tried again next time.
  const about = () => ({ status, check: checkAnswer(answer) });
  const refused = await refusal(version);
  const wanted = status.models.every((model) => model.ok) && !refused;
  const snapshot = wanted ? () => saveSnapshot(pyodide, version, about) : null;
  const fresh = { ...status, python: "fresh", snapshotRefused: refused };
  return { status: fresh, answer, app, pyodide, later, digits, snapshot };
}

// The one place where anything is loaded; a failed load is tried again by the page with a new worker.
const loading = load();
loading.then(
  ({ status, snapshot }) => {
    loaded = true;
    postMessage({ type: "ready", status });
    if (snapshot) snapshot(); // before teaching starts: the snapshot is of the shipped networks alone
  },
  (error) => {
    loaded = true;
    postMessage({ type: "error", message: plainWords(error) });
    // In case the snapshot was the trouble, the next visit starts Python afresh.
    if (startedFromSnapshot) forgetSnapshot(startedFromSnapshot);
  },
);

// Teaching's jobs (and the requests that wait for them) run one after another, in the order queued.
let queue = Promise.resolve();
function enqueue(job) {
  const run = queue.then(job);
  queue = run.catch(() => {});
  return run;
}

// numpy.random and what it imports: loaded once, at teaching's or training's first need.
let learningLoaded = null;
function loadLearning({ pyodide, later }) {
  learningLoaded ??= loadLater(pyodide, later);
  learningLoaded.catch(() => (learningLoaded = null)); // tried again at the next need
  return learningLoaded;
}

// Teaching starts once the page can read: what was kept is learned behind the first requests.
const teaching = loading.then((loaded) => {
  const { pyodide, app } = loaded;
  plainImportScripts("keep.js", "teach.js", "yours.js");
  const teacher = makeTeacher({ pyodide, app, site: SITE, post: postMessage, enqueue, loadLearning: () => loadLearning(loaded) });
  enqueue(() => teacher.start());
  return teacher;
});
teaching.catch(() => {}); // a failed load is reported above

// Your own network: the one kept in this browser comes back; training waits until the page asks.
const training = teaching.then(() => loading).then((loaded) => {
  const { pyodide, app, digits } = loaded;
  const post = (message, transfer) => postMessage(message, transfer);
  const trainer = makeTrainer({ pyodide, app, site: SITE, post, loadLearning: () => loadLearning(loaded), digits });
  trainer.start();
  return trainer;
});
training.catch(() => {});

// Each request is answered with its id. Reading is answered at once (the page sends one at a time and keeps only
// the newest waiting); teaching's requests wait their turn in the queue.
async function answerRequest(data) {
  const { id, recognize: model, strokes } = data;
  const { answer: answerOf, app } = await loading;
  const answer = (...asked) => answerOf(...asked, data.silenced);
  if ("neuron" in data) {
    return { type: "neuron", id, network: data.network, ...JSON.parse(app.neuron_json(data.network, data.neuron)) };
  }
  if (!Object.keys(REPLIES).some((key) => key in data)) return { type: "answer", id, answer: answer(model, strokes) };
  if ("train" in data || "yours" in data) return { type: "training reply", id, result: await (await training).handle(data) };
  const teacher = await teaching;
  if ("teach" in data) {
    const error = await enqueue(() => teacher.teach({ digit: data.teach, strokes })).then(
      () => "",
      (failed) => `Not learned: ${plainWords(failed)}.`,
    );
    return { type: "taught", id, answer: answer(model, strokes), error };
  }
  if ("forget" in data) return { type: "forgot", id, ...(await enqueue(() => teacher.forget())) };
  if ("export" in data) return { type: "exported", id, text: await enqueue(() => teacher.exportExamples()) };
  return { type: "imported", id, ...(await enqueue(() => teacher.importExamples(data.import))) };
}

const REPLIES = { teach: "taught", forget: "forgot", export: "exported", import: "imported", neuron: "neuron" };
Object.assign(REPLIES, { train: "training reply", yours: "training reply" });

// The inside view of the drawing just answered, as its own message after the answer.
async function insideOf({ id, recognize: model, strokes, silenced = {} }) {
  const { app } = await loading;
  try {
    return { type: "inside", id, inside: JSON.parse(app.inside_json(model, JSON.stringify(strokes), JSON.stringify(silenced))) };
  } catch (error) {
    return { type: "inside", id, inside: { error: plainWords(error) } };
  }
}

self.onmessage = async ({ data }) => {
  try {
    postMessage(await answerRequest(data));
    if (data.inside && data.strokes) postMessage(await insideOf(data));
  } catch (error) {
    const message = plainWords(error);
    const type = Object.keys(REPLIES).find((key) => key in data);
    if (type) postMessage({ type: REPLIES[type], id: data.id, error: message });
    else postMessage({ type: "answer", id: data.id, answer: { state: "error", model: data.recognize, message } });
  }
};
