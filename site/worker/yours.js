// The worker's side of "Train your own" (recognizer.yours, through recognizer.api's "yours.*" calls). When the
// page opens the section, MNIST's digits are fetched part by part (build.json's "digits": test, validation, then
// the training parts), each verified against its sha256 and handed to Python as it arrives, so training can start
// on the first; each is kept for offline use (digits.js). Python trains in slices of SLICE_MS; between two slices
// the worker answers whatever the page asked meanwhile, so drawings are read while a network trains. The network trained (or imported) is stored in this
// browser (storage.js) with its entry, so a reload restores it without any digits, offline too.
// The events the page hears: {event: "digits", received, total, arrived: [kinds], done (every part has arrived
// or failed), problem} while the digits arrive | {event: "grid", images, labels} once the test digits have |
// {event: "training", ...recognizer.yours's status, state: idle|loading|training|paused|done|error, problem} |
// {event: "yours", yours: the button's description or null, problem}.
import { digitParts } from "./digits.js";
import { plainWords } from "./load-python.js";
import { openStorage } from "./storage.js";

const SLICE_MS = 20; // Python trains this long at a time, then the worker answers what the page asked meanwhile
const REPORT_MS = 100; // the page hears how training goes at most this often,
const PICTURES_MS = 400; // and sees the first layer's weights at most this often

// pyodide, call (recognizer.api's, load-python.js), site (the site's URL), post (to the page), loadLearning (the parts of Python only
// learning imports), digits (build.json's listing of the parts).
export function makeTrainer({ pyodide, call, site, post, loadLearning, digits }) {
  let stored = null; // storage.js's store, or null where this browser stores nothing
  let fetching = null; // the promise of every part, once the section has been opened
  let state = "idle";
  let lastReport = 0;
  let lastPictures = 0;
  let looping = false;

  function showYours(out, problem = "") {
    post({ event: "yours", yours: out.yours, problem });
  }

  // --- the digits -------------------------------------------------------------------------------------------

  const { parts, fetchPart, forgetOtherParts } = digitParts({ site, digits });

  // Every part, one after another (the first training part arrives soonest); a part that fails costs only itself.
  async function fetchDigits() {
    await loadLearning();
    forgetOtherParts().catch(() => {});
    const total = parts().reduce((sum, [, part]) => sum + part.bytes, 0);
    let received = 0;
    const arrived = [];
    const problems = [];
    let lastProgress = 0;
    const progress = (force = false, done = false) => {
      if (!force && performance.now() - lastProgress < 100) return;
      lastProgress = performance.now();
      post({ event: "digits", received, total, arrived: [...arrived], done, problem: problems.join(" ") });
    };
    progress(true);
    for (const [kind, part] of parts()) {
      let got = 0;
      try {
        const bytes = await fetchPart(part, (count) => {
          got += count;
          received += count;
          progress();
        });
        pyodide.FS.writeFile("/digits.npz", bytes);
        call("yours.add_part", { kind, path: "/digits.npz" });
        arrived.push(kind);
        if (kind === "test") post({ event: "grid", ...call("yours.grid") });
      } catch (error) {
        received += part.bytes - got; // counted as done: the bar reaches its end
        problems.push(`${plainWords(error)}: training goes on without it.`);
      }
      progress(true);
    }
    progress(true, true);
  }

  // --- training, in slices ------------------------------------------------------------------------------------

  function report(out, problem = "") {
    lastReport = performance.now();
    post({ event: "training", ...out.training, state, problem });
  }

  // Your network's file, written by Python, and its entry.
  function yoursFile() {
    const { entry } = call("yours.export", { path: "/yours.npz" });
    return { data: pyodide.FS.readFile("/yours.npz"), entry };
  }

  // Your network as it is now (its file, its entry, whether it votes), for the next visit.
  async function storeYours(out) {
    if (!stored) return;
    try {
      const { data, entry } = yoursFile();
      await stored.saveYours({ data, entry: JSON.stringify(entry), inVote: out.yours.in_vote });
    } catch (error) {
      console.warn(`Your network was not stored in this browser: ${plainWords(error)}`);
    }
  }

  // One slice, then the next one queued behind whatever the page has asked meanwhile.
  async function slice() {
    if (state !== "training" && state !== "loading") {
      looping = false;
      return;
    }
    const pictures = performance.now() - lastPictures >= PICTURES_MS;
    if (pictures) lastPictures = performance.now();
    let out;
    try {
      out = call("yours.train", { seconds: SLICE_MS / 1000, pictures });
    } catch (error) {
      state = "error";
      looping = false;
      report(call("yours.train", { seconds: 0, pictures: true }), `Training stopped: ${plainWords(error)}.`);
      return;
    }
    state = out.training.state; // loading (no training digits yet), training or done
    if (state === "done") {
      looping = false;
      report(out);
      showYours(out);
      await storeYours(out);
      return;
    }
    if (pictures || performance.now() - lastReport >= REPORT_MS) report(out);
    setTimeout(slice, 0);
  }

  function loop() {
    if (looping) return;
    looping = true;
    setTimeout(slice, 0);
  }

  const actions = {
    // The section opened: the digits start to arrive.
    open() {
      fetching ??= fetchDigits();
      return call("yours.defaults");
    },
    async start({ fields }) {
      actions.open();
      await loadLearning();
      const out = call("yours.start", { fields });
      state = out.training.state;
      lastPictures = 0;
      report(out);
      loop();
    },
    pause() {
      if (state !== "training" && state !== "loading") return;
      state = "paused";
      report(call("yours.train", { seconds: 0, pictures: true }));
    },
    resume() {
      if (state !== "paused") return;
      state = "training";
      loop();
    },
    // At any moment: before the first step (the digits still arriving) nothing changes, yours included.
    stop() {
      if (!["training", "loading", "paused"].includes(state)) return;
      const out = call("yours.stop");
      state = out.training.state; // idle when no step was taken; else its network is measured, in slices
      if (state === "idle") return report(out, "Stopped before the first step: nothing changed.");
      report(out);
      loop();
    },
    async vote({ on }) {
      const out = call("yours.vote", { on });
      showYours(out);
      await storeYours(out);
    },
    async import({ data }) {
      actions.open();
      await fetching; // its accuracy and temperature are measured on the test and validation digits
      pyodide.FS.writeFile("/import.npz", new Uint8Array(data));
      let out = call("yours.import", { path: "/import.npz" }); // verified from its headers, then scored in slices
      while (out.importing) {
        await new Promise((resolve) => setTimeout(resolve, 0)); // the page's other requests are answered meanwhile
        out = call("yours.score", { seconds: SLICE_MS / 1000 });
      }
      showYours(out);
      await storeYours(out);
    },
    export: () => ({ data: yoursFile().data, name: "digit-recognizer-yours.npz" }),
    async forget() {
      if (stored) await stored.forgetYours();
      showYours(call("yours.forget"));
    },
  };

  return {
    actions, // the page's requests, each answered with its result or its one line (worker.js's CALLS)
    // Your network, if this browser stored one: restored before the page hears it is there.
    async restoreStored() {
      try {
        stored = await openStorage(site);
        const saved = await stored.yours();
        if (saved) {
          pyodide.FS.writeFile("/yours.npz", saved.data);
          call("yours.restore", { path: "/yours.npz", entry: JSON.parse(saved.entry) });
          showYours(call("yours.vote", { on: Boolean(saved.inVote) }));
        }
      } catch (error) {
        showYours({ yours: null }, plainWords(error));
      }
    },
  };
}
