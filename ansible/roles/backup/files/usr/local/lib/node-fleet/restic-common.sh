# Shared by node-fleet-backup and node-fleet-restore: the node's backup settings, the
# repository's credentials (never on a command line), and what a restic failure means.
# Exit codes (docs/backups-and-restore.md): 20 object store unreachable or refusing,
# 21 wrong repository password, 22 repository damaged, 26 another run holds the lock,
# 64 backups are not configured on this node.
conf_dir=/etc/node-fleet
if [ ! -r "$conf_dir/backup.conf" ] || [ ! -r "$conf_dir/backup-s3.env" ] || [ ! -r "$conf_dir/restic-password" ]; then
  echo "${0##*/}: off-node backups are not configured on this node ($conf_dir/backup.conf); set the stack's offsiteBackups and provision" >&2
  exit 64
fi
# shellcheck source=/dev/null
. "$conf_dir/backup.conf"
set -a
# shellcheck source=/dev/null
. "$conf_dir/backup-s3.env"
set +a
export RESTIC_PASSWORD_FILE="$conf_dir/restic-password" RESTIC_CACHE_DIR=/var/cache/restic
repository_of() { printf 's3:%s/%s/%s' "${BACKUP_ENDPOINT%/}" "$BACKUP_BUCKET" "$1"; }
export RESTIC_REPOSITORY
RESTIC_REPOSITORY=$(repository_of "$BACKUP_PREFIX")

# Takes the node-wide backup lock, so a backup, a check and a restore never overlap.
# Holding it, any lock restic left in the repository from here is stale (a run killed
# while the store was unreachable): `restic unlock` removes only such locks.
take_lock() {
  exec 9>/run/node-fleet-backup.lock
  flock -n 9 || { echo "${0##*/}: another backup, check or restore is running (lock /run/node-fleet-backup.lock); try again when it ends" >&2; exit 26; }
  restic unlock >/dev/null 2>&1 || true
}

# The exit code and a one-line reason for a failed restic command, from its stderr.
# A check's verdict first: it reached the store and read it, and a damaged pack's own
# message may read like a connection problem ("unexpected EOF"). Then connection
# problems: restic adds "Is there a repository …" to those too.
restic_failure() {
  local log=$1
  if grep -qiE 'repository contains errors|check.*errors were found' "$log"; then
    echo "22 repository damaged: $(last_line "$log")"
  elif grep -qiE 'dial tcp|connection refused|no such host|i/o timeout|timeout awaiting|connection reset|TLS handshake|EOF$|503 Service|500 Internal|Access ?Denied|SignatureDoesNotMatch|InvalidAccessKeyId|NoSuchBucket|server gave HTTP response|unexpected EOF|broken pipe' "$log"; then
    echo "20 object store unreachable or refusing: $(last_line "$log")"
  elif grep -qi 'wrong password or no key found' "$log"; then
    echo "21 wrong repository password (no key in the repository opens with it)"
  elif grep -qiE 'ciphertext verification failed|invalid data returned|unable to load index|error loading index|pack .* (damaged|does not exist|not found)|Load\(.*\) returned error|check.*errors were found|repository contains errors|decrypting blob|unexpected end of JSON|incorrect pack header' "$log"; then
    echo "22 repository damaged: $(last_line "$log")"
  else
    echo "20 object store operation failed: $(last_line "$log")"
  fi
}
last_line() { grep -v '^\s*$' "$1" | tail -n 1 | cut -c1-300; }
