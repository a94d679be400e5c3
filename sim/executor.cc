// sim/executor.cc: the scheduling loop. One step = pick a runnable task, fire
// its pending op, resume it until it parks at its next scheduling point (or
// returns).
#include "sim/executor.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "absl/container/inlined_vector.h"
#include "sim/outside.h"
#include "sim/pool.h"

namespace sim {

namespace {

[[noreturn]] void InternalBug(const char* what) {
  std::fprintf(stderr, "dsim internal bug: %s\n", what);
  std::abort();
}

// The op every spawned task is parked at before its first step.
class StartOp : public internal::Op {
 public:
  explicit StartOp(Executor& ex)
      : Op(ex, OpKind::kStart, kNoObject, Access::kRead) {}
  std::string Describe() const override { return "to start"; }
};

// The process's resident set in bytes, from /proc/self/statm; 0 when it cannot
// be read.
uint64_t ResidentBytes() {
  const int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buf[128];
  const ssize_t n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  if (n <= 0) return 0;
  buf[n] = '\0';
  unsigned long long size_pages = 0, resident_pages = 0;
  if (std::sscanf(buf, "%llu %llu", &size_pages, &resident_pages) != 2)
    return 0;
  return resident_pages * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

int64_t SteadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// At most this many blocked tasks are named in a message; a run that spawned
// thousands would otherwise print megabytes.
constexpr size_t kTasksDescribedMax = 16;

}  // namespace

struct Executor::TaskState {
  TaskState(Executor& ex, TaskId task_id, Task<void> body, bool is_background)
      : id(task_id),
        root(std::move(body)),
        start(ex),
        background(is_background) {}
  TaskId id;
  Task<void> root;
  std::coroutine_handle<> resume;
  internal::Op* op = nullptr;
  StartOp start;
  bool background;
  ObjectId object = kNoObject;  // written when the task ends; read by joiners
  bool finished = false;
  bool cancelled = false;
  // Since when the task could run without being picked (kNever: it cannot,
  // or it just ran): bounds how far early timers may move the clock past it.
  Nanos runnable_since = kNever;
  VectorClock clock;
  // The locks it holds that must not be held across an RPC (no others).
  absl::InlinedVector<ObjectId, 4> held_no_rpc;
  // From the per-thread pool (sim/pool.h): every run makes a few.
  static void* operator new(std::size_t n) { return internal::PoolAllocate(n); }
  static void operator delete(void* p, std::size_t n) noexcept {
    internal::PoolFree(p, n);
  }
};

std::string_view RunOutcomeName(RunOutcome o) {
  switch (o) {
    case RunOutcome::kCompleted:
      return "completed";
    case RunOutcome::kViolation:
      return "violation";
    case RunOutcome::kDeadlock:
      return "deadlock";
    case RunOutcome::kLivelock:
      return "livelock";
    case RunOutcome::kBudget:
      return "budget";
    case RunOutcome::kPruned:
      return "pruned";
    case RunOutcome::kDiverged:
      return "diverged";
  }
  return "?";
}

std::string_view OpKindName(OpKind k) {
  switch (k) {
    case OpKind::kStart:
      return "start";
    case OpKind::kYield:
      return "yield";
    case OpKind::kLock:
      return "lock";
    case OpKind::kRLock:
      return "rlock";
    case OpKind::kWait:
      return "wait";
    case OpKind::kSend:
      return "send";
    case OpKind::kRecv:
      return "recv";
    case OpKind::kSleep:
      return "sleep";
    case OpKind::kJoin:
      return "join";
    case OpKind::kRpcSend:
      return "rpc-send";
    case OpKind::kRpcReply:
      return "rpc-reply";
    case OpKind::kPoint:
      return "point";
  }
  return "?";
}

namespace internal {

std::string Op::Describe() const {
  std::string s = "at ";
  s += OpKindName(kind_);
  if (object_ != kNoObject) s += " '" + ex_.trace().object_name(object_) + "'";
  return s;
}

void Op::await_suspend(std::coroutine_handle<> h) { ex_.Park(this, h); }

}  // namespace internal

std::string Executor::SleepOp::Describe() const {
  return "sleeping until t=" + std::to_string(deadline_) + "ns";
}

struct Executor::Spare {
  Trace::Buffers trace;
  std::vector<std::unique_ptr<TaskState>> tasks;
  std::vector<TaskState*> live;
  std::vector<Candidate> candidates;
  std::vector<Decision> decisions;
  std::vector<uint64_t> fingerprints;
  std::unique_ptr<HappensBefore> hb;
};

Executor::Spare* Executor::ThreadSpare() {
#ifdef DSIM_POOL_OFF
  return nullptr;
#else
  // Never freed (a few vectors per thread that ever ran an executor), so no
  // destructor runs at thread exit before an executor's.
  static thread_local constinit Spare* spare = nullptr;
  if (spare == nullptr) spare = new Spare;
  return spare;
#endif
}

namespace {

// A run's random streams (Stream), each split from the seed.
std::array<Prng, kStreamCount> StreamsOf(uint64_t seed) {
  return {Prng(seed).Split(0), Prng(seed).Split(1), Prng(seed).Split(2)};
}

// Whether the trace keeps its hash: someone reads it, or a step's.
bool TraceHashes(const ExecutorOptions& o) {
  return o.hash_trace || o.keep_fingerprints;
}

// Empties both; `to` ends with the larger capacity of the two.
template <typename V>
void TakeCapacity(V& to, V& from) {
  from.clear();
  to.clear();
  if (from.capacity() > to.capacity()) to.swap(from);
}

}  // namespace

Executor::Executor(ExecutorOptions options, Strategy& strategy)
    : options_(options),
      strategy_(&strategy),
      wants_pending_(strategy.wants_pending()),
      streams_(StreamsOf(options.seed)),
      trace_(options.keep_trace, TraceHashes(options),
             ThreadSpare() != nullptr ? &ThreadSpare()->trace : nullptr) {
  // Ours are new, and the spare's were emptied when they were given back:
  // swapping takes their capacity.
  if (Spare* s = ThreadSpare()) {
    tasks_.swap(s->tasks);
    live_.swap(s->live);
    candidates_.swap(s->candidates);
    decisions_.swap(s->decisions);
    fingerprints_.swap(s->fingerprints);
  }
}

Executor::~Executor() {
  DestroyAllTasks();
  if (Spare* s = ThreadSpare()) {
    tasks_.clear();  // the frames are gone; this frees the task states
    TakeCapacity(s->tasks, tasks_);
    TakeCapacity(s->live, live_);
    TakeCapacity(s->candidates, candidates_);
    TakeCapacity(s->decisions, decisions_);
    TakeCapacity(s->fingerprints, fingerprints_);
    trace_.GiveBuffers(s->trace);
    if (hb_ != nullptr) {
      hb_->Clear();
      s->hb = std::move(hb_);
    }
  }
}

void Executor::Reset(const ExecutorOptions& options, Strategy& strategy) {
  DestroyAllTasks();
  tasks_.clear();
  candidates_.clear();
  pending_.clear();
  decisions_.clear();
  fingerprints_.clear();
  step_footprint_.Clear();
  if (hb_ != nullptr) {
    hb_->Clear();
    Spare* s = ThreadSpare();
    if (s != nullptr) s->hb = std::move(hb_);
    hb_.reset();  // (when no spare)
  }
  step_check_ = nullptr;
  outside_ = nullptr;
  options_ = options;
  strategy_ = &strategy;
  wants_pending_ = strategy.wants_pending();
  streams_ = StreamsOf(options.seed);
  trace_.Restart(options.keep_trace, TraceHashes(options));
  current_ = kNoTask;
  current_clock_ = nullptr;
  previous_ = kNoTask;
  now_ = 0;
  wall_ = 0;
  clock_jumped_ = false;
  steps_ = 0;
  next_budget_check_ = kBudgetCheckSteps;
  rss_start_bytes_ = 0;
  halted_ = false;
  ran_ = false;
  tearing_down_ = false;
  result_ = RunResult{};
}

void Executor::TrackHappensBefore() {
  if (hb_ != nullptr) return;
  Spare* s = ThreadSpare();
  hb_ = s != nullptr && s->hb != nullptr ? std::move(s->hb)
                                         : std::make_unique<HappensBefore>();
}

void Executor::DestroyAllTasks() {
  tearing_down_ = true;
  // Newest first: a child is usually referenced by its parent's frame, not the
  // reverse.
  for (auto it = tasks_.rbegin(); it != tasks_.rend(); ++it) {
    TaskState& t = **it;
    t.op = nullptr;
    Task<void> dying = std::move(t.root);
  }
  live_.clear();
  foreground_live_ = 0;
}

TaskId Executor::AddTask(std::string_view name, Task<void> body,
                         SpawnOptions opts) {
  const TaskId id = static_cast<TaskId>(tasks_.size());
  tasks_.push_back(
      std::make_unique<TaskState>(*this, id, std::move(body), opts.background));
  TaskState& t = *tasks_.back();
  t.resume = t.root.handle();
  t.op = &t.start;
  t.object = trace_.NewObject(name, "task ");
  trace_.NameTask(id, name);
  live_.push_back(&t);
  if (!t.background) ++foreground_live_;
  if (current_ != kNoTask) Touch(TaskStartPart(t.object), Access::kWrite);
  if (current_ != kNoTask && options_.detect_races) {
    TaskState& parent = *tasks_[current_];
    t.clock = parent.clock;
    parent.clock.Tick(current_);
  }
  t.clock.Tick(id);
  Record(EventKind::kSpawn, kNoObject, id);
  return id;
}

bool Executor::IsFinished(TaskId t) const {
  return t < tasks_.size() && tasks_[t]->finished;
}
bool Executor::IsCancelled(TaskId t) const {
  return t < tasks_.size() && tasks_[t]->cancelled;
}
const VectorClock& Executor::FinalClock(TaskId t) const {
  return tasks_[t]->clock;
}
ObjectId Executor::TaskObject(TaskId t) const { return tasks_[t]->object; }

void Executor::NoteLockAcquired(ObjectId lock, bool no_rpc) {
  // Only the locks that must not be held across an RPC are checked (Park).
  if (current_ == kNoTask || !no_rpc) return;
  tasks_[current_]->held_no_rpc.push_back(lock);
}

void Executor::NoteLockReleased(TaskId owner, ObjectId lock) {
  if (owner == kNoTask || owner >= tasks_.size()) return;
  auto& held = tasks_[owner]->held_no_rpc;
  for (auto it = held.rbegin(); it != held.rend(); ++it) {
    if (*it == lock) {
      held.erase(std::next(it).base());
      return;
    }
  }
}

void Executor::Park(internal::Op* op, std::coroutine_handle<> h) {
  if (current_ == kNoTask)
    InternalBug("co_await on a sim primitive outside a sim task");
  TaskState& t = *tasks_[current_];
  t.op = op;
  t.resume = h;
  // Blocked at once: the step it parks at is pending from here on, disabled
  // by whatever made it wait (a partial-order reduction must see that race
  // even if the step never runs, or runs only after a timer).
  if (wants_pending_ && !op->Ready()) NotePending(t);
  if (IsRpc(op->kind()) && !t.held_no_rpc.empty()) {
    Fail("lock-held-across-rpc",
         "task '" + trace_.task_name(t.id) + "' awaits RPC '" +
             trace_.object_name(op->object()) + "' while holding '" +
             trace_.object_name(t.held_no_rpc.front()) +
             "', which must not be held across an RPC");
  }
}

void Executor::Note(std::string text) {
  Record(EventKind::kNote, kNoObject, trace_.AddString(std::move(text)));
}

void Executor::Fail(std::string invariant, std::string message) {
  if (halted_) return;
  Halt(RunOutcome::kViolation, std::move(invariant), std::move(message));
}

void Executor::Conclude() {
  if (halted_) return;
  Halt(RunOutcome::kCompleted, "", "");
}

void Executor::Halt(RunOutcome outcome, std::string invariant,
                    std::string message) {
  halted_ = true;
  result_.outcome = outcome;
  if (!invariant.empty()) {
    Record(EventKind::kViolation, kNoObject,
           trace_.AddString(invariant + ": " + message));
    result_.violation =
        Violation{std::move(invariant), std::move(message), steps_};
  }
}

uint64_t Executor::Choose(uint64_t n, Stream s) {
  if (n <= 1) return 0;
  const uint64_t v = strategy_->NextChoice(n, stream(s));
  if (v >= n) InternalBug("strategy chose a value out of range");
  decisions_.push_back(Decision{Decision::Kind::kChoice, v, n});
  Record(EventKind::kChoice, kNoObject, v);
  return v;
}

bool Executor::CollectCandidates(Nanos* next_deadline) {
  candidates_.clear();
  *next_deadline = kNever;
  bool any_runnable = false;
  bool any_early = false;
  Nanos oldest_runnable = kNever;
  for (TaskState* t : live_) {
    internal::Op* op = t->op;
    const bool ready = op->Ready();
    if (ready || op->deadline() <= now_) {
      candidates_.push_back(Candidate{t->id, op->kind(), op->object(),
                                      op->access(), false, ready});
      any_runnable = true;
      if (t->runnable_since == kNever) {
        t->runnable_since = ready ? now_ : op->deadline();
      }
      oldest_runnable = std::min(oldest_runnable, t->runnable_since);
      continue;
    }
    t->runnable_since = kNever;
    if (op->deadline() != kNever) {
      *next_deadline = std::min(*next_deadline, op->deadline());
      if (CanFireEarly(*op) &&
          op->deadline() - now_ <= options_.early_timer_window) {
        candidates_.push_back(
            Candidate{t->id, op->kind(), op->object(), op->access(), true});
        any_early = true;
      }
    }
  }
  // An early timer moves the clock to its deadline. Not more than a window
  // past a task that could have run all along: otherwise a chain of early
  // timers (a restart loop, say) starves a task whose sleep ended long ago,
  // something no real scheduler does for seconds.
  if (any_early && oldest_runnable != kNever) {
    std::erase_if(candidates_, [&](const Candidate& c) {
      return c.early_timer && tasks_[c.task]->op->deadline() - oldest_runnable >
                                  options_.early_timer_window;
    });
  }
  return any_runnable;
}

uint64_t Executor::CandidateFingerprint() const {
  // Read only where there is a choice (a Decision, replay's check).
  if (candidates_.size() <= 1) return 0;
  uint64_t h = 0x243f6a8885a308d3ULL;
  for (const Candidate& c : candidates_) {
    h = Mix64(h ^ (uint64_t{c.task} << 16) ^
              (uint64_t{static_cast<uint8_t>(c.kind)} << 1) ^
              uint64_t{c.early_timer});
  }
  return h;
}

void Executor::RunStep(size_t index) {
  const Candidate chosen = candidates_[index];
  TaskState& t = *tasks_[chosen.task];
  internal::Op* op = t.op;
  current_ = t.id;
  current_clock_ = options_.detect_races ? &t.clock : nullptr;
  step_footprint_.Clear();
  step_footprint_.Add(op->footprint_object(), op->access());
  // A task's first step reads what its spawn wrote: spawn happens before it,
  // in every execution (an ordered part).
  if (op == &t.start)
    step_footprint_.Add(TaskStartPart(t.object), Access::kRead);
  if (chosen.ready) {  // Ready() cannot change between collect and here
    op->Fire();
  } else {
    // A timer that moves the clock or fires early changes what every other
    // task may do. So does the first timer after Run moved the clock because
    // no task could run: that move is no step, and this timer stands for it.
    // A plain sleep due after that is a step like any other: it neither
    // moves the clock nor reads an object, and its being due is ordered after
    // the step that moved the clock. A due timed wait still conflicts with
    // all: whether it timed out depends on what its object's Ready() reads,
    // which its footprint does not name. Live runs keep every timer as one.
    const bool due_sleep = !chosen.early_timer && !clock_jumped_ &&
                           outside_ == nullptr && op->deadline() <= now_ &&
                           op->kind() == OpKind::kSleep &&
                           op->object() == kNoObject;
    if (!due_sleep) step_footprint_.MarkConflictsWithAll();
    if (!chosen.early_timer && !CanFireEarly(*op))
      step_footprint_.MarkNotBefore(op->deadline());
    if (op->deadline() > now_) {
      now_ = op->deadline();
      Record(EventKind::kClock, kNoObject, now_);
    }
    op->timed_out_ = true;
    op->TimedOut();
    Record(EventKind::kTimeout, op->object(), 0);
  }
  clock_jumped_ = false;
  Record(EventKind::kStep, op->object(), static_cast<uint64_t>(op->kind()));
  t.op = nullptr;
  t.runnable_since = kNever;
  t.resume.resume();
  if (t.root.handle().done()) {
    FinishTask(t, EventKind::kFinish);
  } else if (t.op == nullptr && !t.cancelled) {
    InternalBug("a task suspended outside a sim scheduling point");
  }
  if (hb_ != nullptr) hb_->EndStep(t.id, step_footprint_);
  previous_ = t.id;
  current_ = kNoTask;
  current_clock_ = nullptr;
  if (options_.keep_fingerprints) fingerprints_.push_back(trace_.hash());
}

void Executor::NotePending(const TaskState& t) {
  if (t.op == nullptr) return;
  Footprint f;
  f.Add(t.op->footprint_object(), t.op->access());
  if (t.op == &t.start) f.Add(TaskStartPart(t.object), Access::kRead);
  if (!f.empty()) pending_.push_back(PendingStep{t.id, f, steps_});
}

std::string Executor::JoinAllForOp::Describe() const {
  size_t left = 0;
  for (TaskId t : tasks_) left += ex_.IsFinished(t) ? 0 : 1;
  std::string s = "to join " + std::to_string(tasks_.size()) + " task(s), " +
                  std::to_string(left) + " not finished";
  if (deadline_ != kNever)
    s += ", or until t=" + std::to_string(deadline_) + "ns";
  return s;
}

void Executor::FinishTask(TaskState& t, EventKind how) {
  t.finished = true;
  t.op = nullptr;
  Record(how, kNoObject, t.id);
  if (!t.background) --foreground_live_;
  live_.erase(std::find(live_.begin(), live_.end(), &t));
  Touch(t.object, Access::kWrite);               // a cancel reads it
  Touch(TaskEndPart(t.object), Access::kWrite);  // a join reads this
  Task<void> done = std::move(t.root);  // frees the frames now, not at teardown
}

bool Executor::Cancel(TaskId id) {
  if (id == current_) InternalBug("a task cannot cancel itself");
  if (id >= tasks_.size()) return false;
  TaskState& t = *tasks_[id];
  // Whether it had finished is read off the task's object, which its end
  // writes: a cancel that came too late depends on that end.
  if (t.finished) {
    if (current_ != kNoTask) Touch(t.object, Access::kRead);
    return false;
  }
  t.cancelled = true;
  // The cancelled task's next step, whatever it touches, can no longer run:
  // the cancel is dependent with it (partial-order reduction). Cancels are
  // rare, so the step conflicts with every step.
  if (current_ != kNoTask) step_footprint_.MarkConflictsWithAll();
  // Its parked step will never run: pending for good.
  if (wants_pending_) NotePending(t);
  const TaskId saved = current_;
  FinishTask(t, EventKind::kCancel);
  current_ = saved;
  return true;
}

std::string Executor::DescribeBlocked() const {
  std::string s;
  for (size_t i = 0; i < live_.size() && i < kTasksDescribedMax; ++i) {
    const TaskState* t = live_[i];
    if (!s.empty()) s += "; ";
    s += "'" + trace_.task_name(t->id) + "' " + t->op->Describe();
    if (t->background) s += " (background)";
  }
  if (live_.size() > kTasksDescribedMax) {
    s += "; and " + std::to_string(live_.size() - kTasksDescribedMax) + " more";
  }
  return s;
}

// Reads the wall clock and the resident set; only ever stops the run.
bool Executor::BudgetSpent() {
  if (steps_ < next_budget_check_) return false;
  next_budget_check_ = steps_ + kBudgetCheckSteps;
  const std::string where = " at step " + std::to_string(steps_) +
                            " (virtual time " + std::to_string(now_) + "ns)";
  if (options_.wall_deadline_ns != 0 &&
      SteadyNowNs() >= options_.wall_deadline_ns) {
    Halt(RunOutcome::kBudget, "budget",
         "wall-time deadline passed" + where + "; " +
             std::to_string(tasks_.size()) + " task(s) spawned, " +
             std::to_string(live_.size()) + " alive: " + DescribeBlocked());
    return true;
  }
  if (options_.rss_growth_bytes_max == 0) return false;
  const uint64_t rss = ResidentBytes();
  if (rss == 0) return false;
  // The first check sets the base: reading at every run's start would cost
  // the short runs.
  if (rss_start_bytes_ == 0) rss_start_bytes_ = rss;
  if (rss <= rss_start_bytes_ ||
      rss - rss_start_bytes_ <= options_.rss_growth_bytes_max) {
    return false;
  }
  Halt(RunOutcome::kBudget, "budget",
       "memory cap passed" + where + ": the resident set grew by " +
           std::to_string((rss - rss_start_bytes_) >> 20) + " MiB (cap " +
           std::to_string(options_.rss_growth_bytes_max >> 20) + " MiB); " +
           std::to_string(tasks_.size()) + " task(s) spawned, " +
           std::to_string(live_.size()) + " alive: " + DescribeBlocked());
  return true;
}

bool Executor::WaitOutside(Nanos next_deadline) {
  if (!outside_->Wait(next_deadline)) return false;
  now_ = std::max(now_, outside_->Now());
  return true;
}

RunResult Executor::Run() {
  if (ran_) InternalBug("Executor::Run called twice");
  ran_ = true;
  strategy_->BeginExecution(stream(Stream::kSchedule));
  while (!halted_) {
    if (outside_ != nullptr) {
      now_ = std::max(now_, outside_->Now());
      // Take in what arrived meanwhile, so a busy run still sees replies.
      if ((steps_ & 63) == 0 && !outside_->Wait(now_)) break;
    }
    Nanos next_deadline;
    const bool runnable = CollectCandidates(&next_deadline);
    const bool foreground_left = foreground_live_ > 0;
    if (!runnable && outside_ != nullptr) {
      if (!foreground_left) break;
      if (next_deadline == kNever && !outside_->Busy()) {
        Halt(RunOutcome::kDeadlock, "deadlock",
             "no task can run, no timer is pending and nothing is in flight; "
             "blocked: " +
                 DescribeBlocked());
        break;
      }
      if (!WaitOutside(next_deadline)) break;
      continue;
    }
    if (!runnable) {
      if (!foreground_left)
        break;  // quiescent: background tasks may wait forever
      if (next_deadline != kNever && candidates_.empty()) {
        now_ = next_deadline;
        clock_jumped_ = true;
        Record(EventKind::kClock, kNoObject, now_);
        continue;
      }
      if (next_deadline == kNever) {
        Halt(RunOutcome::kDeadlock, "deadlock",
             "no task can run and no timer is pending; blocked: " +
                 DescribeBlocked());
        break;
      }
      // Only sleeping tasks remain and the strategy may pick which timer fires
      // first.
    }
    if (steps_ >= options_.max_steps) {
      Halt(RunOutcome::kLivelock, "livelock",
           "step budget of " + std::to_string(options_.max_steps) +
               " spent; still alive: " + DescribeBlocked());
      break;
    }
    if (steps_ >= next_budget_check_ && BudgetSpent()) break;
    const uint64_t fingerprint =
        options_.fingerprint_decisions ? CandidateFingerprint() : 0;
    ScheduleContext ctx{candidates_, previous_, &step_footprint_, fingerprint,
                        now_};
    const size_t index = strategy_->NextTask(ctx);
    if (index == kAbandon) {
      std::string why = strategy_->TakeError();
      if (why.empty()) {
        halted_ = true;
        result_.outcome = RunOutcome::kPruned;
      } else {
        Halt(RunOutcome::kDiverged, "replay-divergence", std::move(why));
      }
      break;
    }
    if (index >= candidates_.size())
      InternalBug("strategy chose a task out of range");
    if (candidates_.size() > 1) {
      decisions_.push_back(Decision{Decision::Kind::kTask,
                                    candidates_[index].task, fingerprint});
    }
    ++steps_;
    RunStep(index);
    if (step_check_ && !halted_) step_check_();
  }
  // A data choice that diverged from the recording (or from an earlier
  // execution of dfs or DPOR) with no scheduling point after it would
  // otherwise end as a completed run, and the search would look exhausted.
  if (!halted_) {
    std::string why = strategy_->TakeError();
    if (!why.empty())
      Halt(RunOutcome::kDiverged, "replay-divergence", std::move(why));
  }
  if (wants_pending_) {
    for (const TaskState* t : live_) NotePending(*t);
    strategy_->Pending(pending_);
  }
  strategy_->EndExecution(step_footprint_);
  if (!halted_) result_.outcome = RunOutcome::kCompleted;
  result_.steps = steps_;
  result_.trace_hash = trace_.hash();
  result_.virtual_time = now_;
  return result_;
}

}  // namespace sim
