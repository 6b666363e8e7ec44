#!/usr/bin/env bash
# The container's start (Dockerfile ENTRYPOINT): migrate the database, then serve the app on all interfaces.
# `cbam db upgrade` runs on MIGRATION_DATABASE_URL (the schema owner) and is a no-op when the schema is current,
# so every app container can run it at start; PostgreSQL's migration lock keeps two starting at once in order.
# Arguments are passed on to `streamlit run` (e.g. --logger.level debug).
set -euo pipefail
cbam db upgrade
exec streamlit run app.py --server.port "${PORT:-8501}" --server.address 0.0.0.0 --server.headless true \
  --server.fileWatcherType none --browser.gatherUsageStats false "$@"
