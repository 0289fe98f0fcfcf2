// The worker's side of teaching: the person's examples are stored in this browser (storage.js) and learned by
// Python's personal copies of the networks (recognizer.learn), one example per job, so that the page's other
// requests are answered in between; after each, the copies are stored too, so that a reload need not learn again.
// What the page hears: the event {event: "examples", examples, per_digit, learned, personal (the copies answer),
// learning (examples wait to be learned), storage (why examples are not stored, or ""), problem (or "")}.
import { download, plainWords } from "./load-python.js";
import { openStorage } from "./storage.js";

// pyodide: the started Python; call(name, args): recognizer.api's (load-python.js); site: the site's URL;
// post(message): to the page; enqueue(job): runs job after those queued before it, returns its promise;
// loadLearning(): loads the parts of Python that only learning imports (load-python.js's loadLater).
export function makeTeacher({ pyodide, call, site, post, enqueue, loadLearning }) {
  let stored = null; // storage.js's store, or null when this browser stores nothing
  let storage = ""; // why examples cannot be stored in this browser, or ""
  let rehearsal = null; // the promise of the rehearsal digits, loaded when first needed

  function report(problem = "") {
    const status = call("teach.status");
    post({ event: "examples", ...status, learning: status.learned < status.examples, storage, problem });
  }

  function storingFailed(error) {
    storage = `this browser did not store them (${plainWords(error)}): export them to a file to keep them`;
  }

  // Learning needs the rehearsal digits (rehearsal.npz, about 0.2 MB) and NumPy's random numbers, which come
  // after the page is ready (about 1.7 MB): fetched once, at the first need.
  function ensureRehearsal() {
    rehearsal ??= (async () => {
      const [response] = await Promise.all([download(fetch, site, "rehearsal.npz", "the rehearsal digits"), loadLearning()]);
      pyodide.FS.writeFile("/rehearsal.npz", new Uint8Array(await response.arrayBuffer()));
      call("teach.load_rehearsal", { path: "/rehearsal.npz" });
    })();
    rehearsal.catch(() => (rehearsal = null)); // tried again at the next need
    return rehearsal;
  }

  // The copies, once they have learned every example. A failure costs only a re-learning at the next visit.
  async function storeCopies() {
    if (!stored) return;
    try {
      call("teach.save", { path: "/personal.npz" });
      await stored.saveCopies(pyodide.FS.readFile("/personal.npz"));
    } catch (error) {
      console.warn(`The personal copies were not stored; the next visit learns the examples again: ${plainWords(error)}`);
    }
  }

  // Learns the next example not learned yet; queues the one after, behind any request the page made meanwhile.
  async function learnOne() {
    const before = call("teach.status");
    if (before.learned >= before.examples) return before;
    await ensureRehearsal();
    const after = call("teach.learn_next");
    if (after.learned < after.examples) learnInTurn();
    else await storeCopies();
    report();
    return after;
  }

  function learnInTurn() {
    enqueue(learnOne).catch((error) => report(`Your examples could not be learned: ${plainWords(error)}.`));
  }

  // Every example learned now, in this job: the answer that follows a correction is the personal copies'.
  async function learnAll() {
    report();
    await ensureRehearsal();
    let status;
    do status = call("teach.learn_next");
    while (status.learned < status.examples);
    report();
    enqueue(storeCopies); // after the answer that follows
  }

  return {
    // The stored examples and copies, when this browser has them; copies made for other networks are re-learned.
    async start() {
      try {
        stored = await openStorage(site);
        const examples = await stored.examples();
        for (const example of examples) {
          try {
            call("teach.add", { examples: [example] }); // each alone: one this version refuses stays stored, unused
          } catch (error) {
            console.warn(`A stored example was left out: ${plainWords(error)}`);
          }
        }
        const copies = examples.length ? await stored.copies() : null;
        if (copies) {
          pyodide.FS.writeFile("/personal.npz", copies);
          call("teach.restore", { path: "/personal.npz" });
        }
      } catch (error) {
        storingFailed(error);
      }
      report();
      learnInTurn();
    },

    // The drawing was `digit`: stored first (nothing the person made is lost if learning fails), then learned.
    async teach(example) {
      call("teach.add", { examples: [example] }); // a drawing that cannot be learned from is refused here
      if (stored) await stored.add([example]).catch(storingFailed);
      await learnAll();
    },

    async forget() {
      if (stored) await stored.forget();
      call("teach.forget");
      report();
    },

    exportExamples: () => call("teach.examples_file"),

    // A file's examples that are not added yet, all verified before any is added; learned in turn.
    async importExamples(text) {
      const { examples, repeated } = call("teach.new_examples", { text });
      if (stored) await stored.add(examples).catch(storingFailed);
      call("teach.add", { examples });
      report();
      learnInTurn();
      return { added: examples.length, repeated };
    },
  };
}
