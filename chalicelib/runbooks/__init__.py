"""Ops runbooks: the admin actions as Lambda functions started from the AWS console (docs/RUNBOOKS.md)."""
