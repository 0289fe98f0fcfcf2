// The worker owns Python, in Pyodide's web-worker pattern: the page posts messages, the worker answers.
// It loads everything once, in the steps load-python.js lists (LOAD_STEPS): the Python runtime, NumPy, our
// recognizer package (the wheel build.json names, installed by micropip), the networks' weights
// (weights/models.json and the files it lists). Starting the runtime is this file's; the rest is load-python.js's.
// In: {recognize: "B1".."B4" or "vote", strokes}.
// Out: {type: "progress" | "ready" | "error" | "answer" | "snapshot saved", ...}.
"use strict";
/* global fetchUnpackingWasm, LOAD_STEPS, download, downloadWeights, loadRecognizer, plainWords -- load-python.js */
/* global loadPyodide -- pyodide/pyodide.js, imported once the load begins */

const SITE = new URL("./", self.location).href;

// step counts from 1; the page draws its list of steps from `steps`.
function progress(step) {
  postMessage({ type: "progress", step, steps: LOAD_STEPS, text: LOAD_STEPS[step - 1] });
}

const sitePath = (url) => new URL(url, SITE).href.replace(SITE, "");

// Pyodide's own downloads (runtime, standard library, wheels) that fail, so that an error can name the file
// behind it rather than the symptom. A fetch with an integrity hash rejects when the bytes do not match it.
const failedDownloads = [];
const plainFetch = self.fetch.bind(self);
const recordingFetch = async (resource, options = {}) => {
  const url = sitePath(resource.url || resource);
  try {
    const response = await plainFetch(resource, options);
    if (!response.ok) failedDownloads.push(`${url}: HTTP ${response.status}`);
    return response;
  } catch (error) {
    const hashed = options.integrity ? " or does not match its sha256 in pyodide-lock.json" : "";
    failedDownloads.push(`${url} could not be downloaded${hashed}`);
    throw error;
  }
};
importScripts("unpack-wasm.js", "load-python.js");
self.fetch = fetchUnpackingWasm(recordingFetch);

function failure(what, error) {
  const detail = failedDownloads.length ? [...new Set(failedDownloads)].join("; ") : plainWords(error);
  return new Error(detail ? `${what} (${detail})` : what, { cause: error });
}

// --- a snapshot of the started interpreter ------------------------------------------------------------
// Starting Python (its memory laid out, its first modules imported) is the longest step of a load. On the
// first visit the worker keeps a snapshot of the interpreter's memory just after it started, before any
// package, in this browser's cache (about 21 MB); later visits start from it in about half the time. A
// snapshot matches only the exact runtime and library it was made with, so it is kept under the build's
// version, and saving one removes those of other versions.
const SNAPSHOTS = `digit-recognizer python snapshot ${SITE}`;
const snapshotKey = (version) => `${SITE}python-snapshot?version=${version}`;
let startedFromSnapshot = null; // the version whose snapshot this load started from

async function savedSnapshot(version) {
  try {
    const saved = await (await caches.open(SNAPSHOTS)).match(snapshotKey(version));
    return saved ? new Uint8Array(await saved.arrayBuffer()) : null;
  } catch {
    return null; // no cache storage (a private window, or plain http beyond localhost): start afresh
  }
}

// Snapshots the interpreter at once (before the first await: no package may load before it), then saves it
// while loading goes on. Optional: a failure costs only the next visit's speed.
async function saveSnapshot(pyodide, version) {
  try {
    const snapshot = pyodide.makeMemorySnapshot(); // a copy of all Python's memory: a small phone may refuse
    const cache = await caches.open(SNAPSHOTS);
    await cache.put(snapshotKey(version), new Response(snapshot));
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
    await (await caches.open(SNAPSHOTS)).delete(snapshotKey(version));
  } catch {
    // no cache storage: nothing was saved
  }
}

// The interpreter, from this version's snapshot when there is one, else started afresh (and snapshotted).
async function startPython(version) {
  const indexURL = new URL("pyodide/", SITE).href;
  const snapshot = await savedSnapshot(version);
  if (snapshot) {
    try {
      const pyodide = await Promise.race([loadPyodide({ indexURL, _loadSnapshot: snapshot }), runtimeFailure()]);
      startedFromSnapshot = version;
      return { pyodide, start: "snapshot" };
    } catch (error) {
      console.warn(`Python's snapshot could not be used, starting afresh: ${plainWords(error)}`);
      await forgetSnapshot(version);
      failedDownloads.length = 0; // a download that failed then is tried again, and reported if it fails again
    }
  }
  const pyodide = await Promise.race([loadPyodide({ indexURL, _makeSnapshot: true }), runtimeFailure()]);
  saveSnapshot(pyodide, version);
  return { pyodide, start: "fresh" };
}

// Pyodide only logs a failure to start its WebAssembly (a missing or damaged pyodide.asm.wasm), then waits
// forever: this rejects instead.
function runtimeFailure() {
  return new Promise((_, reject) => {
    const instantiate = WebAssembly.instantiateStreaming;
    WebAssembly.instantiateStreaming = (...args) =>
      instantiate(...args).catch((error) => {
        reject(error);
        throw error;
      });
  });
}

async function load() {
  if (typeof WebAssembly !== "object") throw new Error("this browser cannot run WebAssembly, which Python needs");
  if (typeof DecompressionStream !== "function") {
    throw new Error("this browser cannot unpack gzip (DecompressionStream), which loading Python needs");
  }
  // Downloads that do not need Python start at once and overlap its start-up.
  const build = download(plainFetch, SITE, "build.json", "the build description").then((file) => file.json());
  const weights = downloadWeights(plainFetch, SITE);
  build.catch(() => {}); // each failure is reported where it is awaited
  weights.catch(() => {});

  progress(1);
  try {
    importScripts("pyodide/pyodide.js");
  } catch (error) {
    throw new Error(`could not load the Python runtime (pyodide/pyodide.js): ${plainWords(error)}`, { cause: error });
  }
  const { version, recognizer_wheel: wheel } = await build;
  let pyodide, start;
  try {
    ({ pyodide, start } = await startPython(version));
  } catch (error) {
    throw failure("the Python runtime did not start", error);
  }

  const { status, answer } = await loadRecognizer(pyodide, {
    wheel: { url: new URL(wheel, SITE).href, name: wheel },
    weights,
    onStep: progress,
    failure,
  });
  return { status: { ...status, python: start }, answer };
}

const loading = load(); // the one place where anything is loaded
loading.then(
  ({ status }) => postMessage({ type: "ready", status }),
  (error) => {
    postMessage({ type: "error", message: plainWords(error) });
    // In case the snapshot was the trouble, the next visit starts Python afresh.
    if (startedFromSnapshot) forgetSnapshot(startedFromSnapshot);
  },
);

self.onmessage = async ({ data }) => {
  const model = data.recognize;
  try {
    const { answer } = await loading;
    postMessage({ type: "answer", answer: answer(model, data.strokes) });
  } catch (error) {
    postMessage({ type: "answer", answer: { state: "error", model, message: plainWords(error) } });
  }
};
