// properties/expectation.h.
#include "properties/expectation.h"

#include <set>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon_core/errdefs.h"

namespace properties {

namespace {

namespace sc = ::dsim::scenario;

bool ErrorMatches(sc::ErrorKind want, const absl::Status& s) {
  switch (want) {
    case sc::OK:
      return s.ok();
    case sc::NOT_FOUND:
      return absl::IsNotFound(s);
    case sc::CONFLICT:
      return daemon_core::IsConflict(s);
    case sc::INVALID_PARAMETER:
      return absl::IsInvalidArgument(s);
    case sc::ERROR:
      return !s.ok();
    default:  // ANY
      return true;
  }
}

absl::Status Mismatch(const std::string& field, const std::string& got,
                      const std::string& want) {
  return absl::FailedPreconditionError(
      absl::StrCat(": ", field, " is ", got, ", expected ", want));
}

std::string Bool(bool v) { return v ? "true" : "false"; }

}  // namespace

absl::Status CheckExpectation(
    const sc::Call& call, daemon_core::libcontainerd::Design design,
    const absl::Status& status,
    const daemon_core::ContainerInspectResult* inspect,
    const daemon_core::ExecInspectResult* exec,
    const daemon_core::StateStatus* wait, int64_t returned_at_ms,
    const std::map<std::string, std::string>& execs) {
  if (!call.has_expect()) return absl::OkStatus();
  const sc::Expect& e = call.expect();
  using daemon_core::libcontainerd::Design;
  if ((e.only_with() == sc::Expect::OBJECTS && design != Design::kObjects) ||
      (e.only_with() == sc::Expect::LEGACY && design != Design::kLegacy)) {
    return absl::OkStatus();
  }
  if (!ErrorMatches(e.error(), status)) {
    return absl::FailedPreconditionError(
        absl::StrCat(" returned ", status.ok() ? "OK" : status.ToString(),
                     ", expected ", sc::ErrorKind_Name(e.error())));
  }
  if (e.has_pending_at_ms() && returned_at_ms <= e.pending_at_ms()) {
    return absl::FailedPreconditionError(absl::StrCat(
        " returned at ", returned_at_ms, " ms, expected it still pending at ",
        e.pending_at_ms(), " ms"));
  }
  if (e.has_error_contains() &&
      !absl::StrContains(absl::AsciiStrToLower(status.message()),
                         absl::AsciiStrToLower(e.error_contains()))) {
    return absl::FailedPreconditionError(absl::StrCat(
        " returned ", status.ok() ? "OK" : status.ToString(),
        ", expected an error containing \"", e.error_contains(), "\""));
  }
  if (inspect != nullptr) {
    if (e.has_exit_code() && inspect->exit_code != e.exit_code())
      return Mismatch("ExitCode", std::to_string(inspect->exit_code),
                      std::to_string(e.exit_code()));
    if (e.has_restarting() && inspect->restarting != e.restarting())
      return Mismatch("Restarting", Bool(inspect->restarting),
                      Bool(e.restarting()));
    if (e.has_has_pid() && (inspect->pid > 0) != e.has_pid())
      return Mismatch("Pid>0", Bool(inspect->pid > 0), Bool(e.has_pid()));
    if (e.exec_ids_listed_size() > 0) {
      std::set<std::string> want,
          got(inspect->exec_ids.begin(), inspect->exec_ids.end());
      for (const std::string& name : e.exec_ids_listed()) {
        auto it = execs.find(name);
        want.insert(it != execs.end() ? it->second : "(no exec " + name + ")");
      }
      if (want != got) {
        return Mismatch("ExecIDs", "[" + absl::StrJoin(got, ",") + "]",
                        "[" + absl::StrJoin(want, ",") + "]");
      }
    }
    if (e.has_running() && inspect->running != e.running())
      return Mismatch("Running", Bool(inspect->running), Bool(e.running()));
    if (e.has_oom_killed() && inspect->oom_killed != e.oom_killed())
      return Mismatch("OOMKilled", Bool(inspect->oom_killed),
                      Bool(e.oom_killed()));
    if (e.has_status() && inspect->status != e.status())
      return Mismatch("Status", inspect->status, e.status());
    if (e.has_exec_ids() &&
        static_cast<int>(inspect->exec_ids.size()) != e.exec_ids())
      return Mismatch("len(ExecIDs)", std::to_string(inspect->exec_ids.size()),
                      std::to_string(e.exec_ids()));
  }
  if (exec != nullptr) {
    if (e.has_has_pid() && (exec->pid > 0) != e.has_pid())
      return Mismatch("Pid>0", Bool(exec->pid > 0), Bool(e.has_pid()));
    if (e.has_running() && exec->running != e.running())
      return Mismatch("Running", Bool(exec->running), Bool(e.running()));
    if (e.has_exit_code() && exec->exit_code != e.exit_code())
      return Mismatch(
          "ExitCode",
          exec->exit_code ? std::to_string(*exec->exit_code) : "null",
          std::to_string(e.exit_code()));
  }
  if (wait != nullptr && e.has_exit_code() && wait->exit_code != e.exit_code())
    return Mismatch("StatusCode", std::to_string(wait->exit_code),
                    std::to_string(e.exit_code()));
  return absl::OkStatus();
}

}  // namespace properties
