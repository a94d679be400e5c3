// Property "saved-state": whenever a client's call returns, once the run
// settled, and when the daemon is killed or told to stop, what the daemon
// shows of each container it keeps is what it saved on disk. moby saves a
// container (CheckpointTo) under its lock after every change, so a restarted
// daemon restores what its predecessor showed; the model adopts what restore
// left (model::Spec::Adopt) and so cannot tell a change that was never saved.
// Left out: a container whose lock is held or whose write is under way (a
// change on its way to disk), and RemovalInProgress (moby does not save it).
#include "properties/check_saved_state.h"

#include <cstdint>
#include <initializer_list>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace properties {

namespace {

// A field as the daemon shows it and as it saved it.
template <typename T>
struct Field {
  const char* name;
  T shown, saved;
};

// "Name is shown in memory but saved on disk" for the first field that
// differs, or "".
template <typename T>
std::string FirstDiffering(std::initializer_list<Field<T>> fields) {
  for (const Field<T>& f : fields) {
    if (f.shown != f.saved) {
      return absl::StrCat(f.name, " is ", f.shown, " in memory but ", f.saved,
                          " on disk");
    }
  }
  return "";
}

// The first field where `saved` differs from what the daemon shows of `c`,
// or "". The shown side is read off the container itself, not through
// ToCheckpoint: a field that ToCheckpoint forgot would look alike on both.
std::string FirstDifference(const daemon_core::Container& c,
                            const daemon_core::ContainerCheckpoint& saved) {
  const daemon_core::State& st = c.state;
  const auto flag = [](const char* name, bool a, bool b) {
    return Field<absl::string_view>{name, a ? "true" : "false",
                                    b ? "true" : "false"};
  };
  std::string diff = FirstDiffering<absl::string_view>(
      {flag("Running", st.running, saved.running),
       flag("Paused", st.paused, saved.paused),
       flag("Restarting", st.restarting, saved.restarting),
       flag("OOMKilled", st.oom_killed, saved.oom_killed),
       flag("Dead", st.dead, saved.dead),
       flag("HasBeenStartedBefore", c.has_been_started_before,
            saved.has_been_started_before),
       flag("HasBeenManuallyStopped", c.has_been_manually_stopped,
            saved.has_been_manually_stopped),
       flag("AutoRemove", c.auto_remove, saved.auto_remove),
       {"Error", st.error_msg, saved.error_msg}});
  if (diff.empty()) {
    diff = FirstDiffering<int64_t>(
        {{"Pid", st.pid, saved.pid},
         {"ExitCode", st.exit_code, saved.exit_code},
         {"RestartCount", c.restart_count, saved.restart_count},
         {"StartedAt", static_cast<int64_t>(st.started_at),
          static_cast<int64_t>(saved.started_at)},
         {"FinishedAt", static_cast<int64_t>(st.finished_at),
          static_cast<int64_t>(saved.finished_at)}});
  }
  if (!diff.empty()) return diff;
  if (c.args != saved.args) return "the command differs on disk";
  if (c.restart_policy.name != saved.restart_policy.name ||
      c.restart_policy.maximum_retry_count !=
          saved.restart_policy.maximum_retry_count) {
    return "the restart policy differs on disk";
  }
  return "";
}

}  // namespace

absl::Status CheckSavedState(const daemon_core::Daemon& daemon,
                             absl::string_view when) {
  for (const auto& [id, c] : daemon.containers()) {
    if (c->state.mu.locked()) continue;
    const daemon_core::ContainerCheckpoint* saved = daemon.disk().Saved(id);
    if (saved == nullptr) continue;
    if (std::string diff = FirstDifference(*c, *saved); !diff.empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "container ", id, ": ", diff, " ", when,
          " (a change not saved with CheckpointTo: a restarted daemon would "
          "restore the old value)"));
    }
  }
  return absl::OkStatus();
}

}  // namespace properties
