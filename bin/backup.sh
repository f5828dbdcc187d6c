#!/usr/bin/env bash
# Back up CoPlan's PostgreSQL database: bin/backup.sh DATABASE_URL DIRECTORY
set -euo pipefail
# The dump holds everyone's records: only its owner may read it (and the directory, if made).
umask 077
url="${1:?usage: backup.sh DATABASE_URL DIRECTORY}"
directory="${2:?usage: backup.sh DATABASE_URL DIRECTORY}"
url="${url/postgresql+psycopg:/postgresql:}"
mkdir -p "$directory"
file="$directory/coplan-$(date -u +%Y%m%d-%H%M%S).dump"
pg_dump --format=custom --no-owner --no-privileges --file="$file" "$url"
echo "$file"
