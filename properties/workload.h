// properties/workload.h: RapidCheck generators of workloads: scenarios with 1
// to 3 containers, 2 to 4 concurrent clients making random API calls (some
// after a sleep, so they act after exits, restarts and daemon restarts; some
// attached exec starts their client gives up on), and environment events
// (kills behind the daemon's back, daemon restarts and graceful stops, late
// OOM notifications), AutoRemove containers
// and exec-start faults. What is generated stays clear of
// the races dsim already knows moby to have (docs/SCENARIOS.md, "Known moby
// races"), so that without a planted bug every property holds.
#ifndef DSIM_PROPERTIES_WORKLOAD_H_
#define DSIM_PROPERTIES_WORKLOAD_H_

#include <ostream>

#include "dsim/scenario.pb.h"
#include "rapidcheck.h"

namespace properties {

rc::Gen<dsim::scenario::Scenario> GenWorkload();

}  // namespace properties

// How RapidCheck prints a counterexample's values (found by ADL).
namespace dsim::scenario {
void showValue(const Scenario& s, std::ostream& os);
}  // namespace dsim::scenario
namespace daemon_core::libcontainerd {
enum class Design;
void showValue(Design d, std::ostream& os);
}  // namespace daemon_core::libcontainerd

#endif  // DSIM_PROPERTIES_WORKLOAD_H_
