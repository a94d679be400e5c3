// Every built-in scenario passes every check with no planted bug, for both
// libcontainerd designs, over many seeds; and runs are deterministic.
#include "properties/scenario_run.h"

#include <gtest/gtest.h>

#include <string>

#include "properties/builtin_scenarios.h"
#include "properties/scenario.h"
#include "sim/prng.h"
#include "sim/run.h"
#include "sim/strategy_pct.h"
#include "sim/strategy_random.h"
#include "sim/strategy_replay.h"

namespace properties {
namespace {

using daemon_core::libcontainerd::Design;

std::string Describe(const sim::RunResult& r) {
  return r.violation ? r.violation->invariant + ": " + r.violation->message
                     : std::string(sim::RunOutcomeName(r.outcome));
}

class BuiltinScenarioTest
    : public ::testing::TestWithParam<std::tuple<std::string, Design>> {};

TEST_P(BuiltinScenarioTest, PassesWithoutAPlantedBug) {
  const auto& [name, design] = GetParam();
  absl::StatusOr<dsim::scenario::Scenario> s = FindScenario(name);
  ASSERT_TRUE(s.ok()) << s.status();
  sim::Setup program = ScenarioProgram(*s, RunConfig{.design = design});
  for (uint64_t i = 0; i < 100; ++i) {
    sim::ExecutorOptions o;
    o.seed = sim::Mix64(i);
    sim::RandomStrategy random;
    sim::PctStrategy pct(sim::PctOptions{.depth = 3, .steps_hint = 200});
    sim::Strategy& strategy =
        i % 3 == 0 ? static_cast<sim::Strategy&>(pct) : random;
    sim::RunRecord rec = sim::RunOnce(o, strategy, program);
    if (rec.result.outcome != sim::RunOutcome::kCompleted) {
      // Again with the trace kept, to show where it went wrong.
      o.keep_trace = true;
      sim::ReplayStrategy replay(rec.decisions);
      sim::RunRecord again = sim::RunOnce(o, replay, program);
      const std::string& t = again.trace_text;
      size_t from = t.size();
      for (int lines = 0; lines < 60 && from > 0; ++lines) {
        from = t.rfind('\n', from - 2) + 1;
      }
      FAIL() << name << " seed " << o.seed << ": " << Describe(rec.result)
             << "\n..." << t.substr(from > t.size() ? 0 : from);
    }
  }
}

std::vector<std::tuple<std::string, Design>> AllBuiltins() {
  std::vector<std::tuple<std::string, Design>> out;
  for (const BuiltinScenario& b : BuiltinScenarios()) {
    for (Design d : {Design::kLegacy, Design::kObjects}) {
      out.emplace_back(std::string(b.name), d);
    }
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(All, BuiltinScenarioTest,
                         ::testing::ValuesIn(AllBuiltins()),
                         [](const auto& info) {
                           std::string n =
                               std::get<0>(info.param) + "_" +
                               std::string(
                                   daemon_core::libcontainerd::DesignName(
                                       std::get<1>(info.param)));
                           for (char& c : n) {
                             if (c == '-') c = '_';
                           }
                           return n;
                         });

// Probabilistic RPC faults meet what the clients do, not the setup (before,
// every client RPC failing meant a "scenario-setup" violation in the first
// run); and the cleanups they cut (moby logs a failed delete and moves on)
// are not blamed as leaks.
TEST(ScenarioRunTest, RandomRpcFaultsMeetOnlyTheClients) {
  for (const char* faults :
       {"rpc_unavailable: 1", "rpc_unavailable: 0.1 reply_lost: 0.05"}) {
    absl::StatusOr<dsim::scenario::Scenario> s =
        ParseScenario(std::string(R"(
description: "faults beside an exec, a stop and rms"
container { id: "c1" args: ["run"] created: true started: true }
container { id: "c2" args: ["run"] created: true }
faults { )") + faults + R"( }
client {
  call { op: EXEC_CREATE container: "c1" exec: "e1" args: ["exit", "0"] }
  call { op: EXEC_START exec: "e1" }
  call { op: STOP container: "c1" }
  call { op: RM container: "c1" force: true }
}
client {
  call { op: INSPECT container: "c1" }
  call { op: RM container: "c2" force: true }
}
)",
                      "faults.textproto");
    ASSERT_TRUE(s.ok()) << s.status();
    for (Design design : {Design::kLegacy, Design::kObjects}) {
      sim::Setup program = ScenarioProgram(*s, RunConfig{.design = design});
      int faulted = 0;
      for (uint64_t i = 0; i < 300; ++i) {
        sim::ExecutorOptions o;
        o.seed = sim::Mix64(i);
        o.keep_trace = true;
        sim::RandomStrategy random;
        sim::RunRecord rec = sim::RunOnce(o, random, program);
        ASSERT_EQ(rec.result.outcome, sim::RunOutcome::kCompleted)
            << faults << " seed " << o.seed << ": " << Describe(rec.result);
        faulted += rec.trace_text.find("note: fault rpc-unavailable") !=
                   std::string::npos;
      }
      EXPECT_GT(faulted, 100) << faults;  // the runs did meet faults
    }
  }
}

// An expectation `only_with` one client is checked with that client only:
// legacy's start is judged (and fails the expectation), objects' is not.
TEST(ScenarioRunTest, AnExpectationOnlyWithOneClientBindsOnlyThatClient) {
  absl::StatusOr<dsim::scenario::Scenario> s = ParseScenario(R"(
description: "a start expected to be refused, with legacy only"
container { id: "c1" args: ["run"] created: true }
client {
  call { op: START container: "c1" expect { only_with: LEGACY error: CONFLICT } }
  call { op: STOP container: "c1" expect { error: OK } }
}
)",
                                                             "only.textproto");
  ASSERT_TRUE(s.ok()) << s.status();
  for (Design design : {Design::kLegacy, Design::kObjects}) {
    sim::Setup program = ScenarioProgram(*s, RunConfig{.design = design});
    sim::RandomStrategy random;
    sim::RunRecord rec = sim::RunOnce(sim::ExecutorOptions{}, random, program);
    if (design == Design::kObjects) {
      EXPECT_EQ(rec.result.outcome, sim::RunOutcome::kCompleted)
          << Describe(rec.result);
    } else {
      ASSERT_TRUE(rec.result.violation.has_value()) << Describe(rec.result);
      EXPECT_EQ(rec.result.violation->invariant, "expectation");
      EXPECT_NE(rec.result.violation->message.find("expected CONFLICT"),
                std::string::npos)
          << rec.result.violation->message;
    }
  }
}

}  // namespace
}  // namespace properties
