// A snapshot of Python once everything has loaded (the runtime, NumPy, our recognizer, the networks' weights),
// so that a later visit starts ready to answer instead of loading them all again. Pyodide snapshots only its
// memory; the build's hook in its runtime (builder/runtime-hook.js) records where NumPy's compiled libraries
// were loaded, and this file keeps that record and the site-packages files (not in the memory) beside it.
// Used by the page's worker and by the build's proof under Node (builder/prove-dist.mjs).
//
// A snapshot is one Blob: 16 bytes of header (magic, description length, 0, 0), the description (JSON: {about,
// dynlibs, loadedPackages, memory: {length, kept: [[start, end], ...], packed}, files: [[path, length], ...],
// packedFiles}), the pages of Pyodide's memory snapshot that are not all zeros (memory.kept) gzipped, then the
// files' bytes one after another, gzipped. Packed, a snapshot keeps about 12 MB in the browser where it would
// keep 41 MB plain; leaving out the zero pages (a third of the memory) makes unpacking it a quarter faster.

const SNAPSHOT_MAGIC = 0x32505344; // "DSP2"
const HEADER_BYTES = 16;
const PAGE_BYTES = 4096;

// A rough 7 (strokes of (x, y) points, y down), which a restored Python must answer exactly as it did when its
// snapshot was taken (selfTest): a snapshot damaged where nothing else looks is caught here.
export const TEST_STROKES = [
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

// The vote's answer to TEST_STROKES, as text to compare, from `answer(model, strokes)` (load-python.js).
export function selfTest(answer) {
  return JSON.stringify(answer("vote", TEST_STROKES));
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

// `blob` gzipped ("pack") or gunzipped ("unpack") by the browser's own gzip: a promise of an ArrayBuffer.
function gzip(blob, direction) {
  const transform = direction === "pack" ? new CompressionStream("gzip") : new DecompressionStream("gzip");
  return new Response(blob.stream().pipeThrough(transform)).arrayBuffer();
}

// The bytes `blob` (gzip) packs, which must be `length` long, as a Uint8Array. Rejects naming `what` when the
// packing is damaged.
async function unpacked(blob, length, what) {
  let bytes;
  try {
    bytes = new Uint8Array(await gzip(blob, "unpack"));
  } catch (error) {
    throw new Error(`${what} is damaged (${error.message})`, { cause: error });
  }
  if (bytes.length !== length) throw new Error(`${what} is damaged (${bytes.length} bytes, not ${length})`);
  return bytes;
}

// Where `memory` (a Uint8Array at offset 0, its length a multiple of 4) is not all zeros: [[start, end], ...], in
// whole pages (the last may be shorter).
function nonzeroPages(memory) {
  const words = new Uint32Array(memory.buffer, 0, memory.length / 4);
  const kept = [];
  for (let start = 0; start < memory.length; start += PAGE_BYTES) {
    const end = Math.min(start + PAGE_BYTES, memory.length);
    if (words.subarray(start / 4, end / 4).every((word) => word === 0)) continue;
    const last = kept[kept.length - 1];
    if (last && last[1] === start) last[1] = end;
    else kept.push([start, end]);
  }
  return kept;
}

// The memory of `length` bytes whose pages `kept` are `bytes`, one after another, and all else zeros.
function withZeroPages(bytes, kept, length) {
  const memory = new Uint8Array(length);
  let offset = 0;
  for (const [start, end] of kept) {
    memory.set(bytes.subarray(offset, offset + end - start), start);
    offset += end - start;
  }
  return memory;
}

// The snapshot of `pyodide` (started with {_makeSnapshot: true}, everything loaded): a promise of a Blob; `about`
// is kept with it and given back on restore. Python's memory and files are copied before this returns (nothing
// may run in Python meanwhile); packing them follows, while Python goes on.
export function takeSnapshot(pyodide, about) {
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
  const kept = nonzeroPages(memory);
  const packed = (parts) => gzip(new Blob(parts), "pack").then((bytes) => new Blob([bytes]));
  const pages = kept.map(([start, end]) => memory.subarray(start, end));
  return Promise.all([packed(pages), packed(files.map(([, bytes]) => bytes))]).then(
    ([packedMemory, packedFiles]) => {
      const description = new TextEncoder().encode(
        JSON.stringify({
          about,
          dynlibs,
          loadedPackages,
          memory: { length: memory.length, kept, packed: packedMemory.size },
          files: files.map(([path, bytes]) => [path, bytes.length]),
          packedFiles: packedFiles.size,
        }),
      );
      const header = new Uint32Array([SNAPSHOT_MAGIC, description.length, 0, 0]);
      return new Blob([header, description, packedMemory, packedFiles]);
    },
  );
}

// The parts of a snapshot (a Blob), or an error saying how it is not one: {description, memory, files}, the
// last two still packed (Blobs, read only when asked for).
async function snapshotParts(blob) {
  if (blob.size < HEADER_BYTES) throw new Error("the snapshot is too short");
  const [magic, descriptionLength] = new Uint32Array(await blob.slice(0, HEADER_BYTES).arrayBuffer());
  if (magic !== SNAPSHOT_MAGIC) throw new Error("not a snapshot of this page");
  const memoryStart = HEADER_BYTES + descriptionLength;
  if (memoryStart > blob.size) throw new Error("the snapshot's parts do not add up to its length");
  const description = JSON.parse(await blob.slice(HEADER_BYTES, memoryStart).text());
  const filesStart = memoryStart + description.memory.packed;
  if (filesStart + description.packedFiles !== blob.size) {
    throw new Error("the snapshot's parts do not add up to its length");
  }
  return { description, memory: blob.slice(memoryStart, filesStart), files: blob.slice(filesStart) };
}

const sum = (numbers) => numbers.reduce((total, n) => total + n, 0);

// Python started from `blob` (a snapshot takeSnapshot made with this very runtime, or a promise of one) by
// `loadPyodide` with `options`; resolves to {pyodide, about}. Rejects, saying why, when the snapshot is not one
// or not this runtime's. Its parts unpack while the runtime starts, and NumPy's libraries are compiled as soon
// as their files are unpacked.
export async function startFromSnapshot(loadPyodide, options, blob) {
  const { description, memory: packedMemory, files: packedFiles } = await snapshotParts(await blob);
  const dynlibs = (async () => {
    const length = sum(description.files.map(([, size]) => size));
    const bytes = await unpacked(packedFiles, length, "the snapshot's libraries");
    let offset = 0;
    const files = description.files.map(([path, size]) => [path, bytes.subarray(offset, (offset += size))]);
    const where = new Map(files);
    const compiled = Promise.all(description.dynlibs.loads.map(({ name }) => WebAssembly.compile(where.get(name))));
    compiled.catch(() => {}); // compiled again in the replay, which reports it
    return { ...description.dynlibs, files, compiled };
  })();
  dynlibs.catch(() => {}); // reported through the memory, which Pyodide awaits first
  const memory = (async () => {
    const { length, kept } = description.memory;
    const bytes = await unpacked(packedMemory, sum(kept.map(([start, end]) => end - start)), "the snapshot's memory");
    return withZeroPages(bytes, kept, length);
  })();
  memory.catch(() => {}); // Pyodide's to report
  const pyodide = await loadPyodide({ ...options, _loadSnapshot: memory, _dynlibs: dynlibs });
  Object.assign(pyodide.loadedPackages, description.loadedPackages);
  pyodide.runPython(AFTER_RESTORE);
  return { pyodide, about: description.about };
}
