// Pyodide's WebAssembly is shipped as Zstandard (build.py): pyodide.asm.wasm.zst is 2.3 MB where the plain file is
// 8.6 MB (gzip made 2.8). fetchUnpackingWasm wraps fetch so that Pyodide's request for pyodide.asm.wasm is answered
// with the unpacked bytes of pyodide.asm.wasm.zst, decoded once they have arrived by zstd's own decoder built to
// WebAssembly (pyodide/zstddec.wasm, 54 KB, fetched beside it; 0.05 s for the 8.6 MB); every other request passes
// through. Used by worker.js and by the build's proof under Node (builder/prove-dist.mjs).

// zstd's decoder from its WebAssembly (a Response): a function from Zstandard's bytes to the plain ones, which
// throws on bytes that are not one frame with its size.
async function zstdDecoder(response) {
  const imports = { env: { emscripten_notify_memory_growth: () => {} } };
  const { instance } = await WebAssembly.instantiate(await response.arrayBuffer(), imports);
  const { memory, malloc, free, ZSTD_findDecompressedSize, ZSTD_decompress, ZSTD_isError } = instance.exports;
  return (packed) => {
    const from = malloc(packed.length);
    let to = 0; // freeing 0 does nothing
    try {
      new Uint8Array(memory.buffer).set(packed, from);
      const size = ZSTD_findDecompressedSize(from, packed.length); // a BigInt: -1 unknown, -2 not Zstandard
      if (size < 0n || size > 2n ** 30n) throw new Error("not Zstandard with its size");
      to = malloc(Number(size));
      const written = ZSTD_decompress(to, Number(size), from, packed.length);
      if (ZSTD_isError(written) || written !== Number(size)) throw new Error("damaged Zstandard");
      return new Uint8Array(memory.buffer).slice(to, to + written);
    } finally {
      free(from);
      free(to);
    }
  };
}

export function fetchUnpackingWasm(fetch) {
  let decoder = null; // once asked for
  return async (resource, options) => {
    const url = String(resource.url || resource);
    if (!url.endsWith("/pyodide.asm.wasm")) return fetch(resource, options);
    if (!decoder) {
      decoder = fetch(url.replace(/pyodide\.asm\.wasm$/, "zstddec.wasm"), options).then(zstdDecoder);
      decoder.catch(() => {}); // reported where it is awaited, below: it may fail before then
    }
    const packed = await fetch(`${url}.zst`, options);
    if (!packed.ok) return packed;
    const bytes = new Uint8Array(await packed.arrayBuffer());
    // A server that sends .zst files with "Content-Encoding: zstd" has had the browser unpack it already.
    const unpacked = String.fromCharCode(...bytes.subarray(0, 4)) === "\0asm" ? bytes : (await decoder)(bytes);
    return new Response(unpacked, { headers: { "Content-Type": "application/wasm" } });
  };
}
