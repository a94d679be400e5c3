// daemon_core/mutation.h: planted bugs. Each Mutation re-creates one historical
// moby bug (or a plausible regression of a fix) behind one switch, read at the
// exact place the bug lived. A mutation is how dsim proves a property can fail:
// the mutation matrix expects every one of them to be caught by the property it
// targets.
#ifndef DSIM_DAEMON_CORE_MUTATION_H_
#define DSIM_DAEMON_CORE_MUTATION_H_

#include <span>
#include <string_view>

namespace daemon_core {

enum class Mutation : int {
  kNone = 0,
  kExecExitClearsRunningBeforeDelete,
  kExecStartFailureDeletesAfterUnlock,
  kExecInspectWithoutLock,
  kExecStoreLockedAcrossRpc,
  kExitHandlerNilProcess,
  kOomKilledOnlyAtExit,
  kOomKilledNotClearedOnStart,
  kWaitReadsExitCodeAfterWakeup,
  kNextExitTreatedAsMet,
  kRemovalSkipsStopWaiters,
  kFailedStartSkipsContainerDelete,
  kStartDoesNotReplaceStaleContainer,
  kRootDirRemovedWithoutLock,
  kInitExitClassifiedByPid,
  kRestoreTreatsDeadTaskAsAlive,
  kKillDropsContainerLock,
  kPolicyRestartKeepsStartedAt,
  kRestoreDeadNotSaved,
  kStartedBeforeSetEarly,
};

struct MutationInfo {
  Mutation mutation;
  std::string_view name;         // stable, kebab-case: what --mutation takes
  std::string_view description;  // one line: what the planted code does wrong
  std::string_view
      moby_fix;  // the moby commit (or issue) that fixed or guards it
  std::string_view targets;  // the property that must catch it
};

// Every mutation but kNone, in enum order.
std::span<const MutationInfo> AllMutations();
const MutationInfo& Info(Mutation m);
// kNone for "none"; false when the name is unknown.
bool ParseMutation(std::string_view name, Mutation* m);

}  // namespace daemon_core

#endif  // DSIM_DAEMON_CORE_MUTATION_H_
