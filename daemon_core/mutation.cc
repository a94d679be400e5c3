#include "daemon_core/mutation.h"

#include <array>

namespace daemon_core {

namespace {

constexpr std::array<MutationInfo, 20> kMutations = {{
    {Mutation::kNone, "none", "no planted bug", "", ""},
    {Mutation::kExecExitClearsRunningBeforeDelete,
     "exec-exit-clears-running-before-delete",
     "an exec's exit handler sets ExitCode and Running=false, waits for the "
     "streams, and only "
     "then deletes the exec from ExecCommands",
     "a09f8dbe6e", "exec-ids-never-exited"},
    {Mutation::kExecStartFailureDeletesAfterUnlock,
     "exec-start-failure-deletes-after-unlock",
     "a failed exec start sets Running/ExitCode under the exec lock, unlocks, "
     "then deletes the "
     "exec from ExecCommands",
     "a09f8dbe6e", "exec-ids-never-exited"},
    {Mutation::kExecInspectWithoutLock, "exec-inspect-without-lock",
     "ContainerExecInspect reads Running and ExitCode without the exec lock",
     "a09f8dbe6e", "data-race"},
    {Mutation::kExecStoreLockedAcrossRpc, "exec-store-locked-across-rpc",
     "exec start holds the ExecCommands store lock across the Tasks/Exec and "
     "Tasks/Start RPCs",
     "b75246202a", "lock-held-across-rpc"},
    {Mutation::kExitHandlerNilProcess, "exit-handler-nil-process",
     "the exec exit handler deletes the containerd process through a nil "
     "Process after a "
     "failed start",
     "3b28a24e97", "no-panic"},
    {Mutation::kOomKilledOnlyAtExit, "oom-killed-only-at-exit",
     "OOMKilled is kept in a client-side map and applied only when the "
     "container exits (the "
     "legacy behaviour)",
     "57d2d6ef62", "model"},
    {Mutation::kOomKilledNotClearedOnStart, "oom-killed-not-cleared-on-start",
     "SetRunning does not clear OOMKilled, so a restarted container still "
     "reports it",
     "57d2d6ef62", "model"},
    {Mutation::kWaitReadsExitCodeAfterWakeup,
     "wait-reads-exit-code-after-wakeup",
     "a waiter reads the exit code when it wakes instead of taking it at the "
     "transition "
     "(restart=always reported 0)",
     "moby#39352 / a290f5d04c", "model"},
    {Mutation::kNextExitTreatedAsMet, "next-exit-treated-as-met",
     "ContainerWait(next-exit) returns at once for a stopped container",
     "a290f5d04c", "model"},
    {Mutation::kRemovalSkipsStopWaiters, "removal-skips-stop-waiters",
     "SetRemoved wakes only the removal waiters, leaving not-running waiters "
     "blocked",
     "a290f5d04c", "every-waiter-woken"},
    {Mutation::kFailedStartSkipsContainerDelete,
     "failed-start-skips-container-delete",
     "a start that fails at Tasks/Start deletes the task but not the "
     "containerd container",
     "4bafaa00aa", "no-leak"},
    {Mutation::kStartDoesNotReplaceStaleContainer,
     "start-does-not-replace-stale-container",
     "start fails with Conflict when a containerd container with the same id "
     "is left over "
     "(no ReplaceContainer)",
     "6a2f385aea", "model"},
    {Mutation::kRootDirRemovedWithoutLock, "root-dir-removed-without-lock",
     "rm removes the container's root dir without the container lock, racing "
     "CheckpointTo",
     "18e322bc7c", "data-race"},
    {Mutation::kInitExitClassifiedByPid, "init-exit-classified-by-pid",
     "an exit event is taken for init when its pid equals the container's pid, "
     "read without "
     "the container lock (wrong under a pid collision)",
     "0e4d3feb94", "running-has-task"},
    {Mutation::kRestoreTreatsDeadTaskAsAlive,
     "restore-treats-dead-task-as-alive",
     "restore() takes a task whose status is STOPPED for alive and leaves the "
     "container running",
     "4bafaa00aa (restore)", "running-has-task"},
    {Mutation::kKillDropsContainerLock, "kill-drops-container-lock",
     "killWithSignal lets go of the container lock around Tasks/Kill, so a "
     "pause, start or exit handler runs between its check and its kill",
     "killWithSignal holds container.Lock (daemon/kill.go)",
     "container-lock-held"},
    {Mutation::kPolicyRestartKeepsStartedAt, "policy-restart-keeps-started-at",
     "a restart policy's start calls SetRunning with initial=false, as "
     "restore does, so the new run shows the previous run's StartedAt",
     "containerStart always calls SetRunning(ctr, tsk, true) "
     "(daemon/start.go)",
     "model"},
    {Mutation::kRestoreDeadNotSaved, "restore-dead-not-saved",
     "restore turns a container whose rm a crash cut (RemovalInProgress) "
     "Dead without saving it, so the disk still says removing",
     "daemon.restore checkpoints the Dead container (daemon/daemon.go)",
     "saved-state"},
    {Mutation::kStartedBeforeSetEarly, "started-before-set-early",
     "a start sets HasBeenStartedBefore before containerd is asked, so a "
     "failed first start leaves it set and a daemon restart's restore starts "
     "a container that never ran",
     "containerStart sets it after SetRunning (daemon/start.go)",
     "consistent-state"},
}};

}  // namespace

std::span<const MutationInfo> AllMutations() {
  return std::span<const MutationInfo>(kMutations).subspan(1);
}

const MutationInfo& Info(Mutation m) {
  return kMutations[static_cast<size_t>(m)];
}

bool ParseMutation(std::string_view name, Mutation* m) {
  for (const MutationInfo& info : kMutations) {
    if (info.name == name) {
      *m = info.mutation;
      return true;
    }
  }
  return false;
}

}  // namespace daemon_core
