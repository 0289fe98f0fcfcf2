// ESLint for the site's JavaScript, the build's Node programs and the peer benchmark's page: its recommended rules,
// and for each file the globals of where it runs. Run: npm ci && npx eslint .
import js from "@eslint/js";
import globals from "globals";

export default [
  // Made by the build or by installing: not ours to lint.
  { ignores: ["dist/", "downloads/", ".venv/", "data/", "checkpoints/"] },
  js.configs.recommended,
  {
    // The page and its worker are ES modules; the service worker stays a classic script.
    files: ["site/**/*.js"],
    languageOptions: { sourceType: "module" },
  },
  {
    files: ["site/*.js"],
    ignores: ["site/worker.js", "site/sw.template.js"],
    languageOptions: { globals: globals.browser },
  },
  {
    // The page's worker and its modules; the build's Node programs import three of them (with Node's own fetch,
    // Response and DecompressionStream).
    files: ["site/worker.js", "site/worker/*.js"],
    languageOptions: { globals: globals.worker },
  },
  {
    // __PRECACHE__ and __UNPACKED__ stand for lists the build writes in their place (builder/precache.py).
    files: ["site/sw.template.js"],
    languageOptions: { sourceType: "script", globals: { ...globals.serviceworker, __PRECACHE__: "readonly", __UNPACKED__: "readonly" } },
  },
  {
    // Put into Pyodide's pyodide.asm.js by the build, where its runtime's own names are in scope.
    files: ["builder/runtime-hook.js"],
    languageOptions: {
      sourceType: "script",
      globals: Object.fromEntries(
        ["API", "FS", "LDSO", "Module", "addRunDependency", "freeTableIndexes", "getMemory", "mergeLibSymbols", "newDSO", "removeRunDependency", "updateTableMap", "wasmTable"]
          .map((name) => [name, "readonly"])
          .concat([["loadWebAssemblyModule", "writable"]]),
      ),
    },
  },
  {
    // The peer benchmark's page (evaluation/peers.py): TensorFlow.js is the global its UMD bundles make.
    files: ["evaluation/peers/*.js"],
    languageOptions: { sourceType: "module", globals: { ...globals.browser, tf: "readonly" } },
  },
  {
    files: ["**/*.mjs"],
    languageOptions: { sourceType: "module", globals: globals.node },
  },
];
