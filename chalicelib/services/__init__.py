"""Use cases. Each mutation loads what its authorization needs, stages the change and its activity
event on one UnitOfWork and commits once."""
