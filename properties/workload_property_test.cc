// RapidCheck properties over generated workloads: 2 to 4 concurrent clients, 1
// to 3 containers, random API calls, environment events and faults, under a
// generated schedule script, for both clients. Without a planted bug every
// property holds; with one, RapidCheck finds a counterexample and shrinks both
// the workload (calls, containers, events) and the schedule (the script: fewer
// and smaller entries mean fewer preemptions). A failure prints the dsim replay
// token of the shrunk run and how many preemptions it needs.
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "properties/counterexample.h"
#include "properties/scenario.h"
#include "properties/scenario_run.h"
#include "properties/workload.h"
#include "rapidcheck.h"
#include "rapidcheck/gtest.h"
#include "sim/run.h"
#include "sim/strategy_scripted.h"

namespace properties {
namespace {

using daemon_core::Mutation;
using daemon_core::libcontainerd::Design;

std::string TempDir() {
  const char* d = std::getenv("TMPDIR");
  return d != nullptr && *d != '\0' ? d : "/tmp";
}

// One generated run; RC_FAILs with the replay token when a property fails
// (with `want`, only when that property fails: other runs are discarded).
void CheckWorkload(Mutation mutation, const std::string& want = "") {
  const dsim::scenario::Scenario s = *GenWorkload();
  const std::vector<uint32_t> script =
      *rc::gen::container<std::vector<uint32_t>>(
          rc::gen::inRange<uint32_t>(0, 6));
  const RunConfig config{
      .design = *rc::gen::element(Design::kObjects, Design::kLegacy),
      .mutation = mutation};
  sim::ExecutorOptions o;
  o.seed = *rc::gen::arbitrary<uint64_t>();
  sim::ScriptedStrategy strategy(script);
  sim::RunRecord rec = sim::RunOnce(o, strategy, ScenarioProgram(s, config));
  if (rec.result.outcome == sim::RunOutcome::kCompleted) return;
  const auto& v = rec.result.violation;
  // The model oracle may see a planted bug first: that finds it too.
  if (!want.empty() && (!v || (v->invariant != want && v->invariant != "model"))) {
    RC_DISCARD("another property failed");
  }
  std::string path, error;
  const std::string token = SaveCounterexample(
      s, config, o, rec.decisions, "scripted", TempDir(), &path, &error);
  RC_FAIL((v ? v->invariant + ": " + v->message
             : std::string(sim::RunOutcomeName(rec.result.outcome))) +
          "\n  client " +
          std::string(daemon_core::libcontainerd::DesignName(config.design)) +
          ", " + std::to_string(strategy.preemptions()) +
          " preemption(s), scenario written to " + path + " " + error +
          "\n  reproduce with: dsim replay " + token);
}

// The generator only makes scenarios the parser accepts.
RC_GTEST_PROP(WorkloadProperty, GeneratedScenariosAreValid, ()) {
  const dsim::scenario::Scenario s = *GenWorkload();
  std::string text;
  RC_ASSERT(google::protobuf::TextFormat::PrintToString(s, &text));
  absl::StatusOr<dsim::scenario::Scenario> parsed =
      ParseScenario(text, "generated.textproto");
  RC_ASSERT(parsed.ok());
}

RC_GTEST_PROP(WorkloadProperty, NoPropertyFailsWithoutAPlantedBug, ()) {
  CheckWorkload(Mutation::kNone);
}

// The same generator finds planted bugs, and shrinks what it found.
TEST(WorkloadPropertyTest, FindsPlantedBugs) {
  for (Mutation m : {Mutation::kExecStoreLockedAcrossRpc,
                     Mutation::kFailedStartSkipsContainerDelete,
                     Mutation::kExecExitClearsRunningBeforeDelete}) {
    SCOPED_TRACE(std::string(daemon_core::Info(m).name));
    const std::string want(daemon_core::Info(m).targets);
    EXPECT_FALSE(rc::check(std::string(daemon_core::Info(m).name),
                           [m, want] { CheckWorkload(m, want); }));
  }
}

}  // namespace
}  // namespace properties
