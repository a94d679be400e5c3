// daemon_core/restart_manager.h: a container's restart manager (moby
// restartmanager/restartmanager.go): after an exit it says whether the policy
// restarts the container. One per run of the policy: Cancel (ExitOnNext, on
// kill and stop) is final, and ResetRestartManager (start, restore) drops it
// for a fresh one, which knows nothing of an earlier cancel.
#ifndef DSIM_DAEMON_CORE_RESTART_MANAGER_H_
#define DSIM_DAEMON_CORE_RESTART_MANAGER_H_

#include "daemon_core/restart_policy.h"

namespace daemon_core {

class RestartManager {
 public:
  RestartManager(RestartPolicy policy, int restart_count)
      : policy_(policy), restart_count_(restart_count) {}

  // ShouldRestart: false once cancelled; otherwise `always` restarts whatever
  // `has_been_manually_stopped` says (only unless-stopped reads it, and dsim
  // has no unless-stopped), on-failure restarts a non-zero exit while under its
  // retry count. A yes counts as a restart.
  //
  // Departure: moby also refuses while an earlier yes is "active" (its backoff
  // timer has not fired) and doubles the backoff; dsim keeps one fixed delay.
  bool ShouldRestart(int exit_code, bool has_been_manually_stopped) {
    (void)has_been_manually_stopped;
    if (policy_.name == RestartPolicy::Name::kNo || canceled_) return false;
    bool restart = false;
    switch (policy_.name) {
      case RestartPolicy::Name::kNo:
        break;
      case RestartPolicy::Name::kAlways:
        restart = true;
        break;
      case RestartPolicy::Name::kOnFailure:
        restart =
            exit_code != 0 && (policy_.maximum_retry_count == 0 ||
                               restart_count_ < policy_.maximum_retry_count);
        break;
    }
    if (restart) ++restart_count_;
    return restart;
  }
  void Cancel() { canceled_ = true; }
  bool canceled() const { return canceled_; }

 private:
  const RestartPolicy policy_;
  int restart_count_;
  bool canceled_ = false;
};

}  // namespace daemon_core

#endif  // DSIM_DAEMON_CORE_RESTART_MANAGER_H_
