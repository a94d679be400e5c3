// DPOR (sim/strategy_dpor.h) against sleep-set dfs, the reference, on the
// built-in scenarios small enough for both to exhaust: DPOR must exhaust too
// and reach every violation dfs reaches (with and without the planted bug
// that shows there). Soundness rests on honest footprints: see
// sim/footprint_audit.h and footprint_audit_main.cc.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "daemon_core/mutation.h"
#include "properties/builtin_scenarios.h"
#include "properties/scenario_run.h"
#include "sim/run.h"
#include "sim/strategy_dfs.h"
#include "sim/strategy_dpor.h"

namespace properties {
namespace {

struct Reached {
  std::set<std::string> violations;
  uint64_t complete = 0;
  bool exhausted = false;
};

Reached ExploreAll(sim::ExhaustiveStrategy& strategy, const sim::Setup& setup) {
  Reached r;
  sim::ExecutorOptions o;
  o.jitter = true;
  o.early_timer_window = 100 * sim::kMillisecond;
  sim::RunRecord rec;
  for (int i = 0; strategy.HasMore() && i < 20'000; ++i) {
    sim::RunOnce(o, strategy, setup, rec);
    if (rec.result.violation)
      r.violations.insert(rec.result.violation->invariant);
  }
  r.exhausted = !strategy.HasMore();
  r.complete = strategy.complete_executions();
  return r;
}

TEST(DporBuiltinTest, ReachesEveryViolationSleepSetDfsReaches) {
  struct Case {
    const char* scenario;
    const char* mutation;  // "" for none
  };
  for (const Case& c :
       {Case{"wait-removed-created", ""},
        Case{"wait-removed-created", "removal-skips-stop-waiters"},
        Case{"failed-start-runtime-error", ""}}) {
    SCOPED_TRACE(std::string(c.scenario) + " " + c.mutation);
    absl::StatusOr<dsim::scenario::Scenario> s = FindScenario(c.scenario);
    ASSERT_TRUE(s.ok()) << s.status();
    RunConfig config;
    if (*c.mutation != '\0') {
      ASSERT_TRUE(daemon_core::ParseMutation(c.mutation, &config.mutation));
    }
    const sim::Setup program = ScenarioProgram(*s, config);
    sim::DfsStrategy dfs(sim::DfsOptions{.preemption_bound = -1});
    sim::DporStrategy dpor;
    const Reached reference = ExploreAll(dfs, program);
    const Reached reduced = ExploreAll(dpor, program);
    ASSERT_TRUE(reference.exhausted);
    EXPECT_TRUE(reduced.exhausted);
    EXPECT_EQ(reduced.violations, reference.violations);
    EXPECT_EQ(reference.violations.empty(), *c.mutation == '\0');
    EXPECT_LE(reduced.complete, reference.complete);
  }
}

}  // namespace
}  // namespace properties
