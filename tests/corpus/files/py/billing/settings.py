"""Billing service settings."""
import os

DEBUG = os.environ.get("DEBUG") == "1"
STRIPE_SECRET_KEY = "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"
STRIPE_PUBLISHABLE_KEY = "pk_live_rCDEdgN4KLUJXIVjpCrccD6P"
DATABASE_URL = "postgresql://billing:ulyWV3zvJ1BKlxbhXmDLhX@db.prod.acme.io:5432/billing"
REPLICA_URL = os.environ.get("REPLICA_URL", "postgresql://billing:${REPLICA_PASSWORD}@replica:5432/billing")
CACHE_URL = "redis://cache.prod.acme.io:6379/0"
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
ALLOWED_HOSTS = ["billing.acme.io"]
