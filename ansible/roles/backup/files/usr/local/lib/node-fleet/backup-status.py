"""Records one backup or check run in the node's status file (JSON), atomically, keeping
what earlier runs recorded: the last success survives any number of failures, so
`fleet health` can say how old the newest good off-node backup is.
Usage: backup-status.py FILE run|check RESULT EXIT_CODE STAGE MESSAGE STARTED [SNAPSHOT]"""
import datetime
import json
import os
import sys


def main(argv):
    path, kind, result, code, stage, message, started = argv[1:8]
    snapshot = argv[8] if len(argv) > 8 else ""
    try:
        with open(path, encoding="utf-8") as handle:
            status = json.load(handle)
        if not isinstance(status, dict):
            status = {}
    except (OSError, ValueError):
        status = {}
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    entry = {"result": result, "exitCode": int(code), "stage": stage, "message": message,
             "startedAt": started, "finishedAt": now}
    if kind == "run":
        if snapshot:
            entry["snapshot"] = snapshot
        status["last"] = entry
        if result == "ok":
            status["lastSuccess"] = entry
    else:
        status["check"] = entry
    os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(status, handle, sort_keys=True)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)


if __name__ == "__main__":
    main(sys.argv)
