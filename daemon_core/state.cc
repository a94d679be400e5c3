#include "daemon_core/state.h"

#include <algorithm>

namespace daemon_core {

State::State(sim::Executor& ex, const std::string& container_id,
             const Mutation& mutation)
    : mu(ex, "container " + container_id + " lock"),
      ex_(ex),
      id_(container_id),
      mutation_(mutation) {}

void State::SetRunning(uint32_t new_pid, bool initial) {
  error_msg.clear();
  running = true;
  restarting = false;
  paused = false;
  exit_code = 0;
  pid = new_pid;
  // 57d2d6ef: a new run starts without the previous run's OOM.
  if (mutation_ != Mutation::kOomKilledNotClearedOnStart) oom_killed = false;
  // A wall time, never zero once set (zero: "never started", StateString's
  // "created"), and each start's later than the one before.
  if (initial) started_at = ex_.WallTime();
}

void State::SetStopped(const ExitInfo& exit) {
  running = false;
  paused = false;
  restarting = false;
  pid = 0;
  finished_at = exit.exited_at != 0 ? exit.exited_at : ex_.WallTime();
  exit_code = exit.exit_code;
  Wake(stop_waiters_, StateStatus{exit_code, ""});
}

void State::SetRestarting(const ExitInfo& exit) {
  // Running stays true: moby shows a restarting container as running.
  running = true;
  restarting = true;
  paused = false;
  pid = 0;
  finished_at = exit.exited_at != 0 ? exit.exited_at : ex_.WallTime();
  exit_code = exit.exit_code;
  Wake(stop_waiters_, StateStatus{exit_code, ""});
}

void State::SetRemoved() {
  removed = true;
  const StateStatus s{exit_code, ""};
  if (mutation_ != Mutation::kRemovalSkipsStopWaiters) Wake(stop_waiters_, s);
  Wake(remove_only_waiters_, s);
}

std::shared_ptr<State::Waiter> State::NewWaiter(
    std::vector<std::shared_ptr<Waiter>>& list) {
  auto w = std::make_shared<Waiter>(ex_, "wait " + id_);
  list.push_back(w);
  return w;
}

void State::Wake(std::vector<std::shared_ptr<Waiter>>& list,
                 const StateStatus& s) {
  for (auto& w : list) {
    w->result = s;
    w->done.Fire();
  }
  list.clear();
}

size_t State::pending_waiters() const {
  return stop_waiters_.size() + remove_only_waiters_.size();
}

sim::Task<StateStatus> State::Wait(WaitCondition condition) {
  co_await mu.Lock();
  const bool met_now = (condition == WaitCondition::kNotRunning && !running) ||
                       (condition == WaitCondition::kRemoved && removed) ||
                       (condition == WaitCondition::kNextExit && !running &&
                        mutation_ == Mutation::kNextExitTreatedAsMet);
  if (met_now) {
    StateStatus s{exit_code, ""};
    mu.Unlock();
    co_return s;
  }
  std::shared_ptr<Waiter> w =
      NewWaiter(condition == WaitCondition::kRemoved ? remove_only_waiters_
                                                     : stop_waiters_);
  mu.Unlock();
  co_await w->done.Wait();
  if (mutation_ == Mutation::kWaitReadsExitCodeAfterWakeup) {
    // #39352: by now a restart may have reset the code to 0.
    co_await mu.Lock();
    StateStatus late{exit_code, ""};
    mu.Unlock();
    co_return late;
  }
  co_return w->result;
}

}  // namespace daemon_core

namespace daemon_core {

sim::Task<std::optional<StateStatus>> State::WaitFor(WaitCondition condition,
                                                     sim::Nanos timeout) {
  co_await mu.Lock();
  if ((condition == WaitCondition::kNotRunning && !running) ||
      (condition == WaitCondition::kRemoved && removed)) {
    StateStatus s{exit_code, ""};
    mu.Unlock();
    co_return s;
  }
  auto& list = condition == WaitCondition::kRemoved ? remove_only_waiters_
                                                    : stop_waiters_;
  std::shared_ptr<Waiter> w = NewWaiter(list);
  mu.Unlock();
  if (co_await w->done.WaitFor(timeout)) co_return w->result;
  std::erase(list, w);  // the context expired: moby drops the waiter
  co_return std::nullopt;
}

}  // namespace daemon_core
