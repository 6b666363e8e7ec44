# The CBAM platform as one image: the Streamlit app and the `cbam` CLI on Debian slim, run as a non-root user.
# Everything installed comes from Debian's packages and PyPI (no downloaded binaries). Settings come from the
# environment (README "Configuration"); compose.yaml runs it beside PostgreSQL.
FROM debian:bookworm-slim

# Debian's Python 3.11 with venv (the virtual environment keeps pip away from the system Python); libgl1 and
# libglib2.0-0 are what OpenCV, under the AI helper's OCR (rapidocr), loads.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       python3 python3-venv ca-certificates libgl1 libglib2.0-0 \
    && rm -rf /var/lib/apt/lists/*

ENV VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CBAM_ENV=production \
    CBAM_DATA_DIR=/data \
    PORT=8501

WORKDIR /app
# The dependencies and the OCR extra first (their own layer, rebuilt only when pyproject.toml changes), then the
# project itself.
COPY pyproject.toml ./
RUN python3 -m venv "$VIRTUAL_ENV" \
    && python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; print('\n'.join(p['dependencies'] + p['optional-dependencies']['ocr']))" \
       > /tmp/requirements.txt \
    && pip install --upgrade pip \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt
COPY . .
# The `cbam` console script; PYTHONPATH=/app makes it and the app import this same tree (with db/migrations).
RUN pip install --no-deps . && rm -rf build *.egg-info

# A user of its own, owning nothing but its home and the data directory (SQLite file, evidence files, audit
# anchors); the app's code stays root's, read-only to it.
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/cbam cbam \
    && mkdir -p /data && chown cbam:cbam /data
VOLUME ["/data"]
USER cbam

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/_stcore/health' % os.environ.get('PORT', '8501'), timeout=4)"]
# `cbam db upgrade`, then `streamlit run app.py --server.port $PORT --server.address 0.0.0.0`
ENTRYPOINT ["/app/scripts/docker-entrypoint.sh"]
