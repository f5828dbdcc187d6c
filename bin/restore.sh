#!/usr/bin/env bash
# Restore a CoPlan backup into an EMPTY database: bin/restore.sh FILE DATABASE_URL
set -euo pipefail
file="${1:?usage: restore.sh FILE DATABASE_URL}"
url="${2:?usage: restore.sh FILE DATABASE_URL}"
url="${url/postgresql+psycopg:/postgresql:}"
tables=$(psql "$url" -Atc "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
if [ "$tables" != "0" ]; then
  echo "The target database is not empty ($tables tables): restore into a new database." >&2
  exit 1
fi
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$url" "$file"
version=$(psql "$url" -Atc "SELECT version_num FROM alembic_version")
echo "Restored. Schema at migration $version."
psql "$url" -Atc "SELECT 'users', count(*) FROM users UNION ALL SELECT 'audit_events', count(*) FROM audit_events"
