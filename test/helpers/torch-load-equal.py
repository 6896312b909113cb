# Test-only: loads two torch.save files with torch.load (Debian's python3-torch) and prints, as JSON, their
# top-level keys, the second's first record whose CRC-32 is wrong (null: none), and whether every tensor of each state dict in the first equals the second's (torch.equal).
# Classes whose modules are not installed here (omegaconf in Lightning's hyper_parameters) load as stand-ins:
# the weights are what is compared, not the run's config objects.
import json
import pickle
import sys
import types
import zipfile

import torch
import torch.serialization


class _Unpickler(pickle.Unpickler):
    def find_class(self, module, name):
        try:
            return super().find_class(module, name)
        except (ModuleNotFoundError, AttributeError):
            return type(name, (dict,), {"__setstate__": lambda self, state: None, "__module__": module})


stand_in = types.SimpleNamespace(**{k: getattr(pickle, k) for k in dir(pickle) if not k.startswith("__")})
stand_in.__name__ = "pickle"
stand_in.Unpickler = _Unpickler


def load(path):
    # torch 1.13 sets pickle_module = pickle when weights_only is False, whatever was passed: the module's own
    # global is where the stand-in unpickler has to go.
    torch.serialization.pickle = stand_in
    return torch.load(path, map_location="cpu", weights_only=False)


def state_dicts(value):
    found = {}
    for key in ("state_dict", "model_state_dict", "ema", "model"):
        item = value.get(key)
        if hasattr(item, "state_dict"):
            item = item.state_dict()
        if isinstance(item, dict) and item and all(torch.is_tensor(t) for t in item.values()):
            found[key] = item
    return found


old, new = load(sys.argv[1]), load(sys.argv[2])
old_sd, new_sd = state_dicts(old), state_dicts(new)
with zipfile.ZipFile(sys.argv[2]) as archive:
    bad_record = archive.testzip()  # every record's CRC-32 checked against the directory

print(json.dumps({
    "torch": torch.__version__,
    "bad_record": bad_record,
    "old_keys": list(old.keys()),
    "new_keys": list(new.keys()),
    "tensors": {k: len(v) for k, v in old_sd.items()},
    "equal": {k: v.keys() == new_sd.get(k, {}).keys() and all(torch.equal(t, new_sd[k][n]) for n, t in v.items())
              for k, v in old_sd.items()},
}))
