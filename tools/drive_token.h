// tools/drive_token.h: `dsim drive`'s replay token: "dsimdrive1" and the hex
// of a dsim.docker.DriveToken (proto/dsim/docker_api.proto: the scenario's
// text, the run's seed, strategy, quiet window, containerd bug and every
// released step's label). A token of its own kind: explore's tokens replay a
// simulated run, this one a driven run, best-effort.
#ifndef DSIM_TOOLS_DRIVE_TOKEN_H_
#define DSIM_TOOLS_DRIVE_TOKEN_H_

#include <string>

#include "absl/status/statusor.h"
#include "dsim/docker_api.pb.h"

namespace dsim {

std::string EncodeToken(const dsim::docker::DriveToken& t);
// INVALID_ARGUMENT "not a drive token ..." or "corrupt drive token".
absl::StatusOr<dsim::docker::DriveToken> DecodeToken(const std::string& s);

}  // namespace dsim

#endif  // DSIM_TOOLS_DRIVE_TOKEN_H_
