// Loads a built site under Node the way the page's worker does: the runtime unpacked by worker/unpack-wasm.js (from
// HTTP; Node's Pyodide reads the unpacked file from a folder), then the page's own load sequence (worker/load-python.js)
// with our wheel and the weights over HTTP; then a snapshot of that loaded Python (worker/snapshot.js), and Python started
// again from it, as on a repeat visit. Every network of the restored Python then answers a rough "7" (any answer
// will do: this proves loading), and the vote exactly as before the snapshot; then the restored Python loads the
// parts that only learning imports (build.json's later) and learns that 7, as a correction in the page would.
//   node prove-dist.mjs DIST BASE_URL      (BASE_URL serves DIST)
// Prints one line of JSON: {python, numpy, total, restored, later: seconds, snapshot: its size in MB, answers:
// {network: digit}}. On failure: one line on stderr, exit code 1.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [dist, base] = process.argv.slice(2);
const indexURL = fs.mkdtempSync(path.join(os.tmpdir(), "pyodide-")) + "/";

const { fetchUnpackingWasm } = await import(pathToFileURL(`${dist}/worker/unpack-wasm.js`));
const python = await import(pathToFileURL(`${dist}/worker/load-python.js`));
const { TEST_STROKES, selfTest, startFromSnapshot, takeSnapshot } = await import(pathToFileURL(`${dist}/worker/snapshot.js`));

// Pyodide's runtime in a folder, as Node's Pyodide reads it: the WebAssembly unpacked by unpack-wasm.js from
// HTTP, the rest linked from dist/. Returns its loadPyodide.
async function unpackRuntime() {
  const wasm = await fetchUnpackingWasm(fetch)(base + "pyodide/pyodide.asm.wasm");
  fs.writeFileSync(indexURL + "pyodide.asm.wasm", new Uint8Array(await wasm.arrayBuffer()));
  for (const name of fs.readdirSync(`${dist}/pyodide`)) fs.symlinkSync(`${dist}/pyodide/${name}`, indexURL + name);
  return (await import(pathToFileURL(`${dist}/pyodide/pyodide.mjs`))).loadPyodide;
}

// The recognizer in `pyodide` (`call`: recognizer.api's) learns `strokes` as a 7, with the page's rehearsal digits,
// or throws.
async function learnedIn(pyodide, call, strokes) {
  const rehearsal = await python.download(fetch, base, "rehearsal.npz", "the rehearsal digits");
  pyodide.FS.writeFile("/rehearsal.npz", new Uint8Array(await rehearsal.arrayBuffer()));
  call("teach.load_rehearsal", { path: "/rehearsal.npz" });
  call("teach.add", { examples: [{ digit: 7, strokes }] });
  if (call("teach.learn_next").learned !== 1) throw new Error("learning after the restore failed: nothing learned");
}

try {
  const { PYTHON_OPTIONS } = python;
  const build = await (await python.download(fetch, base, "build.json", "the build description")).json();
  // The page's own download of the weights; a build made with --no-weights has none to load.
  const weights = fs.existsSync(`${dist}/weights`) ? await python.downloadWeights(fetch, base) : null;
  const loadPyodide = await unpackRuntime();
  const start = performance.now();
  const seconds = () => +((performance.now() - start) / 1000).toFixed(2);
  const fresh = await loadPyodide({ ...PYTHON_OPTIONS, indexURL, _makeSnapshot: true });
  const reached = {}; // step -> seconds when it began
  const loaded = await python.loadRecognizer(fresh, {
    wheel: { url: base + build.recognizer_wheel, name: build.recognizer_wheel },
    weights,
    onStep: (step) => (reached[step] = seconds()),
  });
  const total = seconds();
  const answers = {};
  let restored = null; // seconds to start again from a snapshot
  let later = null; // seconds, then, to load what learning imports
  let size = null; // the snapshot's, in MB
  if (loaded.status) {
    const broken = loaded.status.models.filter((model) => !model.ok).map((model) => `${model.name}: ${model.reason}`);
    if (broken.length) throw new Error(broken.join("; "));
    const test = selfTest(loaded.answer);
    const snapshot = await takeSnapshot(fresh, { selfTest: test });
    size = +(snapshot.size / 1e6).toFixed(1);
    const restoring = performance.now();
    const options = { ...PYTHON_OPTIONS, indexURL };
    const { pyodide, about } = await startFromSnapshot(loadPyodide, options, snapshot); // a repeat visit
    const { answer, call } = python.recognizerIn(pyodide);
    restored = +((performance.now() - restoring) / 1000).toFixed(2);
    if (selfTest(answer) !== about.selfTest) throw new Error("the restored Python answers otherwise");
    for (const name of [...loaded.status.models.map((model) => model.name), "vote"]) {
      answers[name] = answer(name, TEST_STROKES).digit;
    }
    const learning = performance.now();
    await python.loadLater(pyodide, build.later);
    later = +((performance.now() - learning) / 1000).toFixed(2);
    await learnedIn(pyodide, call, TEST_STROKES);
  }
  console.log(JSON.stringify({ python: reached[2], numpy: reached[3], total, restored, later, snapshot: size, answers }));
} catch (error) {
  console.error(String(error.message || error).trim().split("\n").pop());
  process.exitCode = 1;
} finally {
  fs.rmSync(indexURL, { recursive: true, force: true });
}
