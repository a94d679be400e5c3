// daemon_core/state.h: a container's State (moby container/state.go): the
// fields a client sees in inspect, the transitions, and the waiters of
// ContainerWait.
//
// moby embeds the container lock in State; so does this model (`mu`). Every
// field and transition REQUIRES mu to be held, except Wait, which takes it
// itself. A waiter's result is captured at the transition that wakes it
// (a290f5d04c), not read when it wakes.
#ifndef DSIM_DAEMON_CORE_STATE_H_
#define DSIM_DAEMON_CORE_STATE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon_core/mutation.h"
#include "sim/executor.h"
#include "sim/mutex.h"
#include "sim/notify.h"

namespace daemon_core {

enum class WaitCondition { kNotRunning, kNextExit, kRemoved };

// What ContainerWait returns: moby's StateStatus.
struct StateStatus {
  int exit_code = 0;
  std::string err;
  bool operator==(const StateStatus&) const = default;
};

struct ExitInfo {
  int exit_code = 0;
  sim::Nanos exited_at = 0;
};

class State {
 public:
  State(sim::Executor& ex, const std::string& container_id,
        const Mutation& mutation);

  // REQUIRES: mu held.
  void SetRunning(uint32_t pid, bool initial);
  void SetStopped(const ExitInfo& exit);
  void SetRestarting(const ExitInfo& exit);
  void SetRemoved();
  void SetError(std::string err) { error_msg = std::move(err); }

  // ContainerWait(condition): takes mu itself. Returns once the condition is
  // met, with the status captured when it was.
  sim::Task<StateStatus> Wait(WaitCondition condition);
  // The same with a timeout in virtual time: empty when it passed first (the
  // waiter is then withdrawn).
  sim::Task<std::optional<StateStatus>> WaitFor(WaitCondition condition,
                                                sim::Nanos timeout);
  // Waiters still blocked (for the end-of-run "every waiter woken" check).
  size_t pending_waiters() const;

  sim::Mutex mu;  // the container lock
  bool running = false;
  bool paused = false;
  bool restarting = false;
  bool oom_killed = false;
  bool removal_in_progress = false;
  bool dead = false;
  bool removed = false;
  uint32_t pid = 0;
  int exit_code = 0;
  std::string error_msg;
  sim::Nanos started_at = 0;  // 0: never started (moby's zero StartedAt)
  sim::Nanos finished_at = 0;

 private:
  struct Waiter {
    Waiter(sim::Executor& ex, const std::string& name) : done(ex, name) {}
    sim::Notify done;
    StateStatus result;
  };
  std::shared_ptr<Waiter> NewWaiter(std::vector<std::shared_ptr<Waiter>>& list);
  static void Wake(std::vector<std::shared_ptr<Waiter>>& list,
                   const StateStatus& s);

  sim::Executor& ex_;
  std::string id_;
  const Mutation& mutation_;
  std::vector<std::shared_ptr<Waiter>> stop_waiters_;
  std::vector<std::shared_ptr<Waiter>> remove_only_waiters_;
};

}  // namespace daemon_core

#endif  // DSIM_DAEMON_CORE_STATE_H_
