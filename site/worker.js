// The worker owns Python: it loads Pyodide, NumPy, our recognizer package and the weights once, then
// answers the page's messages. The page never waits on Python, so drawing stays smooth.
"use strict";

let pyodide = null;

function progress(step, text) {
  postMessage({ type: "progress", step, text });
}

async function fetchOrFail(url, what) {
  let response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new Error(`could not download ${what} (${url}): ${e.message}`);
  }
  if (!response.ok) throw new Error(`could not download ${what} (${url}): HTTP ${response.status}`);
  return response;
}

async function load() {
  if (typeof WebAssembly !== "object") throw new Error("this browser cannot run WebAssembly, which Python needs here");
  const build = await (await fetchOrFail("build.json", "the build description")).json();
  progress(1, "Starting Python…");
  try {
    importScripts("pyodide/pyodide.js");
  } catch (e) {
    throw new Error(`could not load the Python runtime (pyodide/pyodide.js): ${e.message}`);
  }
  pyodide = await loadPyodide({ indexURL: new URL("pyodide/", self.location).href });
  progress(2, "Loading NumPy…");
  await pyodide.loadPackage(["numpy", "micropip"], { messageCallback: () => {}, errorCallback: () => {} });
  try {
    pyodide.runPython("import numpy, micropip"); // loadPackage does not reject on a missing wheel: prove it
  } catch (e) {
    throw new Error("NumPy did not load (a file of pyodide/ is missing or damaged)");
  }
  progress(3, "Installing the recognizer…");
  const wheel = new URL(build.recognizer_wheel, self.location).href;
  await pyodide.runPythonAsync(`await micropip.install(${JSON.stringify(wheel)}, deps=False)`);
  pyodide.runPython("import json\nimport recognizer.app as app");
  progress(4, "Loading the networks…");
  const manifest = await (await fetchOrFail("weights/models.json", "the list of networks")).text();
  pyodide.FS.mkdirTree("/weights");
  pyodide.FS.writeFile("/weights/models.json", manifest);
  for (const entry of JSON.parse(manifest).models) {
    try {
      const bytes = new Uint8Array(await (await fetchOrFail(`weights/${entry.file}`, entry.file)).arrayBuffer());
      pyodide.FS.writeFile(`/weights/${entry.file}`, bytes);
    } catch (e) {
      // A missing file disables one network; Python reports it as missing and the others still load.
    }
  }
  return JSON.parse(pyodide.runPython('json.dumps(app.load("/weights"))'));
}

const loading = load().then(
  (status) => postMessage({ type: "ready", status }),
  (error) => postMessage({ type: "error", message: error.message || String(error) }),
);

self.onmessage = async (event) => {
  await loading;
  const { model, strokes } = event.data;
  try {
    pyodide.globals.set("model", model);
    pyodide.globals.set("strokes", pyodide.toPy(strokes));
    const answer = JSON.parse(pyodide.runPython("json.dumps(app.recognize(model, strokes))"));
    postMessage({ type: "answer", answer });
  } catch (e) {
    postMessage({ type: "answer", answer: { state: "error", message: String(e.message || e).trim().split("\n").pop() } });
  }
};
