// Pyodide's WebAssembly is shipped gzipped (build.py): pyodide.asm.wasm.gz is 2.8 MB where the plain file is
// 8.6 MB. fetchUnpackingWasm wraps fetch so that Pyodide's request for pyodide.asm.wasm is answered with the
// unpacked bytes of pyodide.asm.wasm.gz; every other request passes through. Used by worker.js and by the
// Node check (builder/check-dist.mjs).
"use strict";
/* exported fetchUnpackingWasm */

function fetchUnpackingWasm(fetch) {
  return async (resource, options) => {
    const url = String(resource.url || resource);
    if (!url.endsWith("/pyodide.asm.wasm")) return fetch(resource, options);
    const packed = await fetch(`${url}.gz`, options);
    if (!packed.ok) return packed;
    const bytes = new Uint8Array(await packed.arrayBuffer());
    // A server that sends .gz files with "Content-Encoding: gzip" has had the browser unpack it already (the
    // page then works, though the service worker refuses to keep such a file: its hash is of the .gz bytes).
    const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
    const body = gzipped ? new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip")) : bytes;
    return new Response(body, { headers: { "Content-Type": "application/wasm" } });
  };
}
