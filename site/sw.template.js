// Service worker: keeps every file of one build in a cache named after the build's version, so the site
// works offline after the first visit. build.py writes dist/sw.js from this file, filling in VERSION and
// PRECACHE (every file of dist/ -> the start of its sha256). A new deployment changes sw.js, the browser
// installs the new worker next to the old one, and the old cache is deleted only once the new one is whole.
"use strict";

const VERSION = "__VERSION__";
const PRECACHE = __PRECACHE__;
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

// "no-cache" revalidates with the server, which answers 304 for the files the page has just loaded itself.
async function download(path) {
  const response = await fetch(SCOPE + path, { cache: "no-cache" });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  // A half-finished deployment could mix versions: keep only the exact bytes this version lists.
  if (!(await sha256Hex(await response.clone().arrayBuffer())).startsWith(PRECACHE[path])) {
    throw new Error(`${path}: not the file of version ${VERSION}`);
  }
  return response;
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await Promise.all(
        Object.keys(PRECACHE).map(async (path) => {
          const key = keyOf(path);
          const kept = await caches.match(key); // this cache, or an older version's with the same bytes
          await cache.put(key, kept || (await download(path)));
        }),
      );
      await self.skipWaiting(); // the new version is complete: take over without waiting for tabs to close
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
