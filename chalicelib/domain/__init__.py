"""Entities, rules, the permission policy and workflow templates. No I/O: no boto3, no PynamoDB."""
