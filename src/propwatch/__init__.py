"""propwatch: find, with evidence, how news and opinion articles try to persuade."""

import os

# onnxruntime otherwise writes a device id and looks up Microsoft's telemetry host on every run; it
# reads this when imported, so it is set before any propwatch module can import it. "Offline" means it.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

__version__ = "0.1.0"
