// daemon_core/errdefs.h: the Docker API error kinds (moby errdefs) as
// absl::Status codes, so API results are plain values a history can record:
//   NotFound -> kNotFound, Conflict -> kFailedPrecondition, InvalidParameter ->
//   kInvalidArgument, System -> kInternal, NotModified (start of a running
//   container) -> kOk (moby answers 304 without an error).
#ifndef DSIM_DAEMON_CORE_ERRDEFS_H_
#define DSIM_DAEMON_CORE_ERRDEFS_H_

#include <string>

#include "absl/status/status.h"

namespace daemon_core {

inline absl::Status NotFound(const std::string& what) {
  return absl::NotFoundError(what);
}
inline absl::Status Conflict(const std::string& what) {
  return absl::FailedPreconditionError(what);
}
inline absl::Status InvalidParameter(const std::string& what) {
  return absl::InvalidArgumentError(what);
}
inline absl::Status System(const std::string& what) {
  return absl::InternalError(what);
}

inline bool IsConflict(const absl::Status& s) {
  return absl::IsFailedPrecondition(s);
}

}  // namespace daemon_core

#endif  // DSIM_DAEMON_CORE_ERRDEFS_H_
