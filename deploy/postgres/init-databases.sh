#!/usr/bin/env bash
# Runs once, when the PostgreSQL volume is empty: one database and role for Airflow's metadata, one per
# cooperative ledger (tenant). Passwords come from the environment (.env), never from this file.
set -euo pipefail
create() {
  local role="$1" password="$2" database="$3"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE "$role" LOGIN PASSWORD '$password';
CREATE DATABASE "$database" OWNER "$role";
SQL
}
create airflow "$AIRFLOW_DB_PASSWORD" airflow
create omnikop "$OMNIKOP_DB_PASSWORD" omnikop
for tenant in ${OMNIKOP_EXTRA_TENANTS:-}; do
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -c "CREATE DATABASE \"omnikop_${tenant}\" OWNER omnikop;"
done
