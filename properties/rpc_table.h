// properties/rpc_table.h: what each Docker operation costs in containerd RPCs,
// measured by running it through the daemon model against the fake containerd,
// for one libcontainerd design, beside what it is expected to cost (legacy:
// the real dockerd 20.10.24, reference/dockerd-20.10.md; objects: moby PR
// #43564's retained handles). `dsim rpcs` prints it; its headline is start
// and exec start, legacy vs objects.
#ifndef DSIM_PROPERTIES_RPC_TABLE_H_
#define DSIM_PROPERTIES_RPC_TABLE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "daemon_core/libcontainerd.h"
#include "properties/live_stack.h"

namespace properties {

struct RpcRow {
  std::string operation;
  std::vector<std::string> rpcs;  // full method names, in order
  // What the table expects, full method names in order (the startup
  // handshake's only when the daemon makes it by default).
  std::vector<std::string> expected;
  // Methods expected once each at any place (a call the Go client makes from
  // its own goroutine): not in `expected`.
  std::vector<std::string> anywhere;
};

std::vector<RpcRow> MeasureRpcs(daemon_core::libcontainerd::Design design);

// Why `row.rpcs` is not what the row expects; nullopt when it is.
std::optional<std::string> RpcRowMismatch(const RpcRow& row);

// The same rows, through the daemon model against a real containerd (`dsim
// rpcs --containerd`), but for those that plant state in the fake or restart
// the daemon. Empties the namespace before and after each row.
absl::StatusOr<std::vector<RpcRow>> MeasureRpcsLive(
    daemon_core::libcontainerd::Design design, const LiveOptions& live);

}  // namespace properties

#endif  // DSIM_PROPERTIES_RPC_TABLE_H_
