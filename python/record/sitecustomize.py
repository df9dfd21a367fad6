"""heapscope record's start-up hook (not for import by programs).

`heapscope record -- python3 app.py` starts Python with this folder and
heapscope's python/ folder first on PYTHONPATH, so that site imports this
sitecustomize before the program's first line. It:

- takes heapscope's variables out of the environment (HEAPSCOPE_RECORD, and
  PYTHONPATH back to what the program was given), so that the programs this
  one starts are not recorded;
- starts heapscope_snapshot's record mode (tracemalloc on, a snapshot into
  heapscope's pipe on each signal: see _record in heapscope_snapshot.py);
- then imports the sitecustomize this one hides (a distribution's, a
  virtualenv's), as site would have.
"""

import os
import sys


def _start():
    here = os.path.dirname(os.path.abspath(__file__))
    env = os.environ
    spec = env.pop('HEAPSCOPE_RECORD', None)
    original = env.pop('HEAPSCOPE_PYTHONPATH', None)
    if original is None:
        env.pop('PYTHONPATH', None)
    else:
        env['PYTHONPATH'] = original
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or '.') != here]
    if spec:
        import heapscope_snapshot

        heapscope_snapshot._record(spec)


_start()
del _start

# The next sitecustomize on the path, as site would have imported it.
_me = sys.modules.pop('sitecustomize', None)
try:
    import sitecustomize  # noqa: F401
except ImportError as e:
    if e.name != 'sitecustomize':
        raise
    sys.modules['sitecustomize'] = _me  # none: the import system expects to find this module when it ends
del _me
