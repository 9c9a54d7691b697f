"""HTTP entrypoints: one Blueprint per resource. Each route parses, calls one service, responds."""
