#!/usr/bin/env bash
# Quick start: install, migrate the embedded SQLite database under data/, seed the demo organizations, and run
# the app at http://localhost:8501 with the local demo login.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/cbam db upgrade
.venv/bin/cbam demo seed
exec .venv/bin/streamlit run app.py --server.port "${PORT:-8501}" "$@"
