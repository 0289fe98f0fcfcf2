// What a person made in the page, stored in this browser (IndexedDB) so that it survives a reload and works
// offline: their examples ({digit, strokes}, in the order taught) and the personal copies of the networks that
// learned them (one .npz made by the "teach.save" call, recognizer/teach.py, with the key of the networks it was made from);
// and the network they trained themselves ({data: its weights file, entry: its models.json entry as JSON text,
// inVote}: yours.js).
// Used by the worker only. Each site folder has its own database: several sites can share one origin.

function settled(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

// Runs work(transaction) in one transaction over `stores`: all its changes are kept, or none.
async function within(db, stores, mode, work) {
  const transaction = db.transaction(stores, mode);
  const done = new Promise((resolve, reject) => {
    transaction.oncomplete = resolve;
    transaction.onerror = transaction.onabort = () => reject(transaction.error || new Error("storage refused"));
  });
  const result = await work(transaction);
  await done;
  return result;
}

// {examples(), add(examples), forget(), copies(), saveCopies(copies), yours(), saveYours(record), forgetYours()};
// rejects when this browser stores nothing (a private window may refuse IndexedDB).
export async function openStorage(site) {
  const request = indexedDB.open(`digit-recognizer ${site}`, 2);
  request.onupgradeneeded = () => {
    // Version 1 had the examples and the copies; version 2 adds your network. What was stored stays.
    for (const [store, options] of [["examples", { autoIncrement: true }], ["copies", {}], ["yours", {}]]) {
      if (!request.result.objectStoreNames.contains(store)) request.result.createObjectStore(store, options);
    }
  };
  const db = await settled(request);
  return {
    examples: () => within(db, "examples", "readonly", (t) => settled(t.objectStore("examples").getAll())),
    add: (examples) =>
      within(db, "examples", "readwrite", (t) => {
        for (const { digit, strokes } of examples) t.objectStore("examples").add({ digit, strokes });
      }),
    forget: () =>
      within(db, ["examples", "copies"], "readwrite", (t) => {
        t.objectStore("examples").clear();
        t.objectStore("copies").clear();
      }),
    copies: () => within(db, "copies", "readonly", (t) => settled(t.objectStore("copies").get("personal"))),
    saveCopies: (bytes) => within(db, "copies", "readwrite", (t) => t.objectStore("copies").put(bytes, "personal")),
    yours: () => within(db, "yours", "readonly", (t) => settled(t.objectStore("yours").get("yours"))),
    saveYours: (record) => within(db, "yours", "readwrite", (t) => t.objectStore("yours").put(record, "yours")),
    forgetYours: () => within(db, "yours", "readwrite", (t) => t.objectStore("yours").clear()),
  };
}
