// Pyodide's WebAssembly is shipped as Zstandard (build.py): pyodide.asm.wasm.zst is 2.3 MB where the plain file is
// 8.6 MB (gzip made 2.8). fetchUnpackingWasm wraps fetch so that Pyodide's request for pyodide.asm.wasm is answered
// with the unpacked bytes of pyodide.asm.wasm.zst, decoded by fzstd (fzstd.js, loaded before this file) in one go
// once they have all arrived; every other request passes through. Used by worker.js and by the Node check
// (builder/check-dist.mjs).
"use strict";
/* global fzstd -- fzstd.js */
/* exported fetchUnpackingWasm */

function fetchUnpackingWasm(fetch) {
  return async (resource, options) => {
    const url = String(resource.url || resource);
    if (!url.endsWith("/pyodide.asm.wasm")) return fetch(resource, options);
    const packed = await fetch(`${url}.zst`, options);
    if (!packed.ok) return packed;
    const bytes = new Uint8Array(await packed.arrayBuffer());
    // A server that sends .zst files with "Content-Encoding: zstd" has had the browser unpack it already.
    const unpacked = String.fromCharCode(...bytes.subarray(0, 4)) === "\0asm" ? bytes : fzstd.decompress(bytes);
    return new Response(unpacked, { headers: { "Content-Type": "application/wasm" } });
  };
}
