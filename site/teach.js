// Teaching, the page's side: "It was: D" after an answer, "Your hand" (how many examples, per digit), and
// Forget, Export and Import of the examples. The worker stores each drawing taught as an example and learns it
// (worker/teach.js, recognizer/teach.py); the answer that comes back is the personal copies'.
import { setState, showAnswer } from "./answer.js";
import { element, plural } from "./dom.js";
import { strokes } from "./pad.js";

const teachButtons = document.querySelectorAll("[data-teach]");
const personal = document.getElementById("personal");
const result = document.getElementById("result");
let askedToPersist = false;
// app.js's: its request to the worker, a reading's args, forgetting the readings asked for, reading anew, and
// whether a reading is still the newest.
let host = { call: async () => ({}), readingArgs: () => ({}), forgetRequests() {}, read() {}, isNewest: () => false };
export const connect = (given) => (host = given);

function note(text) {
  document.getElementById("personal-note").textContent = text;
}

// The drawing on screen was `digit`: the answer that comes back is the personal copies', for the same drawing.
function teach(digit) {
  if (result.dataset.state !== "done") return;
  host.forgetRequests(); // any answer still coming is for the drawing before the lesson
  const args = { ...host.readingArgs(), digit };
  setState("learning", { model: args.model }, `Learning that this is a ${digit}… (you can draw meanwhile)`);
  note("");
  host.call("teach", args).then(
    (reply) => taught(args.reading, reply),
    (error) => taught(args.reading, { error: `Not learned: ${error.message}.` }),
  );
}
for (const button of teachButtons) button.addEventListener("click", () => teach(Number(button.dataset.teach)));

// The personal copies' answer to the drawing taught; if the worker could not even answer, the drawing is read again.
function taught(reading, { answer, error }) {
  if (error) note(error);
  if (!host.isNewest(reading)) return;
  if (answer) showAnswer(answer);
  else host.read();
}

// What the worker says about the examples: how many (per digit), and whether the personal copies answer yet.
export function showPersonal({ examples, per_digit: perDigit, learned, personal: answering, learning, storage, problem }) {
  const wasAnswering = personal.dataset.answering === "true";
  Object.assign(personal.dataset, { examples, learning, answering });
  let text;
  if (!examples) text = "Not taught yet. When a reading is wrong, press “It was” and the digit you drew.";
  else if (learning || learned < examples) text = `Learning your examples: ${learned} of ${examples}…`;
  else text = `Taught by ${plural(examples, "example")} of your hand: your personal copies of the networks answer.`;
  if (storage) text += ` Your examples are not kept: ${storage}.`;
  document.getElementById("personal-status").textContent = text;
  if (problem) note(problem);
  const table = personal.querySelector(".per-digit");
  table.hidden = !examples;
  const names = document.getElementById("per-digit-names");
  const counts = document.getElementById("per-digit-counts");
  names.replaceChildren(names.firstElementChild, ...perDigit.map((_, digit) => element("th", {}, String(digit))));
  counts.replaceChildren(
    counts.firstElementChild,
    ...perDigit.map((count) => element("td", count ? {} : { class: "none" }, String(count))),
  );
  document.getElementById("forget").disabled = document.getElementById("export").disabled = !examples;
  // Ask the browser, once, not to clear the examples when it runs short of space (it may grant this silently).
  if (examples && !askedToPersist && navigator.storage && navigator.storage.persist) {
    askedToPersist = true;
    navigator.storage.persist().catch(() => {});
  }
  // The copies that answer changed (learned, or forgotten): the answer on screen is read again by them.
  if (answering !== wasAnswering && result.dataset.state === "done" && strokes.length) host.read();
}

function forgetExamples() {
  const count = Number(personal.dataset.examples);
  if (!count) return;
  const sure = confirm(`Forget all ${count} of your examples? The networks go back to how they were shipped.`);
  if (!sure) return;
  host.call("examples.forget").then(
    () => note("Your examples are forgotten."),
    (error) => note(`Your examples could not be forgotten: ${error.message}.`),
  );
}
document.getElementById("forget").addEventListener("click", forgetExamples);

// Export: the examples as a file of JSON (strokes and digits), which another browser can import.
document.getElementById("export").addEventListener("click", () => {
  host.call("examples.export").then(exported, (error) => note(`The examples could not be exported: ${error.message}.`));
});

function exported({ text }) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  link.download = "digit-recognizer-examples.json";
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}

const MOST_FILE_BYTES = 50e6; // far more than 10,000 examples need: a bigger file is not ours
const chooser = document.getElementById("import-file");
document.getElementById("import").addEventListener("click", () => chooser.click());
chooser.addEventListener("change", async () => {
  const [file] = chooser.files;
  chooser.value = ""; // the same file can be chosen again
  if (!file) return;
  if (file.size > MOST_FILE_BYTES) return note(`${file.name} was not imported: it is too big to be a file of examples.`);
  host.call("examples.import", { text: await file.text() }).then(imported, (error) => {
    note(`The file was not imported: ${error.message}.`);
  });
});

function imported({ added, repeated }) {
  const again = repeated ? ` (${repeated} already kept)` : "";
  note(`Imported ${plural(added, "example")}${again}.`);
}
