// What the page says about Python's loading and the site's offline copy: the steps and bytes received as Python
// loads, and once ready, whether the service worker kept the site for offline use and how much this browser keeps.
import { MB, element } from "./dom.js";

const statusLine = document.getElementById("status");
let markedStep = 0;

export const startAgain = () => (markedStep = 0); // a new worker loads from step 1

// The worker names its loading steps and counts the bytes received of build.json's total. The status line (read
// aloud) changes with each step and says the total; the bar and the figure beside it follow every chunk. Each
// step's start is marked for the page-speed benchmark, which reads the marks.
export function showProgress({ step, steps, received, total }) {
  const bar = document.getElementById("progress");
  bar.max = total;
  bar.value = received;
  const figures = `${MB(received)} of ${MB(total)} MB`;
  bar.setAttribute("aria-valuetext", figures);
  document.getElementById("received").textContent = figures;
  if (step === markedStep) return;
  markedStep = step;
  performance.mark(`loading step ${step}: ${steps[step - 1]}`);
  const list = document.getElementById("steps");
  if (list.children.length !== steps.length) list.replaceChildren(...steps.map((name) => element("li", {}, name)));
  statusLine.textContent = `Loading Python, ${MB(total)} MB: step ${step} of ${steps.length}, ${steps[step - 1]}…`;
  [...list.children].forEach((item, i) => (item.className = i + 1 < step ? "done" : i + 1 === step ? "current" : ""));
}

// --- offline: the service worker keeps the site; the page says whether it did, and how much it keeps ------------

let offlineAsked = false;
let startsAfresh = ""; // the storage line's last words where this browser cannot restore Python's snapshot
let offlineSaid = null; // what the service worker last said, shown again once Python's snapshot is saved

// Python is ready ("fresh", or "snapshot": from one an earlier visit saved; snapshotRefused: why this browser
// cannot restore one, or null).
export function pythonStarted({ python, snapshotRefused }) {
  performance.mark("python ready");
  document.body.dataset.pythonStart = python;
  if (!snapshotRefused) return;
  document.body.dataset.pythonSnapshot = "refused"; // so none is saved: the storage line says why
  startsAfresh = ` Python starts afresh on each visit: this browser cannot restore a snapshot of it (${snapshotRefused}).`;
}

// Python's snapshot is saved for the next visit: the storage line counts it.
export function snapshotSaved() {
  document.body.dataset.pythonSnapshot = "saved";
  if (offlineSaid) showOffline(offlineSaid);
}

// Asked only once Python is ready, so that keeping the site for offline use does not compete with the first load.
export function keepForOffline() {
  if (!("serviceWorker" in navigator) || offlineAsked) return;
  offlineAsked = true;
  navigator.serviceWorker.addEventListener("message", ({ data }) => data && data.type === "offline" && showOffline(data));
  navigator.serviceWorker
    .register("sw.js")
    .then(async () => (await navigator.serviceWorker.ready).active.postMessage({ type: "offline?" }))
    .catch((error) => showOffline({ kept: false, reason: String(error.message || error) }));
}

// {kept, missing: files it could do without but could not keep, reason: why it kept nothing}
async function showOffline(said) {
  offlineSaid = said;
  const { kept, missing = [], reason = "" } = said;
  const line = document.getElementById("offline");
  line.dataset.offline = !kept ? "failed" : missing.length ? "partial" : "ready";
  if (!kept) {
    const online = "the page works while this device is online";
    line.textContent = `Not kept for offline use (${reason}): ${online}.${startsAfresh}`;
    return;
  }
  const except = missing.length ? `, except ${missing.join(", ")}, which could not be kept` : "";
  let size = "";
  try {
    const { usage } = await navigator.storage.estimate();
    size = ` It keeps ${MB(usage)} MB in this browser.`;
  } catch {
    // no estimate in this browser: the line says the rest
  }
  line.textContent = `Ready offline: this page works without a network${except}.${size}${startsAfresh}`;
}
