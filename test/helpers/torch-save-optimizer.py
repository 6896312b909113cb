# Test-only: torch.save of a plain dict {"epoch", "model", "optimizer"} after one Adam step (so the optimizer holds
# exp_avg / exp_avg_sq tensors of its own), the way training scripts save a resumable checkpoint.
import sys

import torch

torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 4))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
model(torch.randn(2, 8)).sum().backward()
optimizer.step()
torch.save({"epoch": 3, "model": model.state_dict(), "optimizer": optimizer.state_dict()}, sys.argv[1])
print("{}")
