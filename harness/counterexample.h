// harness/counterexample.h: a failing run of a scenario that exists only in
// memory (a generated workload) made replayable: the scenario is written to a
// file, and the replay token carries it (content and hash) and names the file.
#ifndef DSIM_HARNESS_COUNTEREXAMPLE_H_
#define DSIM_HARNESS_COUNTEREXAMPLE_H_

#include <string>
#include <vector>

#include "dsim/scenario.pb.h"
#include "properties/scenario_run.h"
#include "sim/executor.h"

namespace harness {

// Writes `scenario` as a text-format file under `dir` (named by its content
// hash) and returns a replay token for the run (`strategy` only labels it).
// On a write error the token is still whole, and `*error` says why.
std::string SaveCounterexample(const dsim::scenario::Scenario& scenario,
                               const properties::RunConfig& config,
                               const sim::ExecutorOptions& options,
                               const std::vector<sim::Decision>& decisions,
                               const std::string& strategy,
                               const std::string& dir, std::string* path,
                               std::string* error);

}  // namespace harness

#endif  // DSIM_HARNESS_COUNTEREXAMPLE_H_
