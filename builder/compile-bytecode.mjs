// Loads what the page loads into Pyodide's Python under Node, with the page's own sequence (load-python.js) and
// options, the weights too when given, and has every network answer a drawing, as the page does by the time it
// is ready; then compile_bytecode.py writes the bytecode of every module that was imported, and which those were
// (see builder/bytecode.py).
//   node compile-bytecode.mjs SITE_DIR RUNTIME_DIR WORK_DIR OUR_WHEEL CACHE_TAG [WEIGHTS_DIR]
// SITE_DIR holds worker/load-python.js and worker/snapshot.js; RUNTIME_DIR Pyodide's files, its package lock and the wheels;
// WORK_DIR the archives to compile (our wheel among them), where each gets its "<archive>.pyc". On failure: one
// line on stderr, exit code 1.
import fs from "node:fs";
import { pathToFileURL } from "node:url";

const [site, runtime, work, ours, cacheTag, weightsDir] = process.argv.slice(2);

// models.json and every file it lists, as downloadWeights gives them to loadRecognizer.
function weightsIn(folder) {
  const manifest = fs.readFileSync(`${folder}/models.json`, "utf8");
  const { models, check } = JSON.parse(manifest);
  const files = [...models, ...(check ? [check] : [])].map(({ file }) => [file, fs.readFileSync(`${folder}/${file}`)]);
  return { manifest, files };
}

try {
  const { PYTHON_OPTIONS, loadRecognizer } = await import(pathToFileURL(`${site}/worker/load-python.js`));
  const { TEST_STROKES } = await import(pathToFileURL(`${site}/worker/snapshot.js`));
  const { loadPyodide } = await import(pathToFileURL(`${runtime}/pyodide.mjs`));
  const pyodide = await loadPyodide({ ...PYTHON_OPTIONS, indexURL: `${runtime}/` });
  pyodide.FS.mkdir("/work");
  pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: work }, "/work");
  const weights = weightsDir ? weightsIn(weightsDir) : null;
  const { status, answer } = await loadRecognizer(pyodide, { wheel: { url: `${runtime}/${ours}`, name: ours }, weights });
  for (const model of status ? [...status.models.filter((m) => m.ok).map((m) => m.name), "vote"] : []) {
    answer(model, TEST_STROKES);
  }
  pyodide.runPython(fs.readFileSync(new URL("compile_bytecode.py", import.meta.url), "utf8"));
  pyodide.globals.get("compile_imported")("/work", cacheTag);
} catch (error) {
  console.error(String(error.message || error).trim().split("\n").pop());
  process.exitCode = 1;
}
