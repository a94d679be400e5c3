// properties/expectation.h: a scenario call's `expect` against what the call
// returned. Expectations state, for one scenario, what the model allows in
// general; they stay as the scenario author's plain statement of intent.
#ifndef DSIM_PROPERTIES_EXPECTATION_H_
#define DSIM_PROPERTIES_EXPECTATION_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "daemon_core/daemon.h"
#include "daemon_core/libcontainerd.h"
#include "dsim/scenario.pb.h"

namespace properties {

// OK, or a message that follows the call's description: " returned OK,
// expected CONFLICT" or ": Running is true, expected false". `design` is the
// run's libcontainerd client (an expectation `only_with` the other holds at
// once); `returned_at_ms` is when the call returned (virtual time since the
// run's start); `execs` maps the scenario's exec names to the daemon's ids.
absl::Status CheckExpectation(
    const dsim::scenario::Call& call, daemon_core::libcontainerd::Design design,
    const absl::Status& status,
    const daemon_core::ContainerInspectResult* inspect,
    const daemon_core::ExecInspectResult* exec,
    const daemon_core::StateStatus* wait, int64_t returned_at_ms,
    const std::map<std::string, std::string>& execs);

}  // namespace properties

#endif  // DSIM_PROPERTIES_EXPECTATION_H_
