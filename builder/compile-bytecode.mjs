// Loads what the page loads into Pyodide's Python under Node, with the page's own sequence (load-python.js),
// then has compile_bytecode.py write the bytecode of every module that was imported (see builder/bytecode.py).
//   node compile-bytecode.mjs LOAD_PYTHON_JS RUNTIME_DIR WORK_DIR OUR_WHEEL CACHE_TAG
// RUNTIME_DIR holds Pyodide's files, its package lock and the wheels; WORK_DIR the archives to compile (our
// wheel among them), where each gets its "<archive>.pyc". On failure: one line on stderr, exit code 1.
import fs from "node:fs";
import { createRequire } from "node:module";
import vm from "node:vm";

const [loadPythonJs, runtime, work, ours, cacheTag] = process.argv.slice(2);

try {
  vm.runInThisContext(fs.readFileSync(loadPythonJs, "utf8"), { filename: loadPythonJs });
  const { loadRecognizer } = globalThis;
  const { loadPyodide } = createRequire(import.meta.url)(`${runtime}/pyodide.js`);
  const pyodide = await loadPyodide({ indexURL: `${runtime}/` });
  pyodide.FS.mkdir("/work");
  pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: work }, "/work");
  await loadRecognizer(pyodide, { wheel: { url: `${runtime}/${ours}`, name: ours } });
  pyodide.runPython(fs.readFileSync(new URL("compile_bytecode.py", import.meta.url), "utf8"));
  pyodide.globals.get("compile_imported")("/work", cacheTag);
} catch (error) {
  console.error(String(error.message || error).trim().split("\n").pop());
  process.exitCode = 1;
}
