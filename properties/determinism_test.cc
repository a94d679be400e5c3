// Determinism over the scenarios: 200 seeds spread over the built-in
// scenarios and both clients, each run twice; the per-step fingerprints (and
// so the trace hashes) must agree. A difference names the first step.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "properties/builtin_scenarios.h"
#include "properties/scenario_run.h"
#include "sim/prng.h"
#include "sim/run.h"

namespace properties {
namespace {

using daemon_core::libcontainerd::Design;

TEST(DeterminismTest, TwoHundredSeedsAcrossTheScenariosRunTwice) {
  std::vector<dsim::scenario::Scenario> scenarios;
  for (const BuiltinScenario& b : BuiltinScenarios()) {
    absl::StatusOr<dsim::scenario::Scenario> s = FindScenario(b.name);
    ASSERT_TRUE(s.ok()) << s.status();
    scenarios.push_back(std::move(*s));
  }
  ASSERT_FALSE(scenarios.empty());
  for (uint64_t i = 0; i < 200; ++i) {
    const dsim::scenario::Scenario& s = scenarios[i % scenarios.size()];
    const Design design =
        (i / scenarios.size()) % 2 == 0 ? Design::kObjects : Design::kLegacy;
    sim::ExecutorOptions o;
    o.seed = sim::Mix64(i + 1);
    std::optional<std::string> diff = sim::CheckDeterminism(
        o, ScenarioProgram(s, RunConfig{.design = design}));
    EXPECT_FALSE(diff.has_value())
        << s.name() << " (" << daemon_core::libcontainerd::DesignName(design)
        << ") seed " << o.seed << ": " << *diff;
  }
}

}  // namespace
}  // namespace properties
