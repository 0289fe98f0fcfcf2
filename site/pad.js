// The pad: drawing with mouse, finger or pen, Undo, Clear, the keyboard, and "Try an example". The strokes are
// kept in the pad's own 280x280 units, whatever its size on screen; app.js hears each change (onChange), and the
// pad's "drawn" event says so first to any section that follows the drawing. A test digit opened from "Where it
// goes wrong" is the one "stroke" {image: its 784 grey levels}, read as it is; drawing on it starts anew.
import { element } from "./dom.js";

const SIZE = 280; // the pad's units
const PEN = 16; // shown pen width; Python redraws the strokes with a pen sized to the digit anyway

const pad = document.getElementById("pad");
const ink = pad.getContext("2d");

export const strokes = []; // each stroke: a list of [x, y] points, y down
let stroke = null; // the stroke being drawn
let strokePointer = null; // the pointer drawing it (a second finger is ignored)

// --- drawing -------------------------------------------------------------------------------------

function redraw() {
  ink.setTransform(1, 0, 0, 1, 0, 0);
  ink.clearRect(0, 0, pad.width, pad.height);
  ink.setTransform(pad.width / SIZE, 0, 0, pad.height / SIZE, 0, 0);
  ink.lineWidth = PEN;
  ink.lineCap = ink.lineJoin = "round";
  ink.strokeStyle = getComputedStyle(pad).color; // the theme's ink (style.css), dark or light
  for (const points of strokes) {
    if (points.image) {
      drawImage(points.image);
      continue;
    }
    ink.beginPath();
    ink.moveTo(...points[0]);
    if (points.length === 1) ink.lineTo(points[0][0] + 0.01, points[0][1]); // a dot
    // Curves through the midpoints of the samples: smooth strokes from jagged pointer events.
    for (let i = 1; i < points.length - 1; i++) {
      const middle = [(points[i][0] + points[i + 1][0]) / 2, (points[i][1] + points[i + 1][1]) / 2];
      ink.quadraticCurveTo(...points[i], ...middle);
    }
    if (points.length > 1) ink.lineTo(...points[points.length - 1]);
    ink.stroke();
  }
}

// A test digit's 28x28 grey levels, filling the box in the theme's ink.
function drawImage(levels) {
  const small = document.createElement("canvas");
  small.width = small.height = 28;
  const context = small.getContext("2d");
  const image = context.createImageData(28, 28);
  const [r, g, b] = (ink.strokeStyle.match(/[0-9a-f]{2}/gi) || ["22", "22", "22"]).map((h) => parseInt(h, 16));
  levels.forEach((level, i) => image.data.set([r, g, b, level], 4 * i));
  context.putImageData(image, 0, 0);
  ink.imageSmoothingEnabled = false; // its pixels, as the networks see them
  ink.drawImage(small, 0, 0, SIZE, SIZE);
}

let redrawQueued = false;
function redrawSoon() {
  if (redrawQueued) return;
  redrawQueued = true;
  requestAnimationFrame(() => {
    redrawQueued = false;
    redraw();
  });
}

// Crisp ink on high-density screens: the canvas has as many pixels as the screen shows.
function fitPadToScreen() {
  const pixels = Math.round((pad.clientWidth || SIZE) * (window.devicePixelRatio || 1));
  if (pixels > 0 && pad.width !== pixels) pad.width = pad.height = pixels;
  redraw();
}
new ResizeObserver(fitPadToScreen).observe(pad);
matchMedia("(prefers-color-scheme: dark)").addEventListener("change", redraw); // the ink follows the theme

function pointOf(event) {
  const box = pad.getBoundingClientRect();
  const x = ((event.clientX - box.left) * SIZE) / box.width;
  const y = ((event.clientY - box.top) * SIZE) / box.height;
  return [Math.round(x * 10) / 10, Math.round(y * 10) / 10];
}

pad.addEventListener("pointerdown", (event) => {
  if (stroke || (event.pointerType === "mouse" && event.button !== 0)) return;
  event.preventDefault();
  pad.setPointerCapture(event.pointerId);
  if (strokes[0]?.image) strokes.length = 0; // drawing on an opened test digit starts a drawing of one's own
  strokePointer = event.pointerId;
  stroke = [pointOf(event)];
  strokes.push(stroke);
  drawingChanged();
});

pad.addEventListener("pointermove", (event) => {
  if (!stroke || event.pointerId !== strokePointer) return;
  const samples = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
  for (const sample of samples.length ? samples : [event]) stroke.push(pointOf(sample));
  redrawSoon();
});

function endStroke(event) {
  if (event.pointerId !== strokePointer) return;
  stroke = strokePointer = null;
  drawingChanged();
}
for (const type of ["pointerup", "pointercancel", "lostpointercapture"]) pad.addEventListener(type, endStroke);
pad.addEventListener("contextmenu", (event) => event.preventDefault()); // a long press is drawing too

// Whatever changed the drawing, the page hears it (app.js: the answer on screen was for another drawing).
let changed = () => {};
export const onChange = (listener) => (changed = listener);
export const isDrawing = () => stroke !== null; // a stroke is being drawn

function drawingChanged() {
  redraw();
  pad.dispatchEvent(new CustomEvent("drawn"));
  changed();
}

function undo() {
  if (stroke) return; // not in the middle of a stroke
  strokes.pop();
  drawingChanged();
}

function clearDrawing() {
  strokes.length = 0;
  stroke = strokePointer = null;
  drawingChanged();
}

// An example drawing replaces the box's, as if drawn there.
export function drawExample(example) {
  strokes.length = 0;
  strokes.push(...example.strokes);
  stroke = strokePointer = null;
  drawingChanged();
}

// A test digit's image replaces the box's drawing (its 784 grey levels, 0-255, as MNIST frames it).
export function openImage(levels) {
  drawExample({ strokes: [{ image: levels }] });
}

// Strokes in other units (a pen digit's, as its tablet recorded them) replace the box's drawing, scaled to 60% of
// the box's height (narrower than 94% of its width) and centred, each point to a tenth of a unit as drawn ones are.
export function drawFitted(drawing) {
  const points = drawing.flat();
  const low = [0, 1].map((k) => Math.min(...points.map((p) => p[k])));
  const high = [0, 1].map((k) => Math.max(...points.map((p) => p[k])));
  const [width, height] = [0, 1].map((k) => Math.max(high[k] - low[k], 1));
  const scale = Math.min((0.6 * SIZE) / Math.max(height, 0.8 * width), (0.94 * SIZE) / width);
  const place = (p, k) => Math.round(10 * (SIZE / 2 + (p[k] - (low[k] + high[k]) / 2) * scale)) / 10;
  drawExample({ strokes: drawing.map((stroke) => stroke.map((p) => [place(p, 0), place(p, 1)])) });
}

document.getElementById("undo").addEventListener("click", undo);
document.getElementById("clear").addEventListener("click", clearDrawing);
document.addEventListener("keydown", (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "z") {
    event.preventDefault();
    undo();
  } else if (event.key === "Escape") {
    clearDrawing();
  }
});

// --- examples: drawings anyone can try, with or without a pointer ------------------------------------

// site/examples.json (python -m evaluation examples): held-out writers' digits as strokes in the box's units.
let examples = null;
let nextExample = 0;

async function tryAnExample() {
  try {
    examples ??= fetch("examples.json").then((response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.json();
    });
    const { examples: drawings } = await examples;
    drawExample(drawings[nextExample++ % drawings.length]);
  } catch (error) {
    examples = null; // the next press tries again
    document.getElementById("problems").append(element("li", {}, `The examples could not be loaded: ${error.message}`));
  }
}
document.getElementById("example").addEventListener("click", tryAnExample);
