"""The Chalice app: middleware, blueprints and event handlers are registered here — nothing else."""

from __future__ import annotations

from chalice import Chalice, ConvertToMiddleware

from chalicelib.api import activity, deals, health, me, messages, middleware, parties, tasks
from chalicelib.config import settings
from chalicelib.observability import metrics, tracing

settings()  # fail fast on a misconfigured stage, at cold start rather than on the first request

app = Chalice(app_name="threshold", configure_logs=False)
app.register_middleware(middleware.http, "http")
app.register_middleware(ConvertToMiddleware(metrics.log_metrics), "all")
app.register_middleware(tracing, "all")

app.register_blueprint(health.health)
app.register_blueprint(me.me)
app.register_blueprint(deals.deals)
app.register_blueprint(parties.parties)
app.register_blueprint(activity.activity)
app.register_blueprint(tasks.tasks)
app.register_blueprint(messages.messages)

middleware.register_preflight_routes(app)
