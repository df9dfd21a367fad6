"""Write this CPython process's live objects as a V8 heap snapshot.

    import heapscope_snapshot
    heapscope_snapshot.write("app.heapsnapshot")        # or "app.heapsnapshot.gz"
    heapscope_snapshot.dump(binary_file)                # streamed to any binary file object

    python3 -m heapscope_snapshot [--dir D] [--trace N] app.py [args]   # then: kill -USR1 <pid>
    heapscope record -- python3 app.py                  # heapscope loads this module (see _record)

The file opens in heapscope (summary, top, dominators, retainers, cycles,
diff, the terminal UI) and in Chrome DevTools' Memory panel. Standard library
only, CPython 3.9 or newer; one file: copy it next to your program or put
heapscope's ``python/`` folder on ``PYTHONPATH``.

What the snapshot holds (how Python maps onto V8's format)
----------------------------------------------------------

Nodes are the objects ``gc`` tracks plus every object they reach (str, int,
bytes... which gc does not track), each once. A node's self size is
``sys.getsizeof`` (an object's own size, not what it refers to), so the root's
retained size is the sum of getsizeof over the heap. Its name is its class,
module-qualified for classes outside ``builtins`` (``app.Request``, ``dict``);
strings are named by their text (the first 1024 characters, as V8 does),
numbers by their value, modules ``module app``, classes ``class app.Request``,
functions ``app.handler``, frames ``frame handler app.py:12``.
Node types: ``string`` (str), ``number`` (int, float, complex), ``closure``
(functions), ``code`` (code objects), ``hidden`` (frames, cells,
descriptors: interpreter plumbing), ``object`` for the rest: lists, tuples and
dicts are objects named ``list``, ``tuple``, ``dict``, as JavaScript arrays
are objects named ``Array`` (V8's ``array`` type is an internal backing store
whose size DevTools moves into its owner, which would hide lists).

Edges: dict entries are ``property`` edges named by the key (``element`` for
int keys), plus a ``hidden`` edge to the key object itself (a dict holds its
keys: a cache's key strings are part of what it retains); attributes are
``property`` edges (an instance's ``__dict__`` is an object of its own on
Python 3.9/3.10 and when the program made it, else the instance holds its
attribute values itself); list, tuple, set and deque items are ``element``
edges; a cell's contents and a frame's locals are ``context`` edges named by
the variable; a function reaches its closure cells and its globals through
``internal`` edges, as a V8 closure reaches its context (so that every
module's functions and its globals do not make one cycle); weak references
(``weakref.ref``, the values of a ``WeakValueDictionary``, the keys of a
``WeakKeyDictionary``...) are ``weak`` edges, which never retain. References
to a module listed in ``sys.modules`` are ``shortcut`` edges: sys.modules
roots every module, so no such reference retains it, and every ``import``
would otherwise tie all modules into one cycle. Every other reference
``gc.get_referents`` reports is an ``internal`` edge.

Roots (children of the root, all synthetic): ``(modules)`` - every module in
``sys.modules``; ``(threads)`` - one node per thread holding each of its
frames (the frames hold their locals); ``(immortal objects)`` - None, True,
False, small ints, one-character strings, the empty tuple and, on 3.12+, every
immortal object, so that objects shared by the whole interpreter are never
counted as retained by whoever happens to hold them; ``(held outside the
graph)`` - objects gc tracks that no root reaches but that something gc cannot
see holds (C code: atexit callbacks, extension module state...), found as gc
does, by refcounts; ``(unreachable, gc would free)`` - garbage: reference
cycles that are alive only because gc has not run (or is disabled).

Allocation sites: when ``tracemalloc`` is tracing, each object's allocation
traceback becomes the snapshot's ``trace_tree`` and the node's trace id, so
``heapscope diff --by site`` groups growth by Python line, as tracemalloc's
``compare_to('lineno')`` does; a frame is named by the function containing
the line. Objects allocated before tracemalloc started have no site.

Ids
---

CPython reuses an object's address (its ``id()``) as soon as it dies, so ids
here are not addresses: they come from a counter and are never handed out
twice in a process. An object keeps its id from one snapshot to the next only
when this module can prove it is the same object, never by a guess:

- objects that support weak references (instances of your classes, functions,
  classes, sets, code, modules...) keep a weak reference between snapshots;
- immutable values (str, bytes, int, float, complex, and tuples of those) of
  up to 64 KiB are kept alive until the next snapshot, which then releases
  those the program no longer holds: their addresses cannot be reused meanwhile;
- a dict whose version tag (CPython 3.9-3.13) is older than the previous
  snapshot was neither changed nor replaced since, and holds the same keys
  and values;
- what a proven object holds through a reference that cannot change (a
  module's and a class's ``__dict__``, a function's closure cells, a bound
  method's ``__self__``, a tuple's items);
- immortal objects.

Everything else (lists, dicts changed since the last snapshot, frames...)
gets a new id in each snapshot: a diff counts it as freed and new again at its
allocation site, so counts include it but the net growth per site is right.
The cost: between snapshots, one weak reference (~64 bytes) per weak-referenceable
object, 20 bytes per object of the last snapshot, and the memory of immutable
values that died since the last snapshot, until the next one.

Other threads keep running while a snapshot is written: what they change
meanwhile may be seen half-changed.
"""

# Only modules a program has anyway or that cost little: whatever this imports
# is in every snapshot (json would bring re, tempfile random and hashlib).
import _thread
import array
import gc
import itertools
import os
import sys
import time
import types
import weakref
from _json import encode_basestring as _json_string

__all__ = ['write', 'dump', 'install', 'main', 'SnapshotInfo']
__version__ = '1'

if sys.implementation.name != 'cpython':  # pragma: no cover
    raise ImportError('heapscope_snapshot needs CPython (it reads the heap through gc and sys.getsizeof)')

_PY = sys.version_info[:2]

# V8's node and edge types, in V8's order (DevTools reads the names from meta).
_NODE_TYPES = [
    'hidden',
    'array',
    'string',
    'object',
    'code',
    'closure',
    'regexp',
    'number',
    'native',
    'synthetic',
    'concatenated string',
    'sliced string',
    'symbol',
    'bigint',
    'object shape',
]
N_HIDDEN, N_OBJECT, N_STRING, N_CODE, N_CLOSURE, N_NUMBER, N_SYNTHETIC = 0, 3, 2, 4, 5, 7, 9
_EDGE_TYPES = ['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak']
E_CONTEXT, E_ELEMENT, E_PROPERTY, E_INTERNAL, E_HIDDEN, E_SHORTCUT, E_WEAK = range(7)
_NODE_FIELDS = ['type', 'name', 'id', 'self_size', 'edge_count', 'trace_node_id']
_NF = len(_NODE_FIELDS)  # to_node is a node's ordinal times this

MAX_NAME = 1024  # V8 cuts string names to this many characters
PIN_MAX_BYTES = 64 * 1024  # immutable values bigger than this are not kept alive between snapshots
_MAX_ID = 2**32 - 2  # heapscope reads ids as unsigned 32-bit numbers
_ELEMENT_MAX = 2**32 - 1  # element edge indices are unsigned 32-bit too

# Refcounts this high mean immortal: 3.12+ pins immortal objects at 2**32-1
# (or 3 << 30 on 3.14); 3.11's statically allocated objects start at 999999999.
_IMMORTAL_REFCOUNT = 500_000_000

_ATOMIC = (str, bytes, int, float, complex)


class SnapshotInfo:
    """What one ``write`` produced."""

    __slots__ = ('path', 'node_count', 'edge_count', 'seconds', 'traced', 'kept_ids')

    def __init__(self, path, node_count, edge_count, seconds, traced, kept_ids):
        self.path = path
        self.node_count = node_count
        self.edge_count = edge_count
        self.seconds = seconds
        self.traced = traced
        #: objects whose id was proven unchanged since the previous snapshot
        self.kept_ids = kept_ids

    def __repr__(self):
        return 'SnapshotInfo(path=%r, node_count=%d, edge_count=%d, seconds=%.2f, traced=%r, kept_ids=%d)' % (
            self.path,
            self.node_count,
            self.edge_count,
            self.seconds,
            self.traced,
            self.kept_ids,
        )


# ---------------------------------------------------------------------------
# CPython internals read through ctypes, each checked before it is trusted.


def _free_threaded():
    return 't' in getattr(sys, 'abiflags', '')


def _make_dict_version():
    """A reader of a dict's version tag (PEP 509, CPython 3.9-3.13), or None.

    Every dict CPython creates or changes gets the next value of one global
    counter, so a dict whose tag is at most the counter's value at some moment
    existed, unchanged, at that moment. Read at the field's offset after the
    object header and ma_used; checked here on fresh dicts before use."""
    if _PY < (3, 9) or _PY >= (3, 14) or _free_threaded():
        return None
    try:
        import ctypes

        offset = ctypes.sizeof(ctypes.c_ssize_t) * 3
        c_uint64 = ctypes.c_uint64

        def version(d):
            return c_uint64.from_address(id(d) + offset).value

        a = {}
        va = version(a)
        a['x'] = 1
        vb = version(a)
        c = {'y': 2}
        vc = version(c)
        if not (0 < va < vb < vc) or vc - va > 1 << 20:
            return None
        return version
    except Exception:
        return None


def _make_managed_dict_traceback():
    """On CPython 3.11, tracemalloc cannot find the block of an object whose
    class keeps its attributes in a managed dict (every plain class): the
    block starts two words before the GC header, and 3.11's
    get_object_traceback forgets them (fixed in 3.12). This asks tracemalloc
    by the block's address instead (a table lookup, nothing is read there)."""
    if _PY != (3, 11):
        return None
    try:
        import ctypes

        get = ctypes.pythonapi._PyTraceMalloc_GetTraceback
        get.restype = ctypes.py_object
        get.argtypes = (ctypes.c_uint, ctypes.c_size_t)
        pre = 2 * ctypes.sizeof(ctypes.c_void_p) + 2 * ctypes.sizeof(ctypes.c_void_p)  # GC head + dict/values

        def traceback(o):
            return get(0, id(o) - pre)

        return traceback
    except Exception:  # pragma: no cover
        return None


_TPFLAGS_HEAPTYPE = 1 << 9
_TPFLAGS_MANAGED_DICT = 1 << 4  # 3.11+


# ---------------------------------------------------------------------------
# Between snapshots: the ids registry.


class _Witness(weakref.ref):
    """The weak reference that proves an object is the one seen last time."""

    __slots__ = ()


_DICT_STAMP = object()  # witness: prove by the dict's version tag


class _State:
    __slots__ = ('next_id', 'addrs', 'ids', 'witness', 'dict_version', 'seq', 'lock', 'writing', 'attr_names', 'attr_order', 'formats', 'own')

    def __init__(self):
        self.next_id = 2  # object ids are even; synthetic nodes have odd ids below 100
        self.addrs = array.array('Q')  # addresses of the last snapshot's objects, ascending
        self.ids = array.array('I')  # their ids
        self.witness = []  # their witnesses (see _witness_for)
        self.dict_version = 0  # the dict version counter when the last snapshot began
        self.seq = 0
        self.lock = _thread.allocate_lock()
        self.writing = False
        self.attr_names = {}  # class -> attribute names to probe its instances with (3.11+)
        self.attr_order = {}  # class -> attribute names in the order gc lists its instances' values (3.11+)
        self.formats = {}  # '%d,%d,...' strings by length
        self.own = []  # this module's objects that only C or its own frames hold (signal handlers, output wrappers): left out


_STATE = _State()


def _release_dead_pins(witness):
    """Lets go of the immutable values kept since the last snapshot that the
    program no longer holds (their only reference is ours), innermost last:
    a dead tuple's items are only known dead once it is gone."""
    getrefcount = sys.getrefcount
    changed = True
    while changed:
        changed = False
        for j in range(len(witness)):
            w = witness[j]
            if w is None or w is _DICT_STAMP or type(w) is _Witness:
                continue
            # references: the list slot, w, getrefcount's argument
            if getrefcount(w) <= 3:
                witness[j] = None
                changed = True
            w = None


# ---------------------------------------------------------------------------
# Names.


def _class_name(t):
    try:
        module = type.__dict__['__module__'].__get__(t, type)
        qualname = type.__dict__['__qualname__'].__get__(t, type)
    except Exception:
        return getattr(t, '__name__', '?')
    if not isinstance(qualname, str):
        qualname = '?'
    if module == 'builtins' or not isinstance(module, str):
        return qualname
    return module + '.' + qualname


def _number_name(o):
    if type(o) is int or isinstance(o, int):
        if -(2**64) < o < 2**64:
            return int.__repr__(o)
        return 'int (%d bits)' % o.bit_length()
    try:
        return type(o).__repr__(o)[:MAX_NAME]
    except Exception:
        return type(o).__name__


def _key_name(k):
    """A property name for a dict key that is not a str (no user code runs)."""
    t = type(k)
    if t is int or t is float or t is bool or k is None or t is complex:
        return _number_name(k) if t is not bool and k is not None else repr(k)
    if t is bytes:
        return repr(k[:64])
    if t is tuple and len(k) <= 8 and all(type(x) in (str, int, float, bool, bytes) or x is None for x in k):
        # not repr(k): a tuple's repr makes the thread's C-level dict (recursion guard) as a side effect
        parts = [repr(x) if type(x) is not int else _number_name(x) for x in k]
        return ('(%s,)' % parts[0] if len(parts) == 1 else '(%s)' % ', '.join(parts))[:MAX_NAME]
    if t is str:
        return k[:MAX_NAME]
    return '<%s>' % _class_name(t)


# Attributes known not to create what they return, tried by identity to name
# the references of C objects.
_SAFE_ATTRS = {
    types.MethodType: ('__self__', '__func__'),
    types.BuiltinFunctionType: ('__self__', '__module__'),
    staticmethod: ('__func__',),
    classmethod: ('__func__',),
    property: ('fget', 'fset', 'fdel', '__doc__'),
}
_FUNCTION_ATTRS = ('__code__', '__globals__', '__defaults__', '__kwdefaults__', '__closure__', '__name__', '__qualname__', '__module__', '__doc__')
_TYPE_ATTRS = ('__mro__', '__bases__', '__base__')
_FRAME_ATTRS = ('f_code', 'f_globals', 'f_builtins', 'f_trace')

_HIDDEN_TYPES = {
    types.FrameType,
    types.CellType,
    types.WrapperDescriptorType,
    types.MethodDescriptorType,
    types.ClassMethodDescriptorType,
    types.GetSetDescriptorType,
    types.MemberDescriptorType,
    types.MethodWrapperType,
    types.MappingProxyType,
}

# Handlers: how a type's edges are found.
H_LEAF, H_STR, H_NUMBER, H_DICT, H_SEQ, H_SET, H_MODULE, H_TYPE, H_FUNCTION, H_CODE, H_FRAME, H_CELL, H_WEAKREF, H_GENERATOR, H_GENERIC = range(15)

_GENERATOR_TYPES = (types.GeneratorType, types.CoroutineType, types.AsyncGeneratorType)
_GENERATOR_ATTRS = ('gi_code', 'cr_code', 'ag_code', '__name__', '__qualname__')


def _type_info(t, strings):
    """(handler, node type, name string index or -1 when named per object, heap type, managed dict)"""
    flags = t.__flags__
    heap = bool(flags & _TPFLAGS_HEAPTYPE)
    managed = _PY >= (3, 11) and bool(flags & _TPFLAGS_MANAGED_DICT)
    name = -1
    if issubclass(t, str):
        handler, node_type = H_STR, N_STRING
    elif issubclass(t, bool) or issubclass(t, (int, float, complex)):
        handler, node_type = H_NUMBER, N_NUMBER
    elif issubclass(t, dict):
        handler, node_type = H_DICT, N_OBJECT
    elif issubclass(t, (list, tuple)):
        handler, node_type = H_SEQ, N_OBJECT
    elif issubclass(t, (set, frozenset)):
        handler, node_type = H_SET, N_OBJECT
    elif issubclass(t, types.ModuleType):
        handler, node_type = H_MODULE, N_OBJECT
    elif issubclass(t, type):
        handler, node_type = H_TYPE, N_OBJECT
    elif t is types.FunctionType:
        handler, node_type = H_FUNCTION, N_CLOSURE
    elif t is types.CodeType:
        handler, node_type = H_CODE, N_CODE
    elif t is types.FrameType:
        handler, node_type = H_FRAME, N_HIDDEN
    elif t is types.CellType:
        handler, node_type = H_CELL, N_HIDDEN
    elif issubclass(t, (weakref.ref, weakref.ProxyType, weakref.CallableProxyType)):
        handler, node_type = H_WEAKREF, N_OBJECT
    elif issubclass(t, _GENERATOR_TYPES):
        handler, node_type = H_GENERATOR, N_OBJECT
    elif issubclass(t, (bytes, bytearray, range, slice, memoryview)) and not heap:
        handler, node_type = H_LEAF, N_OBJECT
    else:
        handler, node_type = H_GENERIC, (N_HIDDEN if t in _HIDDEN_TYPES else N_OBJECT)
    if node_type in (N_OBJECT, N_HIDDEN) and handler not in (H_MODULE, H_TYPE, H_FRAME):
        name = _intern(strings, _class_name(t))
    elif handler == H_NUMBER and heap:
        name = _intern(strings, _class_name(t))
    return (handler, node_type, name, heap, managed)


def _intern(strings, s):
    i = strings.get(s)
    if i is None:
        i = strings[s] = len(strings)
    return i


# ---------------------------------------------------------------------------
# Allocation traces (tracemalloc).


class _Traces:
    """tracemalloc tracebacks → V8's trace tree and function infos.

    A function info is one Python line (tracemalloc records lines, not
    functions): name = the function containing the line, script = the file,
    line = the line (1-based), column 0 (unknown)."""

    def __init__(self):
        self.by_traceback = {}  # traceback tuple -> trace node id
        self.children = {}  # (parent id, frame) -> trace node id
        self.nodes = [None, (0, None, 0)]  # id -> (parent id, frame, ...) ; id 1 is the root
        self.count = [0, 0]
        self.size = [0, 0]

    def node_of(self, tb):
        """tb: tracemalloc's raw traceback, innermost frame first."""
        t = self.by_traceback.get(tb)
        if t is not None:
            return t
        parent = 1
        children = self.children
        for frame in reversed(tb):
            key = (parent, frame)
            t = children.get(key)
            if t is None:
                t = children[key] = len(self.nodes)
                self.nodes.append((parent, frame))
                self.count.append(0)
                self.size.append(0)
            parent = t
        self.by_traceback[tb] = parent
        return parent


def _function_names(files, code_objects, qualnames):
    """file -> [(first line, last line, qualified name)] of the code objects in the heap, to name a line by its function."""
    by_file = {}
    for co in code_objects:
        if co.co_filename in files:
            by_file.setdefault(co.co_filename, []).append(co)
    spans = {}
    for filename, codes in by_file.items():
        out = []
        for co in codes:
            lines = _code_lines(co)
            if not lines:
                continue
            out.append((co.co_firstlineno, max(lines), getattr(co, 'co_qualname', None) or qualnames.get(id(co), co.co_name)))
        spans[filename] = out
    return spans


def _code_lines(co):
    """The line numbers co's instructions have (co_lines on 3.10+; co_lnotab
    read here on 3.9: importing dis would put it in the next snapshot)."""
    try:
        if hasattr(co, 'co_lines'):
            return [line for _, _, line in co.co_lines() if line is not None]
        table = co.co_lnotab
        line = co.co_firstlineno
        lines = [line]
        for i in range(1, len(table), 2):
            delta = table[i]
            line += delta - 256 if delta >= 128 else delta
            lines.append(line)
        return lines
    except Exception:
        return []


def _name_at(spans, filename, line):
    best = None
    for first, last, name in spans.get(filename, ()):
        if first <= line <= last and (best is None or first >= best[0]):
            best = (first, name)
    if best is None:
        return '<module>'
    return best[1]


# ---------------------------------------------------------------------------
# The snapshot.


def write(path, *, gzip_level=None):
    """Writes a heap snapshot of this process to ``path`` and returns a
    SnapshotInfo. A path ending in ``.gz`` is gzipped. The file appears whole
    or not at all (written beside it, then renamed).

    Allocation sites are recorded when tracemalloc is tracing
    (``tracemalloc.start(frames)`` or ``python3 -X tracemalloc=25``).

        >>> import heapscope_snapshot
        >>> heapscope_snapshot.write('app.heapsnapshot')   # doctest: +SKIP
    """
    path = os.fspath(path)
    partial = path + '.partial'

    def open_out():
        if path.endswith('.gz'):
            import gzip

            return gzip.open(partial, 'wb', compresslevel=6 if gzip_level is None else gzip_level)
        return open(partial, 'wb')

    try:
        info = _locked_snapshot(open_out, path + '.edges.partial', (open_out,))
        os.replace(partial, path)
    except BaseException:
        try:
            os.unlink(partial)
        except OSError:
            pass
        raise
    info.path = path
    return info


def dump(out):
    """Writes a heap snapshot of this process to ``out``, a binary file
    object (a pipe, a socket's makefile('wb'), an open file), as it is made,
    and returns a SnapshotInfo (its path is None). The edges wait in a
    temporary file (in $TMPDIR) until the nodes are written: nothing holds a
    second copy of the graph in memory.

        >>> import heapscope_snapshot, sys
        >>> heapscope_snapshot.dump(sys.stdout.buffer)   # doctest: +SKIP
    """
    return _locked_snapshot(out, _edges_path(), ())


def _edges_path():
    tmp = os.environ.get('TMPDIR') or os.environ.get('TEMP') or os.environ.get('TMP') or '/tmp'
    return os.path.join(tmp, 'heapscope-%d-%d.edges.partial' % (os.getpid(), _STATE.seq + 1))


def _locked_snapshot(open_out, edges_path, own):
    state = _STATE
    with state.lock:
        if state.writing:
            raise RuntimeError('heapscope_snapshot is already writing a snapshot in this process')
        state.writing = True
    mark = len(state.own)
    state.own.extend(own)
    try:
        return _snapshot(open_out, edges_path, state)
    finally:
        del state.own[mark:]
        state.writing = False


def _snapshot(open_out, edges_path, state):
    """Walks the heap, then writes it to open_out: a file object, or a
    function that opens one (called after the walk, so that the file object
    is not part of the snapshot)."""
    started = time.perf_counter()
    gc_was_enabled = gc.isenabled()
    gc.disable()  # no collection (and no __del__ run by one) while the graph is walked
    # What gc tracks, taken before this snapshot makes anything of its own.
    gc_objects = gc.get_objects()
    edges_file = open(edges_path, 'w+b')
    try:
        try:
            os.unlink(edges_path)  # POSIX: the open file lives on, and nothing is left behind if the process dies
        except OSError:
            pass
        w = _Walker(state, gc_objects)
        del gc_objects
        w.walk(edges_file)
        del w.gc_objects
        if callable(open_out):
            with open_out() as out:
                w.write_file(out, edges_file)
        else:
            w.write_file(open_out, edges_file)
        info = SnapshotInfo(None, w.node_count, w.edge_count, time.perf_counter() - started, w.traced, w.kept)
        w.finish_registry()
        return info
    finally:
        edges_file.close()
        try:
            os.unlink(edges_path)
        except OSError:
            pass
        if gc_was_enabled:
            gc.enable()


class _Walker:
    """One snapshot: walks the graph once, breadth first from the roots,
    writing each object's edges to a temporary file as it goes and keeping
    only per-node columns (type, name, size, edge count, trace) in arrays.

    Positions: object p (discovery order) is node ordinal K + p, after the K
    synthetic nodes; `index` maps id(object) to its to_node value
    ((K + p) * node field count), computed once so that emitting an edge
    allocates nothing (under tracemalloc every allocation costs ~1-3 us)."""

    def __init__(self, state, gc_objects):
        self.state = state
        self.gc_objects = gc_objects
        self.dict_version = _dict_version({}) if _dict_version is not None else 0
        self.strings = {'': 0}
        self.traced = False
        self.kept = 0

    # -- the walk -----------------------------------------------------------

    def _prepare(self, edges_file):
        """Everything the walk needs, made once: returns (visit, add, counting, finish)."""
        import _tracemalloc  # not tracemalloc, which imports pickle, fnmatch, linecache

        state = self.state
        strings = self.strings
        intern = strings.get
        traced = _tracemalloc.is_tracing()
        self.traced = traced
        traces = _Traces() if traced else None
        self.traces = traces

        _release_dead_pins(state.witness)

        # Synthetic nodes: ordinals 0..K-1.
        threads = self._threads()
        synthetic = ['', '(modules)', '(threads)']
        synthetic += ['thread %s' % name for name, _ in threads]
        synthetic += ['(immortal objects)', '(held outside the graph)', '(unreachable, gc would free)']
        K = len(synthetic)
        NF = _NF
        self.synthetic = synthetic
        self.K = K

        nodes = []
        index = {}
        self.nodes = nodes
        self.index = index
        # this module's own bookkeeping is not part of the program's heap
        excluded = {id(x) for x in (state, _STATE, self, state.addrs, state.ids, state.witness, state.attr_names, state.attr_order, state.lock, state.formats)}
        for groups in state.attr_names.values():  # (names, names): the containers are ours, the names the program's
            excluded.add(id(groups))
            excluded.update(id(g) for g in groups)
        excluded.update(id(names) for names in state.attr_order.values())
        for x in state.own:
            excluded.add(id(x))
            for cell in getattr(x, '__closure__', None) or ():  # and what only its closure holds
                excluded.add(id(cell))
                try:
                    v = cell.cell_contents
                except ValueError:
                    continue
                if type(v) in (list, dict):
                    excluded.add(id(v))
        excluded.add(id(state.own))

        col_type = array.array('B')
        col_name = array.array('I')
        col_size = array.array('Q')
        col_edges = array.array('I')
        col_trace = array.array('I')
        self.columns = (col_type, col_name, col_size, col_edges, col_trace)

        next_to = [K * NF]  # the to_node the next object gets

        def add(o):
            """Gives o the next position; its to_node, or -1 for this module's own objects."""
            k = id(o)
            if k in excluded or type(o) is _Witness or (type(o) is types.FrameType and o.f_code.co_filename == _CO_FILENAME):
                return -1
            v = next_to[0]
            next_to[0] = v + NF
            index[k] = v
            nodes.append(o)
            return v

        idx_get = index.get

        def target(o):
            v = idx_get(id(o))
            if v is None:
                v = add(o)
            return v

        self.target = target

        # Roots: modules first (positions 0..M-1: edges to them become shortcuts), then threads' frames.
        modules = []
        for name, m in list(sys.modules.items()):
            if isinstance(m, types.ModuleType) and id(m) not in index and add(m) >= 0:
                modules.append((name, len(nodes) - 1))
        self.root_module_edges = modules
        module_lo, module_hi = K * NF, (K + len(nodes)) * NF
        self.thread_edges = [[target(f) // NF - K for f in frames] for _, frames in threads]
        threads = None

        get_referents = gc.get_referents
        getsizeof = sys.getsizeof
        getrefcount = sys.getrefcount
        type_info = {}
        self.cell_names = cell_names = {}  # id(cell) -> variable name, from the functions and frames holding it
        immortal = []  # to_node values
        self.fixed = []  # pairs (owner to_node, held to_node) of references that cannot change
        self.instance_infos = {}
        self.attr_name_indices = {}  # class -> string indices of its learned attribute order
        self.class_name_index = _intern(strings, '__class__')
        self.code_qualnames = {}  # id(code) -> qualified name of a function running it (before 3.11)
        self.positions = positions = list(range(4096))  # element indices as existing ints: no allocation per edge
        self.code_objects = code_objects = []
        eb = []  # edges not yet written: type, name_or_index, to_node, ...
        managed_values = _PY >= (3, 11)
        npos = len(positions)
        written = [False]
        limit = 3 * _CHUNK
        immortal_rc = _IMMORTAL_REFCOUNT
        shared_types = _SHARED_TYPES
        is_shared = _is_shared_singleton
        internal_refs = {}  # id -> references to it from objects no root reaches (refcount analysis)
        counting = [False]

        # The walk is small functions on purpose: tracemalloc finds the line of
        # every allocation by scanning its function's line table from the start,
        # which in one long function costs ~10x more.

        def write_edges():
            # References to modules in sys.modules are shortcuts: they retain nothing (see the module's docs).
            for j in range(2, len(eb), 3):
                if module_lo <= eb[j] < module_hi and eb[j - 2] != E_WEAK:
                    eb[j - 2] = E_SHORTCUT
            text = _ints_text(eb)
            if written[0]:
                edges_file.write(b',')
            edges_file.write(text.encode('ascii'))
            written[0] = True
            del eb[:]

        def items_edges(o, t):
            e = []
            items = list(o) if t is list or t is set else o
            for k, v in zip(positions, items) if len(items) <= npos else enumerate(items):
                n = idx_get(id(v))
                if n is None:
                    n = add(v)
                if n >= 0:
                    e += (E_ELEMENT, k, n)
            return e

        def cell_edges(o):
            e = []
            try:
                v = o.cell_contents
            except ValueError:
                return e
            n = target(v)
            if n >= 0:
                e += (E_CONTEXT, _intern(strings, cell_names.get(id(o), 'cell_contents')), n)
            return e

        def edges_of(o, t, handler, heap, managed):
            """(edges, name) of a container; name -1 when its type names it."""
            name = -1
            if handler == H_SEQ or handler == H_SET:
                e = items_edges(o, t)
            elif handler == H_DICT:
                e = []
                self._dict_edges(e, o, t, heap)
            elif handler == H_CELL:
                e = cell_edges(o)
            else:
                e = []
                if handler == H_MODULE:
                    name = _intern(strings, 'module ' + _module_name(o))
                    self._named(e, o, get_referents(o), (('__dict__', _module_dict(o)),), E_PROPERTY, idx_get(id(o)), fixed_names=('__dict__',))
                elif handler == H_TYPE:
                    name = _intern(strings, 'class ' + _class_name(o))
                    self._type_edges(e, o)
                elif handler == H_FUNCTION:
                    name = _intern(strings, _function_name(o))
                    self._function_edges(e, o)
                elif handler == H_CODE:
                    code_objects.append(o)
                    name = _intern(strings, _code_name(o))
                    self._code_edges(e, o)
                elif handler == H_FRAME:
                    name = _intern(strings, _frame_name(o))
                    self._frame_edges(e, o)
                elif handler == H_WEAKREF:
                    self._weakref_edges(e, o, t)
                elif handler == H_GENERATOR:
                    self._named(e, o, get_referents(o), _attrs(o, _GENERATOR_ATTRS), E_INTERNAL, rest=E_CONTEXT)
                elif not heap:
                    self._named(e, o, get_referents(o), _attrs(o, _SAFE_ATTRS.get(t, ())), E_INTERNAL)
            if heap and handler != H_TYPE and handler != H_MODULE and handler != H_WEAKREF:
                self._instance_edges(e, o, t, handler, managed and managed_values)
            return e, name

        def count_refs(o):
            # No root reaches o: count the references among such objects, as gc does.
            for r in get_referents(o):
                k = id(r)
                internal_refs[k] = internal_refs.get(k, 0) + 1

        trace_of = self._trace_reader(traces) if traced else None

        def visit(o):
            t = type(o)
            info = type_info.get(t)
            if info is None:
                info = type_info[t] = _type_info(t, strings)
            handler, node_type, name, heap, managed = info
            try:
                size = getsizeof(o)
            except Exception:
                size = object.__sizeof__(o)
            # shared by the whole interpreter: rooted apart, so no holder retains it
            if getrefcount(o) >= immortal_rc or (t in shared_types and is_shared(o, t)):
                immortal.append(idx_get(id(o)))
            e = None
            if handler == H_STR:
                nm = o if len(o) <= MAX_NAME else o[:MAX_NAME]
                if t is not str:
                    nm = str.__str__(nm)
                name = intern(nm)
                if name is None:
                    name = strings[nm] = len(strings)
            elif handler == H_NUMBER:
                if name < 0:
                    name = _intern(strings, _number_name(o))
            elif handler != H_LEAF or heap:
                e, own_name = edges_of(o, t, handler, heap, managed)
                if own_name >= 0:
                    name = own_name
            if counting[0]:
                count_refs(o)
            col_type.append(node_type)
            col_name.append(name if name >= 0 else 0)
            col_size.append(size if size >= 0 else 0)
            col_trace.append(trace_of(o, size, managed) if traced else 0)
            if e:
                col_edges.append(len(e) // 3)
                eb.extend(e)
                if len(eb) >= limit:
                    write_edges()
            else:
                col_edges.append(0)

        def finish():
            if eb:
                write_edges()
            self.object_edge_count = sum(col_edges)
            self.immortal = [v // NF - K for v in immortal]
            self._classify_unreached(internal_refs)
            self.cell_names = None
            self.target = None

        return visit, add, counting, finish

    def walk(self, edges_file):
        """The walk's loops, in a function of their own: under tracemalloc every
        allocation computes the current line of the innermost frames by scanning
        each one's line table from its start, and _prepare's is long (tracing 4
        frames made a snapshot ~20x slower while the loops were at its end)."""
        visit, add, counting, finish = self._prepare(edges_file)
        nodes, index = self.nodes, self.index
        # `nodes` grows as the walk finds objects; a list iterator sees what is appended.
        for o in nodes:
            visit(o)
        # The roots reach nothing more: what gc tracks that they did not reach comes next.
        self.r_prime_start = len(nodes)
        for o in self.gc_objects:
            if id(o) not in index:
                add(o)
        o = None
        self.gc_objects = None
        counting[0] = True
        for o in itertools.islice(nodes, self.r_prime_start, None):
            visit(o)
        o = None
        finish()

    def _trace_reader(self, traces):
        """trace_of(o, size, managed): o's trace node id (0: none), counting it in the tree."""
        import _tracemalloc

        get_tb = _tracemalloc._get_object_traceback
        tb_managed = _managed_dict_traceback
        node_of = traces.node_of
        count, sizes = traces.count, traces.size

        def trace_of(o, size, managed):
            try:
                tb = get_tb(o)
                if tb is None and managed and tb_managed is not None:
                    tb = tb_managed(o)
            except Exception:
                return 0
            if not tb:
                return 0
            tr = node_of(tb)
            count[tr] += 1
            sizes[tr] += size
            return tr

        return trace_of

    # -- edges of each kind -------------------------------------------------
    # Helpers avoid dicts and id() per reference where they can: under
    # tracemalloc every allocation costs microseconds.

    def _dict_edges(self, e, d, t, heap):
        keys = list(d)
        values = list(dict.values(d))
        if len(keys) != len(values):  # another thread changed it between the two copies
            items = list(dict.items(dict.copy(d)))
            keys = [k for k, _ in items]
            values = [v for _, v in items]
            items = None
        strings = self.strings
        intern = strings.get
        target = self.target
        positions = self.positions
        for k_index, k, v in zip(positions, keys, values) if len(keys) <= len(positions) else zip(itertools.count(), keys, values):
            tk = type(k)
            if tk is str:
                nm = k if len(k) <= MAX_NAME else k[:MAX_NAME]
                ni = intern(nm)
                if ni is None:
                    ni = strings[nm] = len(strings)
                et = E_PROPERTY
            elif tk is int and 0 <= k < _ELEMENT_MAX:
                ni = k
                et = E_ELEMENT
            else:
                ni = _intern(strings, _key_name(k))
                et = E_PROPERTY
            n = target(v)
            if n >= 0:
                e += (et, ni, n)
            n = target(k)
            if n >= 0:
                e += (E_HIDDEN, k_index, n)
        if t is not dict and not heap:
            # a C subclass (defaultdict, OrderedDict...): its own references besides the entries
            left = _Multiset(gc.get_referents(d))
            for k in keys:
                left.take(k)
            for v in values:
                left.take(v)
            self._named(e, d, left.items(), _attrs(d, ('default_factory',)), E_INTERNAL)

    def _named(self, e, o, refs, pairs, et, me=-1, rest=E_HIDDEN, fixed_names=()):
        """An edge per reference: `et` edges named by the attribute in `pairs`
        ((name, value), ...) that is that very object, `rest` edges
        (numbered, or named '(local)' for context edges) for the others."""
        strings = self.strings
        target = self.target
        k = 0
        for r in refs:
            n = target(r)
            if n < 0:
                continue
            for a, v in pairs:
                if v is r:
                    break
            else:
                a = None
            if a is not None:
                # a bound method's object is a reference people write (self.on_done = self.done);
                # a builtin's module or a classmethod's class is plumbing
                prop = a == '__dict__' or (a == '__self__' and type(o) is types.MethodType and not isinstance(r, type))
                e += (E_PROPERTY if prop else et, _intern(strings, a), n)
                if me >= 0 and a in fixed_names:
                    self.fixed += (me, n)
            elif rest == E_CONTEXT:
                e += (E_CONTEXT, _intern(strings, '(local)'), n)
            else:
                e += (rest, k, n)
                k += 1

    def _type_edges(self, e, t):
        pairs = [('__dict__', _type_dict(t))]
        for a in _TYPE_ATTRS:
            try:
                pairs.append((a, type.__dict__[a].__get__(t, type)))
            except Exception:
                pass
        refs = gc.get_referents(t)
        if not refs:  # a static type: gc does not traverse it, but it holds these
            refs = [v for _, v in pairs if v is not None]
        self._named(e, t, refs, pairs, E_INTERNAL, self.index[id(t)], fixed_names=('__dict__',))

    def _function_edges(self, e, f):
        if _PY < (3, 11):  # code objects learn their qualified name in 3.11: keep the function's for allocation sites
            try:
                self.code_qualnames.setdefault(id(f.__code__), f.__qualname__)
            except Exception:
                pass
        closure = f.__closure__
        if closure:
            cell_names = self.cell_names
            try:
                for var, cell in zip(f.__code__.co_freevars, closure):
                    cell_names.setdefault(id(cell), var)
            except Exception:
                pass
        self._named(e, f, gc.get_referents(f), _attrs(f, _FUNCTION_ATTRS), E_INTERNAL, self.index[id(f)], fixed_names=('__closure__',))

    def _code_edges(self, e, co):
        # Code objects are not gc containers: their references are read as attributes,
        # those stored in the object (on this version of Python: see _stored_code_attrs).
        strings = self.strings
        target = self.target
        for a in _stored_code_attrs():
            try:
                v = getattr(co, a)
            except Exception:
                continue
            n = target(v)
            if n >= 0:
                e += (E_INTERNAL, _intern(strings, a), n)

    def _frame_edges(self, e, f):
        pairs = _attrs(f, _FRAME_ATTRS)
        local_names = []
        try:
            if f.f_locals is not f.f_globals:  # a function's frame, not a module's
                cell_names = self.cell_names
                for var, v in list(f.f_locals.items()):
                    local_names.append((var, v))
                    if type(v) is types.CellType:
                        cell_names.setdefault(id(v), var)
        except Exception:
            pass
        strings = self.strings
        target = self.target
        k = 0
        for r in gc.get_referents(f):
            n = target(r)
            if n < 0:
                continue
            for a, v in pairs:
                if v is r:
                    e += (E_INTERNAL, _intern(strings, a), n)
                    break
            else:
                for var, v in local_names:
                    if v is r:
                        e += (E_CONTEXT, _intern(strings, var), n)
                        break
                else:
                    if type(r) is dict:
                        e += (E_INTERNAL, _intern(strings, 'f_locals'), n)
                    else:
                        e += (E_HIDDEN, k, n)
                        k += 1

    def _weakref_edges(self, e, o, t):
        strings = self.strings
        target = self.target
        if isinstance(o, weakref.ref):
            try:
                r = weakref.ref.__call__(o)
            except Exception:
                r = None
            if r is not None:
                n = target(r)
                if n >= 0:
                    e += (E_WEAK, _intern(strings, 'referent'), n)
            r = None
        pairs = _attrs(o, ('__callback__',))
        if t.__flags__ & _TPFLAGS_HEAPTYPE:
            pairs += _slot_values(o, self._instance_info(t)[0])  # KeyedRef.key...
        k = 0
        for r in gc.get_referents(o):
            n = target(r)
            if n < 0:
                continue
            for a, v in pairs:
                if v is r:
                    e += (E_INTERNAL if a == '__callback__' else E_PROPERTY, _intern(strings, a), n)
                    break
            else:
                e += (E_HIDDEN, k, n)
                k += 1

    def _instance_info(self, t):
        """Per class: its __slots__ as (name, descriptor), and whether its instances are plain
        (no slots, a __dict__ or managed attributes, nothing else of their own)."""
        info = self.instance_infos.get(t)
        if info is None:
            slots = _slot_descriptors(t)
            info = self.instance_infos[t] = (slots, not slots)
        return info

    def _instance_edges(self, e, o, t, handler, managed):
        """Attributes of an instance of a class written in Python: its class,
        slots, then its __dict__ (an object of its own) or, on 3.11+ when no
        __dict__ was made, the attribute values it holds itself, named by
        probing. The container part (dict, list... subclasses) is done."""
        refs = gc.get_referents(o)
        slots, plain = self._instance_info(t)
        if plain and handler == H_GENERIC and refs and refs[-1] is t:
            if self._plain_instance_edges(e, o, t, refs, managed):
                return
            refs = refs[:-1]
        elif refs and any(r is t for r in refs):
            n = self.target(t)
            if n >= 0:
                e += (E_INTERNAL, _intern(self.strings, '__class__'), n)
            refs = list(refs)
            for j in range(len(refs) - 1, -1, -1):
                if refs[j] is t:
                    del refs[j]
                    break
        target = self.target
        strings = self.strings

        left = _Multiset(refs)
        if handler == H_DICT:
            for k in list(o):
                left.take(k)
            for v in list(dict.values(o)):
                left.take(v)
        elif handler == H_SEQ or handler == H_SET:
            for v in list(o):
                left.take(v)
        named = []  # (name, value) in the order of refs, to learn the class's attribute order

        def edge(et, nm, v):
            n = target(v)
            if n >= 0:
                e.extend((et, _intern(strings, nm), n))

        for s, v in _slot_values(o, slots):
            if left.take(v):
                edge(E_PROPERTY, s, v)
        if not left:
            return
        if not managed:
            # a __dict__ of its own (3.9, 3.10, C classes), told without reading o.__dict__, which makes one when there is none
            for r in refs:
                if type(r) is dict and r in left and _is_instance_dict(o, r):
                    left.take(r)
                    edge(E_PROPERTY, '__dict__', r)
                    break
        if left and managed:
            self._probe_attributes(o, t, left, named)
            for nm, v in named:
                edge(E_PROPERTY, nm, v)
            if plain and handler == H_GENERIC and not left and len(named) == len(refs):
                # learn the order gc lists them in (the class's shared keys): the next instance takes the fast path
                order = {id(v): nm for nm, v in named}
                if len(order) == len(refs):
                    self.state.attr_order[t] = tuple(order[id(r)] for r in refs)
                    self.attr_name_indices.pop(t, None)
            # On 3.11+ reading __dict__ would make one: a dict left over is the instance's
            # __dict__ if the program made it, which shows as every key reading back its value.
            for r in refs:
                if type(r) is dict and r in left and _is_instance_dict(o, r):
                    left.take(r)
                    edge(E_PROPERTY, '__dict__', r)
                    break
        if left:
            k = 0
            for r in refs:
                if left.take(r):
                    n = target(r)
                    if n >= 0:
                        e += (E_HIDDEN, k, n)
                    k += 1

    def _plain_instance_edges(self, e, o, t, refs, managed):
        """The common case without a multiset: a plain instance whose values gc
        lists in the order learned from an earlier instance of its class (or its
        __dict__). Whether it was that case (the class edge is made either way)."""
        target = self.target
        strings = self.strings
        n = target(t)
        if n >= 0:
            e += (E_INTERNAL, self.class_name_index, n)
        count = len(refs) - 1
        if not managed:
            if count == 0:
                return True
            if count == 1 and type(refs[0]) is dict:
                n = target(refs[0])
                if n >= 0:
                    e += (E_PROPERTY, _intern(strings, '__dict__'), n)
                return True
            return False
        learned = self.state.attr_order.get(t)
        if learned is None or len(learned) != count:
            return False
        getattribute = object.__getattribute__
        try:
            for nm, v in zip(learned, refs):
                if getattribute(o, nm) is not v:
                    return False
        except Exception:
            return False
        name_indices = self.attr_name_indices.get(t)
        if name_indices is None or len(name_indices) != count:
            name_indices = self.attr_name_indices[t] = [_intern(strings, nm) for nm in learned]
        for ni, v in zip(name_indices, refs):
            n = target(v)
            if n >= 0:
                e += (E_PROPERTY, ni, n)
        return True

    def _probe_attributes(self, o, t, left, named):
        """3.11+: the instance holds its attribute values itself, and Python
        gives no way to list their names without making a __dict__ (~64
        bytes per object, for good). So candidate names - the attribute names
        the class's methods use, then names of plain class attributes - are
        read with object.__getattribute__ (no __getattr__ runs, and names of
        data descriptors and of descriptors other than functions are skipped:
        no property runs) and matched to the held values by identity. Values
        no name matches stay unnamed (hidden) edges."""
        attr_names = self.state.attr_names
        names = attr_names.get(t)
        if names is None:
            names = attr_names[t] = _candidate_names(t)
        getattribute = object.__getattribute__
        for group in names:
            for nm in group:
                try:
                    v = getattribute(o, nm)
                except Exception:
                    continue
                if left.take(v):
                    named.append((nm, v))
                    if not left:
                        return

    # -- what no root reaches -------------------------------------------------

    def _classify_unreached(self, internal_refs):
        """Objects gc tracks that no root reached are either held by something
        gc cannot see (C code, an extension's state: their refcount is more
        than the references among them) or garbage gc would free. As gc's own
        collection does: count references from within the set, subtract them
        from each refcount; what is left over is held from outside, and so is
        all it reaches."""
        nodes = self.nodes
        start = self.r_prime_start
        getrefcount = sys.getrefcount
        index = self.index
        K, NF = self.K, _NF
        pinned = {id(w) for w in self.state.witness if type(w) is tuple}
        held_roots = []
        for n in range(start, len(nodes)):
            o = nodes[n]
            if not gc.is_tracked(o):
                continue
            # references held here: the nodes list, o, getrefcount's argument (and a kept tuple's registry slot)
            if getrefcount(o) - 3 - internal_refs.get(id(o), 0) - (id(o) in pinned) > 0:
                held_roots.append(n)
        o = None

        def position(r):
            v = index.get(id(r))
            return -1 if v is None else v // NF - K

        held = set(held_roots)
        stack = list(held_roots)
        while stack:
            for r in gc.get_referents(nodes[stack.pop()]):
                m = position(r)
                if m >= start and m not in held:
                    held.add(m)
                    stack.append(m)
        # garbage: link the objects no other garbage refers to, then one per remaining loop
        garbage = [n for n in range(start, len(nodes)) if n not in held and gc.is_tracked(nodes[n])]
        garbage_set = set(garbage)
        referred = set()
        for n in garbage:
            for r in gc.get_referents(nodes[n]):
                m = position(r)
                if m != n and m in garbage_set:
                    referred.add(m)
        entries = [n for n in garbage if n not in referred]
        reached = set(entries)
        stack = list(entries)
        for n in [None] + garbage:
            if n is not None:
                if n in reached:
                    continue
                entries.append(n)
                reached.add(n)
                stack.append(n)
            while stack:
                for r in gc.get_referents(nodes[stack.pop()]):
                    m = position(r)
                    if m in garbage_set and m not in reached:
                        reached.add(m)
                        stack.append(m)
        self.held_roots = held_roots
        self.garbage_entries = entries

    # -- ids ------------------------------------------------------------------

    def assign_ids(self):
        """Each object's id: the last snapshot's when proven to be the same
        object (see the module's docs), else a new one."""
        state = self.state
        nodes = self.nodes
        addr = array.array('Q', map(id, nodes))
        order = array.array('I', sorted(range(len(nodes)), key=addr.__getitem__))
        prev_of, proven = _match_previous(nodes, addr, order, state)
        _prove_fixed(nodes, self.fixed, self.index, self.K, proven, prev_of)
        ids, kept = _number(proven, prev_of, state)
        self.ids = ids
        self.kept = kept
        self.order = order
        self.addr = addr
        self.proven = proven
        self.prev_of = prev_of

    def finish_registry(self):
        """Keeps what the next snapshot needs to prove ids: addresses, ids and witnesses, by address."""
        state = self.state
        order = self.order
        state.witness = _witnesses(self.nodes, order, self.proven, self.prev_of, state.witness)
        state.addrs = array.array('Q', map(self.addr.__getitem__, order))
        state.ids = array.array('I', map(self.ids.__getitem__, order))
        state.dict_version = self.dict_version
        state.seq += 1

    # -- the file -------------------------------------------------------------

    def write_file(self, out, edges_file):
        self.assign_ids()
        K = self.K
        NF = _NF
        strings = self.strings
        synthetic = self.synthetic
        i_immortal, i_held, i_garbage = K - 3, K - 2, K - 1
        syn_edges = [[] for _ in synthetic]
        syn_edges[0] = [(E_ELEMENT, k, s) for k, s in enumerate((1, 2, i_immortal, i_held, i_garbage))]
        syn_edges[1] = [(E_PROPERTY, _intern(strings, nm), n + K) for nm, n in self.root_module_edges]
        syn_edges[2] = [(E_ELEMENT, k, 3 + k) for k in range(len(self.thread_edges))]
        for k, frames in enumerate(self.thread_edges):
            syn_edges[3 + k] = [(E_ELEMENT, j, n + K) for j, n in enumerate(frames)]
        syn_edges[i_immortal] = [(E_ELEMENT, k, n + K) for k, n in enumerate(self.immortal)]
        syn_edges[i_held] = [(E_ELEMENT, k, n + K) for k, n in enumerate(self.held_roots)]
        syn_edges[i_garbage] = [(E_ELEMENT, k, n + K) for k, n in enumerate(self.garbage_entries)]
        syn_names = [_intern(strings, s) for s in synthetic]
        node_count = K + len(self.nodes)
        edge_count = sum(len(e) for e in syn_edges) + self.object_edge_count
        self.node_count = node_count
        self.edge_count = edge_count

        infos, tree = [], [1, 0, 0, 0, []]
        if self.traces is not None and len(self.traces.nodes) > 2:
            infos, tree = self._trace_sections(self.traces)

        def names(xs):
            return '[%s]' % ','.join(_json_string(x) for x in xs)

        meta = (
            '{"node_fields":%s,"node_types":[%s,"string","number","number","number","number"],'
            '"edge_fields":["type","name_or_index","to_node"],"edge_types":[%s,"string_or_number","node"],'
            '"trace_function_info_fields":["function_id","name","script_name","script_id","line","column"],'
            '"trace_node_fields":["id","function_info_index","count","size","children"],'
            '"sample_fields":["timestamp_us","last_assigned_id"],"location_fields":["object_index","script_id","line","column"]}'
        ) % (names(_NODE_FIELDS), names(_NODE_TYPES), names(_EDGE_TYPES))
        w = out.write
        w(('{"snapshot":{"meta":%s,"node_count":%d,"edge_count":%d,"trace_function_count":%d}' % (meta, node_count, edge_count, len(infos) // 6)).encode('ascii'))
        w(b',\n"nodes":[')
        # synthetic nodes: ids 1, 3, 5... (objects' ids are even)
        w(',\n'.join('%d,%d,%d,0,%d,0' % (N_SYNTHETIC, syn_names[k], 2 * k + 1, len(syn_edges[k])) for k in range(K)).encode('ascii'))
        col_type, col_name, col_size, col_edges, col_trace = self.columns
        ids = self.ids
        count = len(self.nodes)
        step = _CHUNK // 6
        for s in range(0, count, step):
            w(b',\n')
            w(_node_rows(self.columns, ids, s, min(count, s + step)))
        w(b'],\n"edges":[')
        syn_flat = [x for es in syn_edges for t, n, to in es for x in (t, n, to * NF)]
        w(_ints_text(syn_flat).encode('ascii'))
        edges_file.flush()
        edges_file.seek(0)
        first = True
        while True:
            chunk = edges_file.read(1 << 20)
            if not chunk:
                break
            if first and syn_flat:
                w(b',')
            first = False
            w(chunk)
        w(b'],\n"trace_function_infos":[')
        w(_ints_text(infos).encode('ascii'))
        w(b'],\n"trace_tree":')
        w(_tree_text(tree).encode('ascii'))
        w(b',\n"samples":[],\n"locations":[],\n"strings":[')
        keys = list(strings)
        step = 20_000
        for s in range(0, len(keys), step):
            if s:
                w(b',\n')
            # lone surrogates (from surrogateescape) become \\udcXX escapes: still JSON, and valid UTF-8
            w(','.join(map(_json_string, keys[s : s + step])).encode('utf-8', 'backslashreplace'))
        w(b']}\n')

    def _trace_sections(self, traces):
        """trace_function_infos (flat) and trace_tree (nested lists, as V8 writes it)."""
        strings = self.strings
        frames = {}
        for node in traces.nodes[2:]:
            frames.setdefault(node[1], None)
        spans = _function_names({f[0] for f in frames}, self.code_objects, self.code_qualnames)
        scripts = {}
        infos = [0, _intern(strings, '(root)'), _intern(strings, ''), 0, 0, 0]
        info_of = {}
        for k, frame in enumerate(frames, 1):
            filename, line = frame
            sid = scripts.get(filename)
            if sid is None:
                sid = scripts[filename] = len(scripts) + 1
            info_of[frame] = k
            infos += [k, _intern(strings, _name_at(spans, filename, line)), _intern(strings, filename), sid, line, 0]
        count, size = traces.count, traces.size
        tree_nodes = [None, [1, 0, count[1], size[1], []]]
        for tid in range(2, len(traces.nodes)):
            parent, frame = traces.nodes[tid]
            node = [tid, info_of[frame], count[tid], size[tid], []]
            tree_nodes.append(node)
            tree_nodes[parent][4].extend(node)  # V8 lists children flat: id,fi,count,size,[...],id,...; a parent has a smaller id
        return infos, tree_nodes[1]

    def _threads(self):
        """(name, frames innermost first) of every thread, leaving out this module's own frames."""
        threading = sys.modules.get('threading')  # named if the program uses threading (not imported here)
        try:
            names = {t.ident: t.name for t in threading.enumerate()} if threading is not None else {}
        except Exception:
            names = {}
        out = []
        for ident, frame in sorted(sys._current_frames().items()):
            frames = []
            f = frame
            while f is not None:
                if f.f_code.co_filename != _CO_FILENAME:
                    frames.append(f)
                f = f.f_back
            frame = f = None
            out.append(('%s (%d)' % (names.get(ident, '?'), ident), frames))
        return out


_CHUNK = 30_000  # ints per formatted piece of the file


def _ints_text(ints):
    """'1,2,3': one % with a cached format string, which writes each int
    straight into the result (join(map(str)) makes a str per int)."""
    out = []
    for s in range(0, len(ints), _CHUNK):
        part = ints[s : s + _CHUNK]
        f = _STATE.formats.get(len(part))
        if f is None:
            f = ','.join(['%d'] * len(part))
            if len(_STATE.formats) < 4:
                _STATE.formats[len(part)] = f
        out.append(f % tuple(part))
    return ','.join(out)


def _node_rows(columns, ids, s, e):
    col_type, col_name, col_size, col_edges, col_trace = columns
    flat = []
    for r in zip(col_type[s:e], col_name[s:e], ids[s:e], col_size[s:e], col_edges[s:e], col_trace[s:e]):
        flat += r
    return _ints_text(flat).encode('ascii')


def _tree_text(tree):
    """JSON of nested lists of ints, iteratively (a trace tree is as deep as tracemalloc's frame limit)."""
    out = []
    stack = [iter(tree)]
    out.append('[')
    first = [True]
    while stack:
        x = next(stack[-1], None)
        if x is None:
            stack.pop()
            first.pop()
            out.append(']')
            continue
        if not first[-1]:
            out.append(',')
        first[-1] = False
        if type(x) is list:
            out.append('[')
            stack.append(iter(x))
            first.append(True)
        else:
            out.append('%d' % x)
    return ''.join(out)


class _Multiset:
    """References by identity, with counts: what is left to name."""

    __slots__ = ('counts', 'refs')

    def __init__(self, refs):
        counts = {}
        for r in refs:
            k = id(r)
            counts[k] = counts.get(k, 0) + 1
        self.counts = counts
        self.refs = refs

    def take(self, v):
        """Removes one reference to v; whether there was one."""
        counts = self.counts
        k = id(v)
        c = counts.get(k)
        if not c:
            return False
        if c == 1:
            del counts[k]
        else:
            counts[k] = c - 1
        return True

    def __contains__(self, v):
        return id(v) in self.counts

    def __bool__(self):
        return bool(self.counts)

    def items(self):
        """The references left, one per count."""
        out = []
        counts = dict(self.counts)
        for r in self.refs:
            c = counts.get(id(r))
            if c:
                out.append(r)
                counts[id(r)] = c - 1
        return out


def _is_instance_dict(o, d):
    """Whether dict d, held by o, is o's __dict__, without reading o.__dict__."""
    getattribute = object.__getattribute__
    try:
        for k, v in list(d.items())[:8]:
            if type(k) is not str or getattribute(o, k) is not v:
                return False
    except Exception:
        return False
    return True


def _attrs(o, names):
    """(name, value) of the attributes of o that exist (only names whose getter makes nothing)."""
    out = []
    for a in names:
        try:
            out.append((a, getattr(o, a)))
        except Exception:
            pass
    return out


def _slot_descriptors(t):
    """(name, member descriptor) of every __slots__ entry of t and its bases."""
    out = []
    for c in t.__mro__:
        try:
            slots = type.__dict__['__dict__'].__get__(c, type).get('__slots__')
            if not slots:
                continue
            slots = [slots] if isinstance(slots, str) else list(slots)
        except Exception:
            continue
        d = type.__dict__['__dict__'].__get__(c, type)
        for s in slots:
            if not isinstance(s, str) or s in ('__dict__', '__weakref__'):
                continue
            desc = d.get(s)
            if desc is None and s.startswith('__') and not s.endswith('__'):
                desc = d.get('_%s%s' % (c.__name__.lstrip('_'), s))  # name mangling
            if type(desc) is types.MemberDescriptorType:
                out.append((s, desc))
    return out


def _slot_values(o, slots):
    """(name, value) of the slots of o that are set."""
    out = []
    for s, desc in slots:
        try:
            out.append((s, desc.__get__(o)))
        except AttributeError:
            pass
    return out


def _stored_code_attrs():
    """The code object attributes this Python stores. Others are made on each
    read, or made and cached by the first read (co_code, co_varnames on 3.11+;
    co_lnotab): reading them would add to the heap, so they are left out (on
    3.11+ the names of locals are in a tuple no attribute gives)."""
    if _PY >= (3, 11):
        return ('co_consts', 'co_names', 'co_filename', 'co_name', 'co_qualname', 'co_linetable', 'co_exceptiontable')
    return ('co_code', 'co_consts', 'co_names', 'co_varnames', 'co_freevars', 'co_cellvars', 'co_filename', 'co_name', 'co_lnotab' if _PY < (3, 10) else 'co_linetable')


def _type_dict(t):
    """The dict a class keeps its attributes in (type.__dict__ gives a read-only view of it)."""
    try:
        return gc.get_referents(type.__dict__['__dict__'].__get__(t, type))[0]
    except Exception:
        return None


def _module_dict(m):
    try:
        return object.__getattribute__(m, '__dict__')
    except Exception:
        return None


def _module_name(m):
    d = _module_dict(m)
    name = d.get('__name__') if isinstance(d, dict) else None
    return name if isinstance(name, str) else '?'


def _function_name(f):
    try:
        module = f.__module__
        qualname = f.__qualname__
    except Exception:
        return 'function'
    if not isinstance(qualname, str):
        qualname = '?'
    if isinstance(module, str) and module != 'builtins':
        return '%s.%s' % (module, qualname)
    return qualname


def _code_name(co):
    try:
        return getattr(co, 'co_qualname', co.co_name)
    except Exception:
        return 'code'


def _frame_name(f):
    try:
        co = f.f_code
        return 'frame %s %s:%d' % (getattr(co, 'co_qualname', co.co_name), os.path.basename(co.co_filename), f.f_lineno or 0)
    except Exception:
        return 'frame'


def _class_dict(c):
    try:
        return type.__dict__['__dict__'].__get__(c, type)
    except Exception:
        return {}


def _codes_of_class(c, codes):
    """The code of c's functions (methods, static and class methods, properties) into codes."""
    for v in list(_class_dict(c).values()):
        if isinstance(v, (staticmethod, classmethod)):
            v = v.__func__
        if isinstance(v, property):
            codes.extend(g.__code__ for g in (v.fget, v.fset, v.fdel) if isinstance(g, types.FunctionType))
        elif isinstance(v, types.FunctionType):
            codes.append(v.__code__)


def _candidate_names(t):
    """Two lists of names to probe an instance of t with: the attribute names
    the code that can set them uses (t's methods and its bases', the functions
    and classes of t's module, the code running on every thread's stack), those
    the class does not define first, then those it defines as plain values (a
    value read under such a name may be the class's, so they only match what
    is left)."""
    codes = []
    for c in t.__mro__:
        if c is not object:
            _codes_of_class(c, codes)
    module = sys.modules.get(_class_dict(t).get('__module__', ''))
    try:
        for v in list(object.__getattribute__(module, '__dict__').values()) if module is not None else ():
            if isinstance(v, types.FunctionType):
                codes.append(v.__code__)
            elif isinstance(v, type) and _class_dict(v).get('__module__') == module.__name__:
                _codes_of_class(v, codes)
    except Exception:
        pass
    for f in sys._current_frames().values():
        while f is not None:
            if f.f_code.co_filename != _CO_FILENAME:
                codes.append(f.f_code)
            f = f.f_back
    names = []
    seen_codes = set()
    while codes:
        co = codes.pop()
        if id(co) in seen_codes:
            continue
        seen_codes.add(id(co))
        names.extend(co.co_names)
        codes.extend(c for c in co.co_consts if isinstance(c, types.CodeType))
    own = []
    class_values = []
    seen = set()
    mro_dicts = [_class_dict(c) for c in t.__mro__]
    for nm in names:
        if nm in seen or (nm.startswith('__') and nm.endswith('__')):
            continue
        seen.add(nm)
        for d in mro_dicts:
            if nm in d:
                attr = d[nm]
                break
        else:
            own.append(nm)
            continue
        at = type(attr)
        if hasattr(at, '__set__') or hasattr(at, '__delete__'):
            continue  # a data descriptor wins over the instance's value: cannot be read without running it
        if hasattr(at, '__get__') and not isinstance(attr, (types.FunctionType, staticmethod, classmethod)):
            continue  # an unknown descriptor (cached_property...) would run
        class_values.append(nm)
    return (own, class_values)


def _match_previous(nodes, addr, order, state):
    """Walks this snapshot's and the last one's addresses in order: (position
    in the last registry by node, or -1; whether the witness proves it the
    same object)."""
    prev_addrs = state.addrs.tolist()
    prev_witness = state.witness
    prev_version = state.dict_version
    dict_version = _dict_version
    prev_of = array.array('l', [-1]) * len(nodes)
    proven = bytearray(len(nodes))
    j = 0
    np = len(prev_addrs)
    if not np:
        return prev_of, proven
    for n in order.tolist():
        a = addr[n]
        while prev_addrs[j] < a:
            j += 1
            if j == np:
                return prev_of, proven
        if prev_addrs[j] != a:
            continue
        prev_of[n] = j
        w = prev_witness[j]
        if w is None:
            continue
        o = nodes[n]
        if type(w) is _Witness:
            proven[n] = w() is o
        elif w is _DICT_STAMP:
            # 2: proven unchanged since, so what it holds is proven too (_prove_fixed)
            proven[n] = 2 if dict_version is not None and isinstance(o, dict) and dict_version(o) <= prev_version else 0
        else:
            proven[n] = w is o
    return prev_of, proven


def _prove_fixed(nodes, fixed, index, K, proven, prev_of):
    """What a proven object holds through a reference that cannot change is the
    same object too: a module's and a class's __dict__, a function's closure
    tuple, a tuple's items, and the keys and values of a dict unchanged since
    the last snapshot (its version tag says so: proven[n] == 2). The object
    held now was held then, so it was alive then at the address it has now,
    and the last snapshot's object at that address was this one."""
    held_by = {}
    for k in range(0, len(fixed), 2):
        held_by.setdefault(fixed[k] // _NF - K, []).append(fixed[k + 1] // _NF - K)
    stack = [n for n in held_by if proven[n]]
    stack += [n for n, p in enumerate(proven) if p == 2 and n not in held_by]
    while stack:
        n = stack.pop()
        held = held_by.get(n)
        o = nodes[n]
        if held is None and type(o) is tuple:
            held = [index[id(x)] // _NF - K for x in o if id(x) in index]
        elif proven[n] == 2:
            try:
                pairs = list(dict.items(o))
            except RuntimeError:  # changed by another thread meanwhile: not proven unchanged after all
                continue
            held = (held or []) + [index[id(x)] // _NF - K for kv in pairs for x in kv if id(x) in index]
        for m in held or ():
            if not proven[m] and prev_of[m] >= 0:
                proven[m] = 1
                stack.append(m)


def _number(proven, prev_of, state):
    """ids: the last one's for proven objects, new ones (never used before) for the rest."""
    prev_ids = state.ids
    next_id = state.next_id
    count = len(proven)
    ids = array.array('I', bytes(4 * count))
    kept = 0
    for n in range(count):
        if proven[n]:
            ids[n] = prev_ids[prev_of[n]]
            kept += 1
        else:
            ids[n] = next_id
            next_id += 2
    if next_id > _MAX_ID:
        raise OverflowError('heapscope_snapshot: this process has used up the 2**31 object ids snapshots can name')
    state.next_id = next_id
    return ids, kept


def _witnesses(nodes, order, proven, prev_of, prev_witness):
    version_ok = _dict_version is not None
    witness = []
    append = witness.append
    for n in order:
        o = nodes[n]
        if proven[n]:
            w = prev_witness[prev_of[n]]
            if type(w) is _Witness or w is o:
                append(w)
                continue
        append(_witness_for(o, version_ok))
    return witness


def _witness_for(o, version_ok):
    t = type(o)
    if t.__weakrefoffset__:
        try:
            return _Witness(o)
        except TypeError:
            return None
    if t in _ATOMIC:
        if t is str or t is bytes:
            return o if len(o) <= PIN_MAX_BYTES else None
        return o
    if t is tuple:
        return o if _atomic_tuple(o, 3) else None
    if version_ok and isinstance(o, dict):
        return _DICT_STAMP
    return None


def _atomic_tuple(o, depth):
    size = 0
    for x in o:
        tx = type(x)
        if tx is tuple:
            if depth == 0 or not _atomic_tuple(x, depth - 1):
                return False
        elif tx in _ATOMIC or x is None or tx is bool:
            if (tx is str or tx is bytes) and len(x) > PIN_MAX_BYTES:
                return False
        else:
            return False
    del size
    return True


_SMALL_INTS = list(range(-5, 257))  # the interpreter's cached small ints
_EMPTY = ('', b'', ())
# Types whose shared objects need naming (not marked by their refcount): on
# 3.12+ none (all immortal), on 3.11 the singletons (its small ints, one-character
# strings and empty tuple are static, with refcounts near 10**9), before that all.
_SHARED_TYPES = (
    set()
    if _PY >= (3, 12)
    else {type(None), bool, type(Ellipsis), type(NotImplemented)}
    if _PY == (3, 11)
    else {type(None), bool, type(Ellipsis), type(NotImplemented), int, str, bytes, tuple}
)


def _is_shared_singleton(o, t):
    """Objects the interpreter itself keeps for good and hands to everyone
    (before 3.12 they are not marked immortal): None, True, False, Ellipsis,
    NotImplemented, the cached small ints, the empty and one-character
    Latin-1 str and bytes, the empty tuple."""
    if t is int:
        return -5 <= o <= 256 and o is _SMALL_INTS[o + 5]
    if t is str:
        return (o is _EMPTY[0]) if not o else (len(o) == 1 and ord(o) < 256 and o is chr(ord(o)))
    if t is bytes:
        return (o is _EMPTY[1]) if not o else (len(o) == 1 and o is bytes((o[0],)))
    if t is tuple:
        return o is _EMPTY[2]
    return True


_CO_FILENAME = _snapshot.__code__.co_filename  # this module's frames are not the program's
_dict_version = _make_dict_version()
_managed_dict_traceback = _make_managed_dict_traceback()


# ---------------------------------------------------------------------------
# Triggers: a signal, a program run under this module, heapscope record.


def install(signum='SIGUSR1', directory='.', name=None, trace=None, gzip=False):
    """Writes a snapshot each time the process gets ``signum``
    (``kill -USR1 <pid>``): ``<directory>/<name>-<pid>-<n>.heapsnapshot``.
    With ``trace=N``, starts tracemalloc (N frames) if it is not tracing, so
    the snapshots carry allocation sites. Returns the previous handler.

        >>> import heapscope_snapshot
        >>> heapscope_snapshot.install('SIGUSR1', 'snapshots', trace=1)   # doctest: +SKIP
    """
    import signal as _signal

    if trace:
        import tracemalloc

        if not tracemalloc.is_tracing():
            tracemalloc.start(int(trace))
    if name is None:
        name = _program_name()
    sig = getattr(_signal, signum) if isinstance(signum, str) else signum
    os.makedirs(directory, exist_ok=True)

    def handler(signo, frame):
        del frame
        if _STATE.writing:
            return
        _STATE.seq  # noqa: B018
        path = os.path.join(directory, '%s-%d-%03d.heapsnapshot%s' % (name, os.getpid(), _STATE.seq + 1, '.gz' if gzip else ''))
        try:
            info = write(path)
            sys.stderr.write('heapscope_snapshot: wrote %s (%d objects, %.1f s)\n' % (info.path, info.node_count, info.seconds))
        except Exception as e:  # the program goes on
            sys.stderr.write('heapscope_snapshot: could not write %s: %s\n' % (path, e))

    return _signal.signal(sig, handler)


# heapscope record -- python3 app.py: heapscope starts the program with
# python/record/ on PYTHONPATH, whose sitecustomize calls _record() with
# HEAPSCOPE_RECORD="fd=3,signal=SIGUSR1,trace=16" before the program's first
# line. fd is a pipe (or socket) to heapscope; each signal writes one snapshot
# into it, framed so that heapscope knows where it ends:
#
#   ready <pid>\n                     once, when the handler is installed
#   begin\n                           a snapshot starts
#   chunk <n>\n<n bytes of JSON>      ... as it is made (the pipe's back-pressure
#                                     holds the program while heapscope writes)
#   end <nodes> <edges> <seconds>\n   the snapshot is whole
#   error <message>\n                 no snapshot (or the rest of this one)
#
# The snapshot is written by the signal handler, on the main thread between
# two bytecodes, so the program's main thread is held while it is written, as
# V8 holds a JavaScript program.


class _Frames:
    """Writes bytes as `chunk` frames of at least 64 KiB (small writes gathered)."""

    __slots__ = ('fd', 'buf')

    def __init__(self, fd):
        self.fd = fd
        self.buf = bytearray()

    def write(self, data):
        self.buf += data
        if len(self.buf) >= 1 << 16:
            self.flush()
        return len(data)

    def flush(self):
        if self.buf:
            _send(self.fd, b'chunk %d\n' % len(self.buf) + self.buf)
            self.buf = bytearray()


def _send(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _record(spec):
    """Starts answering heapscope record (see above): spec is HEAPSCOPE_RECORD's value."""
    import signal as _signal

    options = dict(part.split('=', 1) for part in spec.split(',') if '=' in part)
    fd = int(options['fd'])
    sig = getattr(_signal, options.get('signal', 'SIGUSR1'))
    trace = int(options.get('trace', '0'))
    if trace > 0:
        import _tracemalloc  # not tracemalloc, which imports pickle, fnmatch, linecache

        if not _tracemalloc.is_tracing():
            _tracemalloc.start(trace)
    alive = [True]

    def handler(signo, frame):
        del frame
        if not alive[0]:
            return
        try:
            if _STATE.writing:
                _send(fd, b'error a snapshot is already being written\n')
                return
            _send(fd, b'begin\n')
            frames = _Frames(fd)
            try:
                info = _locked_snapshot(frames, _edges_path(), (frames,))
                frames.flush()
            except (BrokenPipeError, ConnectionError):
                raise
            except BaseException as e:
                message = ('%s: %s' % (type(e).__name__, e)).replace('\n', ' ')
                _send(fd, b'error ' + message.encode('utf-8', 'backslashreplace') + b'\n')
                if not isinstance(e, Exception):
                    raise  # KeyboardInterrupt, SystemExit: the program's, after heapscope is told
                return
            _send(fd, b'end %d %d %.3f\n' % (info.node_count, info.edge_count, info.seconds))
        except (BrokenPipeError, ConnectionError):
            alive[0] = False  # heapscope has gone: the program goes on without it

    previous = _signal.signal(sig, handler)
    _STATE.own.append(handler)

    def forget():
        # A forked child (multiprocessing) is not the process heapscope records.
        alive[0] = False
        try:
            os.close(fd)
        except OSError:
            pass
        try:
            _signal.signal(sig, previous)
        except (ValueError, TypeError):
            pass

    if hasattr(os, 'register_at_fork'):
        os.register_at_fork(after_in_child=forget)
        _STATE.own.append(forget)
    try:
        _send(fd, b'ready %d\n' % os.getpid())
    except OSError:
        forget()


def _program_name():
    main = sys.modules.get('__main__')
    f = getattr(main, '__file__', None)
    if isinstance(f, str):
        return os.path.splitext(os.path.basename(f))[0]
    return 'python'


def main(argv=None):
    """``python3 -m heapscope_snapshot [options] (script | -m module | -c code) [args...]``"""
    import argparse
    import runpy

    p = argparse.ArgumentParser(
        prog='python3 -m heapscope_snapshot',
        description='Run a Python program; on SIGUSR1 (or --signal) write a heap snapshot of it for heapscope.',
    )
    p.add_argument('--signal', default='SIGUSR1', help='the signal that takes a snapshot (default SIGUSR1)')
    p.add_argument('--dir', default='.', help='where snapshots go (default .)')
    p.add_argument('--name', default=None, help='file name prefix (default: the script)')
    p.add_argument('--trace', type=int, default=None, metavar='N', help='start tracemalloc with N frames (allocation sites)')
    p.add_argument('--at-exit', action='store_true', help='also write a snapshot when the program ends')
    p.add_argument('--gzip', action='store_true', help='write .heapsnapshot.gz')
    p.add_argument('-m', dest='module', default=None, help='run a module, as python -m')
    p.add_argument('-c', dest='code', default=None, help='run code, as python -c')
    p.add_argument('args', nargs=argparse.REMAINDER, help='the script and its arguments')
    a = p.parse_args(argv)
    if a.module is None and a.code is None and not a.args:
        p.error('say what to run: a script, -m module or -c code')
    name = a.name
    if name is None:
        name = a.module.rsplit('.', 1)[-1] if a.module else ('python' if a.code is not None else os.path.splitext(os.path.basename(a.args[0]))[0])
    install(a.signal, a.dir, name, a.trace, a.gzip)
    if a.at_exit:
        import atexit

        atexit.register(lambda: write(os.path.join(a.dir, '%s-%d-exit.heapsnapshot%s' % (name, os.getpid(), '.gz' if a.gzip else ''))))
    if a.code is not None:
        sys.argv = ['-c'] + a.args
        exec(compile(a.code, '<string>', 'exec'), {'__name__': '__main__'})
    elif a.module is not None:
        sys.argv = [a.module] + a.args
        runpy.run_module(a.module, run_name='__main__', alter_sys=True)
    else:
        sys.argv = a.args
        sys.path[0] = os.path.dirname(os.path.abspath(a.args[0]))
        runpy.run_path(a.args[0], run_name='__main__')


if __name__ == '__main__':
    main()
