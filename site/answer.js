// The answer on screen: the digit, how sure, the pie and the bars, each network's answer, and #result's state.
// #result's data-state (loading | idle | drawing | reading | learning | done | error), what it is about, and the
// status line that says so. data-strokes is the pad's count of strokes, or with "done" the count the answer read.
// With "done": data-digit (the likeliest digit), data-sure, and data-digit-like ("false": it does not look like a
// digit at all; then it is never sure). inside.js keeps data-silenced: how many neurons are silenced, "0" if none.
// Each answer shown is also #result's "answered" event (its detail the answer), and a drawing no longer answered
// its "cleared" event.
import { Inside } from "./inside.js";
import { strokes } from "./pad.js";
import { drawGrey } from "./pictures.js";

const result = document.getElementById("result");
const statusLine = document.getElementById("status");
const pinned = document.getElementById("pinned");
const teachButtons = document.querySelectorAll("[data-teach]");

export function setState(state, data, message) {
  for (const key of ["model", "digit", "probs", "strokes", "sure", "digitLike"]) delete result.dataset[key];
  Object.assign(result.dataset, { strokes: strokes.length }, data);
  result.dataset.state = state;
  statusLine.textContent = message;
  pinned.textContent = message; // its echo beside the box, where the box is pinned on a phone (style.css)
  for (const button of teachButtons) button.disabled = state !== "done"; // "It was" needs an answer
}

export function showError(message) {
  clearAnswer();
  setState("error", {}, message);
}

function clearAnswer() {
  result.classList.remove("answered");
  document.getElementById("digit").textContent = "–";
  document.getElementById("chart").replaceChildren();
  document.getElementById("bars").replaceChildren();
  document.getElementById("seen").getContext("2d").clearRect(0, 0, 28, 28);
  Inside.clear();
  shown = null;
  result.dispatchEvent(new CustomEvent("cleared")); // for the sections about the answer on screen (step.js)
  for (const cell of document.querySelectorAll("#answer-digits [data-answer]")) {
    cell.textContent = "–";
    cell.className = "";
  }
}

export function showIdle(message) {
  clearAnswer();
  setState("idle", {}, message);
}

const showSeen = (values) => drawGrey(document.getElementById("seen"), values);

function showSvg(id, text) {
  const svg = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
  document.getElementById(id).replaceChildren(document.importNode(svg, true));
}

// "4 (52.1%), 9 (30.2%) or 7 (8.0%)": the candidates as Python gives them, with its rounding.
function candidateList(candidates) {
  const named = candidates.map(({ digit, confidence }) => `${digit} (${confidence})`);
  return named.length > 1 ? `${named.slice(0, -1).join(", ")} or ${named[named.length - 1]}` : named.join("");
}

export const nameOf = (model) => ({ vote: "The vote", yours: "Yours" })[model] || model;

function verdict(answer) {
  const who = nameOf(answer.model);
  if (!answer.digit_like) {
    const to = answer.model === "vote" ? "" : ` to ${answer.model}`;
    return `That does not look like a digit${to}. If it is one, press “It was” and its digit.`;
  }
  if (answer.sure) return `${who} reads ${answer.digit}, ${answer.confidence} sure.`;
  return `${who} is not sure: maybe ${candidateList(answer.candidates)}.`;
}

// What the big digit's caption says: "reads" 7, "maybe" 7, or for a drawing that is not digit-like "closest" 7.
const caption = (answer) => (!answer.digit_like ? "closest" : answer.sure ? "reads" : "maybe");

let shown = null; // the answer on screen
export const shownAnswer = () => shown;

export function showAnswer(answer) {
  if (answer.state === "idle") return showIdle("Too little ink to read: draw a whole digit.");
  if (answer.state === "error") return showError(`${answer.model} could not read the drawing: ${answer.message}`);
  document.getElementById("digit").textContent = answer.digit;
  document.getElementById("reads").textContent = caption(answer);
  showSvg("chart", answer.chart_svg);
  showSvg("bars", answer.bars_svg);
  showSeen(answer.input);
  for (const cell of document.querySelectorAll("#answer-digits [data-answer]")) {
    const name = cell.dataset.answer;
    cell.textContent = name in answer.answers ? answer.answers[name] : "–";
    // Each network's own judgement: a digit it does not think is one is shown greyed, and says so when hovered.
    const digitLike = answer.digit_like_of[name];
    cell.dataset.digitLike = String(digitLike !== false);
    cell.title = digitLike === false ? `${nameOf(name)}: this does not look like a digit` : "";
    cell.className = [
      name === answer.model ? "asked" : "",
      name in answer.answers && answer.answers[name] !== answer.answers.vote ? "differs" : "",
      digitLike === false ? "off" : "",
    ]
      .join(" ")
      .trim();
  }
  const shipped = document.getElementById("shipped");
  shipped.hidden = !answer.personal;
  if (answer.personal) {
    const { digit, confidence } = answer.shipped;
    shipped.textContent = `Your personal copies answer. Without your examples: ${digit} (${confidence}).`;
  }
  result.classList.add("answered");
  setState(
    "done",
    {
      model: answer.model,
      digit: answer.digit,
      probs: JSON.stringify(answer.probs),
      strokes: answer.strokes,
      sure: answer.sure,
      digitLike: answer.digit_like,
    },
    verdict(answer),
  );
  Inside.show(answer);
  shown = answer;
  result.dispatchEvent(new CustomEvent("answered", { detail: answer }));
}
