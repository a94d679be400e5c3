// sim/executor.h: sim::Executor owns one simulated run: its tasks, the runnable
// set, the virtual clock, the PRNG streams and the trace. At every scheduling
// point it asks its Strategy which runnable task runs next.
//
// Single-threaded and deterministic: the same (program, strategy, seed) gives
// the same trace hash on every machine. Not thread-safe; one executor per
// thread.
//
// Lifetime: the destructor destroys every task frame still alive (blocked
// forever or not). Objects that task frames reference must outlive the
// executor, or their owner must call DestroyAllTasks() first.
#ifndef DSIM_SIM_EXECUTOR_H_
#define DSIM_SIM_EXECUTOR_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/footprint.h"
#include "sim/happens_before.h"
#include "sim/op.h"
#include "sim/prng.h"
#include "sim/strategy.h"
#include "sim/task.h"
#include "sim/trace.h"
#include "sim/vector_clock.h"

namespace sim {

enum class RunOutcome : uint8_t {
  kCompleted,  // every foreground task finished, nothing runnable is left,
               // or the run's judge concluded (Conclude)
  kViolation,  // a check failed (data race, lock across RPC, an invariant of
               // the model)
  kDeadlock,   // nothing runnable, no timer pending, some foreground task
               // blocked
  kLivelock,   // the step budget was spent
  kBudget,     // the wall-time deadline passed or the memory cap was reached
  kPruned,     // the strategy abandoned the execution (dfs: redundant schedule)
  kDiverged,   // replay: the run no longer matches the recording
};
std::string_view RunOutcomeName(RunOutcome o);

struct Violation {
  std::string invariant;  // a stable name: "data-race", "deadlock",
                          // "lock-held-across-rpc"...
  std::string message;
  uint64_t step = 0;
};

// One decision the strategy made where it had a choice; a run is rebuilt from
// these.
struct Decision {
  enum class Kind : uint8_t { kTask, kChoice };
  Kind kind = Kind::kTask;
  uint64_t value = 0;        // the chosen TaskId, or the chosen value
  uint64_t fingerprint = 0;  // kTask: hash of the candidate set; kChoice: n
  bool operator==(const Decision&) const = default;
};

// Budgets other than steps are read every this many steps (never at step 0,
// so a run shorter than this never reads them).
inline constexpr uint64_t kBudgetCheckSteps = 4096;

struct ExecutorOptions {
  uint64_t seed = 0;
  uint64_t max_steps =
      1'000'000;  // more steps than this is reported as livelock
  // The wall-clock deadline of the run, in std::chrono::steady_clock
  // nanoseconds since its epoch; 0: none. A run still going when it passes
  // stops with a "budget" violation. The clock is read only every
  // kBudgetCheckSteps steps and only decides whether the run stops, never
  // which task runs, so it does not touch determinism below the cut.
  int64_t wall_deadline_ns = 0;
  // How much the process's resident set may grow during the run (from its
  // start) before the run stops with a "budget" violation; 0: no cap. Read
  // from /proc/self/statm every kBudgetCheckSteps steps: the resident set
  // sees every allocation the run makes (the daemon model, the fake
  // containerd, vector clocks in sync objects), which no count kept here
  // could, and it costs nothing in the runs shorter than kBudgetCheckSteps.
  uint64_t rss_growth_bytes_max = uint64_t{1} << 30;
  bool fire_timers_early =
      false;  // offer sleeping tasks to the strategy as candidates
  // ...only those due within this much virtual time: the jitter a real
  // scheduler may add, without making a 3 s timer beat a 100 ms one.
  Nanos early_timer_window = kNever;
  // Offer only the sleeps made with SleepWithJitter early (within the
  // window): the delays whose length a race in the model depends on.
  bool jitter = false;
  bool detect_races = true;  // vector clocks for sim::Tracked fields
  bool keep_trace = false;   // keep the records, not only the hash
  bool keep_fingerprints =
      false;  // trace hash after every step, to name a divergence
  // Keep the running trace hash (RunResult::trace_hash). Off only where
  // nothing reads it (a benchmark of schedules, a search that keeps no
  // hash): the hash is about a fifth of a small run's cost. Forced on by
  // keep_fingerprints.
  bool hash_trace = true;
  // Fingerprint the candidate set at every decision (Decision::fingerprint,
  // ScheduleContext::fingerprint). Replay checks it and tokens keep it; a
  // search that only looks for a failure may turn it off and fill it in by
  // re-running the failing run (FillFingerprints), as it is a tenth of a
  // step's cost.
  bool fingerprint_decisions = true;
};

struct RunResult {
  RunOutcome outcome = RunOutcome::kCompleted;
  std::optional<Violation>
      violation;  // set for every outcome but kCompleted and kPruned
  uint64_t steps = 0;
  uint64_t trace_hash = 0;
  Nanos virtual_time = 0;
};

struct SpawnOptions {
  // A background task (an event loop, a shim) may stay blocked when the run
  // ends.
  bool background = false;
};

template <typename T>
struct JoinHandle {
  TaskId id = kNoTask;
  std::shared_ptr<std::optional<T>> result;
};
template <>
struct JoinHandle<void> {
  TaskId id = kNoTask;
};

class Outside;

class Executor {
 public:
  Executor(ExecutorOptions options, Strategy& strategy);
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;
  ~Executor();

  // Spawns a task; it first runs when the strategy picks it. Coroutine
  // functions must take their parameters by value (a coroutine outlives the
  // caller's temporaries).
  template <typename T>
  JoinHandle<T> Spawn(std::string_view name, Task<T> task,
                      SpawnOptions opts = {}) {
    auto result = std::make_shared<std::optional<T>>();
    TaskId id = AddTask(name, Capture(std::move(task), result), opts);
    return JoinHandle<T>{id, std::move(result)};
  }
  JoinHandle<void> Spawn(std::string_view name, Task<void> task,
                         SpawnOptions opts = {}) {
    return JoinHandle<void>{AddTask(name, std::move(task), opts)};
  }

  // Runs until completion, a violation, deadlock, livelock, or the strategy
  // gives up. REQUIRES: called once (after construction or Reset).
  RunResult Run();
  // Makes this executor what a new one made with `options` and `strategy`
  // would be, destroying its tasks but keeping its buffers: RunOnce resets
  // one executor per thread instead of making one per run.
  void Reset(const ExecutorOptions& options, Strategy& strategy);

  // Stops a task at its scheduling point and destroys its frames (their
  // destructors run, so lock guards release). Joiners then see it cancelled.
  // REQUIRES: t is not the current task.
  bool Cancel(TaskId t);
  void DestroyAllTasks();

  // Awaitables.
  class PointOp;
  class SleepOp;
  template <typename T>
  class JoinOp;
  PointOp Yield();
  PointOp Point(OpKind kind, ObjectId object, Access access);
  SleepOp Sleep(Nanos d);
  // A sleep whose end a loaded machine may see late relative to other work:
  // with ExecutorOptions::jitter the strategy may end it early.
  SleepOp SleepWithJitter(Nanos d);
  template <typename T>
  JoinOp<T> Join(const JoinHandle<T>& h);
  // Waits for every task of `tasks` to finish, or `d` to pass: true if they
  // all finished. One step, whichever ends last, and the ends are no race
  // with each other (as a shared count of the tasks left would be).
  class JoinAllForOp;
  JoinAllForOp JoinAllFor(std::vector<TaskId> tasks, Nanos d);

  // A value in [0, n) drawn for the model (a fault, a workload choice),
  // recorded for replay.
  uint64_t Choose(uint64_t n, Stream s);
  bool ChooseWith(Ratio r, Stream s) {
    return r.num != 0 && Choose(r.den, s) < r.num;
  }
  Prng& stream(Stream s) { return streams_[static_cast<int>(s)]; }

  // Reports a failed check; the run stops at the current task's next scheduling
  // point.
  void Fail(std::string invariant, std::string message);
  // A bound of the model was reached (not a bug): the run stops as at the
  // wall-time deadline, with a "budget" violation that says which.
  void ReachBound(std::string message) {
    if (!halted_) Halt(RunOutcome::kBudget, "budget", std::move(message));
  }
  bool halted() const { return halted_; }
  // The run's judge has seen all it checks: the run ends, completed, at the
  // current task's next scheduling point, whatever else could still run (a
  // container restarting for ever keeps foreground tasks alive).
  void Conclude();
  void Note(std::string text);
  // A cheap invariant, called after every step (it may call Fail). One per
  // executor; set before Run.
  void set_step_check(std::function<void()> check) {
    step_check_ = std::move(check);
  }
  // Connects the run to the wall clock and to outside completions (serve and
  // live modes only; see sim/outside.h). Set before Run.
  void set_outside(Outside* outside) { outside_ = outside; }
  [[gnu::always_inline]] void Record(EventKind kind, ObjectId object,
                                     uint64_t value) {
    trace_.Add(TraceRecord{steps_, now_, current_, kind, object, value});
  }

  ObjectId NewObject(std::string_view name) { return trace_.NewObject(name); }
  TaskId current() const { return current_; }
  std::string task_name(TaskId t) const { return trace_.task_name(t); }
  bool IsFinished(TaskId t) const;
  bool IsCancelled(TaskId t) const;
  Nanos now() const { return now_; }
  // A timestamp a program stores (moby's time.Now() for StartedAt, an exit's
  // ExitedAt): the simulated time, but later than every earlier reading in
  // the run and never 0. Two real clock reads taken at different points of
  // a run never agree, while simulated time stands still between timers; a
  // checker may then tell two starts apart by their StartedAt.
  Nanos WallTime() {
    wall_ = std::max(now_, wall_ + 1);
    return wall_;
  }
  uint64_t steps() const { return steps_; }
  bool tearing_down() const { return tearing_down_; }
  const ExecutorOptions& options() const { return options_; }
  Trace& trace() { return trace_; }
  const Trace& trace() const { return trace_; }
  const std::vector<Decision>& decisions() const { return decisions_; }
  const std::vector<uint64_t>& fingerprints() const { return fingerprints_; }

  // Keeps the happens-before order of the steps (sim/happens_before.h) from
  // now on, for StampOrder(); off by default (it costs a clock per object).
  void TrackHappensBefore();
  // Where the current step sits in that order (an empty stamp when it is
  // not kept).
  sim::OrderStamp StampOrder() const {
    return hb_ == nullptr ? sim::OrderStamp{}
                          : hb_->Stamp(current_, step_footprint_);
  }

  // Hooks for primitives (sim/ internal use).
  void Park(internal::Op* op, std::coroutine_handle<> h);
  void Touch(ObjectId object, Access access) {
    step_footprint_.Add(object, access);
  }
  // sync ⊔= current's clock; current ticks.
  void ReleaseClock(VectorClock& sync) {
    if (current_clock_ == nullptr) return;
    sync.Join(*current_clock_);
    current_clock_->Tick(current_);
  }
  // current's clock ⊔= sync.
  void AcquireClock(const VectorClock& sync) {
    if (current_clock_ != nullptr) current_clock_->Join(sync);
  }
  // nullptr outside a step or without race detection.
  const VectorClock* CurrentClock() const { return current_clock_; }
  // Remembers the locks the current task holds that must not be held across
  // an RPC (`no_rpc`; others are not kept); callers skip the release of one
  // that is not such a lock.
  void NoteLockAcquired(ObjectId lock, bool no_rpc);
  void NoteLockReleased(TaskId owner, ObjectId lock);
  const VectorClock& FinalClock(TaskId t) const;
  ObjectId TaskObject(TaskId t) const;

 private:
  struct TaskState;
  // The vectors of the thread's last finished executor, emptied: the next one
  // reuses their capacity (nullptr under AddressSanitizer; see sim/pool.h).
  struct Spare;
  static Spare* ThreadSpare();
  template <typename T>
  static Task<void> Capture(Task<T> task,
                            std::shared_ptr<std::optional<T>> out) {
    out->emplace(co_await std::move(task));
  }
  TaskId AddTask(std::string_view name, Task<void> task, SpawnOptions opts);
  bool CollectCandidates(Nanos* next_deadline);
  // Whether the strategy may fire this op's timer before it is due.
  bool CanFireEarly(const internal::Op& op) const {
    return options_.fire_timers_early || (options_.jitter && op.jitter());
  }
  void RunStep(size_t index);
  std::function<void()> step_check_;
  Outside* outside_ = nullptr;
  bool WaitOutside(Nanos next_deadline);
  bool BudgetSpent();
  void FinishTask(TaskState& t, EventKind how);
  void NotePending(const TaskState& t);
  void Halt(RunOutcome outcome, std::string invariant, std::string message);
  std::string DescribeBlocked() const;
  uint64_t CandidateFingerprint() const;

  ExecutorOptions options_;
  Strategy* strategy_;
  bool wants_pending_;  // the strategy's answer, asked once per run
  std::array<Prng, kStreamCount> streams_;
  Trace trace_;
  std::vector<std::unique_ptr<TaskState>> tasks_;  // index = TaskId
  std::vector<TaskState*> live_;  // unfinished, in TaskId order
  size_t foreground_live_ =
      0;  // invariant: live tasks not spawned as background
  std::vector<Candidate> candidates_;
  // For wants_pending(): the parked steps of cancelled tasks, then at the
  // end those of the live ones.
  std::vector<PendingStep> pending_;
  Footprint step_footprint_;
  std::unique_ptr<HappensBefore> hb_;
  std::vector<Decision> decisions_;
  std::vector<uint64_t> fingerprints_;
  TaskId current_ = kNoTask;
  VectorClock* current_clock_ = nullptr;  // current_'s, when races are detected
  TaskId previous_ = kNoTask;
  Nanos now_ = 0;
  Nanos wall_ = 0;  // the last WallTime()
  // Run moved the clock since the last step (no task could run).
  bool clock_jumped_ = false;
  uint64_t steps_ = 0;
  uint64_t next_budget_check_ = kBudgetCheckSteps;
  uint64_t rss_start_bytes_ = 0;  // 0: not read (or unreadable)
  bool halted_ = false;
  bool ran_ = false;
  bool tearing_down_ = false;
  RunResult result_;
};

// A bare scheduling point with an optional footprint (Yield, generic points,
// RPC points).
class Executor::PointOp : public internal::Op {
 public:
  using Op::Op;
  void await_resume() const noexcept {}
};

class Executor::SleepOp : public internal::Op {
 public:
  SleepOp(Executor& ex, Nanos until, bool jitter = false)
      : Op(ex, OpKind::kSleep, kNoObject, Access::kRead) {
    deadline_ = until;
    jitter_ = jitter;
  }
  bool Ready() const override { return false; }
  std::string Describe() const override;
  void await_resume() const noexcept {}
};

template <typename T>
class Executor::JoinOp : public internal::Op {
 public:
  JoinOp(Executor& ex, const JoinHandle<T>& h)
      : Op(ex, OpKind::kJoin, ex.TaskObject(h.id), Access::kRead), h_(h) {
    // It fires only after the task's end: an order, not a race.
    footprint_object_ = TaskEndPart(object_);
  }
  bool Ready() const override { return ex_.IsFinished(h_.id); }
  void Fire() override { ex_.AcquireClock(ex_.FinalClock(h_.id)); }
  std::string Describe() const override {
    return "to join '" + ex_.task_name(h_.id) + "'";
  }
  // The task's result; empty when it was cancelled (for void: whether it
  // completed).
  auto await_resume() {
    if constexpr (std::is_void_v<T>) {
      return !ex_.IsCancelled(h_.id);
    } else {
      return std::move(*h_.result);
    }
  }

 private:
  JoinHandle<T> h_;
};

class Executor::JoinAllForOp : public internal::Op {
 public:
  JoinAllForOp(Executor& ex, std::vector<TaskId> tasks, Nanos deadline)
      : Op(ex, OpKind::kJoin,
           tasks.empty() ? kNoObject : ex.TaskObject(tasks.front()),
           Access::kRead),
        tasks_(std::move(tasks)) {
    if (object_ != kNoObject) footprint_object_ = TaskEndPart(object_);
    deadline_ = deadline;
  }
  bool Ready() const override {
    for (TaskId t : tasks_) {
      if (!ex_.IsFinished(t)) return false;
    }
    return true;
  }
  // Reads every task's end part (sim/footprint.h): ordered after each end.
  void Fire() override {
    for (TaskId t : tasks_) {
      ex_.Touch(TaskEndPart(ex_.TaskObject(t)), Access::kRead);
      ex_.AcquireClock(ex_.FinalClock(t));
    }
  }
  std::string Describe() const override;
  bool await_resume() const noexcept { return !timed_out_; }

 private:
  std::vector<TaskId> tasks_;
};

inline Executor::JoinAllForOp Executor::JoinAllFor(std::vector<TaskId> tasks,
                                                   Nanos d) {
  return JoinAllForOp(*this, std::move(tasks),
                      d >= kNever - now_ ? kNever : now_ + d);
}
inline Executor::PointOp Executor::Yield() {
  return PointOp(*this, OpKind::kYield, kNoObject, Access::kRead);
}
inline Executor::PointOp Executor::Point(OpKind kind, ObjectId object,
                                         Access access) {
  return PointOp(*this, kind, object, access);
}
inline Executor::SleepOp Executor::Sleep(Nanos d) {
  return SleepOp(*this, d >= kNever - now_ ? kNever - 1 : now_ + d);
}
inline Executor::SleepOp Executor::SleepWithJitter(Nanos d) {
  return SleepOp(*this, d >= kNever - now_ ? kNever - 1 : now_ + d, true);
}
template <typename T>
Executor::JoinOp<T> Executor::Join(const JoinHandle<T>& h) {
  return JoinOp<T>(*this, h);
}

}  // namespace sim

#endif  // DSIM_SIM_EXECUTOR_H_
