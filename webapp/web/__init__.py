"""The web layer: the app factory, extensions, policy, errors, logs and template helpers."""
