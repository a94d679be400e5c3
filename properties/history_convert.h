// properties/history_convert.h: the daemon model's and the scenario's values
// as the reference model's (model::History speaks only model/ types).
#ifndef DSIM_PROPERTIES_HISTORY_CONVERT_H_
#define DSIM_PROPERTIES_HISTORY_CONVERT_H_

#include "absl/status/status.h"
#include "daemon_core/container.h"
#include "daemon_core/daemon.h"
#include "dsim/scenario.pb.h"
#include "model/history.h"

namespace properties {

model::CallKind CallKindOf(dsim::scenario::Op op);
model::WaitCondition WaitConditionOf(dsim::scenario::WaitCondition c);
model::RestartPolicy ModelPolicyOf(dsim::scenario::RestartPolicy p,
                                   int max_retry);
// The reply as the API contract names it; any other error (a reset
// connection, a cancelled or abandoned call, an RPC failure surfacing as
// Unavailable) makes the call indeterminate.
void SetReply(const absl::Status& status, model::Call& call);
model::InspectView ViewOf(const daemon_core::ContainerInspectResult& r);
// A container as restore left it, read without locks (nothing runs between
// restore's end and the first API call the runner lets through).
model::ContainerSnapshot SnapshotOf(const daemon_core::Container& c);

}  // namespace properties

#endif  // DSIM_PROPERTIES_HISTORY_CONVERT_H_
