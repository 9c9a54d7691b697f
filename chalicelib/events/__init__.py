"""Handlers of AWS event sources (stream, schedule, SNS, SQS): thin — parse, call a service, report."""
