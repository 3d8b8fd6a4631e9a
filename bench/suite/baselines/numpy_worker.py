# The numpy baseline's worker: reads one JSON request a line on stdin, answers one JSON line on
# stdout. Inputs arrive as raw float32 files; each kernel times its own loop of calls
# (time.perf_counter) so that process start-up and the pipe are not in the time. The thread
# count of numpy's BLAS is fixed by OPENBLAS_NUM_THREADS when the worker starts.
import json
import sys
import time

import numpy as np

arrays = {}
kernels = {}


def softmax(x, y):
    m = x.max(axis=1, keepdims=True)
    np.subtract(x, m, out=y)
    np.exp(y, out=y)
    s = y.sum(axis=1, keepdims=True)
    np.divide(y, s, out=y)


def layer_norm(x, g, b, y, eps):
    mean = x.mean(axis=1, keepdims=True)
    np.subtract(x, mean, out=y)
    var = np.mean(y * y, axis=1, keepdims=True)
    np.multiply(y, 1.0 / np.sqrt(var + eps), out=y)
    np.multiply(y, g, out=y)
    np.add(y, b, out=y)


def make(req):
    ins = [arrays[n] for n in req["inputs"]]
    out = np.empty(req["outShape"], dtype=np.float32)
    k = req["kernel"]
    if k == "gemm":
        return out, lambda: np.matmul(ins[0], ins[1], out=out)
    if k == "softmax":
        return out, lambda: softmax(ins[0], out)
    if k == "layernorm":
        eps = np.float32(req.get("eps", 1e-5))
        return out, lambda: layer_norm(ins[0], ins[1], ins[2], out, eps)
    if k == "add":
        return out, lambda: np.add(ins[0], ins[1], out=out)
    raise ValueError("unknown kernel " + k)


def handle(req):
    op = req["op"]
    if op == "version":
        return {"numpy": np.__version__}
    if op == "load":
        arrays[req["name"]] = np.fromfile(req["path"], dtype=np.float32).reshape(req["shape"])
        return {"ok": True}
    if op == "setup":
        kernels[req["id"]] = make(req)
        return {"ok": True}
    if op == "run":
        out, f = kernels[req["id"]]
        t = time.perf_counter()
        for _ in range(req["reps"]):
            f()
        return {"seconds": (time.perf_counter() - t) / req["reps"]}
    if op == "result":
        out, f = kernels[req["id"]]
        f()
        out.tofile(req["path"])
        return {"ok": True}
    raise ValueError("unknown op " + op)


for line in sys.stdin:
    try:
        answer = handle(json.loads(line))
    except Exception as e:  # the error goes back to the bench, which skips the entry
        answer = {"error": f"{type(e).__name__}: {e}"}
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()
