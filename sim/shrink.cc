// sim/shrink.cc: schedule shrinking (see shrink.h).
#include "sim/shrink.h"

#include <algorithm>
#include <cstdint>
#include <optional>

#include "sim/strategy.h"

namespace sim {

namespace {

// Follows a list of task choices, one per decision with a choice: a task id,
// or kSteady (keep the task that ran last if it can go on, else the first
// candidate). A choice that is not a candidate any more also means steady.
// Past the list, steady.
class GuidedStrategy : public Strategy {
 public:
  static constexpr uint64_t kSteady = UINT64_MAX;
  explicit GuidedStrategy(std::vector<uint64_t> choices)
      : choices_(std::move(choices)) {}
  void BeginExecution(Prng&) override {
    next_ = 0;
    preemptions_ = 0;
  }
  size_t NextTask(const ScheduleContext& ctx) override {
    if (ctx.candidates.size() == 1) return 0;
    const uint64_t want = next_ < choices_.size() ? choices_[next_] : kSteady;
    ++next_;
    std::optional<size_t> chosen;
    for (size_t i = 0; i < ctx.candidates.size() && !chosen; ++i) {
      if (want != kSteady && ctx.candidates[i].task == want) chosen = i;
    }
    const size_t c = chosen.value_or(SteadyChoice(ctx));
    if (IsPreemption(ctx, c)) ++preemptions_;
    return c;
  }
  uint64_t NextChoice(uint64_t n, Prng& stream) override {
    return stream.Uniform(n);
  }
  std::string_view name() const override { return "guided"; }
  int preemptions() const { return preemptions_; }

 private:
  std::vector<uint64_t> choices_;
  size_t next_ = 0;
  int preemptions_ = 0;
};

struct Trial {
  bool fails = false;
  RunRecord record;
  int preemptions = 0;
};

}  // namespace

ShrunkSchedule ShrinkSchedule(const Setup& setup,
                              const ExecutorOptions& options,
                              const std::vector<Decision>& decisions,
                              const std::string& invariant, int max_trials) {
  std::vector<uint64_t> tasks;
  for (const Decision& d : decisions) {
    if (d.kind == Decision::Kind::kTask) tasks.push_back(d.value);
  }
  ShrunkSchedule out;
  // A wall-time or memory budget depends on the machine, not on the
  // schedule: every trial would hit it or miss it regardless (an expired
  // deadline stops them all), so there is nothing to learn by shrinking.
  if (invariant == "budget") return out;
  auto run = [&](const std::vector<uint64_t>& choices) {
    ++out.trials;
    GuidedStrategy g(choices);
    Trial t;
    t.record = RunOnce(options, g, setup);
    t.preemptions = g.preemptions();
    t.fails = t.record.result.violation.has_value() &&
              t.record.result.violation->invariant == invariant;
    return t;
  };
  Trial best = run(tasks);
  out.original_preemptions = best.preemptions;
  if (!best.fails) return out;  // drifted: the caller keeps the original
  // The shortest failing prefix: doubling, then bisection.
  size_t lo = 0, hi = tasks.size();  // prefix hi fails
  for (size_t k = 1; k < hi && out.trials < max_trials; k *= 2) {
    std::vector<uint64_t> prefix(tasks.begin(), tasks.begin() + k);
    Trial t = run(prefix);
    if (t.fails) {
      hi = k;
      best = std::move(t);
      break;
    }
    lo = k;
  }
  while (lo + 1 < hi && out.trials < max_trials) {
    const size_t mid = lo + (hi - lo) / 2;
    std::vector<uint64_t> prefix(tasks.begin(), tasks.begin() + mid);
    Trial t = run(prefix);
    if (t.fails) {
      hi = mid;
      best = std::move(t);
    } else {
      lo = mid;
    }
  }
  std::vector<uint64_t> choices(tasks.begin(), tasks.begin() + hi);
  // Bugs of depth one are common: try every schedule that runs steadily but
  // switches once, at decision j, to one of the tasks of the prefix.
  if (best.preemptions > 1) {
    std::vector<uint64_t> ids(choices.begin(), choices.end());
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    bool done = false;
    for (size_t j = 0; j < choices.size() && !done; ++j) {
      for (uint64_t id : ids) {
        if (out.trials >= max_trials / 2) {
          done = true;
          break;
        }
        std::vector<uint64_t> one(j + 1, GuidedStrategy::kSteady);
        one[j] = id;
        Trial t = run(one);
        if (t.fails && t.preemptions < best.preemptions) {
          choices = std::move(one);
          best = std::move(t);
          done = best.preemptions <= 1;
          if (done) break;
        }
      }
    }
  }
  // Then drop choices one at a time (steady instead) while it still fails,
  // pass after pass until a pass changes nothing.
  for (bool changed = true; changed && out.trials < max_trials;) {
    changed = false;
    for (size_t j = choices.size(); j-- > 0 && out.trials < max_trials;) {
      if (choices[j] == GuidedStrategy::kSteady) continue;
      std::vector<uint64_t> fewer = choices;
      fewer[j] = GuidedStrategy::kSteady;
      Trial t = run(fewer);
      if (t.fails && t.preemptions <= best.preemptions) {
        changed |= t.preemptions < best.preemptions;
        choices = std::move(fewer);
        best = std::move(t);
      }
    }
  }
  out.shrunk = true;
  out.record = std::move(best.record);
  out.preemptions = best.preemptions;
  return out;
}

}  // namespace sim
