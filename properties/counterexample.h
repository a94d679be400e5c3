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

namespace properties {

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
