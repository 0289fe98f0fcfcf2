// What the worker fetches, counted and verified. build.json lists what a first load fetches, with sizes
// (builder/first_load.py): the page shows the bytes received of their total, each file counted as its body streams
// in, so that a slow line shows it moving. A download that fails, or a runtime file that arrived damaged, is named
// in the error rather than its symptom. The runtime's WebAssembly is fetched and compiled from the worker's start.
import { LOAD_STEPS, plainWords } from "./load-python.js";
import { fetchUnpackingWasm } from "./unpack-wasm.js";

const SITE = new URL("../", import.meta.url).href;
const sitePath = (url) => new URL(url, SITE).href.replace(SITE, "");

// build.json lists what a first load fetches, with sizes (builder/first_load.py): the page shows the bytes
// received of their total, each file counted as its body streams in, so that a slow line shows it moving.
let listed = null; // build.json's first_load: path -> {bytes, sha256} (listFirstLoad)
const arrived = new Map(); // path -> bytes received so far (a file fetched again counts afresh)
const RUNTIME = ["pyodide/pyodide.asm.wasm.zst", "pyodide/zstddec.wasm", "pyodide/python_stdlib.zip"];
const chunksOf = new Map(); // a runtime file's chunks as received, until Python has started: to name a damaged one
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
  postMessage({ event: "progress", step, steps: LOAD_STEPS, received, total });
}

// The total to show from the start: build.json's first_load.
export function listFirstLoad(firstLoad) {
  listed = firstLoad;
}

// Ready or failed: no more progress.
export function finished() {
  loaded = true;
}

// Python has started: the runtime's chunks are no longer needed to name a damaged file.
export const forgetChunks = () => chunksOf.clear();

export function progress(newStep) {
  step = newStep;
  postProgress();
}

// At most a message every 50 ms however small the chunks.
function bytesArrived(path, count) {
  arrived.set(path, (arrived.get(path) || 0) + count);
  progressTimer ??= setTimeout(postProgress, 50);
}

export async function sha256(bytes, encoding) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  if (encoding === "base64") return btoa(String.fromCharCode(...digest));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

// fetch, counting each body as it streams. Pyodide fetches its wheels with an integrity hash, and such a fetch
// resolves only once the whole file has arrived and been verified: nothing could be counted meanwhile. So that
// fetch is made without it, and the same check is made here on the bytes counted.
const plainFetch = self.fetch.bind(self);
const early = new Map(); // path -> a counted response fetched before anyone asked for it (fetchEarly)
export async function countingFetch(resource, options = {}) {
  const path = sitePath(resource.url || resource);
  const { integrity, ...unverified } = options;
  const verifyHere = typeof integrity === "string" && integrity.startsWith("sha256-");
  const earlier = early.get(path);
  early.delete(path);
  const counted = await (earlier || plainFetch(resource, verifyHere ? unverified : options).then(counting(path)));
  if (!verifyHere || !counted.ok) return counted;
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
  if (chunks) chunksOf.set(path, chunks);
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
export function fetchEarly(path) {
  const response = plainFetch(new URL(path, SITE).href).then(counting(path));
  response.catch(() => {}); // a failure is Pyodide's to report, when it asks
  early.set(path, response);
}

// Pyodide's own script (pyodide.asm.js) is imported, which cannot be counted as it streams: it counts once whole,
// when the runtime it defines starts (runtimeFailure). Pyodide tries importScripts first, which a module worker
// refuses with a TypeError; then it imports the script.
const imported = [];
self.importScripts = (...urls) => {
  imported.push(...urls.map(sitePath));
  throw new TypeError("a module worker imports its scripts");
};
export const countWhole = (path) => bytesArrived(path, Infinity);

// The runtime file whose bytes, as Pyodide was given them, are not build.json's: damaged on the way or
// left from another version. Looked for only once starting Python has failed.
export async function damagedRuntimeFile() {
  if (failedDownloads.length) return null; // a failed download is named instead
  for (const [path, chunks] of chunksOf) {
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
const fetchUnpacking = fetchUnpackingWasm(recordingFetch);
self.fetch = (resource, options) => {
  const runtime = String(resource.url || resource) === RUNTIME_WASM && runtimeResponse;
  return runtime || fetchUnpacking(resource, options); // the runtime's WebAssembly is fetched once (below)
};

export function failure(what, error) {
  const detail = failedDownloads.length ? [...new Set(failedDownloads)].join("; ") : plainWords(error);
  return new Error(detail ? `${what} (${detail})` : what, { cause: error });
}

// --- the runtime's WebAssembly ----------------------------------------------------------------------------
// Pyodide fetches and compiles its WebAssembly only once its own script has loaded (and, on a repeat visit, the
// snapshot has been read). The worker fetches and compiles it from its start instead, beside those, and hands
// Pyodide the compiled module: one fetch and one compilation serve every start (a fresh one after a failed
// restore too).
const RUNTIME_WASM = new URL("pyodide/pyodide.asm.wasm", SITE).href;
let runtimeResponse = null;
let runtimeModule = null;

export function compileRuntime() {
  runtimeResponse = self.fetch(RUNTIME_WASM);
  runtimeModule = WebAssembly.compileStreaming(runtimeResponse);
  runtimeModule.catch(() => {}); // reported when Pyodide instantiates it
}

// Pyodide only logs a failure to start its WebAssembly (a missing or damaged pyodide.asm.wasm), then waits
// forever: this rejects instead. (The response Pyodide passes is the one already compiled.)
export function runtimeFailure() {
  return new Promise((_, reject) => {
    WebAssembly.instantiateStreaming = async (response, imports) => {
      try {
        for (const path of imported.splice(0)) countWhole(path);
        const module = await runtimeModule;
        return { module, instance: await WebAssembly.instantiate(module, imports) };
      } catch (error) {
        reject(error);
        throw error;
      }
    };
  });
}

// Failed downloads are tried again (a fresh start after a snapshot that could not be used): reported anew.
export function forgetFailures() {
  failedDownloads.length = 0;
}
