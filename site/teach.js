// The worker's side of teaching: the person's examples are kept in this browser (keep.js) and learned by
// Python's personal copies of the networks (recognizer.learn), one example per job, so that the page's other
// requests are answered in between; after each, the copies are kept too, so that a reload need not learn again.
// What the page hears: {type: "personal", examples, per_digit, learned, personal (the copies answer),
// learning (examples wait to be learned), storage (why examples are not kept, or ""), problem (or "")}.
"use strict";
/* global openKept, download, plainWords */
/* exported makeTeacher */

// pyodide: the started Python, with recognizer.app loaded (app: that module); site: the site's URL;
// post(message): to the page; enqueue(job): runs job after those queued before it, returns its promise;
// loadLearning(): loads the parts of Python that only learning imports (load-python.js's loadLater).
function makeTeacher({ pyodide, app, site, post, enqueue, loadLearning }) {
  let kept = null; // keep.js's store, or null when this browser keeps nothing
  let storage = ""; // why examples cannot be kept in this browser, or ""
  let rehearsal = null; // the promise of the rehearsal digits, loaded when first needed

  // A *_json function of recognizer.app; its {"error": line} is thrown.
  function call(name, ...args) {
    const out = JSON.parse(app[name](...args));
    if (out && out.error) throw new Error(out.error);
    return out;
  }

  function report(problem = "") {
    const status = call("personal_status_json");
    post({ type: "personal", ...status, learning: status.learned < status.examples, storage, problem });
  }

  function keepingFailed(error) {
    storage = `this browser did not keep them (${plainWords(error)}): export them to a file to keep them`;
  }

  // Learning needs the rehearsal digits (rehearsal.npz, about 0.2 MB) and NumPy's random numbers, which come
  // after the page is ready (about 1.7 MB): fetched once, at the first need.
  function ensureRehearsal() {
    rehearsal ??= (async () => {
      const [response] = await Promise.all([download(fetch, site, "rehearsal.npz", "the rehearsal digits"), loadLearning()]);
      pyodide.FS.writeFile("/rehearsal.npz", new Uint8Array(await response.arrayBuffer()));
      call("load_rehearsal_json", "/rehearsal.npz");
    })();
    rehearsal.catch(() => (rehearsal = null)); // tried again at the next need
    return rehearsal;
  }

  // The copies, once they have learned every example. A failure costs only a re-learning at the next visit.
  async function keepCopies() {
    if (!kept) return;
    try {
      app.save_personal("/personal.npz");
      await kept.keepCopies(pyodide.FS.readFile("/personal.npz"));
    } catch (error) {
      console.warn(`The personal copies were not kept; the next visit learns the examples again: ${plainWords(error)}`);
    }
  }

  // Learns the next example not learned yet; queues the one after, behind any request the page made meanwhile.
  async function learnOne() {
    const before = call("personal_status_json");
    if (before.learned >= before.examples) return before;
    await ensureRehearsal();
    const after = call("learn_next_json");
    if (after.learned < after.examples) learnInTurn();
    else await keepCopies();
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
    do status = call("learn_next_json");
    while (status.learned < status.examples);
    report();
    enqueue(keepCopies); // after the answer that follows
  }

  return {
    // The kept examples and copies, when this browser has them; copies made for other networks are re-learned.
    async start() {
      try {
        kept = await openKept(site);
        const examples = await kept.examples();
        for (const example of examples) {
          try {
            call("keep_json", JSON.stringify([example])); // each alone: one this version refuses stays kept, unused
          } catch (error) {
            console.warn(`A kept example was left out: ${plainWords(error)}`);
          }
        }
        const copies = examples.length ? await kept.copies() : null;
        if (copies) {
          pyodide.FS.writeFile("/personal.npz", copies);
          app.restore_personal("/personal.npz");
        }
      } catch (error) {
        keepingFailed(error);
      }
      report();
      learnInTurn();
    },

    // The drawing was `digit`: kept first (nothing the person made is lost if learning fails), then learned.
    async teach(example) {
      call("keep_json", JSON.stringify([example])); // a drawing that cannot be learned from is refused here
      if (kept) await kept.add([example]).catch(keepingFailed);
      await learnAll();
    },

    async forget() {
      if (kept) await kept.forget();
      call("forget_json");
      report();
    },

    exportExamples: () => app.examples_file_json(),

    // A file's examples that are not kept yet, all checked before any is kept; learned in turn.
    async importExamples(text) {
      const { examples, repeated } = call("new_examples_json", text);
      if (kept) await kept.add(examples).catch(keepingFailed);
      call("keep_json", JSON.stringify(examples));
      report();
      learnInTurn();
      return { added: examples.length, repeated };
    },
  };
}
