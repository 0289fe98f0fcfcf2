// The peer benchmark's page (python -m evaluation peers): the network "Train your own" trains, trained here with
// TensorFlow.js on the same digits, so the two can be timed in the same browser. TensorFlow.js is the global `tf`
// of the UMD bundles peers.html loads before this module.

const PIXELS = 784;
const CLASSES = 10;

async function bytes(name) {
  const response = await fetch(`digits/${name}`);
  if (!response.ok) throw new Error(`digits/${name}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

// One kind of the digits peers.py wrote ("train" or "test"): inputs (n, 784) in [0, 1] as ours are (uint8 / 255),
// their labels one-hot, and the labels as they are.
async function digits(kind) {
  const [images, labels] = await Promise.all([bytes(`${kind}-images.u8`), bytes(`${kind}-labels.u8`)]);
  const x = tf.tensor2d(Float32Array.from(images, (v) => v / 255), [labels.length, PIXELS]);
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(labels), "int32"), CLASSES), "float32"));
  return { x, y, labels };
}

// 784 -> hidden (ReLU) -> 10 softmax, He-normal weights and zero biases as ours; our L2 adds (l2 / 2) sum(w²) to
// the cost, which is TensorFlow.js's l2 regularizer with half the factor. Momentum SGD on the cross-entropy.
function network({ hidden, rate, momentum, l2 }) {
  const model = tf.sequential();
  [...hidden, CLASSES].forEach((units, i) =>
    model.add(
      tf.layers.dense({
        units,
        activation: i < hidden.length ? "relu" : "softmax",
        kernelInitializer: "heNormal",
        kernelRegularizer: tf.regularizers.l2({ l2: l2 / 2 }),
        ...(i === 0 ? { inputShape: [PIXELS] } : {}),
      }),
    ),
  );
  model.compile({ optimizer: tf.train.momentum(rate, momentum), loss: "categoricalCrossentropy" });
  return model;
}

// The share of the digits the model answers right.
function accuracy(model, { x, labels }) {
  const answers = tf.tidy(() => tf.argMax(model.predict(x, { batchSize: 1000 }), -1).dataSync());
  return answers.reduce((right, answer, i) => right + (answer === labels[i]), 0) / labels.length;
}

// The backend in use, with the WebAssembly backend's binaries served from tfjs/ beside this page.
async function useBackend(backend) {
  if (backend === "wasm") tf.wasm.setWasmPaths(new URL("tfjs/", location.href).href);
  if (!(await tf.setBackend(backend))) throw new Error(`TensorFlow.js could not start its ${backend} backend`);
  await tf.ready();
  if (backend !== "wasm") return { simd: null, threads: null };
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
  const threads = await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT");
  return { simd, threads };
}

// Train for `epochs` on the training digits, timing model.fit alone (the backend ready, the tensors built), then
// score the test digits.
async function trainPeer({ backend, epochs = 4, batch = 128, rate = 0.1, momentum = 0.9, l2 = 2e-5, hidden = [100, 10] }) {
  const flags = await useBackend(backend);
  const train = await digits("train");
  const test = await digits("test");
  const model = network({ hidden, rate, momentum, l2 });
  const began = performance.now();
  await model.fit(train.x, train.y, { batchSize: batch, epochs, shuffle: true, yieldEvery: "never", verbose: 0 });
  const seconds = (performance.now() - began) / 1000;
  const testAccuracy = accuracy(model, test);
  for (const tensor of [train.x, train.y, test.x, test.y]) tensor.dispose();
  model.optimizer.dispose(); // given as an object, not a name: the model does not own it
  model.dispose();
  return {
    backend: tf.getBackend(),
    imagesPerSecond: (epochs * train.labels.length) / seconds,
    seconds,
    testAccuracy,
    ...flags,
  };
}

window.trainPeer = trainPeer;
