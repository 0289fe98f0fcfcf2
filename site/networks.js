// The networks' buttons, made from models.json (each with its layers, accuracy and colour, and Vote), their colour
// key, what each network is, and the table of each network's answer. The chosen network is the one that reads.
import { element } from "./dom.js";
import { Inside } from "./inside.js";

const networks = document.querySelector(".networks"); // a button per network, and Vote

let chosen = "vote"; // the network that reads the drawing
export const chosenNetwork = () => chosen;

// The networks that read (from their buttons), as a select's options; the chosen one, or `fallback`, selected.
export function networkOptions(select, withVote) {
  const names = [...document.querySelectorAll(".networks button[data-model]:not(:disabled)")].map(
    (b) => b.dataset.model,
  );
  const wanted = [...names, ...(withVote ? ["vote"] : [])];
  if ([...select.options].map((o) => o.value).join() !== wanted.join()) {
    const kept = select.value;
    select.replaceChildren(
      ...wanted.map((name) => element("option", { value: name }, name === "vote" ? "the vote" : name)),
    );
    if (wanted.includes(kept)) select.value = kept;
  }
  return wanted;
}

export function choose(model) {
  chosen = model;
  for (const button of networks.querySelectorAll("button")) {
    button.setAttribute("aria-pressed", String((button.dataset.model || "vote") === chosen));
  }
}

// "784-150-200-100-10" may wrap after a hyphen, never inside a number: no line may break between a hyphen and a
// digit, so each hyphen is followed by a <wbr>.
function layersLabel(layers) {
  const label = element("span");
  layers.split("-").forEach((number, i) => label.append(...(i ? ["-", document.createElement("wbr")] : []), number));
  return label;
}

function networkButton(model) {
  const button = element("button", { class: model.colour });
  button.type = "button";
  button.dataset.model = model.name;
  button.append(element("b", {}, model.label || model.name), layersLabel(model.layers));
  button.append(element("span", {}, model.ok ? model.accuracy : "disabled"));
  button.title = model.ok
    ? `${model.name}: ${model.layers}, trained on ${model.trained_on}`
    : `${model.name} is disabled: ${model.reason}`;
  button.disabled = !model.ok;
  return button;
}

// A network's button before Vote, and its column in the table of answers (before the vote's).
function addNetwork(model) {
  networks.insertBefore(networkButton(model), document.getElementById("vote"));
  const name = element("th", {}, model.label || model.name);
  name.scope = "col";
  document.querySelector("#answer-names th:last-child").before(name);
  name.dataset.network = model.name;
  const answer = element("td", {}, "–");
  answer.dataset.answer = model.name;
  document.querySelector("#answer-digits td:last-child").before(answer);
}

// What the page made for your network: its button, and its column in the table of answers and in the inside view.
const YOURS_MADE = '.networks [data-model="yours"], [data-network="yours"], #answer-digits [data-answer="yours"]';

// Your network (yours.js): its button and column come, change or go; the drawing is read again (app.js), since the
// vote may have changed too.
export function showYours(model) {
  for (const made of document.querySelectorAll(YOURS_MADE)) {
    made.remove();
  }
  if (model) addNetwork(model);
  if (!model && chosen === "yours") choose("vote");
  else choose(chosen);
}

// What showNetworks made, removed: a load tried again makes them anew.
function forgetNetworks() {
  for (const made of document.querySelectorAll(".networks button[data-model], #answer-names th:not(:last-child)")) {
    made.remove();
  }
  for (const cell of document.querySelectorAll("#answer-digits [data-answer]:not(:last-child)")) cell.remove();
  for (const id of ["labels", "problems", "key"]) document.getElementById(id).replaceChildren();
}

// The buttons, a column each in the table of answers, the key to the colours, and what each network is.
export function showNetworks(models, key) {
  forgetNetworks();
  const vote = document.getElementById("vote");
  for (const model of models) {
    addNetwork(model);
    const about = `layers ${model.layers}, ${model.accuracy} on MNIST's test set; trained on ${model.details}`;
    document.getElementById("labels").append(element("li", {}, `${model.name}: ${about}.`));
    if (!model.ok) {
      document.getElementById("problems").append(element("li", {}, `${model.name} is disabled: ${model.reason}`));
    }
  }
  const legend = document.getElementById("key");
  for (const group of key) {
    legend.append(element("span", { class: `swatch ${group.colour}` }), `${group.names.join(", ")}: ${group.trained_on}. `);
  }
  legend.append("Each button shows the network's layers and its accuracy on MNIST's test set.");
  vote.disabled = !models.some((model) => model.ok);
  choose(chosen);
  Inside.markAltered();
}
