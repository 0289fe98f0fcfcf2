// The worker's side of "Where it goes wrong" (recognizer.lab, through recognizer.api's "lab.*" calls). When the
// page opens the section, MNIST's test digits are fetched (or taken from the cache "Train your own" shares:
// digits.js), handed to Python, and read by every network a slice at a time, so drawings are still read meanwhile;
// the pen digits likewise, once that set is chosen. A network that changes (yours, trained or imported) reads them
// again when the page asks "lab.open" again. The page hears {event: "lab", state: loading|scoring|done|error, set,
// received, total (bytes), done, of (the work of framing and reading the digits, done and in all), problem}.
import { digitParts } from "./digits.js";
import { plainWords } from "./load-python.js";

const SLICE_MS = 30; // Python reads test digits this long at a time, then the worker answers what the page asked

// pyodide, call (recognizer.api's, load-python.js), site (the site's URL), post (to the page), digits (build.json's
// listing of the parts).
export function makeLab({ pyodide, call, site, post, digits }) {
  const { fetchPart } = digitParts({ site, digits });
  const fetching = {}; // set -> the promise of its digits in Python, once asked for
  let scoring = null; // the promise of the reading under way
  const report = (fields) => post({ event: "lab", ...fields });

  // A set's file, fetched (its bytes counted) and handed to Python.
  async function fetchSet(set) {
    const part = set === "pen" ? digits.pen : digits.test;
    let received = 0;
    let last = 0;
    report({ state: "loading", set, received, total: part.bytes });
    const bytes = await fetchPart(part, (count) => {
      received += count;
      if (performance.now() - last < 100) return;
      last = performance.now();
      report({ state: "loading", set, received, total: part.bytes });
    });
    pyodide.FS.writeFile("/lab-set", bytes);
    call("lab.add_set", { kind: set, path: "/lab-set" });
    pyodide.FS.unlink("/lab-set");
  }

  // Every network reads the digits it has not read yet, a slice at a time; one reading at a time, which every
  // opening waits for.
  async function read() {
    for (;;) {
      const out = call("lab.score", { seconds: SLICE_MS / 1000 });
      report({ state: out.state, done: out.done, of: out.total });
      if (out.state === "done") return;
      await new Promise((resolve) => setTimeout(resolve, 0)); // the page's other requests are answered meanwhile
    }
  }
  const score = () => (scoring ??= read().finally(() => (scoring = null)));

  const actions = {
    // The section opened, a set was chosen, or what reads changed: the set's digits are fetched once, then read by
    // what has not read them.
    async open({ set = "mnist" }) {
      fetching[set] ??= fetchSet(set);
      try {
        await fetching[set];
        await score();
      } catch (error) {
        delete fetching[set]; // tried again at the next opening
        report({ state: "error", set, problem: plainWords(error) });
      }
    },
  };
  return { actions };
}
