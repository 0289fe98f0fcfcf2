// A snapshot of Python once everything has loaded (the runtime, NumPy, our recognizer, the networks' weights),
// so that a later visit starts ready to answer instead of loading them all again. Pyodide snapshots only its
// memory; the build's hook in its runtime (builder/runtime-hook.js) records where NumPy's compiled libraries
// were loaded, and this file keeps that record and the site-packages files (not in the memory) beside it.
// Used by the page's worker and by the build's Node check (builder/check-dist.mjs).
//
// A snapshot is one Blob: 16 bytes of header (magic, memory length, description length, 0), Pyodide's
// memory snapshot (at a multiple of 16, as Pyodide reads it), the description (JSON: {about, dynlibs,
// loadedPackages, files: [[path, length], ...]}), then the files' bytes one after another.
"use strict";
/* exported takeSnapshot, startFromSnapshot, checkAnswer, CHECK_STROKES */

const SNAPSHOT_MAGIC = 0x31505344; // "DSP1"
const HEADER_BYTES = 16;

// A rough 7 (strokes of (x, y) points, y down), which a restored Python must answer exactly as it did when its
// snapshot was taken (checkAnswer): a snapshot damaged where no other check looks is caught here.
const CHECK_STROKES = [
  [
    [20, 20],
    [120, 20],
    [60, 160],
  ],
  [
    [50, 90],
    [110, 90],
  ],
];

// After a restore, Python forgets the import system's view of the files (they were written anew) and reseeds
// the random generators already imported: each visit gets its own, not those of the visit that made the snapshot.
const AFTER_RESTORE = `
import importlib, sys
importlib.invalidate_caches()
if "random" in sys.modules:
    sys.modules["random"].seed()
if "numpy.random" in sys.modules:
    sys.modules["numpy.random"].seed()
`;

// The vote's answer to CHECK_STROKES, as text to compare, from `answer(model, strokes)` (load-python.js).
function checkAnswer(answer) {
  return JSON.stringify(answer("vote", CHECK_STROKES));
}

function filesUnder(FS, folder, found = []) {
  for (const name of FS.readdir(folder)) {
    if (name === "." || name === "..") continue;
    const path = `${folder}/${name}`;
    const { mode } = FS.stat(path);
    if (FS.isDir(mode)) filesUnder(FS, path, found);
    else if (FS.isFile(mode)) found.push([path, FS.readFile(path)]);
  }
  return found;
}

// The snapshot of `pyodide` (started with {_makeSnapshot: true}, everything loaded), as a Blob; `about` is kept
// with it and given back on restore. Synchronous up to the Blob: nothing may run in Python meanwhile.
function takeSnapshot(pyodide, about) {
  const sitePackages = pyodide.runPython("import site; site.getsitepackages()[0]");
  const dynlibs = pyodide._module.dynlibs.record();
  // Pyodide snapshots only an interpreter whose table of loaded packages is still empty, as it was at start.
  const loadedPackages = { ...pyodide.loadedPackages };
  for (const name of Object.keys(loadedPackages)) delete pyodide.loadedPackages[name];
  let memory;
  try {
    memory = pyodide.makeMemorySnapshot();
  } finally {
    Object.assign(pyodide.loadedPackages, loadedPackages);
  }
  const files = filesUnder(pyodide.FS, sitePackages);
  const description = new TextEncoder().encode(
    JSON.stringify({ about, dynlibs, loadedPackages, files: files.map(([path, bytes]) => [path, bytes.length]) }),
  );
  const header = new Uint32Array([SNAPSHOT_MAGIC, memory.length, description.length, 0]);
  return new Blob([header, memory, description, ...files.map(([, bytes]) => bytes)]);
}

// A library's WebAssembly (a Blob), compiled as it is read where the browser can.
function compiledFrom(blob) {
  if (typeof WebAssembly.compileStreaming !== "function") return blob.arrayBuffer().then((b) => WebAssembly.compile(b));
  return WebAssembly.compileStreaming(new Response(blob, { headers: { "Content-Type": "application/wasm" } }));
}

// The parts of a snapshot (a Blob), each read only when asked for, or an error saying how it is not one:
// {description, memory: a Blob, files: [[path, start, end], ...] within the snapshot, filesStart}.
async function snapshotParts(blob) {
  if (blob.size < HEADER_BYTES) throw new Error("the snapshot is too short");
  const [magic, memoryLength, descriptionLength] = new Uint32Array(await blob.slice(0, HEADER_BYTES).arrayBuffer());
  if (magic !== SNAPSHOT_MAGIC) throw new Error("not a snapshot of this page");
  const filesStart = HEADER_BYTES + memoryLength + descriptionLength;
  if (filesStart > blob.size) throw new Error("the snapshot's parts do not add up to its length");
  const description = JSON.parse(await blob.slice(HEADER_BYTES + memoryLength, filesStart).text());
  let offset = filesStart;
  const files = description.files.map(([path, length]) => [path, offset, (offset += length)]);
  if (offset !== blob.size) throw new Error("the snapshot's parts do not add up to its length");
  return { description, memory: blob.slice(HEADER_BYTES, HEADER_BYTES + memoryLength), files, filesStart };
}

// Python started from `blob` (a snapshot takeSnapshot made with this very runtime, or a promise of one) by
// `loadPyodide` with `options`; resolves to {pyodide, about}. Rejects, saying why, when the snapshot is not one or
// not this runtime's. Its parts are read while the runtime's script loads and starts: the memory (a
// Uint8Array at offset 0, 16-byte aligned as Pyodide reads it) beside the files, and NumPy's libraries are
// compiled as they are read.
async function startFromSnapshot(loadPyodide, options, blob) {
  const whole = Promise.resolve(blob);
  const parts = whole.then(snapshotParts);
  const dynlibs = parts.then(async ({ description, files, filesStart }) => {
    const snapshot = await whole;
    const where = new Map(files.map(([path, start, end]) => [path, [start, end]]));
    const compiled = Promise.all(description.dynlibs.loads.map(({ name }) => compiledFrom(snapshot.slice(...where.get(name)))));
    compiled.catch(() => {}); // compiled again in the replay, which reports it
    const bytes = new Uint8Array(await snapshot.slice(filesStart).arrayBuffer());
    const fileBytes = files.map(([path, start, end]) => [path, bytes.subarray(start - filesStart, end - filesStart)]);
    return { ...description.dynlibs, files: fileBytes, compiled };
  });
  dynlibs.catch(() => {}); // reported through the memory, which Pyodide awaits first
  const memory = parts.then(async (part) => new Uint8Array(await part.memory.arrayBuffer()));
  const pyodide = await loadPyodide({ ...options, _loadSnapshot: memory, _dynlibs: dynlibs });
  const { description } = await parts;
  Object.assign(pyodide.loadedPackages, description.loadedPackages);
  pyodide.runPython(AFTER_RESTORE);
  return { pyodide, about: description.about };
}
