// The one sequence that loads our Python, shared by the page's worker, the build's bytecode step and its Node
// check (each imports this module): in a started Pyodide, NumPy and our recognizer wheel, then the networks'
// weights. Starting the runtime (step 1) is each host's own.

// The steps of a load, in order, as the page lists them (the page draws its list from the worker's progress).
export const LOAD_STEPS = ["the Python runtime", "NumPy and the recognizer", "the networks' weights"];

// loadPyodide's options for every host: Python runs as `python -OO` (no docstrings, no asserts), as the build
// compiled its bytecode (builder/compile_bytecode.py): fewer bytes to download, and NumPy keeps no docstrings.
export const PYTHON_OPTIONS = { env: { PYTHONOPTIMIZE: "2" } };

// The line of an error that says what went wrong: the last of a Python traceback, without the exception's
// class name or a final full stop (a message adds its own).
export function plainWords(error) {
  const lines = String((error && error.message) || error).trim().split("\n");
  return lines[lines.length - 1].replace(/^([\w.]+(Error|Exception)): /, "").replace(/\.+$/, "");
}

// Without a host's own wording: what failed, and why.
const describedFailure = (what, error) => new Error(`${what} (${plainWords(error)})`, { cause: error });

// The file at `path` of the site at `base`, fetched with `fetchFile`, or an error naming it.
export async function download(fetchFile, base, path, what) {
  let response;
  try {
    response = await fetchFile(new URL(path, base).href);
  } catch (error) {
    throw new Error(`could not download ${what} (${path}): ${plainWords(error)}`, { cause: error });
  }
  if (!response.ok) throw new Error(`could not download ${what} (${path}): HTTP ${response.status}`);
  return response;
}

// models.json and every weight file it lists, as loadRecognizer takes them. A file that cannot be downloaded
// is left out: Python then disables that one network (or the check), saying the file is missing, and the others
// still work.
export async function downloadWeights(fetchFile, base) {
  const manifest = await (await download(fetchFile, base, "weights/models.json", "the list of networks")).text();
  let models;
  let check;
  try {
    ({ models, check } = JSON.parse(manifest));
  } catch (error) {
    throw new Error(`weights/models.json is not a list of networks (${plainWords(error)})`, { cause: error });
  }
  // The networks' files, and the check's (whether a drawing is a digit at all), each costing only itself if missing.
  const listed = [...models, ...(check && typeof check.file === "string" ? [check] : [])];
  const files = await Promise.all(
    listed.map(async ({ file }) => {
      try {
        return [file, new Uint8Array(await (await download(fetchFile, base, `weights/${file}`, file)).arrayBuffer())];
      } catch {
        return [file, null];
      }
    }),
  );
  return { manifest, files };
}

// The recognizer in a Python that has imported it: {call, answer}, as loadRecognizer returns them. call(name,
// args) is the one door into our Python (recognizer/api.py): JSON in, JSON out, no Python object crosses; it
// gives the call's result, or throws its one line. answer(model, strokes, silenced) is the "recognize" call.
export function recognizerIn(pyodide) {
  const api = pyodide.pyimport("recognizer.api");
  const call = (name, args = {}) => {
    const out = JSON.parse(api.call(name, JSON.stringify(args)));
    if ("error" in out) throw new Error(out.error);
    return out.result;
  };
  // silenced: neurons that send nothing, {network: ["layer:neuron", ...]} (recognizer/inside.py)
  const answer = (model, strokes, silenced = {}) => call("recognize", { model, strokes, silenced });
  return { call, answer };
}

// Steps 2 and 3 into `pyodide`, already started (step 1):
//   wheel: {url, name}: where our wheel is fetched from, and the name a failure gives it
//   weights: null (none: step 3 is left out), or (a promise of) {manifest: models.json's text, files: [[file
//     name, bytes, or null when it could not be downloaded: Python then disables that network], ...]}
//   onStep(step): called as each step begins, `step` counting from 1 in LOAD_STEPS
//   failure(what, error): the error to throw when a step fails; `what` says which, `error` is Pyodide's
// Returns {status, call, answer} (recognizerIn's): status is the "load" call's (null without weights).
export async function loadRecognizer(pyodide, { wheel, weights = null, onStep = () => {}, failure = describedFailure }) {
  onStep(2);
  try {
    // Our wheel by its URL: Pyodide installs it as it does NumPy, both fetched at once.
    await pyodide.loadPackage(["numpy", wheel.url], { messageCallback: () => {} });
  } catch (error) {
    throw failure("NumPy and the recognizer did not load", error);
  }
  // loadPackage does not reject when a wheel fails: importing proves each loaded.
  const imports = [
    ["numpy", "NumPy did not load"],
    ["recognizer.api", `the recognizer package (${wheel.name}) did not install`],
  ];
  for (const [module, what] of imports) {
    try {
      pyodide.runPython(`import ${module}`);
    } catch (error) {
      throw failure(what, error);
    }
  }
  const { call, answer } = recognizerIn(pyodide);
  if (weights === null) return { status: null, call, answer };

  onStep(3);
  const { manifest, files } = await weights;
  pyodide.FS.mkdirTree("/weights");
  pyodide.FS.writeFile("/weights/models.json", manifest);
  for (const [file, bytes] of files) if (bytes) pyodide.FS.writeFile(`/weights/${file}`, bytes);
  let status;
  try {
    status = call("load", { weights_dir: "/weights" });
  } catch (error) {
    throw new Error(`the networks could not be loaded: ${error.message}`, { cause: error });
  }
  return { status, call, answer };
}

// Packages that had been imported from the standard library's zip look for their modules among the later parts
// too (a package's modules may be split between the two); the import system forgets what it saw missing.
const JOIN_LATER = `
def join_later():
    import importlib, os, site, sys
    folder = site.getsitepackages()[0]
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__path__", None)
        later = os.path.join(folder, *name.split("."))
        if isinstance(path, list) and later not in path and os.path.isdir(later):
            path.append(later)
    importlib.invalidate_caches()
join_later()
del join_later
`;

// The parts of NumPy and of the standard library that the page imports only to learn (numpy.random and what it
// imports), which the build split off what a first answer needs: `packages` (build.json's "later", named in
// pyodide-lock.json with their sha256), loaded into `pyodide` at teaching's first need. Loading them again is
// nothing; a failure rejects, saying which did not load.
export async function loadLater(pyodide, packages) {
  await pyodide.loadPackage(packages, { messageCallback: () => {} });
  const missing = packages.filter((name) => !(name in pyodide.loadedPackages));
  if (missing.length) throw new Error(`${missing.join(" and ")} did not load`);
  pyodide.runPython(JOIN_LATER);
}
