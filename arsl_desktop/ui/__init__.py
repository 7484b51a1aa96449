"""The Qt desktop window (PySide6). Entry point: `arsl_desktop.ui.app.run_app`."""
