"""Deprecated alias: `python -m core.bootstrap` still runs `python -m bootstrap`.

The composition root moved beside worker.py so that core/ imports nothing of Renubu's; this file stays
only for scripts that call the old command, and loads the new module by name at run time."""

import runpy

if __name__ == "__main__":
    runpy.run_module("bootstrap", run_name="__main__", alter_sys=True)
