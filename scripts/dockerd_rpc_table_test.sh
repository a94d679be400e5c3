#!/usr/bin/env bash
# scripts/dockerd-rpc-table against a real dockerd 20.10 and containerd 1.6
# prints, for each operation, the RPC sequence of reference/dockerd-20.10.md's
# per-operation table (observed 2026-12-01; its rows repeated identically).
# Needs root, containerd and docker.io (exit 77, skipped, without them).
set -uo pipefail
dsim=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ $EUID -ne 0 || ! -x /usr/sbin/dockerd ]] || ! command -v containerd >/dev/null; then
  echo "skipped: needs root, containerd and docker.io (scripts/deps)"; exit 77
fi
start="Leases/Create, Containers/Create, Leases/Delete, Containers/Get, Containers/Get, Containers/Get, Containers/Get, Tasks/Create, Tasks/Start"
exit_path="Containers/Get, Tasks/Get, Tasks/Get, Tasks/Delete, Containers/Get, Containers/Get, Tasks/Get !NOT_FOUND, Containers/Get, Containers/Delete"
exec_start="Containers/Get, Containers/Get, Containers/Get, Tasks/Get, Containers/Get, Tasks/Exec, Tasks/Start"
exec_exit="Containers/Get, Tasks/Get, Tasks/Get, Containers/Get, Containers/Get, Tasks/Get, Tasks/DeleteProcess"
kill3="Containers/Get, Tasks/Get, Tasks/Kill"
expected="create: (none)
start: $start
start, runtime error (missing binary): Leases/Create, Containers/Create, Leases/Delete, Containers/Get, Containers/Get, Containers/Get, Containers/Get, Tasks/Create !UNKNOWN, Containers/Get, Containers/Get, Tasks/Get !NOT_FOUND, Containers/Get, Containers/Delete, Containers/Get !NOT_FOUND
inspect: (none)
pause: Containers/Get, Tasks/Get, Tasks/Pause
unpause: Containers/Get, Tasks/Get, Tasks/Resume
exec start (detached): $exec_start
exec exit event (until the process is deleted): $exec_exit
exec attached (exec start and its exit): $exec_start, $exec_exit
kill (SIGKILL; includes the exit's handling): $kill3, $exit_path
init exit event (until wait returns): $exit_path
stop (exits on SIGTERM; includes the exit's handling): $kill3, $exit_path
restart (running): $kill3, $exit_path, $start
rm stopped: (none)
rm -f running: $kill3, $exit_path
wait (exited): (none)"
got=$(timeout 600 "$here/dockerd-rpc-table" --dsim "$dsim")
rc=$?
if [[ $rc == 0 && $got == "$expected" ]]; then
  echo "ok: every row as in dockerd-20.10.md"
  exit 0
fi
echo "FAILED: dockerd-rpc-table (status $rc) differs from dockerd-20.10.md:"
diff <(echo "$expected") <(echo "$got")
exit 1
