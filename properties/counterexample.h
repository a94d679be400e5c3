// properties/counterexample.h: a failing run of a scenario that exists only in
// memory (a generated workload) made replayable: the scenario is written to a
// file and the replay token names that file and its content hash.
#ifndef DSIM_PROPERTIES_COUNTEREXAMPLE_H_
#define DSIM_PROPERTIES_COUNTEREXAMPLE_H_

#include <string>
#include <vector>

#include "dsim/scenario.pb.h"
#include "properties/scenario_run.h"
#include "sim/executor.h"
#include "sim/replay_token.h"

namespace properties {

// The replay token of a run of a scenario known by `name` (a built-in's, or
// the file's), its content `hash` and, for a file, its `path` (empty for a
// built-in): the fields `dsim replay` reads back. `strategy` only labels it.
sim::ReplayToken ScenarioReplayToken(
    const std::string& name, const std::string& hash, const std::string& path,
    const RunConfig& config, const std::string& strategy,
    const sim::ExecutorOptions& options,
    const std::vector<sim::Decision>& decisions);

// Writes `scenario` as a text-format file under `dir` (named by its content
// hash) and returns a replay token for the run (`strategy` only labels it).
// On a write error the token still names the path, and `*error` says why.
std::string SaveCounterexample(const dsim::scenario::Scenario& scenario,
                               const RunConfig& config,
                               const sim::ExecutorOptions& options,
                               const std::vector<sim::Decision>& decisions,
                               const std::string& strategy,
                               const std::string& dir, std::string* path,
                               std::string* error);

}  // namespace properties

#endif  // DSIM_PROPERTIES_COUNTEREXAMPLE_H_
