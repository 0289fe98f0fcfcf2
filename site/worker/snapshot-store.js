// The snapshots of Python, stored in this browser's cache by the build's version: saved, restored (snapshot.js
// takes and restores one), forgotten; worker.js decides when.
import { forgetFailures, runtimeFailure } from "./downloads.js";
import { PYTHON_OPTIONS, plainWords, recognizerIn } from "./load-python.js";
import { selfTest, startFromSnapshot, takeSnapshot } from "./snapshot.js";

const SITE = new URL("../", import.meta.url).href;

// Loading (starting the runtime, NumPy, our package, the weights) is most of the wait. On the first visit the
// worker stores a snapshot of Python once all is loaded (snapshot.js) in this browser's cache; later visits
// start from it, ready to answer, without loading anything else. A snapshot matches only the exact runtime,
// libraries and networks it was made with, so it is kept under the build's version, and saving one removes those
// of other versions. A snapshot that cannot be used (damaged, another version's, refused by this browser) is
// deleted and Python starts afresh.
const SNAPSHOTS = `digit-recognizer python snapshot ${SITE}`;
const snapshotKey = (version) => `${SITE}python-snapshot?version=${version}`;
// Where a browser refused this version's snapshot (its function table laid out otherwise), a small note takes
// the snapshot's place: no more are saved for this version, since every one would cost 12 MB for nothing.
const refusedKey = (version) => `${SITE}python-snapshot-refused?version=${version}`;

// The snapshots' cache, opened once as the worker starts, for every use below (no cache storage in a private
// window, or plain http beyond localhost: the promise rejects).
const snapshotCache = (async () => caches.open(SNAPSHOTS))();
snapshotCache.catch(() => {}); // a fresh start, each time it is asked for

// This version's snapshot, if saved: {blob: a promise of it, its parts read while the runtime starts}, else null.
export async function savedSnapshot(version) {
  try {
    const saved = await (await snapshotCache).match(snapshotKey(version));
    return saved ? { blob: saved.blob() } : null;
  } catch {
    return null; // no cache storage (a private window, or plain http beyond localhost): start afresh
  }
}

// Snapshots Python at once (before the first await: nothing may run in Python meanwhile), with what about()
// says, then saves it. Optional: a failure costs only the next visit's speed.
export async function saveSnapshot(pyodide, version, about) {
  try {
    const snapshot = takeSnapshot(pyodide, about()); // a copy of all Python's memory: a small phone may refuse
    const cache = await snapshotCache;
    await cache.put(snapshotKey(version), new Response(await snapshot));
    for (const request of await cache.keys()) {
      if (request.url !== snapshotKey(version)) await cache.delete(request);
    }
    postMessage({ event: "snapshot saved" });
  } catch (error) {
    console.warn(`Python's snapshot was not saved, the next visit starts it afresh: ${plainWords(error)}`);
  }
}

export async function forgetSnapshot(version) {
  try {
    await (await snapshotCache).delete(snapshotKey(version));
  } catch {
    // no cache storage: nothing was saved
  }
}

// This browser cannot restore this version's snapshots: the note (why) replaces every snapshot and older note.
export async function noteRefusal(version, why) {
  try {
    const cache = await snapshotCache;
    for (const request of await cache.keys()) await cache.delete(request);
    await cache.put(refusedKey(version), new Response(why));
  } catch {
    // no cache storage: nothing to keep, and no snapshot to save either
  }
}

// Why this browser refused this version's snapshot, if it did; else null.
export async function refusal(version) {
  try {
    const note = await (await snapshotCache).match(refusedKey(version));
    return note ? await note.text() : null;
  } catch {
    return null;
  }
}

// Python ready to answer, from this version's snapshot: {pyodide, status, answer, call}, or null when there is
// none or it could not be used (then deleted, or noted as refused by this browser).
export async function restoredPython(loadPyodide, version, indexURL) {
  const snapshot = await savedSnapshot(version);
  if (!snapshot) return null;
  try {
    const started = startFromSnapshot(loadPyodide, { ...PYTHON_OPTIONS, indexURL }, snapshot.blob);
    const { pyodide, about } = await Promise.race([started, runtimeFailure()]);
    const { answer, call } = recognizerIn(pyodide);
    if (selfTest(answer) !== about.selfTest) throw new Error("it answers otherwise");
    return { pyodide, status: about.status, answer, call };
  } catch (error) {
    console.warn(`Python's snapshot could not be used, starting afresh: ${plainWords(error)}`);
    if (error.name === "SnapshotRefusedError") await noteRefusal(version, plainWords(error));
    else await forgetSnapshot(version);
    forgetFailures(); // a download that failed then is tried again, and reported if it fails again
    return null;
  }
}
