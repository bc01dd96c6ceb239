#!/usr/bin/env bash
# Start Superset for Tradewire: migrate the metadata DB, create the admin, set up roles, import the starter
# dashboard "Tradewire" (wired to the published DuckDB snapshot), then exec the server command (the image CMD).
#
# Environment:
#   SUPERSET_SECRET_KEY      required; signs sessions and encrypts the metadata DB's secrets
#   SUPERSET_ADMIN_PASSWORD  password of the user `admin`, set when the user is first created    default admin
#   TRADEWIRE_SNAPSHOT_URI   SQLAlchemy URI of the snapshot            default the read-only /data/serving file
#   TRADEWIRE_SUPERSET_REIMPORT=yes  import the dashboard bundle again even if this version was imported
set -euo pipefail

SECRET_PLACEHOLDER="CHANGE_ME"
ADMIN_USER="admin"
DATABASE_NAME="Tradewire snapshot"
SNAPSHOT_URI="${TRADEWIRE_SNAPSHOT_URI:-duckdb:////data/serving/tradewire.duckdb?access_mode=read_only}"
BUNDLE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/tradewire_dashboard"
SUPERSET_HOME="${SUPERSET_HOME:-/app/superset_home}"
MARKER="${SUPERSET_HOME}/.tradewire_dashboard_imported"

if [[ -z "${SUPERSET_SECRET_KEY:-}" || "${SUPERSET_SECRET_KEY}" == "${SECRET_PLACEHOLDER}" ]]; then
    echo "SUPERSET_SECRET_KEY is not set (or still the placeholder ${SECRET_PLACEHOLDER})." >&2
    echo "Put a long random value in .env next to docker-compose.yaml, e.g.:" >&2
    echo "  echo \"SUPERSET_SECRET_KEY=\$(openssl rand -base64 42)\" >> .env" >&2
    exit 1
fi
if [[ -z "${SUPERSET_ADMIN_PASSWORD:-}" ]]; then
    echo "SUPERSET_ADMIN_PASSWORD is empty; set it (the compose file defaults it to admin for local use)." >&2
    exit 1
fi

echo "Migrating the Superset metadata database"
superset db upgrade

# Creates the user only once: on later starts Superset reports that it exists and keeps its password.
echo "Creating the admin user ${ADMIN_USER} (if missing)"
superset fab create-admin \
    --username "${ADMIN_USER}" \
    --firstname Tradewire \
    --lastname Admin \
    --email admin@tradewire.invalid \
    --password "${SUPERSET_ADMIN_PASSWORD}"

echo "Setting up roles and permissions"
superset init

# Import each version of the bundle once: the import overwrites the dashboard's layout, so re-importing at
# every start would undo the user's edits. The version is the hash of the bundle's files.
bundle_version="$(cd "${BUNDLE_DIR}" && find . -type f -name '*.yaml' -print0 | sort -z \
    | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)"
if [[ "${TRADEWIRE_SUPERSET_REIMPORT:-no}" == "yes" || ! -f "${MARKER}" \
      || "$(cat "${MARKER}")" != "${bundle_version}" ]]; then
    # Superset's importer expects one top-level folder in the zip; `python -m zipfile -c` names it after
    # the folder it is given (tradewire_dashboard/).
    workdir="$(mktemp -d)"
    bundle_zip="${workdir}/tradewire_dashboard.zip"
    python -m zipfile -c "${bundle_zip}" "${BUNDLE_DIR}"
    echo "Importing the Tradewire dashboard bundle (${bundle_version:0:12})"
    superset import-dashboards -p "${bundle_zip}" -u "${ADMIN_USER}"
    rm -rf "${workdir}"
    echo "${bundle_version}" > "${MARKER}"
else
    echo "Tradewire dashboard bundle ${bundle_version:0:12} already imported"
fi

# The import never changes an existing database, so re-apply the URI: the connection stays pre-wired even
# after an upgrade or an edit in the UI.
superset set-database-uri --database_name "${DATABASE_NAME}" --uri "${SNAPSHOT_URI}" --skip_create

snapshot_file="${SNAPSHOT_URI#duckdb:///}"
snapshot_file="${snapshot_file%%\?*}"
if [[ ! -f "${snapshot_file}" ]]; then
    echo "WARNING: no snapshot at ${snapshot_file} yet: the charts fail until the pipeline publishes one" \
        "(tradewire_ingest or tradewire_analytics)." >&2
fi

# The image CMD (the official server script) unless the container was given another command.
if [[ $# -eq 0 ]]; then
    set -- /app/docker/entrypoints/run-server.sh
fi
exec "$@"
