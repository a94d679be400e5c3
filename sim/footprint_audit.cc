#include "sim/footprint_audit.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <utility>

namespace sim {

namespace {

struct ChoiceRec {
  uint64_t n = 0, value = 0;
};

// A step as a strategy saw it: who ran, what it touched, what it chose.
struct StepRec {
  TaskId task = kNoTask;
  bool early = false;
  OpKind kind = OpKind::kStart;
  std::vector<ChoiceRec> choices;
  Footprint footprint;
  std::vector<std::pair<TaskId, bool>> candidates;  // (task, early timer)
};

// Names every task by its spawn path: "/2" is the third task spawned before
// the run, "/2/0" the first one that task spawned. Reads the trace's spawn
// records as they appear.
class TaskKeys {
 public:
  void Scan(const Trace& trace) {
    const auto& records = trace.records();
    for (; scanned_ < records.size(); ++scanned_) {
      const TraceRecord& r = records[scanned_];
      if (r.kind != EventKind::kSpawn) continue;
      const std::string parent = r.task == kNoTask ? "" : Key(r.task);
      const std::string key =
          parent + "/" + std::to_string(children_[parent]++);
      const TaskId child = static_cast<TaskId>(r.value);
      if (key_of_.size() <= child) key_of_.resize(child + 1);
      key_of_[child] = key;
      id_of_[key] = child;
    }
  }
  std::string Key(TaskId t) const {
    if (t == kNoTask) return "-";
    return t < key_of_.size() ? key_of_[t] : "?" + std::to_string(t);
  }
  // kNoTask when no task has that key (yet).
  TaskId Id(const std::string& key) const {
    auto it = id_of_.find(key);
    return it == id_of_.end() ? kNoTask : it->second;
  }

 private:
  size_t scanned_ = 0;
  std::vector<std::string> key_of_;
  std::map<std::string, TaskId> id_of_;
  std::map<std::string, uint64_t> children_;
};

// Records the steps another strategy picks.
class Recorder : public Strategy {
 public:
  explicit Recorder(Strategy& inner) : inner_(inner) {}
  void BeginExecution(Prng& schedule) override {
    inner_.BeginExecution(schedule);
  }
  size_t NextTask(const ScheduleContext& ctx) override {
    if (!steps.empty()) steps.back().footprint = *ctx.previous_step;
    const size_t i = inner_.NextTask(ctx);
    if (i == kAbandon) return i;
    StepRec s;
    s.task = ctx.candidates[i].task;
    s.early = ctx.candidates[i].early_timer;
    s.kind = ctx.candidates[i].kind;
    for (const Candidate& c : ctx.candidates)
      s.candidates.emplace_back(c.task, c.early_timer);
    steps.push_back(std::move(s));
    return i;
  }
  uint64_t NextChoice(uint64_t n, Prng& stream) override {
    const uint64_t v = inner_.NextChoice(n, stream);
    (steps.empty() ? prelude : steps.back().choices).push_back({n, v});
    return v;
  }
  void EndExecution(const Footprint& last_step) override {
    if (!steps.empty()) steps.back().footprint = last_step;
    inner_.EndExecution(last_step);
  }
  std::string_view name() const override { return "audit-recorder"; }
  std::string TakeError() override { return inner_.TakeError(); }

  std::vector<ChoiceRec> prelude;
  std::vector<StepRec> steps;

 private:
  Strategy& inner_;
};

struct ScriptStep {
  std::string key;
  bool early = false;
  std::vector<ChoiceRec> choices;
};

// Follows a list of steps given by task key; stops at the first one it cannot
// take (and says why).
class Script : public Strategy {
 public:
  Script(std::vector<ChoiceRec> prelude, std::vector<ScriptStep> steps)
      : prelude_(std::move(prelude)), steps_(std::move(steps)) {
    choices_ = &prelude_;
  }
  void Attach(Executor* ex) { ex_ = ex; }
  void BeginExecution(Prng&) override {}
  size_t NextTask(const ScheduleContext& ctx) override {
    keys_.Scan(ex_->trace());
    if (!executed.empty()) executed.back().second = *ctx.previous_step;
    if (!divergence.empty()) return kAbandon;
    if (next_ == steps_.size()) {
      Diverge("the run goes on after the base run's last step");
      return kAbandon;
    }
    const ScriptStep& s = steps_[next_];
    const TaskId id = keys_.Id(s.key);
    for (size_t i = 0; id != kNoTask && i < ctx.candidates.size(); ++i) {
      if (ctx.candidates[i].task != id ||
          ctx.candidates[i].early_timer != s.early)
        continue;
      choices_ = &s.choices;
      next_choice_ = 0;
      ++next_;
      executed.emplace_back(id, Footprint{});
      return i;
    }
    // Which steps could run instead: tells a missing dependency from a
    // scheduling policy that hid the step (an early timer filtered out).
    std::string could;
    for (const Candidate& c : ctx.candidates) {
      could += (could.empty() ? "" : ", ") + keys_.Key(c.task) + " '" +
               ex_->task_name(c.task) + "'" + (c.early_timer ? " early" : "");
    }
    Diverge("task " + s.key +
            (id == kNoTask
                 ? " was not spawned"
                 : " ('" + ex_->task_name(id) + "')" +
                       (s.early ? " as an early timer" : "") + " cannot run") +
            " at step " + std::to_string(next_ + 1) + "; candidates: " + could);
    return kAbandon;
  }
  uint64_t NextChoice(uint64_t n, Prng&) override {
    if (next_choice_ >= choices_->size() || (*choices_)[next_choice_].n != n) {
      Diverge("a data choice in [0, " + std::to_string(n) +
              ") that the base run did not make at step " +
              std::to_string(next_));
      return 0;
    }
    return (*choices_)[next_choice_++].value;
  }
  void EndExecution(const Footprint& last_step) override {
    if (!executed.empty()) executed.back().second = last_step;
    if (divergence.empty() && next_ != steps_.size()) {
      Diverge("the run ended after " + std::to_string(next_) + " of " +
              std::to_string(steps_.size()) + " steps");
    }
  }
  std::string_view name() const override { return "audit-script"; }

  std::string divergence;
  std::vector<std::pair<TaskId, Footprint>> executed;

 private:
  void Diverge(std::string why) {
    if (divergence.empty()) divergence = std::move(why);
  }
  std::vector<ChoiceRec> prelude_;
  std::vector<ScriptStep> steps_;
  size_t next_ = 0;
  const std::vector<ChoiceRec>* choices_;
  size_t next_choice_ = 0;
  Executor* ex_ = nullptr;
  TaskKeys keys_;
};

std::string Render(const Trace& trace, const Footprint& f) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < f.size(); ++i) {
    const ObjectId o = f.object(i);
    std::string name;
    if (o == kCheckedState) {
      name = "(checked state)";
    } else if (IsChannelPart(o)) {
      const int slot = ChannelSlotOfPart(o);
      name = trace.object_name(ChannelOfPart(o)) +
             (slot >= 0 ? " slot " + std::to_string(slot)
              : ChannelSideOfPart(o) == ChannelPart::kRecvSide ? " receive side"
                                                               : " send side");
    } else {
      name = trace.object_name(o);
    }
    parts.push_back(name + (f.access(i) == Access::kWrite ? ":w" : ":r"));
  }
  std::sort(parts.begin(), parts.end());
  std::string s = "{";
  for (const std::string& p : parts) s += (s.size() > 1 ? ", " : "") + p;
  if (f.conflicts_with_all()) s += s.size() > 1 ? ", all" : "all";
  return s + "}";
}

// What a run did, per task (by key), in terms that do not depend on the order
// of independent steps: object names, not ids; spawn paths, not task ids.
struct Observed {
  std::string outcome;
  std::map<std::string, std::vector<std::string>> events;
  std::map<std::string, std::string> names;
};

std::string DescribeRecord(const Trace& trace, const TaskKeys& keys,
                           const TraceRecord& r) {
  std::string s(EventKindName(r.kind));
  if (r.object != kNoObject) s += " '" + trace.object_name(r.object) + "'";
  switch (r.kind) {
    case EventKind::kSpawn:
    case EventKind::kFinish:
    case EventKind::kCancel:
      s += " " + keys.Key(static_cast<TaskId>(r.value));
      break;
    case EventKind::kNote:
    case EventKind::kViolation:
      s += " \"" + trace.string_at(r.value) + "\"";
      break;
    case EventKind::kStep:
      s += " " + std::string(OpKindName(static_cast<OpKind>(r.value)));
      break;
    default:
      s += " " + std::to_string(r.value);
  }
  return s + " @" + std::to_string(r.time_ns);
}

Observed Observe(const Executor& ex, const RunResult& result,
                 const std::vector<std::pair<TaskId, Footprint>>& steps) {
  Observed o;
  o.outcome = std::string(RunOutcomeName(result.outcome));
  if (result.violation) o.outcome += " " + result.violation->invariant;
  const Trace& trace = ex.trace();
  TaskKeys keys;
  keys.Scan(trace);
  for (const TraceRecord& r : trace.records()) {
    o.events[keys.Key(r.task)].push_back(DescribeRecord(trace, keys, r));
  }
  for (const auto& [task, footprint] : steps) {
    o.events[keys.Key(task) + " footprints"].push_back(
        Render(trace, footprint));
  }
  for (TaskId t = 0; t < trace.task_count(); ++t)
    o.names[keys.Key(t)] = trace.task_name(t);
  return o;
}

// The first way `b` differs from `a`, or "".
std::string Compare(const Observed& a, const Observed& b) {
  if (a.outcome != b.outcome)
    return "the run ends " + b.outcome + " instead of " + a.outcome;
  std::set<std::string> keys;
  for (const auto& [k, v] : a.events) keys.insert(k);
  for (const auto& [k, v] : b.events) keys.insert(k);
  for (const std::string& k : keys) {
    static const std::vector<std::string> kNone;
    auto ia = a.events.find(k), ib = b.events.find(k);
    const auto& va = ia == a.events.end() ? kNone : ia->second;
    const auto& vb = ib == b.events.end() ? kNone : ib->second;
    if (va == vb) continue;
    size_t i = 0;
    while (i < va.size() && i < vb.size() && va[i] == vb[i]) ++i;
    const std::string task = k.substr(0, k.find(' '));
    auto name = a.names.find(task);
    return "task " + k + " ('" +
           (name == a.names.end() ? std::string("?") : name->second) +
           "') record " + std::to_string(i) + ": " +
           (i < va.size() ? va[i] : "(none)") + " became " +
           (i < vb.size() ? vb[i] : "(none)");
  }
  return "";
}

}  // namespace

AuditReport AuditFootprints(const ExecutorOptions& options, const Setup& setup,
                            Strategy& base, const AuditOptions& audit) {
  ExecutorOptions o = options;
  o.keep_trace = true;
  AuditReport report;
  Recorder recorder(base);
  Observed base_seen;
  std::vector<std::string> described;  // per base step
  TaskKeys base_keys;
  {
    std::shared_ptr<void> state;
    {
      Executor ex(o, recorder);
      state = setup(ex);
      const RunResult result = ex.Run();
      std::vector<std::pair<TaskId, Footprint>> steps;
      for (const StepRec& s : recorder.steps)
        steps.emplace_back(s.task, s.footprint);
      base_seen = Observe(ex, result, steps);
      base_keys.Scan(ex.trace());
      for (const StepRec& s : recorder.steps) {
        described.push_back("'" + ex.task_name(s.task) + "' " +
                            std::string(OpKindName(s.kind)) +
                            (s.early ? " (early timer)" : "") + " " +
                            Render(ex.trace(), s.footprint));
      }
      if (result.outcome == RunOutcome::kPruned ||
          result.outcome == RunOutcome::kDiverged) {
        report.base_error =
            "the base run was " + std::string(RunOutcomeName(result.outcome));
      }
      ex.DestroyAllTasks();
    }
  }
  const std::vector<StepRec>& steps = recorder.steps;
  report.steps = steps.size();
  if (!report.base_error.empty()) return report;
  std::vector<ScriptStep> script;
  for (const StepRec& s : steps)
    script.push_back(ScriptStep{base_keys.Key(s.task), s.early, s.choices});
  uint64_t eligible = 0;
  std::set<std::string> enabling_kinds;
  for (size_t i = 0; i + 1 < steps.size(); ++i) {
    const StepRec& a = steps[i];
    const StepRec& b = steps[i + 1];
    if (a.task == b.task || a.footprint.ConflictsWith(b.footprint)) continue;
    const bool co_enabled =
        std::find(a.candidates.begin(), a.candidates.end(),
                  std::make_pair(b.task, b.early)) != a.candidates.end();
    if (!co_enabled) {
      ++report.enabling;
      enabling_kinds.insert(std::string(OpKindName(b.kind)));
      continue;
    }
    if (eligible++ % audit.stride != 0) continue;
    if (report.swapped == audit.max_swaps) break;
    ++report.swapped;
    std::vector<ScriptStep> swapped = script;
    std::swap(swapped[i], swapped[i + 1]);
    Script follow(recorder.prelude, std::move(swapped));
    std::string difference;
    {
      std::shared_ptr<void> state;
      {
        Executor ex(o, follow);
        follow.Attach(&ex);
        state = setup(ex);
        const RunResult result = ex.Run();
        if (!follow.divergence.empty()) {
          difference = follow.divergence;
        } else {
          difference = Compare(base_seen, Observe(ex, result, follow.executed));
        }
        ex.DestroyAllTasks();
      }
    }
    if (difference.empty()) continue;
    report.findings.push_back(
        AuditFinding{i + 1, described[i], described[i + 1], difference});
    if (report.findings.size() == audit.max_findings) break;
  }
  report.enabling_kinds.assign(enabling_kinds.begin(), enabling_kinds.end());
  return report;
}

}  // namespace sim
