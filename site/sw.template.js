// Service worker: keeps every file of one build in a cache named after the build's version, so the site
// works offline after the first visit. build.py writes dist/sw.js from this file, filling in VERSION,
// PRECACHE (every file of dist/ -> the start of its sha256) and UNPACKED (each .zst file -> the same of what it
// unpacks to). A new deployment changes sw.js, the browser installs the new worker next to the old one, and the
// old cache is deleted only once the new one is whole. It tells the page what it kept: {type: "offline", kept,
// missing (files it could do without but could not keep), reason (when it kept nothing)}.
"use strict";

const VERSION = "__VERSION__";
const PRECACHE = __PRECACHE__;
const UNPACKED = __UNPACKED__;
const SCOPE = new URL("./", self.location).href; // the site's folder (on GitHub Pages, /<repository>/)
const PREFIX = `digit-recognizer ${SCOPE} `; // several sites can share one origin: touch only our caches
const CACHE = PREFIX + VERSION;

// Cache keys carry the content hash, so a file that did not change between two builds is copied from the
// old cache instead of being downloaded again.
const keyOf = (path) => `${SCOPE}${path}?sha256=${PRECACHE[path]}`;

async function sha256Hex(buffer) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", buffer));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

// Files the rest of the site works without: a network's weights (only that network then fails offline, as it
// would online) and the rehearsal digits (only teaching needs them). Failing to keep one costs only itself.
const OPTIONAL = (path) => /^weights\/[^/]+\.npz$/.test(path) || path === "rehearsal.npz";
const STATUS = `${SCOPE}offline-status`; // in this version's cache: what it kept

// "no-cache" revalidates with the server, which answers 304 for the files the page has just loaded itself.
async function download(path) {
  const response = await fetch(SCOPE + path, { cache: "no-cache" });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  // A half-finished deployment could mix versions: keep only the exact bytes this version lists. A host that
  // sends .gz files with "Content-Encoding: gzip" has had the browser unpack them: those bytes are kept as they
  // are, which the worker takes as well (unpack-wasm.js).
  const hash = await sha256Hex(await response.clone().arrayBuffer());
  if (!hash.startsWith(PRECACHE[path]) && !(Object.hasOwn(UNPACKED, path) && hash.startsWith(UNPACKED[path]))) {
    throw new Error(`${path}: not the file of version ${VERSION}`);
  }
  return response;
}

// To every page of the site, controlled by this worker or not yet.
async function tell(message) {
  for (const client of await self.clients.matchAll({ type: "window", includeUncontrolled: true })) {
    client.postMessage(message);
  }
}

async function keepEveryFile() {
  const cache = await caches.open(CACHE);
  const missing = [];
  await Promise.all(
    Object.keys(PRECACHE).map(async (path) => {
      const key = keyOf(path);
      try {
        const kept = await caches.match(key); // this cache, or an older version's with the same bytes
        await cache.put(key, kept || (await download(path)));
      } catch (error) {
        if (!OPTIONAL(path)) throw error;
        missing.push(path);
      }
    }),
  );
  const status = { type: "offline", kept: true, missing: missing.sort() };
  await cache.put(STATUS, new Response(JSON.stringify(status)));
  return status;
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      try {
        const status = await keepEveryFile();
        await self.skipWaiting(); // the new version is complete: take over without waiting for tabs to close
        await tell(status);
      } catch (error) {
        await caches.delete(CACHE); // nothing half-kept
        await tell({ type: "offline", kept: false, reason: error.message || String(error) });
        throw error;
      }
    })(),
  );
});

// A page asks what this version kept (it may have been kept on an earlier visit).
self.addEventListener("message", (event) => {
  if (!event.data || event.data.type !== "offline?") return;
  event.waitUntil(
    (async () => {
      const saved = await (await caches.open(CACHE)).match(STATUS);
      event.source.postMessage(saved ? await saved.json() : { type: "offline", kept: false, reason: "not kept yet" });
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(names.filter((n) => n.startsWith(PREFIX) && n !== CACHE).map((n) => caches.delete(n)));
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || !request.url.startsWith(SCOPE)) return;
  // Our files do not depend on query strings, so "index.html?from=home" is index.html.
  let path = decodeURIComponent(new URL(request.url).pathname.slice(new URL(SCOPE).pathname.length));
  if (path === "") path = "index.html";
  if (!Object.hasOwn(PRECACHE, path)) return; // not one of ours: the network, as without a service worker
  event.respondWith(
    caches
      .open(CACHE)
      .then((cache) => cache.match(keyOf(path)))
      .then((cached) => cached || fetch(request)),
  );
});
