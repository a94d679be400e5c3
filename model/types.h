// model/types.h: the vocabulary of the reference model — what a Docker API
// client can see of a container or an exec (inspect), the error kinds a reply
// may carry, wait conditions and restart policies. Plain values, no behaviour.
#ifndef DSIM_MODEL_TYPES_H_
#define DSIM_MODEL_TYPES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace model {

// State.Status in ContainerInspect (moby State.StateString), plus kRemoved for
// a container the daemon no longer knows (inspect returns NotFound).
enum class ContainerStatus {
  kCreated,
  kRunning,
  kPaused,
  kRestarting,
  kExited,
  kRemoving,
  kDead,
  kRemoved,
};
absl::string_view ToString(ContainerStatus s);

// The ContainerInspect fields the model has an opinion on.
struct InspectView {
  ContainerStatus status = ContainerStatus::kCreated;
  bool running = false;
  bool paused = false;
  bool restarting = false;
  bool oom_killed = false;
  bool dead = false;
  int exit_code = 0;
  int restart_count = 0;   // RestartCount
  bool has_pid = false;    // Pid > 0
  bool has_error = false;  // State.Error is not empty
  // State.StartedAt as a count of nanoseconds, 0 for Go's zero time; nullopt:
  // not read. Only compared with other reads (model/spec_check.cc).
  std::optional<int64_t> started_at;
  std::optional<int64_t> finished_at;  // State.FinishedAt, the same way
  std::vector<std::string> exec_ids;   // order is not significant
  bool operator==(const InspectView&) const = default;
};

enum class ExecStatus { kCreated, kRunning, kExited };
absl::string_view ToString(ExecStatus s);

// ContainerExecInspect: Running, ExitCode (null until the exec exits) and
// whether Pid > 0 (nullopt: not read; the model's view leaves it unset).
struct ExecView {
  bool running = false;
  std::optional<int> exit_code;
  std::optional<bool> has_pid;
  bool operator==(const ExecView&) const = default;
};

// The error class of a reply (moby errdefs), as the HTTP status shows it.
// kNotModified is 304: start of a running container, stop of a stopped one.
enum class ErrorKind {
  kNone,
  kNotModified,
  kNotFound,
  kConflict,
  kInvalidParameter,
  kSystem,
};
absl::string_view ToString(ErrorKind k);

// One observed reply: its kind and, for an error, the message (may be empty
// when the recorder did not keep it).
struct Reply {
  ErrorKind kind = ErrorKind::kNone;
  std::string message;

  static Reply Ok() { return {}; }
  static Reply Error(ErrorKind kind, std::string message = "") {
    return {kind, std::move(message)};
  }
};

// One reply the model allows: a kind and, for errors, a phrase the message
// must contain (empty: any message).
struct AllowedReply {
  ErrorKind kind = ErrorKind::kNone;
  std::string phrase;
};

enum class WaitCondition { kNotRunning, kNextExit, kRemoved };
absl::string_view ToString(WaitCondition c);

struct RestartPolicy {
  enum class Kind { kNo, kAlways, kOnFailure, kUnlessStopped };
  Kind kind = Kind::kNo;
  int max_retries = 0;  // on-failure only; 0 means unlimited (as in moby)

  // "no", "always", "on-failure", "on-failure:N", "unless-stopped"; nullopt
  // when malformed.
  static std::optional<RestartPolicy> Parse(absl::string_view s);
  std::string ToString() const;
};

}  // namespace model

#endif  // DSIM_MODEL_TYPES_H_
