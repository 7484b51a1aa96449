"""Training submodule: rebuilds the sign classifier from KArSL and exports it to ONNX.

Imports `arsl_desktop.core` for landmarks and features (never re-implements them) and
never imports the UI. Needs the `train` extra (torch).
"""
