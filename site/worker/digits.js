// The digits the page fetches only when a section needs them (build.json's "digits", builder/digits.py): MNIST's
// test, validation and training parts, which "Train your own" learns from, and the held-out writers' pen digits;
// "Where it goes wrong" reads the test digits and the pen digits. Each
// part is verified against its sha256 and kept in a cache of its own (by its sha256, so a new version of the site
// with the same digits fetches nothing), shared by both sections, so they work offline once opened online.
import { sha256 } from "./downloads.js";
import { download } from "./load-python.js";

// site (the site's URL), digits (build.json's listing of the parts).
export function digitParts({ site, digits }) {
  // MNIST's parts, in the order training wants them.
  const parts = () => [["test", digits.test], ["validation", digits.validation], ...digits.train.map((p, i) => [`train-${i + 1}`, p])];

  // Parts fetched before, stored by their content; the cache is opened once (none in a private window: then null).
  const DIGITS = `digit-recognizer digits ${site}`;
  const keyOf = ({ path, sha256: hash }) => `${site}${path}?sha256=${hash}`;
  const partsCache = caches.open(DIGITS).catch(() => null);

  // Only this version's parts stay stored.
  async function forgetOtherParts() {
    const cache = await partsCache;
    if (!cache) return;
    const wanted = new Set([...parts(), ["pen", digits.pen]].map(([, part]) => keyOf(part)));
    for (const request of await cache.keys()) if (!wanted.has(request.url)) await cache.delete(request);
  }

  // One part, from the cache or fetched, its bytes counted as they arrive; an Error naming it when it cannot be had
  // or is not this version's. A part fetched whole and right is stored.
  async function fetchPart(part, counted) {
    const { path, sha256: expected } = part;
    const cache = await partsCache;
    const found = cache && (await cache.match(keyOf(part)));
    if (found) {
      const bytes = new Uint8Array(await found.arrayBuffer());
      if ((await sha256(bytes)) === expected) {
        counted(bytes.byteLength);
        return bytes;
      }
      await cache.delete(keyOf(part)); // damaged in storage: fetched afresh
    }
    const response = await download(fetch, site, path, "a part of the digits");
    const chunks = [];
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      counted(value.byteLength);
    }
    const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
    if ((await sha256(bytes)) !== expected) throw new Error(`${path} is damaged (not the file of this version)`);
    if (cache) await cache.put(keyOf(part), new Response(bytes)).catch(() => {}); // stored, or fetched again next time
    return bytes;
  }

  return { parts, fetchPart, forgetOtherParts };
}
