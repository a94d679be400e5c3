#include "sim/strategy_dpor.h"

#include <algorithm>
#include <optional>

#include "sim/strategy_tree.h"

namespace sim {

namespace {

bool Contains(const std::vector<TaskId>& v, TaskId t) {
  return std::find(v.begin(), v.end(), t) != v.end();
}

}  // namespace

void DporStrategy::BeginExecution(Prng& schedule) {
  (void)schedule;
  depth_ = 0;
  last_schedule_node_ = -1;
  abandoned_ = false;
  error_.clear();
  pending_.clear();
}

void DporStrategy::Pending(std::span<const PendingStep> pending) {
  pending_.assign(pending.begin(), pending.end());
}

void DporStrategy::SetExecuted(const Footprint& step) {
  Node& n = nodes_[last_schedule_node_];
  n.executed = step;
  n.explored.Merge(step);
}

size_t DporStrategy::Fail(std::string why) {
  error_ = "dpor: " + why + "; is the model deterministic?";
  abandoned_ = true;
  exhausted_ = true;
  return kAbandon;
}

bool DporStrategy::Explorable(const Node& n, TaskId t) const {
  auto has = [t](const std::vector<Explored>& v) {
    return std::any_of(v.begin(), v.end(),
                       [t](const Explored& e) { return e.task == t; });
  };
  return Contains(n.tasks, t) && !has(n.done) && !has(n.sleep);
}

size_t DporStrategy::NextTask(const ScheduleContext& ctx) {
  if (!error_.empty()) return kAbandon;  // a data choice diverged
  if (last_schedule_node_ >= 0) SetExecuted(*ctx.previous_step);
  if (depth_ < nodes_.size()) {
    const Node& n = nodes_[depth_];
    bool same = !n.is_choice && n.tasks.size() == ctx.candidates.size();
    for (size_t i = 0; same && i < n.tasks.size(); ++i)
      same = n.tasks[i] == ctx.candidates[i].task;
    if (!same) {
      return Fail(
          "the runnable set differs from an earlier execution at depth " +
          std::to_string(depth_));
    }
  } else {
    Node n;
    for (const Candidate& c : ctx.candidates) n.tasks.push_back(c.task);
    n.previous = ctx.previous;
    n.now = ctx.now;
    if (last_schedule_node_ >= 0) {
      // A task asleep (or explored) at the parent stays asleep here when the
      // step just taken commutes with its own.
      const Node& parent = nodes_[last_schedule_node_];
      const TaskId ran = parent.tasks[parent.chosen];
      for (const auto* set : {&parent.sleep, &parent.done}) {
        for (const Explored& e : *set) {
          if (e.task != ran && !e.step.ConflictsWith(parent.executed))
            n.sleep.push_back(e);
        }
      }
    }
    // A timer that may fire early first (as dfs does: the jitter choice sits
    // at the first point it is offered, and races reverse it late if at
    // all), then the next task after the one that ran last, round-robin by
    // id. DPOR reverses the deepest races first; a first schedule that lets
    // each task run on until it blocks puts the races between the first
    // tasks' critical sections near the root, reversed only after every
    // interleaving of the later tasks (the exec-race toy's bug at NOISE 5,
    // EXTRA 2: not within 300,000 executions). Switching at every step
    // spreads every pair's races along the schedule (the same bug: 4
    // executions). Any order at a new node is sound.
    size_t index = n.tasks.size();
    if (guide_next_ < guide_.size()) {
      const TaskId want = guide_[guide_next_++];
      for (size_t i = 0; i < n.tasks.size(); ++i) {
        if (n.tasks[i] == want && Explorable(n, want)) index = i;
      }
      if (index == n.tasks.size()) guide_next_ = guide_.size();  // off course
    }
    for (size_t i = 0; i < n.tasks.size() && index == n.tasks.size(); ++i) {
      if (ctx.candidates[i].early_timer && Explorable(n, n.tasks[i])) index = i;
    }
    // Candidates are in TaskId order: start after the previous task.
    size_t start = 0;
    while (start < n.tasks.size() && n.previous != kNoTask &&
           n.tasks[start] <= n.previous) {
      ++start;
    }
    for (size_t k = 0; k < n.tasks.size() && index == n.tasks.size(); ++k) {
      const size_t i = (start + k) % n.tasks.size();
      if (Explorable(n, n.tasks[i])) index = i;
    }
    if (index == n.tasks.size()) {
      abandoned_ = true;  // every runnable task is asleep: sleep-set blocked
      return kAbandon;
    }
    n.chosen = index;
    n.backtrack.push_back(n.tasks[index]);
    nodes_.push_back(std::move(n));
  }
  last_schedule_node_ = static_cast<long>(depth_);
  return nodes_[depth_++].chosen;
}

uint64_t DporStrategy::NextChoice(uint64_t n, Prng& stream) {
  (void)stream;
  const std::optional<uint64_t> v = internal::TakeChoice(nodes_, depth_, n);
  if (!v) Fail(internal::ChoiceMismatch(depth_));
  return v.value_or(0);
}

void DporStrategy::EndExecution(const Footprint& last_step) {
  if (exhausted_) return;
  if (last_schedule_node_ >= 0) SetExecuted(last_step);
  if (abandoned_) {
    ++pruned_;
  } else {
    ++complete_;
  }
  nodes_.resize(std::min(nodes_.size(), depth_));
  AddBacktrackPoints();
  Backtrack();
}

// Happens-before is the transitive closure of program order and conflicting
// footprints; step k's clock joins those of its immediate predecessors (the
// same task's previous step and every earlier conflicting step). A
// conflicting step j of another task races with k when j happens before no
// other immediate predecessor of k. A step never taken (Strategy::Pending)
// is analysed as one more step after those before it became pending: a
// step that disabled it races with it, although it never ran.
void DporStrategy::AddBacktrackPoints() {
  events_.clear();
  event_task_.clear();
  event_step_.clear();
  tasks_ = 0;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].is_choice) continue;
    events_.push_back(i);
    event_task_.push_back(nodes_[i].tasks[nodes_[i].chosen]);
    event_step_.push_back(&nodes_[i].executed);
    tasks_ = std::max<size_t>(tasks_, event_task_.back() + 1);
  }
  for (const PendingStep& p : pending_)
    tasks_ = std::max<size_t>(tasks_, p.task + 1);
  const size_t n = events_.size();
  clock_.assign((n + 1) * tasks_, 0);
  last_of_.assign(tasks_, -1);
  for (size_t k = 0; k < n; ++k) {
    AnalyzeStep(k, k, /*taken=*/true);
    last_of_[event_task_[k]] = static_cast<long>(k);
  }
  for (const PendingStep& p : pending_) {
    event_task_.push_back(p.task);
    event_step_.push_back(&p.step);
    std::fill_n(&clock_[n * tasks_], tasks_, 0);
    AnalyzeStep(n, std::min<size_t>(p.after, n), /*taken=*/false);
    event_task_.pop_back();
    event_step_.pop_back();
  }
}

// Step k, seen after the first `limit` steps: k itself for a step taken; for
// one never taken, the steps before it became pending (its task blocked,
// was cancelled, or the execution ended).
void DporStrategy::AnalyzeStep(size_t k, size_t limit, bool taken) {
  const TaskId p = event_task_[k];
  const Footprint& fk = *event_step_[k];
  uint32_t* ck = &clock_[k * tasks_];
  preds_.clear();
  pred_races_.clear();
  long last = taken ? last_of_[p] : -1;
  for (size_t i = limit; !taken && i-- > 0 && last < 0;) {
    if (event_task_[i] == p) last = static_cast<long>(i);
  }
  if (last >= 0) std::copy_n(&clock_[last * tasks_], tasks_, ck);
  for (size_t j = 0; j < limit; ++j) {
    if (event_task_[j] == p || !event_step_[j]->ConflictsWith(fk)) continue;
    preds_.push_back(j);
    pred_races_.push_back(event_step_[j]->RacesWith(fk));
    for (size_t t = 0; t < tasks_; ++t)
      ck[t] = std::max(ck[t], clock_[j * tasks_ + t]);
  }
  ck[p] = static_cast<uint32_t>(k + 1);
  for (size_t a = 0; a < preds_.size(); ++a) {
    const size_t j = preds_[a];
    const TaskId pj = event_task_[j];
    bool direct = last < 0 || static_cast<size_t>(last) < j ||
                  clock_[last * tasks_ + pj] < j + 1;
    // Source-set DPOR reverses only immediate races: a race shielded by a
    // later step m (j before m before k) is reversed through m. That fails
    // where k could not run before m (k's task was blocked, m fired a timer
    // or took what k waited for). The footprints do not say whether k's task
    // was blocked, so k races with every conflicting step since its task's
    // previous step, and a step never taken with every conflicting step
    // before it became pending (Flanagan and Godefroid's rule for the next
    // step of every task in every state). This adds backtrack points (the
    // toy still takes exactly 504 executions); dpor_random_test found the
    // deadlock that the immediate-only rule missed (seed 3989).
    const bool while_parked =
        !taken || (static_cast<long>(j) > last && !fk.conflicts_with_all());
    for (size_t b = a + 1; b < preds_.size() && !while_parked; ++b) {
      // An ordered part's order is a race of some side in disguise (which
      // receive took item i), reversed there: it shields nothing.
      const size_t m = preds_[b];
      if (pred_races_[b] && clock_[m * tasks_ + pj] >= j + 1) direct = false;
    }
    // A timer that could not fire early cannot run before j if the clock
    // had not reached its deadline there: j's task could run all along, so
    // the clock could not move.
    if (direct && fk.not_before() > nodes_[events_[j]].now) direct = false;
    // Ordered parts (sim/footprint.h) order j before k in every execution.
    if (direct && !pred_races_[a]) direct = false;
    if (direct) ReverseRace(j, k, limit);
  }
}

// v = the steps after j that do not happen after it, then k. A task whose
// first step in v has no predecessor in v can start a schedule that reverses
// the race (an initial of v); one of them must be explored from before j.
void DporStrategy::ReverseRace(size_t j, size_t k, size_t limit) {
  auto task = [this](size_t e) { return event_task_[e]; };
  const TaskId pj = task(j);
  std::vector<long> first_in_v(tasks_, -1);
  std::vector<TaskId> initials;
  std::vector<size_t> v;
  bool timer_initial = false;
  auto consider = [&](size_t w) {
    v.push_back(w);
    const uint32_t* cw = &clock_[w * tasks_];
    bool initial = true;
    for (size_t t = 0; t < tasks_ && initial; ++t) {
      if (first_in_v[t] >= 0 && cw[t] >= first_in_v[t] + 1) initial = false;
    }
    const TaskId tw = task(w);
    if (initial && !Contains(initials, tw)) {
      initials.push_back(tw);
      timer_initial |= event_step_[w]->conflicts_with_all();
    }
    if (first_in_v[tw] < 0) first_in_v[tw] = static_cast<long>(w);
  };
  for (size_t m = j + 1; m < limit; ++m) {
    if (clock_[m * tasks_ + pj] < j + 1) consider(m);
  }
  consider(k);
  Node& before = nodes_[events_[j]];
  for (TaskId t : initials) {
    if (Contains(before.backtrack, t)) return;
  }
  for (TaskId t : initials) {
    if (Contains(before.tasks, t)) {
      before.backtrack.push_back(t);
      // v with t's first step (the one taken at `before`) left out.
      std::vector<TaskId> rest;
      bool skipped = false;
      for (size_t w : v) {
        if (!skipped && task(w) == t) {
          skipped = true;
          continue;
        }
        rest.push_back(task(w));
      }
      before.wakeup.emplace_back(t, std::move(rest));
      return;
    }
  }
  // No initial is runnable there. Waking a task touches what it waits on,
  // so an initial that was blocked before j was woken by j or by a step
  // after j: the race is not reversible (k's task waited for j, as a lock
  // waits for the unlock), unless time woke it: a timer step may fire before
  // j once every task has blocked some other way, which the footprints do
  // not show. Then every runnable task, to stay sound.
  if (!timer_initial) return;
  for (TaskId t : before.tasks) {
    if (!Contains(before.backtrack, t)) before.backtrack.push_back(t);
  }
}

void DporStrategy::Backtrack() {
  guide_.clear();
  guide_next_ = 0;
  while (!nodes_.empty()) {
    Node& n = nodes_.back();
    if (n.is_choice) {
      if (internal::NextChoiceValue(n)) return;
      nodes_.pop_back();
      continue;
    }
    n.done.push_back(Explored{n.tasks[n.chosen], n.explored});
    for (TaskId t : n.backtrack) {
      if (!Explorable(n, t)) continue;
      n.chosen = static_cast<size_t>(
          std::find(n.tasks.begin(), n.tasks.end(), t) - n.tasks.begin());
      n.executed.Clear();
      n.explored.Clear();
      for (auto& [task, rest] : n.wakeup) {
        if (task == t) guide_ = std::move(rest);
      }
      return;
    }
    nodes_.pop_back();
  }
  exhausted_ = true;
}

}  // namespace sim
