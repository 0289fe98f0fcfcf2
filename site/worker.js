// The worker owns Python, in Pyodide's web-worker pattern: the page posts messages, the worker answers.
// It loads everything once, in four steps: the Python runtime, NumPy, our recognizer package (the wheel
// build.json names, installed by micropip), the networks' weights (weights/models.json and the files it lists).
// In: {recognize: "B1".."B4" or "vote", strokes}.
// Out: {type: "progress" | "ready" | "error" | "answer" | "snapshot saved", ...}.
"use strict";

const STEPS = ["the Python runtime", "NumPy", "the recognizer", "the networks' weights"];
const SITE = new URL("./", self.location).href;

function progress(step) {
  postMessage({ type: "progress", step, text: STEPS[step - 1] });
}

// The line of an error that says what went wrong: the last of a Python traceback, without the exception's
// class name or a final full stop (the page adds its own).
function plainWords(error) {
  const lines = String((error && error.message) || error).trim().split("\n");
  return lines[lines.length - 1].replace(/^([\w.]+(Error|Exception)): /, "").replace(/\.+$/, "");
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
importScripts("unpack-wasm.js");
self.fetch = fetchUnpackingWasm(recordingFetch);

function failure(what, error) {
  const detail = failedDownloads.length ? [...new Set(failedDownloads)].join("; ") : plainWords(error);
  return new Error(detail ? `${what} (${detail})` : what);
}

async function download(path, what) {
  let response;
  try {
    response = await plainFetch(path);
  } catch (error) {
    throw new Error(`could not download ${what} (${path}): ${plainWords(error)}`);
  }
  if (!response.ok) throw new Error(`could not download ${what} (${path}): HTTP ${response.status}`);
  return response;
}

// models.json and every weight file it lists. A file that cannot be downloaded is left out: Python then
// disables that one network, saying the file is missing, and the others still work.
async function downloadWeights() {
  const manifest = await (await download("weights/models.json", "the list of networks")).text();
  let models;
  try {
    models = JSON.parse(manifest).models;
  } catch (error) {
    throw new Error(`weights/models.json is not a list of networks (${plainWords(error)})`);
  }
  const files = await Promise.all(
    models.map(async ({ file }) => {
      try {
        return [file, new Uint8Array(await (await download(`weights/${file}`, file)).arrayBuffer())];
      } catch {
        return [file, null];
      }
    }),
  );
  return { manifest, files };
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
  const build = download("build.json", "the build description").then((response) => response.json());
  const weights = downloadWeights();
  build.catch(() => {}); // each failure is reported where it is awaited
  weights.catch(() => {});

  progress(1);
  try {
    importScripts("pyodide/pyodide.js");
  } catch (error) {
    throw new Error(`could not load the Python runtime (pyodide/pyodide.js): ${plainWords(error)}`);
  }
  const { version, recognizer_wheel: wheel } = await build;
  let pyodide, start;
  try {
    ({ pyodide, start } = await startPython(version));
  } catch (error) {
    throw failure("the Python runtime did not start", error);
  }

  progress(2);
  try {
    await pyodide.loadPackage(["numpy", "micropip"], { messageCallback: () => {} });
  } catch (error) {
    throw failure("NumPy and micropip did not load", error);
  }
  for (const [module, name] of [["numpy", "NumPy"], ["micropip", "micropip"]]) {
    try {
      pyodide.runPython(`import ${module}`); // Pyodide does not fail when a package does: prove it
    } catch (error) {
      throw failure(`${name} did not load`, error);
    }
  }

  progress(3);
  try {
    // deps=False: NumPy is already here, and nothing may be looked up on PyPI.
    const url = JSON.stringify(new URL(wheel, SITE).href);
    await pyodide.runPythonAsync(`await micropip.install(${url}, deps=False)`);
    pyodide.runPython("import recognizer.app");
  } catch (error) {
    throw failure(`the recognizer package (${wheel}) did not install`, error);
  }

  progress(4);
  const { manifest, files } = await weights;
  pyodide.FS.mkdirTree("/weights");
  pyodide.FS.writeFile("/weights/models.json", manifest);
  for (const [file, bytes] of files) if (bytes) pyodide.FS.writeFile(`/weights/${file}`, bytes);
  // JSON in, JSON out: no Python object crosses into JavaScript.
  const [status, answer] = pyodide
    .runPython(
      `import json
from recognizer import app
from recognizer.models import WeightsError

def answer(model, strokes):
    return json.dumps(app.recognize(model, json.loads(strokes)))

try:
    status = json.dumps(app.load("/weights"))
except WeightsError as error:  # models.json itself is unusable
    status = json.dumps({"error": str(error)})
status, answer`,
    )
    .toJs();
  const loaded = JSON.parse(status);
  if (loaded.error) throw new Error(`the networks could not be loaded: ${loaded.error}`);
  return { status: { ...loaded, python: start }, answer };
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
    postMessage({ type: "answer", answer: JSON.parse(answer(model, JSON.stringify(data.strokes))) });
  } catch (error) {
    postMessage({ type: "answer", answer: { state: "error", model, message: plainWords(error) } });
  }
};
