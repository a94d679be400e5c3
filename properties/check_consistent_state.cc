// Property "consistent-state": moby changes a container's State only through
// setters that leave it whole (SetRunning, SetRestarting, SetStopped, under
// the container lock), and sets HasBeenStartedBefore with StartedAt when a
// start succeeds. So for every container no one holds the lock of:
// - Restarting and Paused each come with Running;
// - a Pid is shown exactly when Running and not Restarting (SetRestarting
//   and SetStopped clear it);
// - HasBeenStartedBefore is true exactly when StartedAt is set.
// A field changed on one path but not on another (a setter that forgot one)
// shows here even when no client reads the field or the model allows the
// value: restore decides on HasBeenStartedBefore, which no reply shows.
#include "properties/check_consistent_state.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace properties {

namespace {

const char* Bool(bool b) { return b ? "true" : "false"; }

// What is inconsistent in `c`'s state, or "".
std::string Inconsistency(const daemon_core::Container& c) {
  const daemon_core::State& st = c.state;
  if (st.restarting && !st.running) return "Restarting without Running";
  if (st.paused && (!st.running || st.restarting)) {
    return absl::StrCat("Paused with Running ", Bool(st.running),
                        " and Restarting ", Bool(st.restarting));
  }
  const bool has_pid = st.pid != 0;
  if (has_pid != (st.running && !st.restarting)) {
    return absl::StrCat("Pid ", st.pid, " with Running ", Bool(st.running),
                        " and Restarting ", Bool(st.restarting));
  }
  if (c.has_been_started_before != (st.started_at != 0)) {
    return absl::StrCat("HasBeenStartedBefore ",
                        Bool(c.has_been_started_before), " with StartedAt ",
                        st.started_at == 0 ? "unset" : "set");
  }
  return "";
}

}  // namespace

absl::Status CheckConsistentState(const daemon_core::Daemon& daemon,
                                  absl::string_view when) {
  for (const auto& [id, c] : daemon.containers()) {
    if (c->state.mu.locked()) continue;
    if (std::string what = Inconsistency(*c); !what.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("container ", id, ": ", what, " ", when,
                       " (moby's State setters never leave this)"));
    }
  }
  return absl::OkStatus();
}

}  // namespace properties
