# Sourced by ansible/bin/provision: the private working directory of one run, which holds
# the admin key, the known_hosts file and the playbook variables.

# Whether a directory is a writable tmpfs (GNU stat; elsewhere the answer is no).
on_tmpfs() {
  [ -n "$1" ] && [ -d "$1" ] && [ -w "$1" ] && [ "$(stat -f -c %T "$1" 2>/dev/null)" = tmpfs ]
}

# Where working directories go: TMPDIR when it is a tmpfs, else the user's runtime
# directory or /dev/shm when they are, so the key never reaches a disk; TMPDIR otherwise.
workdir_base() {
  local candidate
  for candidate in "${TMPDIR:-/tmp}" "${XDG_RUNTIME_DIR:-}" /dev/shm; do
    if on_tmpfs "$candidate"; then echo "$candidate"; return; fi
  done
  echo "${TMPDIR:-/tmp}"
}

# The process's start time: with the pid it names a run, even after the pid is reused.
run_started() { ps -o lstart= -p "$1" 2>/dev/null; }

# Removes the working directories of runs that are gone. A run killed with SIGKILL (or
# with its machine) never reaches its EXIT trap, and its directory keeps the admin key.
# Each directory records its run's pid and start time; one without that record is
# removed once it is a minute old (a live run writes it right after creating it).
clean_stale_workdirs() {
  local base dir pid started
  for base in "${TMPDIR:-/tmp}" "${XDG_RUNTIME_DIR:-}" /dev/shm; do
    [ -n "$base" ] && [ -d "$base" ] || continue
    for dir in "$base"/nfp.??????; do
      [ -d "$dir" ] && [ -O "$dir" ] || continue
      if [ -f "$dir/run" ]; then
        read -r pid started < "$dir/run" || true
        [ -n "${pid:-}" ] && [ "$(run_started "$pid" | tr -s ' ')" = "$started" ] && continue
      elif [ -n "$(find "$dir" -maxdepth 0 -mmin -1)" ]; then
        continue
      fi
      rm -rf "$dir" && echo "${0##*/}: removed the working directory of a run that is gone: $dir" >&2
    done
  done
}

# Creates this run's working directory (mode 0700 under umask 077) and records the run.
make_workdir() {
  local dir
  dir=$(mktemp -d "$(workdir_base)/nfp.XXXXXX")
  printf '%s %s\n' "$$" "$(run_started "$$" | tr -s ' ')" > "$dir/run"
  echo "$dir"
}
