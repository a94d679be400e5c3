#include "model/types.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace model {

absl::string_view ToString(ContainerStatus s) {
  switch (s) {
    case ContainerStatus::kCreated:
      return "created";
    case ContainerStatus::kRunning:
      return "running";
    case ContainerStatus::kPaused:
      return "paused";
    case ContainerStatus::kRestarting:
      return "restarting";
    case ContainerStatus::kExited:
      return "exited";
    case ContainerStatus::kRemoving:
      return "removing";
    case ContainerStatus::kDead:
      return "dead";
    case ContainerStatus::kRemoved:
      return "removed";
  }
  return "?";
}

absl::string_view ToString(ExecStatus s) {
  switch (s) {
    case ExecStatus::kCreated:
      return "created";
    case ExecStatus::kRunning:
      return "running";
    case ExecStatus::kExited:
      return "exited";
  }
  return "?";
}

absl::string_view ToString(ErrorKind k) {
  switch (k) {
    case ErrorKind::kNone:
      return "OK";
    case ErrorKind::kNotModified:
      return "NotModified";
    case ErrorKind::kNotFound:
      return "NotFound";
    case ErrorKind::kConflict:
      return "Conflict";
    case ErrorKind::kInvalidParameter:
      return "InvalidParameter";
    case ErrorKind::kSystem:
      return "System";
  }
  return "?";
}

absl::string_view ToString(WaitCondition c) {
  switch (c) {
    case WaitCondition::kNotRunning:
      return "not-running";
    case WaitCondition::kNextExit:
      return "next-exit";
    case WaitCondition::kRemoved:
      return "removed";
  }
  return "?";
}

std::optional<RestartPolicy> RestartPolicy::Parse(absl::string_view s) {
  if (s == "no" || s.empty()) return RestartPolicy{Kind::kNo, 0};
  if (s == "always") return RestartPolicy{Kind::kAlways, 0};
  if (s == "unless-stopped") return RestartPolicy{Kind::kUnlessStopped, 0};
  if (s == "on-failure") return RestartPolicy{Kind::kOnFailure, 0};
  if (absl::ConsumePrefix(&s, "on-failure:")) {
    int max = 0;
    if (absl::SimpleAtoi(s, &max) && max >= 0) {
      return RestartPolicy{Kind::kOnFailure, max};
    }
  }
  return std::nullopt;
}

std::string RestartPolicy::ToString() const {
  switch (kind) {
    case Kind::kNo:
      return "no";
    case Kind::kAlways:
      return "always";
    case Kind::kUnlessStopped:
      return "unless-stopped";
    case Kind::kOnFailure:
      return max_retries == 0 ? "on-failure"
                              : absl::StrCat("on-failure:", max_retries);
  }
  return "?";
}

}  // namespace model
