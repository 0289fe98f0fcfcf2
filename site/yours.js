// "Train your own network": the form, the pictures of training as it goes, and the controls of the network trained.
// The numbers are Python's (recognizer/yours.py, run by worker/yours.js); this file only shows them.
// #train-status carries data-state (idle | loading | training | paused | done | error), data-epoch, data-loss,
// data-test-accuracy (after each epoch, 0 to 1), data-images-per-second, data-gflops (training's rate of operations)
// data-products-gflops (the page's own matrix product on the same products alone, timed now and then as it trains)
// and data-matmul-gflops (NumPy's matmul on them, timed beside it).
// app.js calls: Yours.connect({call, showYours}) once (call: its request to the worker, the "yours.*" ones here),
// then hands it the worker's events: Yours.digits, .grid, .training and .yours (each as the worker sent it).
import { MB, remember, remembered } from "./dom.js";

export const Yours = (() => {
  const $ = (id) => document.getElementById(id);
  const toggle = $("train-toggle");
  const section = $("train");
  const status = $("train-status");
  const FIELDS = ["layers", "epochs", "digits", "rate", "l2", "batch", "seed"];
  const REMEMBERED = "digit-recognizer: train section open";
  const RUNNING = "digit-recognizer: a training run is going on"; // said on the next visit if it never ended
  let host = { call: async () => ({}), showYours() {} };
  let opened = false; // the worker was asked for the digits
  let filled = false; // the form has Python's defaults and limits: Start waits for them
  let grid = null; // the test digits of the grid: {images, labels}
  let last = null; // the newest status of training

  const isOpen = () => toggle.getAttribute("aria-expanded") === "true";

  function open(on) {
    toggle.setAttribute("aria-expanded", String(on));
    section.hidden = !on;
    remember(REMEMBERED, on); // without storage the section starts closed next time
    if (on && !opened) {
      opened = true;
      host.call("yours.open").then(fill, failed);
    }
  }
  toggle.addEventListener("click", () => open(!isOpen()));

  // --- the form ---------------------------------------------------------------------------------------

  function fill({ defaults, limits }) {
    for (const name of FIELDS) {
      const input = $(`train-${name}`);
      if (input.value === "") input.value = defaults[name];
      if (limits[name]) [input.min, input.max] = limits[name];
    }
    if (!filled) $("train-distort").checked = defaults.distort;
    filled = true;
    $("train-start").disabled = ["loading", "training", "paused"].includes(status.dataset.state);
  }

  function fields() {
    const form = Object.fromEntries(FIELDS.map((name) => [name, $(`train-${name}`).value]));
    return { ...form, distort: $("train-distort").checked };
  }

  // Yours is replaced only when the person says so: a new run, or an import, asks first when there is one.
  function mayReplace(what) {
    const mine = $("yours").dataset.yours === "kept" ? $("yours-about").dataset.summary : "";
    return !mine || confirm(`${what} replaces your network (${mine}). Replace it? Cancel keeps it as it is.`);
  }

  $("train-start").addEventListener("click", () => {
    if (!mayReplace("A new network, once trained,")) return;
    setState("loading", "Starting…");
    remember(RUNNING, true);
    host.call("yours.start", { fields: fields() }).catch(failed);
  });
  $("train-pause").addEventListener("click", () => {
    host.call(status.dataset.state === "paused" ? "yours.resume" : "yours.pause").catch(failed);
  });
  $("train-stop").addEventListener("click", () => host.call("yours.stop").catch(failed));

  function setState(state, text) {
    status.dataset.state = state;
    status.textContent = text;
    const running = ["loading", "training", "paused"].includes(state);
    $("train-start").disabled = running || !filled;
    $("train-pause").disabled = !running;
    $("train-stop").disabled = !running;
    $("train-pause").textContent = state === "paused" ? "Resume" : "Pause";
    for (const name of FIELDS) $(`train-${name}`).disabled = running;
    $("train-distort").disabled = running;
  }

  // --- what the worker says -----------------------------------------------------------------------------

  function digits({ received, total, arrived, done, problem }) {
    const bar = $("train-data-progress");
    bar.max = total;
    bar.value = received;
    const parts = arrived.filter((kind) => kind.startsWith("train-")).length;
    let text = done ? `MNIST's digits: ${(parts * 10_000).toLocaleString("en")} training digits and the test digits are here` : `Fetching MNIST's digits: ${MB(received)} of ${MB(total)} MB`;
    if (done) text += arrived.includes("test") ? "." : ", without the test digits.";
    else text += parts ? ` (${(parts * 10_000).toLocaleString("en")} training digits so far)…` : "…";
    $("train-data").textContent = problem ? `${text} ${problem}` : text;
    $("train-data").dataset.problem = problem || "";
  }

  function showGrid(data) {
    grid = data;
    drawGrid(null);
  }

  const seconds = (s) => (s >= 90 ? `${Math.round(s / 60)} min` : `${Math.round(s)} s`);

  function training(data) {
    last = data;
    const { state, epoch, epochs, loss, history = [], problem } = data;
    if (!["loading", "training", "paused"].includes(state)) remember(RUNNING, false); // the run has ended
    const latest = history[history.length - 1];
    let text;
    if (state === "idle") text = problem || "Choose, then press Start.";
    else if (state === "loading") text = "Waiting for the first training digits…";
    else if (state === "error") text = problem || "Training stopped.";
    else {
      const speed = `${Math.round(data.images_per_second).toLocaleString("en")} images a second`;
      const left = state === "training" && data.seconds_left != null ? `, about ${seconds(data.seconds_left)} left` : "";
      const scored = latest ? `; after epoch ${latest.epoch}: ${(100 * latest.test_accuracy).toFixed(2)}% of the test digits right` : "";
      const ended = data.stopped ? `Stopped after ${epoch} of ${epochs} epochs` : `Done: ${epoch} of ${epochs} epochs`;
      const doing = data.scoring ? `scoring epoch ${data.scoring} on the test digits` : `epoch ${Math.min(epoch + 1, epochs)} of ${epochs}`;
      let where = state === "done" ? ended : `${state === "paused" ? "Paused" : "Training"}: ${doing}`;
      // Trained: the network kept is measured before it is yours.
      if (data.finishing) where = `${ended}; measuring the network kept: ${Math.round((100 * data.finishing.scored) / data.finishing.of)}%`;
      text = `${where}, loss ${loss == null ? "–" : loss.toFixed(3)}, ${speed}${left}${scored}.`;
      if (state === "done" && data.products_gflops) {
        const share = (data.gflops / data.products_gflops).toFixed(2);
        const matmul = data.matmul_gflops ? `; NumPy's own matmul: ${data.matmul_gflops.toFixed(2)}` : "";
        text += ` It computed ${data.gflops.toFixed(2)} GFLOP/s: ${share} of what its matrix products reach here alone (${data.products_gflops.toFixed(2)}${matmul}).`;
      }
    }
    setState(state, text);
    Object.assign(status.dataset, {
      epoch,
      loss: loss == null ? "" : loss,
      testAccuracy: latest ? latest.test_accuracy : "",
      imagesPerSecond: data.images_per_second || 0,
      gflops: data.gflops || 0,
      productsGflops: data.products_gflops || 0,
      matmulGflops: data.matmul_gflops || 0,
    });
    if (data.curve) drawCurve(data);
    if (data.grid) drawGrid(data.grid);
    if (data.filters) drawFilters(data.filters);
  }

  // --- pictures -----------------------------------------------------------------------------------------

  // The theme's ink, muted ink and error colour (style.css: each at least 4.5:1 on its page, light or dark).
  const colours = () => {
    const style = getComputedStyle(section);
    return { ink: style.color, muted: getComputedStyle(status).color, error: style.getPropertyValue("--error").trim() };
  };

  // The smoothed loss along every step (a line, on a scale from 0 to its largest), and the test accuracy after
  // each epoch (dots, on a scale from 0 to 100%, at the epoch's last step).
  function drawCurve({ curve, stride, steps, history = [] }) {
    const canvas = $("train-curve");
    const c = canvas.getContext("2d");
    const { width, height } = canvas;
    const pad = 24;
    c.clearRect(0, 0, width, height);
    const { ink } = colours();
    c.strokeStyle = c.fillStyle = ink;
    c.font = "11px sans-serif";
    c.strokeRect(pad, 4, width - pad - 4, height - pad - 4);
    const x = (step) => pad + ((width - pad - 4) * step) / Math.max(steps, 1);
    const top = Math.max(...curve, 0.1);
    c.fillText(top.toFixed(1), 2, 14);
    c.fillText("0", 2, height - pad);
    c.fillText("steps", width - 40, height - 6);
    c.beginPath();
    curve.forEach((value, i) => {
      const y = 4 + (height - pad - 8) * (1 - value / top);
      if (i) c.lineTo(x((i + 1) * stride), y);
      else c.moveTo(x(stride), y);
    });
    c.strokeStyle = "#d9730d";
    c.lineWidth = 2;
    c.stroke();
    c.lineWidth = 1;
    c.fillStyle = "#24804b";
    const perEpoch = steps / Math.max(last ? last.epochs : 1, 1);
    for (const { epoch, test_accuracy: accuracy } of history) {
      const y = 4 + (height - pad - 8) * (1 - accuracy);
      c.beginPath();
      c.arc(x(epoch * perEpoch), y, 3.5, 0, 2 * Math.PI);
      c.fill();
      c.fillText(`${(100 * accuracy).toFixed(1)}%`, Math.min(x(epoch * perEpoch) - 14, width - 40), y + 14);
    }
  }

  // The grid's test digits, each with the network's answer under it, red where it is wrong.
  function drawGrid(answers) {
    if (!grid) return;
    const canvas = $("train-grid");
    const c = canvas.getContext("2d");
    const columns = 12;
    const cell = canvas.width / columns;
    c.clearRect(0, 0, canvas.width, canvas.height);
    c.font = "bold 12px sans-serif";
    c.textAlign = "center";
    const { ink, error } = colours();
    grid.images.forEach((pixels, i) => {
      const image = c.createImageData(28, 28);
      pixels.forEach((value, k) => image.data.set([255 - value, 255 - value, 255 - value, 255], 4 * k));
      const left = (i % columns) * cell;
      const top = Math.floor(i / columns) * (cell + 22);
      c.putImageData(image, left + (cell - 28) / 2, top + 2);
      if (!answers) return;
      const wrong = answers[i] !== grid.labels[i];
      c.fillStyle = wrong ? error : ink;
      c.fillText(wrong ? `${answers[i]}✗` : String(answers[i]), left + cell / 2, top + 44);
    });
    canvas.dataset.wrong = answers ? answers.filter((a, i) => a !== grid.labels[i]).length : "";
  }

  // Each neuron's 784 incoming weights as a 28x28 picture: red where a pixel's ink raises its input, blue where it
  // lowers it (values -127..127).
  function drawFilters(filters) {
    const canvas = $("train-filters");
    const c = canvas.getContext("2d");
    const size = 28;
    const gap = 1;
    c.clearRect(0, 0, canvas.width, canvas.height);
    filters.forEach((weights, n) => {
      const image = c.createImageData(size, size);
      weights.forEach((w, k) => {
        const s = Math.min(1, Math.abs(w) / 127);
        const pixel = w >= 0 ? [255, 255 * (1 - s), 255 * (1 - s)] : [255 * (1 - s), 255 * (1 - s), 255];
        image.data.set([...pixel, 255], 4 * k);
      });
      c.putImageData(image, (n % 4) * (size + gap), Math.floor(n / 4) * (size + gap));
    });
  }

  // --- your network -------------------------------------------------------------------------------------

  function note(text) {
    $("yours-note").textContent = text;
  }

  function yours({ yours: model, problem }) {
    const box = $("yours");
    box.dataset.yours = model ? "kept" : "none";
    $("yours-about").textContent = model
      ? `Yours: layers ${model.layers}, ${model.accuracy} of MNIST's 10,000 test digits right. It reads drawings with its own button; tick the box to have it vote too.`
      : "No network of yours yet: train one, or import one.";
    $("yours-about").dataset.summary = model ? `${model.layers}, ${model.accuracy}` : "";
    $("yours-in-vote").disabled = $("yours-export").disabled = $("yours-forget").disabled = !model;
    $("yours-in-vote").checked = Boolean(model && model.in_vote);
    if (problem) note(problem);
    host.showYours(model);
  }

  const didNotWork = (error) => note(`That did not work: ${error.message}.`);
  $("yours-in-vote").addEventListener("change", () => {
    host.call("yours.vote", { on: $("yours-in-vote").checked }).catch(didNotWork);
  });
  $("yours-export").addEventListener("click", () => host.call("yours.export").then(file, didNotWork));
  $("yours-forget").addEventListener("click", () => {
    if (!confirm("Forget your network? It cannot be brought back unless you exported it.")) return;
    host.call("yours.forget").catch(didNotWork);
  });
  const MOST_FILE_BYTES = 20e6; // far more than a network of 4 hidden layers of 400 needs
  $("yours-import").addEventListener("change", async () => {
    const chooser = $("yours-import");
    const [file] = chooser.files;
    chooser.value = ""; // the same file can be chosen again
    if (!file) return;
    if (file.size > MOST_FILE_BYTES) return note(`${file.name} was not imported: it is too big to be a network.`);
    if (!mayReplace(`The network of ${file.name}`)) return;
    note(`Importing ${file.name}: measuring it on the test digits…`);
    host.call("yours.import", { data: await file.arrayBuffer() }).then(
      () => note(`${file.name} is yours now.`),
      (error) => note(`The file was not imported: ${error.message}.`),
    );
  });

  function file({ data, name }) {
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([data], { type: "application/octet-stream" }));
    link.download = name;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
  }

  // A request of training's that failed: its one line, in the status.
  function failed(error) {
    setState(last && last.state !== "idle" ? last.state : "error", `${error.message}.`);
  }

  return {
    connect(worker) {
      host = worker;
      if (remembered(RUNNING)) {
        remember(RUNNING, false);
        note("Your last training run was interrupted before it finished (the page was closed or reloaded): your network is as it was.");
      }
      if (remembered(REMEMBERED)) open(true);
    },
    digits,
    grid: showGrid,
    training,
    yours,
  };
})();
