"""Python baselines for bench/exported-bench.ts: the best stdlib-only readers of each exported format's header.

No gguf-py or onnx package can be installed here (no network), so GGUF and ONNX get hand-written readers that,
like ckpt, seek over payloads: GGUF after gguf-py's GGUFReader field walk (arrays skipped, first five kept), ONNX
a top-level ModelProto field walk that skips the graph (less than ckpt does: no graph outline). `.keras`: zipfile
+ json (as keras.saving does for config.json); `.nemo`: tarfile + yaml.safe_load (as NeMo's restore does).
Usage: python_exported_reader.py --repeat N FILE... → JSON {"per_file_ms": {path: median ms}, "min_ms": {…}, "bytes_read": {path: n}}.
"""
import io
import json
import struct
import sys
import tarfile
import time
import zipfile

import yaml


class Counting(io.RawIOBase):
    def __init__(self, path):
        self.f = open(path, "rb")
        self.n = 0

    def readable(self):
        return True

    def seekable(self):
        return True

    def seek(self, offset, whence=0):
        return self.f.seek(offset, whence)

    def tell(self):
        return self.f.tell()

    def readinto(self, buffer):
        data = self.f.read(len(buffer))
        buffer[: len(data)] = data
        self.n += len(data)
        return len(data)

    def read(self, size=-1):
        data = self.f.read(size)
        self.n += len(data)
        return data

    def close(self):
        self.f.close()


WIDTH = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}


def gguf(f):
    f.read(8)
    n_tensors, n_kv = struct.unpack("<QQ", f.read(16))
    kv = {}
    def string():
        (length,) = struct.unpack("<Q", f.read(8))
        return f.read(length)
    def value(kind):
        if kind == 8:
            return string().decode()
        if kind == 9:
            elem, count = struct.unpack("<IQ", f.read(12))
            first = []
            for index in range(count):
                if elem in WIDTH and index >= 5:
                    f.seek(WIDTH[elem] * (count - index), 1)
                    break
                first.append(value(elem))
            return {"count": count, "first": first}
        return f.read(WIDTH[kind])
    for _ in range(n_kv):
        key = string().decode()
        (kind,) = struct.unpack("<I", f.read(4))
        kv[key] = value(kind)
    for _ in range(n_tensors):
        string()
        (dims,) = struct.unpack("<I", f.read(4))
        f.read(8 * dims + 12)
    return kv["general.architecture"]


def varint(f):
    shift = value = 0
    while True:
        byte = f.read(1)[0]
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value


def onnx(f):
    end = f.seek(0, 2)
    f.seek(0)
    out = {}
    while f.tell() < end:
        key = varint(f)
        if key & 7 == 0:
            out[key >> 3] = varint(f)
        elif key & 7 == 2:
            length = varint(f)
            if key >> 3 == 7:
                f.seek(length, 1)
            else:
                out.setdefault(key >> 3, []).append(f.read(length))
    return out[1]


def keras(f):
    with zipfile.ZipFile(f) as zf:
        return json.loads(zf.read("config.json"))["class_name"], json.loads(zf.read("metadata.json"))


def nemo(f):
    with tarfile.open(fileobj=f, mode="r:") as tar:
        config = yaml.safe_load(tar.extractfile("./model_config.yaml"))
        return [member.size for member in tar.getmembers()], config["target"]


READERS = {".gguf": gguf, ".onnx": onnx, ".keras": keras, ".nemo": nemo}


def main():
    repeat = int(sys.argv[2])
    per_file, fastest, read = {}, {}, {}
    for path in sys.argv[3:]:
        reader = READERS[path[path.rindex(".") :]]
        times = []
        for _ in range(repeat):
            f = Counting(path)
            start = time.perf_counter()
            reader(f)
            times.append((time.perf_counter() - start) * 1000)
            read[path] = f.n
            f.close()
        times.sort()
        per_file[path] = times[len(times) // 2]
        fastest[path] = times[0]
    print(json.dumps({"per_file_ms": per_file, "min_ms": fastest, "bytes_read": read}))


main()
