"""PyInstaller runtime hook: the bundle leaves matplotlib out (about 45 MB with Pillow,
fontTools and kiwisolver). MediaPipe's `vision` package imports `matplotlib.pyplot` at module
level for `drawing_utils.plot_landmarks` alone, which the app never calls (its overlays are drawn
with Qt). A placeholder module lets that import succeed; any use of it raises a clear error.
"""

import sys
import types


class _NotBundled(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise ImportError(f"matplotlib is not part of the ArSL Desktop bundle (tried to use {self.__name__}.{name})")


if "matplotlib" not in sys.modules:
    for _name in ("matplotlib", "matplotlib.pyplot"):
        sys.modules[_name] = _NotBundled(_name)
    sys.modules["matplotlib"].pyplot = sys.modules["matplotlib.pyplot"]
