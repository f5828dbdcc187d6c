"""Documents: files a parent or their keyworker attach to a message or a goal."""
