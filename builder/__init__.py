"""build.py's parts, one job to a module: pins (what comes from outside), archives (the zips we rewrite), wheel
(our recognizer package), lock (Pyodide's package list), bytecode (compiled by Pyodide's own Python), weights,
precache (the service worker's list), server (serving a built site), check (loading it under Node), errors (how
the build stops). Standard library only, like build.py; the two Node programs and the Python one of them runs
inside Pyodide are files here too."""
