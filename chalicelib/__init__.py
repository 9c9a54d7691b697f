"""Threshold: the runtime package deployed with the Chalice app."""
