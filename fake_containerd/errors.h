// fake_containerd/errors.h: containerd's error classes as absl::Status. The
// server's errdefs.ToGRPC appends ": <class>" to a classified error's text, and
// the runc shim's state-machine errors are unclassified, so they reach the
// client as UNKNOWN "...: unknown".
#ifndef DSIM_FAKE_CONTAINERD_ERRORS_H_
#define DSIM_FAKE_CONTAINERD_ERRORS_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace fake_containerd {

inline absl::Status ErrNotFound(std::string_view what) {
  return absl::NotFoundError(std::string(what) + ": not found");
}
inline absl::Status ErrAlreadyExists(std::string_view what) {
  return absl::AlreadyExistsError(std::string(what) + ": already exists");
}
inline absl::Status ErrInvalidArgument(std::string_view what) {
  return absl::InvalidArgumentError(std::string(what) + ": invalid argument");
}
inline absl::Status ErrFailedPrecondition(std::string_view what) {
  return absl::FailedPreconditionError(std::string(what) +
                                       ": failed precondition");
}
// A plain error from the shim (runc state machine): UNKNOWN.
inline absl::Status ErrShim(std::string_view what) {
  return absl::UnknownError(std::string(what) + ": unknown");
}

// Go's %q for the identifiers we print (they never need escaping beyond
// quotes).
inline std::string Quote(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

}  // namespace fake_containerd

#endif  // DSIM_FAKE_CONTAINERD_ERRORS_H_
