// properties/rpc_table.h: what each Docker operation costs in containerd RPCs,
// measured by running it through the daemon model against the fake containerd,
// for one libcontainerd design. `dsim rpcs` prints it; its headline is start
// and exec start, legacy vs objects.
#ifndef DSIM_PROPERTIES_RPC_TABLE_H_
#define DSIM_PROPERTIES_RPC_TABLE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "daemon_core/libcontainerd.h"
#include "properties/live_stack.h"

namespace properties {

struct RpcRow {
  std::string operation;
  std::vector<std::string> rpcs;  // full method names, in order
};

std::vector<RpcRow> MeasureRpcs(daemon_core::libcontainerd::Design design);

// The same rows, through the daemon model against a real containerd (`dsim
// rpcs --containerd`), but for those that plant state in the fake. Empties
// the namespace before and after each row.
absl::StatusOr<std::vector<RpcRow>> MeasureRpcsLive(
    daemon_core::libcontainerd::Design design, const LiveOptions& live);

}  // namespace properties

#endif  // DSIM_PROPERTIES_RPC_TABLE_H_
