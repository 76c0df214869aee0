# Sourced by the node steps that talk to the Hetzner Cloud API (bash). The token comes
# from HCLOUD_TOKEN (the step's environment, or the Pulumi CLI's), never a command line:
# curl reads the header from stdin.
hcloud_endpoint=${HCLOUD_ENDPOINT:-https://api.hetzner.cloud/v1}

# hcloud_api METHOD PATH: prints the JSON answer; fails on an HTTP error.
hcloud_api() {
  [ -n "${HCLOUD_TOKEN:-}" ] || { echo "$step: HCLOUD_TOKEN is not set; fix: pulumi config set --secret hcloud:token <token>" >&2; return 64; }
  printf 'Authorization: Bearer %s\n' "$HCLOUD_TOKEN" |
    curl --silent --show-error --fail --max-time 30 --retry 5 --retry-delay 5 -H @- -X "$1" "$hcloud_endpoint$2"
}

# json EXPR: evaluates a Python expression over the JSON on stdin (bound to `d`).
json() {
  python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"
}

# hcloud_wait_action ID DEADLINE: polls an action every 5s until it succeeded.
hcloud_wait_action() {
  local status
  while :; do
    status=$(hcloud_api GET "/actions/$1" | json 'd["action"]["status"]')
    case "$status" in
      success) return 0 ;;
      error) echo "$step: Hetzner action $1 failed" >&2; return 1 ;;
    esac
    [ "$SECONDS" -lt "$2" ] || { echo "$step: Hetzner action $1 still $status at the deadline" >&2; return 69; }
    sleep "${HCLOUD_POLL_SECONDS:-5}"
  done
}
