// properties/drive_api.h: `dsim drive`'s mapping between the scenario
// language and the Docker Engine API (v1.41, dockerd 20.10): which scenarios
// it can drive, each call as an HTTP request, and each reply (JSON read with
// protobuf's parser into proto/dsim/docker_api.proto) as the model's values.
#ifndef DSIM_PROPERTIES_DRIVE_API_H_
#define DSIM_PROPERTIES_DRIVE_API_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "daemon_core/daemon.h"
#include "daemon_core/state.h"
#include "dsim/scenario.pb.h"
#include "model/history.h"

namespace properties {

// OK when the scenario uses only what maps onto the Docker API as driven;
// otherwise INVALID_ARGUMENT "scenario NAME: dsim drive cannot run WHAT".
absl::Status DriveCapable(const dsim::scenario::Scenario& s);

// No SLEEP call, no environment event and no program with a DELAY: the
// scenario's `expect`s do not rest on virtual time, which means nothing when
// driven (a process ends when its step is released; SLEEP orders nothing; an
// environment event happens when the strategy places it), so drive checks
// them.
bool ExpectationsApply(const dsim::scenario::Scenario& s);

struct ApiRequest {
  std::string method;  // GET, POST, DELETE
  std::string path;    // under /v1.41, with its query
  std::string body;    // JSON, or empty
};

// The name dockerd knows a scenario's container by: "dsim-NAME". A name
// like "c2" is also a hex prefix, and dockerd resolves a reference by full
// id, then name, then id prefix (moby's GetContainer): once c2 is removed,
// /containers/c2 would name another container whose id starts with c2.
std::string DaemonName(const std::string& name);

// The request of `call`, or nullopt when it makes none: SLEEP, or an exec
// whose create failed (the client has no id for it). `exec_ids` maps the
// scenario's exec names to the daemon's ids.
// CREATE's restart policy has `max_retry` (on-failure; 0: unlimited).
std::optional<ApiRequest> ApiRequestOf(
    const dsim::scenario::Call& call,
    const std::map<std::string, std::string>& exec_ids, int max_retry = 0);

// A finished call's HTTP reply (`status` 0: none, `error` says why) into
// `call`: the reply's kind by status (moby's errdefs mapping) and, when OK,
// what it showed (inspect, exec inspect, wait's code; `pid` gets inspect's
// State.Pid). Returns the id an OK CREATE or EXEC_CREATE returned, else "".
std::string SetApiReply(dsim::scenario::Op op, long status,
                        const std::string& body, const std::string& error,
                        model::Call& call, int64_t* pid = nullptr);

// A reply as the daemon model's API results, for the scenario's `expect`
// (properties/expectation.h): the status by errdefs kind (304 is OK, as a
// client sees it), and what an OK inspect, exec inspect or wait showed.
struct ApiResult {
  absl::Status status;
  std::optional<daemon_core::ContainerInspectResult> inspect;
  std::optional<daemon_core::ExecInspectResult> exec;
  std::optional<daemon_core::StateStatus> wait;
};
ApiResult ApiResultOf(dsim::scenario::Op op, long status,
                      const std::string& body, const std::string& error);

// The ids of GET /containers/json; nullopt when the body does not parse.
std::optional<std::vector<std::string>> ContainerIdsOf(const std::string& body);

// The (id, name without its '/') of GET /containers/json; nullopt when the
// body does not parse.
std::optional<std::vector<std::pair<std::string, std::string>>>
ContainerNamesOf(const std::string& body);

// GET /containers/{id}/json as a restored container's snapshot, named
// `name`; nullopt when the body does not parse.
std::optional<model::ContainerSnapshot> SnapshotOfJson(const std::string& name,
                                                       const std::string& body);

// Milliseconds as the whole seconds of ?t=, rounded up.
inline int64_t WholeSeconds(int64_t ms) { return (ms + 999) / 1000; }

}  // namespace properties

#endif  // DSIM_PROPERTIES_DRIVE_API_H_
