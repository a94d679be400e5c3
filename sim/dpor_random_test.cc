// DPOR against plain dfs on small random programs: every final state and
// every violation that unbounded dfs without reduction reaches, DPOR must
// reach too. The programs mix every primitive the daemon model uses (plain
// reads and writes, mutexes, channels, one-shot notifies with timeouts,
// sleeps with and without jitter, data choices, spawn, join and cancel), so
// the check does not only know the shapes the hand-written tests show.
// Release only: under ASan+UBSan it takes minutes, and that run leaves it
// out by name (CMakePresets.json); DporTest covers the same code there.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sim/chan.h"
#include "sim/executor.h"
#include "sim/mutex.h"
#include "sim/notify.h"
#include "sim/prng.h"
#include "sim/run.h"
#include "sim/strategy_dfs.h"
#include "sim/strategy_dpor.h"

namespace sim {
namespace {

constexpr int kObjects = 2, kMutexes = 2, kChans = 2;

enum class Kind {
  kRead,
  kWrite,
  kLock,
  kUnlock,
  kSend,
  kRecv,
  kChoose,
  kSleep,
  kSleepJitter,
  kYield,
  kFire,
  kWaitFor,
  kSpawn,   // a: the child's index in Program::children
  kJoin,    // a: a child this task spawned
  kCancel,  // a: any child
};

struct Op {
  Kind kind;
  int a = 0;
};

struct Program {
  std::vector<std::vector<Op>> tasks;
  std::vector<std::vector<Op>> children;  // only reads, writes, sleeps, yields
  std::vector<int> chan_capacity;
  std::string text;  // for failure messages
};

std::string Describe(const std::vector<Op>& ops) {
  static const char* const kNames[] = {
      "read",   "write", "lock", "unlock",  "send",  "recv", "choose", "sleep",
      "sleepj", "yield", "fire", "waitfor", "spawn", "join", "cancel"};
  std::string s;
  for (const Op& op : ops) {
    s += std::string(kNames[static_cast<int>(op.kind)]) + std::to_string(op.a) +
         " ";
  }
  return s;
}

// Well-formed by construction: a task unlocks what it locked, innermost
// first, before it ends; a join names a child the same task spawned; every
// send has a receive in another task (a program may still deadlock, on lock
// order or channel order: both strategies must then report it).
Program Generate(uint64_t seed) {
  Prng rng(seed);
  auto pick = [&rng](uint64_t n) { return static_cast<int>(rng.Uniform(n)); };
  Program p;
  const int tasks = 2 + pick(2);
  p.tasks.resize(tasks);
  // Capacity 2 or 3: a send and a receive may commute (sim/chan.h).
  for (int c = 0; c < kChans; ++c) p.chan_capacity.push_back(pick(4));
  int spawned = 0;
  for (int t = 0; t < tasks; ++t) {
    std::vector<Op>& ops = p.tasks[t];
    std::vector<int> held;
    std::vector<int> mine;  // children this task spawned
    const int n = 2 + pick(tasks == 2 ? 3 : 2);
    for (int i = 0; i < n; ++i) {
      switch (pick(12)) {
        case 0:
        case 1:
          ops.push_back({Kind::kRead, pick(kObjects)});
          break;
        case 2:
        case 3:
          ops.push_back({Kind::kWrite, pick(kObjects)});
          break;
        case 4: {
          const int m = pick(kMutexes);
          if (std::find(held.begin(), held.end(), m) != held.end()) break;
          ops.push_back({Kind::kLock, m});
          held.push_back(m);
          ops.push_back({pick(2) ? Kind::kWrite : Kind::kRead, pick(kObjects)});
          if (pick(2)) {
            ops.push_back({Kind::kUnlock, held.back()});
            held.pop_back();
          }
          break;
        }
        case 5: {
          const int c = pick(kChans);
          int other = pick(tasks - 1);
          if (other >= t) ++other;
          ops.push_back({Kind::kSend, c});
          p.tasks[other].push_back({Kind::kRecv, c});
          break;
        }
        case 6:
          ops.push_back({Kind::kChoose, 0});
          break;
        case 7:
          ops.push_back(
              {pick(2) ? Kind::kSleepJitter : Kind::kSleep, 5 * (1 + pick(2))});
          break;
        case 8:
          ops.push_back({pick(2) ? Kind::kFire : Kind::kWaitFor, 7});
          break;
        case 9:
          if (spawned < 2) {
            std::vector<Op> child;
            const int cn = 1 + pick(2);
            for (int k = 0; k < cn; ++k) {
              const int r = pick(4);
              child.push_back(r < 2    ? Op{Kind::kWrite, pick(kObjects)}
                              : r == 2 ? Op{Kind::kRead, pick(kObjects)}
                                       : Op{Kind::kSleep, 5});
            }
            p.children.push_back(std::move(child));
            ops.push_back({Kind::kSpawn, spawned});
            mine.push_back(spawned++);
          }
          break;
        case 10:
          if (!mine.empty()) {
            ops.push_back({pick(2) ? Kind::kJoin : Kind::kCancel,
                           mine[pick(mine.size())]});
          } else if (spawned > 0) {
            ops.push_back({Kind::kCancel, pick(spawned)});
          }
          break;
        default:
          ops.push_back({Kind::kYield, 0});
          break;
      }
    }
    while (!held.empty()) {
      ops.push_back({Kind::kUnlock, held.back()});
      held.pop_back();
    }
  }
  for (int t = 0; t < tasks; ++t)
    p.text += "task " + std::to_string(t) + ": " + Describe(p.tasks[t]) + "\n";
  for (size_t c = 0; c < p.children.size(); ++c) {
    p.text +=
        "child " + std::to_string(c) + ": " + Describe(p.children[c]) + "\n";
  }
  for (int c = 0; c < kChans; ++c)
    p.text += "chan " + std::to_string(c) + " capacity " +
              std::to_string(p.chan_capacity[c]) + "\n";
  return p;
}

struct State {
  State(Executor& e, const Program& p, std::string* o) : ex(e), out(o) {
    for (int i = 0; i < kObjects; ++i) {
      object_ids.push_back(e.NewObject("x" + std::to_string(i)));
      x.push_back(0);
    }
    for (int i = 0; i < kMutexes; ++i)
      mu.push_back(std::make_unique<Mutex>(e, "mu" + std::to_string(i)));
    for (int i = 0; i < kChans; ++i) {
      ch.push_back(std::make_unique<Chan<int>>(e, "ch" + std::to_string(i),
                                               p.chan_capacity[i]));
    }
    child_ids.assign(p.children.size(), kNoTask);
    locals.assign(p.tasks.size() + p.children.size(), 0);
  }
  ~State() {
    *out = "";
    for (uint64_t v : x) *out += std::to_string(v) + ",";
    *out += "|";
    for (uint64_t v : locals) *out += std::to_string(v) + ",";
  }
  Executor& ex;
  std::vector<ObjectId> object_ids;
  std::vector<uint64_t> x;
  std::vector<std::unique_ptr<Mutex>> mu;
  std::vector<std::unique_ptr<Chan<int>>> ch;
  Notify n{ex, "n"};
  ObjectId registry = ex.NewObject("children");
  std::vector<TaskId> child_ids;
  std::vector<uint64_t> locals;
  std::string* out;
};

// `self` indexes State::locals: tasks first, then children.
Task<void> Interpret(Executor& e, State& st, const Program& p,
                     const std::vector<Op>& ops, size_t self) {
  uint64_t& local = st.locals[self];
  for (const Op& op : ops) {
    switch (op.kind) {
      case Kind::kRead:
        co_await e.Point(OpKind::kPoint, st.object_ids[op.a], Access::kRead);
        local = local * 31 + st.x[op.a] + 1;
        break;
      case Kind::kWrite:
        co_await e.Point(OpKind::kPoint, st.object_ids[op.a], Access::kWrite);
        st.x[op.a] = st.x[op.a] * 7 + self + 1 + local % 5;
        break;
      case Kind::kLock:
        co_await st.mu[op.a]->Lock();
        break;
      case Kind::kUnlock:
        st.mu[op.a]->Unlock();
        break;
      case Kind::kSend:
        co_await st.ch[op.a]->Send(static_cast<int>(self) + 1);
        break;
      case Kind::kRecv: {
        const std::optional<int> v = co_await st.ch[op.a]->Recv();
        local = local * 31 + v.value_or(0) * 100;
        break;
      }
      case Kind::kChoose:
        local = local * 31 + 1000 + e.Choose(2, Stream::kFault);
        co_await e.Yield();
        break;
      case Kind::kSleep:
        co_await e.Sleep(op.a);
        break;
      case Kind::kSleepJitter:
        co_await e.SleepWithJitter(op.a);
        break;
      case Kind::kYield:
        co_await e.Yield();
        break;
      case Kind::kFire:
        st.n.Fire();
        co_await e.Yield();
        break;
      case Kind::kWaitFor: {
        const bool notified = co_await st.n.WaitFor(op.a);
        local = local * 31 + (notified ? 7 : 3);
        break;
      }
      case Kind::kSpawn:
        // The ids of spawned children are shared state: their own object.
        co_await e.Point(OpKind::kPoint, st.registry, Access::kWrite);
        st.child_ids[op.a] = e.Spawn("child" + std::to_string(op.a),
                                     Interpret(e, st, p, p.children[op.a],
                                               p.tasks.size() + op.a))
                                 .id;
        co_await e.Yield();
        break;
      case Kind::kJoin:
        co_await e.Join(JoinHandle<void>{st.child_ids[op.a]});
        break;
      case Kind::kCancel: {
        co_await e.Point(OpKind::kPoint, st.registry, Access::kRead);
        const TaskId id = st.child_ids[op.a];
        const bool cancelled = id != kNoTask && e.Cancel(id);
        local = local * 31 + (cancelled ? 11 : 13);
        co_await e.Yield();
        break;
      }
    }
  }
}

struct Reached {
  std::set<std::string> outcomes;  // final states of completed executions
  std::set<std::string> violations;
  uint64_t complete = 0;
  bool exhausted = false;
};

Reached ExploreAll(ExhaustiveStrategy& strategy, const Program& p, bool jitter,
                   uint64_t limit) {
  Reached r;
  std::string outcome;
  const Setup setup = [&p, &outcome](Executor& ex) -> std::shared_ptr<void> {
    auto st = std::make_shared<State>(ex, p, &outcome);
    for (size_t t = 0; t < p.tasks.size(); ++t) {
      ex.Spawn("task" + std::to_string(t),
               Interpret(ex, *st, p, p.tasks[t], t));
    }
    return st;
  };
  ExecutorOptions options;
  options.fire_timers_early = jitter;
  options.jitter = jitter;
  options.early_timer_window = 10;
  for (uint64_t i = 0; strategy.HasMore() && i < limit; ++i) {
    outcome.clear();
    const RunRecord rec = RunOnce(options, strategy, setup);
    if (rec.result.outcome == RunOutcome::kPruned) continue;
    if (rec.result.violation) {
      r.violations.insert(rec.result.violation->invariant);
    } else {
      r.outcomes.insert(outcome);
    }
  }
  r.exhausted = !strategy.HasMore();
  r.complete = strategy.complete_executions();
  return r;
}

void Print(const Reached& r) {
  std::printf("complete %llu outcomes %zu:",
              static_cast<unsigned long long>(r.complete), r.outcomes.size());
  for (const auto& o : r.outcomes) std::printf(" %s", o.c_str());
  for (const auto& o : r.violations) std::printf(" V:%s", o.c_str());
  std::printf("\n");
}

#if defined(__SANITIZE_ADDRESS__)
#define DSIM_DPOR_RANDOM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DSIM_DPOR_RANDOM_ASAN 1
#endif
#endif
#ifdef DSIM_DPOR_RANDOM_ASAN
constexpr uint64_t kDefaultLastSeed = 50;  // AddressSanitizer: about 10x slower
#else
constexpr uint64_t kDefaultLastSeed = 200;
#endif

// Seeds 1..200 take a few seconds; DPOR_RANDOM_FIRST=M and DPOR_RANDOM_LAST=N
// hunt over M..N, and
// DPOR_RANDOM_SEED=S runs that program alone and prints both strategies'
// executions and outcomes.
TEST(DporRandomTest, ReachesWhatDfsReaches) {
  const char* only = std::getenv("DPOR_RANDOM_SEED");
  const char* last = std::getenv("DPOR_RANDOM_LAST");
  const char* from = std::getenv("DPOR_RANDOM_FIRST");
  const uint64_t first = only != nullptr   ? std::stoull(only)
                         : from != nullptr ? std::stoull(from)
                                           : 1;
  const uint64_t seeds = only != nullptr   ? first
                         : last != nullptr ? std::stoull(last)
                                           : kDefaultLastSeed;
  constexpr uint64_t kLimit = 5'000;
  int compared = 0;
  uint64_t dfs_executions = 0, dpor_executions = 0;
  for (uint64_t seed = first; seed <= seeds; ++seed) {
    const Program p = Generate(seed);
    for (bool jitter : {false, true}) {
      DfsStrategy dfs(DfsOptions{.preemption_bound = -1, .sleep_sets = false});
      const Reached reference = ExploreAll(dfs, p, jitter, kLimit);
      if (!reference.exhausted) continue;  // too large to compare
      DporStrategy dpor;
      const Reached reduced = ExploreAll(dpor, p, jitter, kLimit);
      ++compared;
      dfs_executions += reference.complete;
      dpor_executions += reduced.complete;
      if (only != nullptr) {
        Print(reference);
        Print(reduced);
      }
      SCOPED_TRACE(testing::Message()
                   << "seed " << seed << " jitter " << jitter << "\n"
                   << p.text);
      ASSERT_TRUE(reduced.exhausted);
      ASSERT_EQ(reduced.outcomes, reference.outcomes);
      ASSERT_EQ(reduced.violations, reference.violations);
      EXPECT_LE(reduced.complete, reference.complete);
    }
  }
  // Many programs are small enough for dfs to exhaust: the comparison ran.
  // Over seeds 1..300 about 55 % of the (program, jitter) pairs are; a
  // window of 50 seeds varies (41 % for 1..50, AddressSanitizer's, since
  // Prng::Uniform draws by multiply-shift), so the guard against a generator
  // whose programs are all too large asks for two in five.
  if (only == nullptr) {
    const int pairs = 2 * static_cast<int>(seeds - first + 1);
    EXPECT_GE(compared * 5, pairs * 2) << compared << " of " << pairs;
  }
  std::printf(
      "compared %d programs: %llu complete executions of dfs, %llu "
      "of dpor\n",
      compared, static_cast<unsigned long long>(dfs_executions),
      static_cast<unsigned long long>(dpor_executions));
}

}  // namespace
}  // namespace sim
