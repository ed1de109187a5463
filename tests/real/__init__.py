"""The real tier: web and worker processes on one real Redis and one MongoDB wire-protocol server."""
