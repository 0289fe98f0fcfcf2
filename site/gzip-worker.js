// gzip and gunzip on a thread of their own, for the page's worker (worker.js) and its snapshots of Python
// (snapshot.js): packing one takes a second or more, and the page's worker goes on answering drawings meanwhile;
// unpacking one goes on while the page's worker is held loading the runtime's script. Asked {id, blob,
// direction: "pack" or "unpack"}; answers {id, bytes: an ArrayBuffer} or {id, error}.
"use strict";
/* global gzipHere -- snapshot.js */
self.importScripts("snapshot.js");

self.onmessage = async ({ data: { id, blob, direction } }) => {
  try {
    const bytes = await gzipHere(blob, direction);
    self.postMessage({ id, bytes }, [bytes]);
  } catch (error) {
    self.postMessage({ id, error: error.message });
  }
};
