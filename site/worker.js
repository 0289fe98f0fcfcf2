// The worker owns Python, in Pyodide's web-worker pattern. It loads everything once, in the steps of
// worker/load-python.js (the runtime, NumPy, our recognizer wheel, the networks' weights), counted and verified by
// worker/downloads.js; a later visit starts from a snapshot of that Python instead (worker/snapshot.js, stored by
// worker/snapshot-store.js). Then it teaches the person's corrections (worker/teach.js) and trains their own
// network (worker/yours.js). One protocol: the page posts requests {id, call, args}, each answered {id, result} or
// {id, error: one line} (CALLS, below); what the page did not ask for comes as events {event, ...}: "progress",
// "ready", "failed", "snapshot saved", "inside" (here), "examples" (teach.js), "digits", "grid", "training", "yours"
// (yours.js), "lab" (lab.js).
import * as downloads from "./worker/downloads.js";
import * as python from "./worker/load-python.js";
import { selfTest } from "./worker/snapshot.js";
import * as snapshots from "./worker/snapshot-store.js";

const SITE = new URL("./", import.meta.url).href;
// The build's description and Pyodide's own module are asked for first of all, beside each other.
const buildDescription = fetch(new URL("build.json", SITE));
buildDescription.catch(() => {}); // reported where it is awaited
const pyodideModule = import("./pyodide/pyodide.mjs");
pyodideModule.catch(() => {});
let startedFromSnapshot = null; // the version whose snapshot this load started from

async function load() {
  if (typeof WebAssembly !== "object") throw new Error("this browser cannot run WebAssembly, which Python needs");
  downloads.compileRuntime();
  const build = await python.download(() => buildDescription, SITE, "build.json", "the build description");
  const { version, recognizer_wheel: wheel, first_load: firstLoad, later, digits } = await build.json();
  downloads.listFirstLoad(firstLoad); // before the first progress message: the page says the total from the start

  downloads.progress(1);
  let loadPyodide;
  try {
    ({ loadPyodide } = await pyodideModule);
    downloads.countWhole("pyodide/pyodide.mjs");
  } catch (error) {
    throw new Error(`could not load the Python runtime (pyodide/pyodide.mjs): ${python.plainWords(error)}`, { cause: error });
  }
  const indexURL = new URL("pyodide/", SITE).href;
  const restored = await snapshots.restoredPython(loadPyodide, version, indexURL);
  if (restored) {
    startedFromSnapshot = version;
    downloads.forgetChunks();
    return { ...restored, later, digits, status: { ...restored.status, python: "snapshot" } };
  }

  // Afresh. What Python needs once started is fetched while it starts.
  const weights = python.downloadWeights(downloads.countingFetch, SITE);
  weights.catch(() => {}); // a failure is reported where it is awaited
  for (const path of Object.keys(firstLoad)) if (path.endsWith(".whl")) downloads.fetchEarly(path);
  let pyodide;
  try {
    const started = loadPyodide({ ...python.PYTHON_OPTIONS, indexURL, _makeSnapshot: true });
    pyodide = await Promise.race([started, downloads.runtimeFailure()]);
  } catch (error) {
    const damaged = await downloads.damagedRuntimeFile();
    const why = `${damaged} is damaged or not the file of this version`;
    if (damaged) throw new Error(`the Python runtime did not start (${why})`, { cause: error });
    throw downloads.failure("the Python runtime did not start", error);
  }
  downloads.forgetChunks();

  const { status, answer, call } = await python.loadRecognizer(pyodide, {
    wheel: { url: new URL(wheel, SITE).href, name: wheel },
    weights,
    onStep: downloads.progress,
    failure: downloads.failure,
  });
  // Snapshotted (once the page is told it is ready) only with every network working: one that failed to load
  // should be tried again next time.
  const about = () => ({ status, selfTest: selfTest(answer) });
  const refused = await snapshots.refusal(version);
  const wanted = status.models.every((model) => model.ok) && !refused;
  const snapshot = wanted ? () => snapshots.saveSnapshot(pyodide, version, about) : null;
  const fresh = { ...status, python: "fresh", snapshotRefused: refused };
  return { status: fresh, answer, call, pyodide, later, digits, snapshot };
}

// The one place where anything is loaded; a failed load is tried again by the page with a new worker.
const loading = load();
loading.then(
  ({ status, snapshot }) => {
    downloads.finished();
    postMessage({ event: "ready", status });
    if (snapshot) snapshot(); // before teaching starts: the snapshot is of the shipped networks alone
  },
  (error) => {
    downloads.finished();
    postMessage({ event: "failed", message: python.plainWords(error) });
    // In case the snapshot was the trouble, the next visit starts Python afresh.
    if (startedFromSnapshot) snapshots.forgetSnapshot(startedFromSnapshot);
  },
);

// Teaching's jobs (and the requests that wait for them) run one after another, in the order queued.
let queue = Promise.resolve();
function enqueue(job) {
  const run = queue.then(job);
  queue = run.catch(() => {});
  return run;
}

// A promise made at its first need and kept; one that failed is made again at the next need.
function once(make) {
  let made = null;
  return () => {
    made ??= make();
    made.catch(() => (made = null));
    return made;
  };
}

// numpy.random and what it imports: loaded once, at teaching's or training's first need.
const loadLearning = once(() => loading.then(({ pyodide, later }) => python.loadLater(pyodide, later)));

// Teaching starts once the page can read (its module imported then): what was stored is learned behind the first
// requests.
const teaching = loading.then(async (loaded) => {
  const { makeTeacher } = await import("./worker/teach.js");
  const teacher = makeTeacher({ ...loaded, site: SITE, post: postMessage, enqueue, loadLearning });
  enqueue(() => teacher.start());
  return teacher;
});
teaching.catch(() => {}); // a failed load is reported above

// Your own network: the one stored in this browser comes back; training waits until the page asks.
const training = teaching.then(async () => {
  const { makeTrainer } = await import("./worker/yours.js");
  const loaded = await loading;
  const trainer = makeTrainer({ ...loaded, site: SITE, post: postMessage, loadLearning });
  trainer.restoreStored();
  return trainer;
});
training.catch(() => {});

// Where it goes wrong: made when the page first opens the section, which fetches the test digits.
const lab = once(async () => {
  const { makeLab } = await import("./worker/lab.js");
  return makeLab({ ...(await loading), site: SITE, post: postMessage });
});

// The page's requests, by name: each takes the request's args and gives its result, or throws its one line. Reading
// is answered at once (the page sends one reading at a time and keeps only the newest waiting); teaching's
// requests wait their turn in the queue; training's are yours.js's.
async function read({ model, strokes, silenced = {} }) {
  const { call } = await loading;
  return call("recognize", { model, strokes, silenced });
}

// The drawing was `digit`: stored and learned, then read again by the copies that learned it. A drawing that could
// not be learned from is still read: the answer comes with the error.
async function teach({ digit, model, strokes, silenced = {} }) {
  const teacher = await teaching;
  const error = await enqueue(() => teacher.teach({ digit, strokes })).then(
    () => "",
    (failed) => `Not learned: ${python.plainWords(failed)}.`,
  );
  return { answer: await read({ model, strokes, silenced }), error };
}

// Answered by Python at once, each as recognizer.api's CALLS describes it: what a neuron looks for, one learning
// step and fooling (step.py), and the views of where each network goes wrong (lab.py).
const IN_PYTHON = ["neuron", "step.show", "step.again", "step.reset", "fool"];
IN_PYTHON.push("lab.matrix", "lab.cell", "lab.digit", "lab.disagree", "lab.map", "lab.locate");
const inPython = (name) => async (args) => (await loading).call(name, args);
const taught = (work) => async (args) => {
  const teacher = await teaching; // after its start, which it queued first
  return enqueue(() => work(teacher, args));
};
const trained = (action) => async (args) => (await training).actions[action](args);
const CALLS = {
  read, // {model, strokes, silenced, inside, reading} -> recognizer.app's answer
  ...Object.fromEntries(IN_PYTHON.map((name) => [name, inPython(name)])),
  "lab.open": async (args) => (await lab()).actions.open(args), // {set}: its digits fetched, every network reads them
  teach, // {digit, model, strokes, silenced, inside, reading} -> {answer, error}
  "examples.forget": taught((teacher) => teacher.forget()),
  "examples.export": taught((teacher) => teacher.exportExamples()), // -> {text}
  "examples.import": taught((teacher, { text }) => teacher.importExamples(text)), // -> {added, repeated}
  "yours.open": trained("open"), // -> the form's {defaults, limits}; the digits start to arrive
  "yours.start": trained("start"), // {fields}
  "yours.pause": trained("pause"),
  "yours.resume": trained("resume"),
  "yours.stop": trained("stop"),
  "yours.vote": trained("vote"), // {on}
  "yours.import": trained("import"), // {data: the file's bytes}
  "yours.export": trained("export"), // -> {data, name}
  "yours.forget": trained("forget"),
};

// The inside view of the drawing just answered (recognizer.app's), as its own event after the answer, which never
// waits for it: {event: "inside", reading, inside, or inside: {error}}.
async function insideOf({ model, strokes, silenced = {}, reading }) {
  const { call } = await loading;
  try {
    return { event: "inside", reading, inside: call("inside", { model, strokes, silenced }) };
  } catch (error) {
    return { event: "inside", reading, inside: { error: python.plainWords(error) } };
  }
}

self.onmessage = async ({ data: { id, call, args = {} } }) => {
  try {
    if (!Object.hasOwn(CALLS, call)) throw new Error(`no such request: ${call}`);
    postMessage({ id, result: await CALLS[call](args) });
  } catch (error) {
    postMessage({ id, error: python.plainWords(error) });
  }
  if (args.inside && args.strokes) postMessage(await insideOf(args));
};
