// daemon_core/restart_manager.h: a container's restart manager (moby
// restartmanager/restartmanager.go): after an exit it says whether the policy
// restarts the container. One per run of the policy: Cancel (ExitOnNext, on
// kill and stop) is final, and ResetRestartManager (start, restore) drops it
// for a fresh one, which knows nothing of an earlier cancel. Its backoff is
// moby's: 100 ms, doubled after each exit up to a minute, back to 100 ms
// after a run of 10 s or more.
#ifndef DSIM_DAEMON_CORE_RESTART_MANAGER_H_
#define DSIM_DAEMON_CORE_RESTART_MANAGER_H_

#include <algorithm>
#include <functional>
#include <utility>

#include "daemon_core/restart_policy.h"
#include "sim/executor.h"

namespace daemon_core {

class RestartManager {
 public:
  RestartManager(RestartPolicy policy, int restart_count)
      : policy_(policy), restart_count_(restart_count) {}

  static constexpr sim::Nanos kDefaultTimeout = 100 * sim::kMillisecond;
  static constexpr sim::Nanos kMaxRestartTimeout = 60 * sim::kSecond;
  static constexpr int kBackoffMultiplier = 2;
  // A run this long resets the backoff.
  static constexpr sim::Nanos kResetAfter = 10 * sim::kSecond;

  // ShouldRestart: false once cancelled; otherwise `always` restarts whatever
  // `has_been_manually_stopped` says, unless-stopped only when it is false
  // (the caller passes true while the daemon shuts down too), on-failure
  // restarts a non-zero exit while under its retry count. A yes counts as a
  // restart; timeout() is then its delay.
  //
  // Departure: moby also refuses while an earlier yes is "active" (its backoff
  // timer has not fired).
  bool ShouldRestart(int exit_code, bool has_been_manually_stopped,
                     sim::Nanos execution_duration) {
    if (policy_.name == RestartPolicy::Name::kNo || canceled_) return false;
    if (execution_duration >= kResetAfter) timeout_ = 0;
    if (timeout_ == 0) {
      timeout_ = kDefaultTimeout;
    } else if (timeout_ < kMaxRestartTimeout) {
      timeout_ = std::min(timeout_ * kBackoffMultiplier, kMaxRestartTimeout);
    }
    bool restart = false;
    switch (policy_.name) {
      case RestartPolicy::Name::kNo:
        break;
      case RestartPolicy::Name::kAlways:
        restart = true;
        break;
      case RestartPolicy::Name::kUnlessStopped:
        restart = !has_been_manually_stopped;
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
  // Cancel also wakes the restart goroutine that waits out the backoff (moby
  // closes cancelCh): it then stops the container at once.
  void Cancel() {
    canceled_ = true;
    if (on_cancel_) std::exchange(on_cancel_, nullptr)();
  }
  void set_on_cancel(std::function<void()> f) { on_cancel_ = std::move(f); }
  bool canceled() const { return canceled_; }
  // The delay before the restart the last yes asked for.
  sim::Nanos timeout() const { return timeout_; }

 private:
  const RestartPolicy policy_;
  int restart_count_;
  bool canceled_ = false;
  sim::Nanos timeout_ = 0;
  std::function<void()> on_cancel_;
};

}  // namespace daemon_core

#endif  // DSIM_DAEMON_CORE_RESTART_MANAGER_H_
