// properties/scenario_run.h: a scenario as one simulated run. The scenario's
// clients issue their API calls through the daemon model against the fake
// containerd, its environment events happen, and every check runs: runtime
// checks (races, lock across RPC, deadlock), expectations, the per-step exec
// invariant, the history checkers and the checks at quiescence. A failed check
// ends the run with a violation named by its property.
#ifndef DSIM_PROPERTIES_SCENARIO_RUN_H_
#define DSIM_PROPERTIES_SCENARIO_RUN_H_

#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "daemon_core/libcontainerd.h"
#include "daemon_core/mutation.h"
#include "dsim/scenario.pb.h"
#include "properties/checks.h"  // Properties()
#include "properties/live_stack.h"
#include "sim/run.h"

namespace properties {

struct RunConfig {
  daemon_core::libcontainerd::Design design =
      daemon_core::libcontainerd::Design::kObjects;
  daemon_core::Mutation mutation = daemon_core::Mutation::kNone;
};


// The run's program. `scenario` must outlive every run of the Setup.
sim::Setup ScenarioProgram(const dsim::scenario::Scenario& scenario,
                           RunConfig config);

// OK, or why `scenario` needs the simulation (environment events, faults,
// shared pids, a stale container planted in the fake).
absl::Status LiveCapable(const dsim::scenario::Scenario& scenario);

// The run's program against a real containerd (`dsim live`): the executor must
// have `loop` as its outside. REQUIRES: LiveCapable(scenario).
sim::Setup LiveScenarioProgram(const dsim::scenario::Scenario& scenario,
                               RunConfig config, LiveOptions live,
                               wire::CompletionLoop& loop);

}  // namespace properties

#endif  // DSIM_PROPERTIES_SCENARIO_RUN_H_
