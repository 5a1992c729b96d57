# The omnikop image: the official Airflow 3.3 image with omnikop installed exactly as pinned in uv.lock.
FROM apache/airflow:3.3.2-python3.11

USER root
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends chromium \
 && rm -rf /var/lib/apt/lists/*
USER airflow

WORKDIR /opt/omnikop
COPY --chown=airflow:0 pyproject.toml uv.lock README.md ./
# Install the locked runtime dependencies into the image's Python (Airflow itself is already there and
# pinned to the same version in the lock), then omnikop without touching its dependencies.
RUN pip install --no-cache-dir uv==0.13.9 \
 && uv export --frozen --no-dev --no-emit-project --no-hashes -o /tmp/requirements.txt \
 && uv pip install --python "$(command -v python)" --no-cache -r /tmp/requirements.txt
COPY --chown=airflow:0 connectors ./connectors
COPY --chown=airflow:0 core_mapping ./core_mapping
COPY --chown=airflow:0 foundation ./foundation
COPY --chown=airflow:0 ledger ./ledger
COPY --chown=airflow:0 members ./members
COPY --chown=airflow:0 omnikop ./omnikop
COPY --chown=airflow:0 reconciliation ./reconciliation
COPY --chown=airflow:0 shu ./shu
COPY --chown=airflow:0 stock ./stock
COPY --chown=airflow:0 sync ./sync
COPY --chown=airflow:0 dags /opt/airflow/dags
RUN uv pip install --python "$(command -v python)" --no-cache --no-deps .

ENV OMNIKOP_CONFIG=/opt/omnikop/config/omnikop.yaml
