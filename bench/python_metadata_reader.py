"""Python's best metadata-only checkpoint reader, for comparison with ckpt (no torch needed).

stdlib zipfile -> <root>/data.pkl -> pickle.Unpickler with persistent_load returning None and find_class returning
a stub class, so no tensor bytes and no framework code are touched. Legacy (pre-1.6) files: the pickles in sequence.
safetensors: the JSON header. A torch DCP `.metadata`: its one pickle. Prints JSON: {"per_file_ms": {path: median_ms},
"bytes_read": {path: n}, "passes_ms": [ms per pass], "cpu_ms": process CPU time of all reads}.

Usage: python3 bench/python_metadata_reader.py --repeat 20 FILE...      (each file 20 times in a row)
       python3 bench/python_metadata_reader.py --passes 20 FILE...      (every file once per pass, 20 passes)
       python3 bench/python_metadata_reader.py --repeat 1 --files-from LIST   (paths one per line)
"""
import argparse
import io
import json
import pickle
import statistics
import struct
import sys
import time
import zipfile


class Stub(dict):
    """Stands in for every class and function a pickle names: records arguments and state, runs nothing."""

    # DCP keys storage_data by MetadataIndex (a frozen dataclass): stubs must be usable as dict keys.
    __hash__ = object.__hash__

    def __init__(self, *args, **kwargs):
        super().__init__()
        self.args = args

    def __setstate__(self, state):
        self.state = state

    def append(self, item):
        self.setdefault("__items__", []).append(item)

    def extend(self, items):
        self.setdefault("__items__", []).extend(items)


class MetadataUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        return type(name, (Stub,), {"__module__": module})

    def persistent_load(self, pid):
        return None


class CountingFile(io.RawIOBase):
    def __init__(self, path):
        self.f = open(path, "rb")
        self.count = 0

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
        self.count += len(data)
        return len(data)

    def close(self):
        self.f.close()
        super().close()


def read_metadata(path):
    raw = CountingFile(path)
    try:
        head = raw.read(8)
        raw.seek(0)
        if path.endswith("/.metadata"):
            # torch DCP: FileSystemReader.read_metadata is one pickle.load of the whole file.
            MetadataUnpickler(io.BufferedReader(raw)).load()
        elif head[:4] == b"PK\x03\x04":
            with zipfile.ZipFile(io.BufferedReader(raw, 64)) as archive:
                name = next(n for n in archive.namelist() if n.endswith("/data.pkl") and n.count("/") == 1)
                MetadataUnpickler(io.BytesIO(archive.read(name))).load()
        elif head[:2] == b"\x80\x02":
            stream = io.BufferedReader(raw)
            for _ in range(5):
                MetadataUnpickler(stream).load()
        else:
            (length,) = struct.unpack("<Q", head)
            raw.seek(8)
            json.loads(raw.read(length))
        return raw.count
    finally:
        raw.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--passes", type=int, default=0)
    parser.add_argument("--files-from")
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()
    files = args.files
    if args.files_from:
        with open(args.files_from) as listing:
            files = files + [line.rstrip("\n") for line in listing if line.strip()]
    times = {path: [] for path in files}
    counts, passes = {}, []
    cpu_start = time.process_time()
    for _ in range(args.passes or 1):
        pass_start = time.perf_counter()
        for path in files:
            for _ in range(1 if args.passes else args.repeat):
                start = time.perf_counter()
                counts[path] = read_metadata(path)
                times[path].append((time.perf_counter() - start) * 1000)
        passes.append((time.perf_counter() - pass_start) * 1000)
    per_file = {path: statistics.median(t) for path, t in times.items()}
    cpu_ms = (time.process_time() - cpu_start) * 1000
    json.dump({"per_file_ms": per_file, "bytes_read": counts, "passes_ms": passes, "cpu_ms": cpu_ms}, sys.stdout)


if __name__ == "__main__":
    main()
