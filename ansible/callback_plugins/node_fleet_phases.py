# Prints one marker line when a role of the playbook starts, succeeds or fails, so the
# deployment's progress (src/automation/markers.ts) comes from the playbook itself.
# The provisioning step's output reaches the Pulumi engine as diagnostic events of that
# step, where the markers are read back. Roles print nothing themselves.
from __future__ import annotations

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
    name: node_fleet_phases
    type: aggregate
    short_description: node-fleet phase markers, one line per role start and end
    description:
      - Prints C(node-fleet-phase {"role":..., "state":...}) when a role starts, succeeds or fails.
      - Adds the operation's correlation id from C(NODE_CORRELATION_ID) when it is set.
"""

MARKER = "node-fleet-phase "


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "node_fleet_phases"
    # Loaded whenever it is on the callback path: the markers are part of the contract
    # between the playbook and the deployment, not an optional display.
    CALLBACK_NEEDS_ENABLED = False

    def __init__(self):
        super().__init__()
        self._role = None
        self._failed = False
        self._correlation_id = os.environ.get("NODE_CORRELATION_ID", "")

    def _mark(self, role, state):
        marker = {"role": role, "state": state}
        if self._correlation_id:
            marker["correlationId"] = self._correlation_id
        self._display.display(MARKER + json.dumps(marker, sort_keys=True))

    def _finish(self):
        if self._role is not None:
            self._mark(self._role, "failed" if self._failed else "succeeded")
        self._role = None
        self._failed = False

    def v2_playbook_on_task_start(self, task, is_conditional):
        role = task._role.get_name() if task._role else None
        # Tasks outside roles (pre_tasks) belong to no phase.
        if role is None or role == self._role:
            return
        self._finish()
        self._role = role
        self._mark(role, "started")

    def _on_failure(self, ignore_errors):
        if ignore_errors or self._role is None or self._failed:
            return
        self._failed = True
        self._finish()

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._on_failure(ignore_errors)

    def v2_runner_on_unreachable(self, result):
        self._on_failure(False)

    def v2_playbook_on_stats(self, stats):
        self._finish()
