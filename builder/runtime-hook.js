// Inserted by the build (builder/runtime.py) into Pyodide's pyodide.asm.js, inside the closure where its
// dynamic loader lives (loadWebAssemblyModule, LDSO, wasmTable, getMemory), so that a memory snapshot can be
// taken after NumPy has loaded, as Cloudflare's workerd does for Pyodide.
//
// Why: NumPy's compiled parts are WebAssembly libraries, loaded into Python's memory and function table at run
// time. A memory snapshot holds Python's memory, pointers into those libraries included, but not the libraries
// themselves: restored alone, the first NumPy call jumps to an empty table slot. So while packages load, each
// library's memory base and table base are recorded (Module.dynlibs.record(), kept with the snapshot), and a
// restore loads the same libraries in the same order at the same bases (Module.dynlibs.replay()) before Pyodide
// copies the memory in. loadPyodide's `_dynlibs` option (a promise of {loads, handles, tableLength,
// freeTableIndexes, files: [[path, bytes], ...], compiled: a promise of the libraries compiled, in the order of
// loads}) asks for the replay; without it, loading is Pyodide's own.
(function () {
  // A function table laid out otherwise than the recording's is not damage but this browser's way: named so,
  // the page stops saving snapshots that this browser could never restore (site/worker.js).
  const refused = (message) => Object.assign(new Error(message), { name: "SnapshotRefusedError" });
  const loads = []; // every library loaded, in order: {name, memoryBase, tableBase, tableSize, exports}
  const loading = {}; // name -> its entry (libraries load concurrently, so the one in hand is looked up by name)
  let replaying = null; // during a replay (one library at a time): {memoryBase, tableBase} it must get
  let replay = null; // what to replay, once given
  let compiled = null; // for a replay: the libraries, compiled while the runtime started (else compiled then)

  // A replay is given as a promise (the snapshot may still be being read as the runtime starts): the runtime
  // waits for it, and for the libraries' compilation, which began before the runtime did and runs beside it.
  if (API.config._dynlibs) {
    addRunDependency("dynlibs");
    Promise.resolve(API.config._dynlibs)
      .then((given) => {
        replay = given;
        return given.compiled;
      })
      .then((modules) => (compiled = modules))
      .catch(() => {}) // a failure to read is Pyodide's to report; one to compile, the replay's (compiling again)
      .finally(() => removeRunDependency("dynlibs"));
  }

  const plainLoad = loadWebAssemblyModule;
  loadWebAssemblyModule = function (binary, flags, libName, localScope, handle) {
    const entry = { name: libName };
    loading[libName] = entry;
    loads.push(entry);
    const exports = plainLoad(binary, flags, libName, localScope, handle);
    if (exports && typeof exports.then === "function") return exports.then((e) => (entry.exports = e));
    entry.exports = exports;
    return exports;
  };

  Module.dynlibs = {
    // In place of getMemory(size), for a library's static memory: on a replay, where the recording had it.
    memoryFor(libName, size) {
      const base = replaying ? replaying.memoryBase : getMemory(size);
      if (loading[libName]) loading[libName].memoryBase = base;
      return base;
    },

    // Once a library's table base is known: recorded, or on a replay checked (a table laid out otherwise,
    // as by another browser, cannot hold the snapshot's function pointers).
    tableFor(libName, tableBase, tableSize) {
      if (replaying && tableSize && replaying.tableBase !== tableBase) {
        throw refused(`${libName} would load at table slot ${tableBase}, the snapshot's is ${replaying.tableBase}`);
      }
      if (loading[libName]) Object.assign(loading[libName], { tableBase, tableSize });
    },

    // What a snapshot needs to replay the libraries loaded so far.
    record() {
      const index = new Map(loads.map((entry, i) => [entry.exports, i]));
      const handles = {};
      for (const [handle, dso] of Object.entries(LDSO.loadedLibsByHandle)) {
        if (index.has(dso.exports)) handles[handle] = index.get(dso.exports);
      }
      return {
        loads: loads.map(({ name, memoryBase, tableBase, tableSize }) => {
          const global = Boolean(LDSO.loadedLibsByName[name] && LDSO.loadedLibsByName[name].global);
          return { name, memoryBase, tableBase, tableSize, global };
        }),
        handles, // dlopen's handles (held in Python's memory) -> the library each names
        tableLength: wasmTable.length,
        freeTableIndexes: freeTableIndexes.slice(),
      };
    },

    // Before Pyodide copies the snapshot's memory in: the site-packages files back into the file system (it is
    // not in the memory), then each library loaded at its recorded bases and registered as dlopen left it.
    replay() {
      if (!replay) throw new Error("the snapshot came without its libraries");
      const { loads: recorded, handles, tableLength, freeTableIndexes: free, files } = replay;
      for (const [path, bytes] of files) {
        FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
        FS.writeFile(path, bytes, { canOwn: true });
      }
      const exports = recorded.map((entry, i) => {
        if (entry.tableSize && wasmTable.length < entry.tableBase) wasmTable.grow(entry.tableBase - wasmTable.length);
        replaying = { memoryBase: entry.memoryBase, tableBase: entry.tableBase };
        try {
          const binary = compiled ? compiled[i] : FS.readFile(entry.name);
          return loadWebAssemblyModule(binary, { loadAsync: false, global: false, nodelete: true }, entry.name, {});
        } finally {
          replaying = null;
        }
      });
      recorded.forEach(({ name, global }, i) => {
        newDSO(name, undefined, exports[i]).global = global;
        if (global) mergeLibSymbols(exports[i], name);
      });
      for (const [handle, i] of Object.entries(handles)) LDSO.loadedLibsByHandle[handle] = LDSO.loadedLibsByName[recorded[i].name];
      if (wasmTable.length !== tableLength) {
        throw refused(`the libraries fill ${wasmTable.length} table slots, the snapshot's ${tableLength}`);
      }
      updateTableMap(0, wasmTable.length);
      freeTableIndexes.splice(0, freeTableIndexes.length, ...free);
    },
  };
})();
