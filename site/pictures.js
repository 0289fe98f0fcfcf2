// The pictures the page draws on canvases, a pixel per value: signed values in red and blue, activations, grey
// levels, and bars for the ten digits; each in the theme's colours (readColours).
// Red where a value is positive, blue where negative, stronger with its size (values -1..1), over the page's
// colour, or over `base` (a grey level 0-255 per pixel: the input, faintly in the theme's ink).
const RED = [214, 39, 40];
const BLUE = [31, 119, 180];
export function drawDiverging(canvas, values, base = null) {
  const context = canvas.getContext("2d");
  const image = context.createImageData(canvas.width, canvas.height);
  const { page, inkRgb } = colours;
  values.forEach((value, i) => {
    const under = base ? page.map((c, k) => c + ((inkRgb[k] - c) * 0.45 * base[i]) / 255) : page;
    const colour = value >= 0 ? RED : BLUE;
    const strength = Math.min(1, Math.abs(value)) ** 0.7;
    const pixel = colour.map((c, k) => under[k] + (c - under[k]) * strength);
    image.data.set([...pixel, 255], 4 * i);
  });
  context.putImageData(image, 0, 0);
}

// A layer's activations, a pixel each, from the page's colour (0) to the neuron colour (the layer's largest);
// the square root makes weak activity visible too.
export function drawActivations(canvas, activations) {
  const context = canvas.getContext("2d");
  const image = context.createImageData(canvas.width, canvas.height);
  const most = Math.max(...activations) || 1;
  const { page, neuron } = colours;
  activations.forEach((a, j) => {
    const v = Math.sqrt(Math.max(a, 0) / most);
    image.data.set([...page.map((c, k) => c + (neuron[k] - c) * v), 255], 4 * j);
  });
  context.putImageData(image, 0, 0);
}

export function drawGrey(canvas, values) {
  const context = canvas.getContext("2d");
  const image = context.createImageData(canvas.width, canvas.height);
  values.forEach((value, i) => image.data.set([255 * value, 255 * value, 255 * value, 255], 4 * i));
  context.putImageData(image, 0, 0);
}

// The theme's ink and blue (of `view`, an element in the theme), read once for each reading's pictures (reading a
// style makes the browser work it out).
let colours = { ink: "#222", inkRgb: [34, 34, 34], blue: "#2565a8", page: [255, 255, 255], neuron: [37, 101, 168] };
export function readColours(view) {
  const style = getComputedStyle(view);
  const rgb = (text, otherwise) => {
    const values = (text.match(/[0-9.]+/g) || []).slice(0, 3).map(Number);
    return values.length === 3 ? values : otherwise;
  };
  colours = {
    ink: style.color,
    inkRgb: rgb(style.color, colours.inkRgb),
    blue: style.getPropertyValue("--blue").trim() || colours.blue,
    page: rgb(getComputedStyle(document.body).backgroundColor, colours.page),
    neuron: rgb(style.getPropertyValue("--neuron"), colours.neuron),
  };
}

// Ten bars for the digits 0-9 (signed values around a zero line), the answer's bar in the page's blue.
export function drawBars(canvas, values, digit) {
  const context = canvas.getContext("2d");
  const { width, height } = canvas;
  const { ink, blue } = colours;
  context.clearRect(0, 0, width, height);
  const top = Math.max(0, ...values);
  const bottom = Math.min(0, ...values);
  const span = top - bottom || 1;
  const plot = height - 14; // room for the digits below
  const zero = (top / span) * plot;
  const slot = width / values.length;
  context.font = "11px system-ui, sans-serif";
  context.textAlign = "center";
  values.forEach((value, d) => {
    const length = (Math.abs(value) / span) * plot;
    context.fillStyle = d === digit ? blue : ink;
    context.globalAlpha = d === digit ? 1 : 0.45;
    context.fillRect(d * slot + 2, value >= 0 ? zero - length : zero, slot - 4, Math.max(length, 1));
    context.globalAlpha = 1;
    context.fillStyle = ink;
    context.fillText(String(d), d * slot + slot / 2, height - 2);
  });
  context.fillRect(0, zero, width, 1);
}
