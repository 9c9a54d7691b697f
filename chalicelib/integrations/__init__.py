"""Adapters to the tools a brokerage already uses (e-signature: docs/ESIGN.md)."""
