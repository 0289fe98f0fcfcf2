// Loads a built site under Node the way the page's worker does: the runtime unpacked by unpack-wasm.js (from
// HTTP; Node's Pyodide reads the unpacked file from a folder), a snapshot of the started interpreter (made,
// then started from, as on a repeat visit), then the page's own load sequence (load-python.js) with our wheel
// and the weights over HTTP; every network then answers a rough "7" (any answer will do: this proves loading).
//   node check-dist.mjs DIST BASE_URL      (BASE_URL serves DIST)
// Prints one line of JSON: {python, numpy, total: seconds, answers: {network: digit}}. On failure: one line
// on stderr, exit code 1.
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import vm from "node:vm";

const [dist, base] = process.argv.slice(2);
const SEVEN = [[[20, 20], [120, 20], [60, 160]], [[50, 90], [110, 90]]]; // strokes of (x, y) points, y down
const indexURL = fs.mkdtempSync(path.join(os.tmpdir(), "pyodide-")) + "/";

function runScript(file) {
  vm.runInThisContext(fs.readFileSync(file, "utf8"), { filename: file });
}

// Pyodide's runtime in a folder, as Node's Pyodide reads it: the WebAssembly unpacked by unpack-wasm.js from
// HTTP, the rest linked from dist/. Returns its loadPyodide.
async function unpackRuntime() {
  const wasm = await globalThis.fetchUnpackingWasm(fetch)(base + "pyodide/pyodide.asm.wasm");
  fs.writeFileSync(indexURL + "pyodide.asm.wasm", new Uint8Array(await wasm.arrayBuffer()));
  for (const name of fs.readdirSync(`${dist}/pyodide`)) fs.symlinkSync(`${dist}/pyodide/${name}`, indexURL + name);
  return createRequire(import.meta.url)(`${dist}/pyodide/pyodide.js`).loadPyodide;
}

try {
  runScript(`${dist}/unpack-wasm.js`);
  runScript(`${dist}/load-python.js`);
  const build = await (await globalThis.download(fetch, base, "build.json", "the build description")).json();
  // The page's own download of the weights; a build made with --no-weights has none to load.
  const weights = fs.existsSync(`${dist}/weights`) ? await globalThis.downloadWeights(fetch, base) : null;
  const loadPyodide = await unpackRuntime();
  const fresh = await loadPyodide({ indexURL, _makeSnapshot: true });
  const snapshot = fresh.makeMemorySnapshot();
  const start = performance.now();
  const seconds = () => +((performance.now() - start) / 1000).toFixed(2);
  const pyodide = await loadPyodide({ indexURL, _loadSnapshot: snapshot }); // as on a repeat visit
  const reached = {}; // step -> seconds when it began
  const { status, answer } = await globalThis.loadRecognizer(pyodide, {
    wheel: { url: base + build.recognizer_wheel, name: build.recognizer_wheel },
    weights,
    onStep: (step) => (reached[step] = seconds()),
  });
  const answers = {};
  if (status) {
    const broken = status.models.filter((model) => !model.ok).map((model) => `${model.name}: ${model.reason}`);
    if (broken.length) throw new Error(broken.join("; "));
    for (const name of [...status.models.map((model) => model.name), "vote"]) {
      answers[name] = answer(name, SEVEN).digit;
    }
  }
  console.log(JSON.stringify({ python: reached[2], numpy: reached[3], total: seconds(), answers }));
} catch (error) {
  console.error(String(error.message || error).trim().split("\n").pop());
  process.exitCode = 1;
} finally {
  fs.rmSync(indexURL, { recursive: true, force: true });
}
