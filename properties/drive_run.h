// properties/drive_run.h: one run of `dsim drive`: a scenario's clients as
// concurrent Docker Engine API calls to a real dockerd whose containerd is the
// fake behind a DriveGate; once dockerd is quiescent (DriveOptions::
// quiescence: idle by its own threads, or a quiet window of wall time) the
// strategy releases one pending step (a containerd reply, an event, a process
// end, a client's next call). The run
// records a model::History and, once nothing is pending and every call
// returned, judges it with RecordChecks() on containerd's state read off the
// fake. Lives on the serving executor; wall time is read only to find quiet
// windows and to stamp the History, never to choose.
#ifndef DSIM_PROPERTIES_DRIVE_RUN_H_
#define DSIM_PROPERTIES_DRIVE_RUN_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "dsim/scenario.pb.h"
#include "fake_containerd/fake_containerd.h"
#include "model/history.h"
#include "properties/drive_api.h"
#include "properties/drive_gate.h"
#include "properties/proc_activity.h"
#include "sim/executor.h"
#include "wire/docker_http.h"

namespace properties {

// When whatever dockerd will send next depends on a step being released.
enum class Quiescence {
  // No new request, event or reply for `quiet` of wall time.
  kWindow,
  // dockerd's own threads say so (properties/proc_activity.h, read through
  // DaemonControl::Activity): no new activity for `idle_min`, dockerd woke
  // for the step last released to it (its CPU time moved; after `quiet`
  // without that, it is taken as woken), and then for `idle_span` none of
  // its threads (nor dsim's own other threads, which carry its gRPC) was
  // runnable and its CPU time did not move. Where the daemon cannot be read
  // (a restart under way), the window.
  kIdle,
};

struct DriveOptions {
  std::string strategy = "pct";  // pct | random
  int pct_depth = 3;
  Quiescence quiescence = Quiescence::kIdle;
  // kWindow: the window. kIdle: the longest wait for dockerd to wake for a
  // step, and the window where its threads cannot be read.
  sim::Nanos quiet = 20 * sim::kMillisecond;
  sim::Nanos idle_min = sim::kMillisecond;
  sim::Nanos idle_span = sim::kMillisecond;
  // Quiescence is declared (and the final inspects made) only after this
  // much quiet with nothing pending and every call returned: dockerd's
  // reaction to the last event may take longer than one quiet window.
  sim::Nanos settle = 200 * sim::kMillisecond;
  // kIdle: the same, idle (as above) for this long; dockerd woke for the
  // last step, so what is left is only what waits for a timer of its own.
  sim::Nanos idle_settle = 20 * sim::kMillisecond;
  // With restart policies, quiescence also waits while dockerd shows a
  // container Restarting (its backoff is wall time), until the run is this
  // old.
  sim::Nanos policy_settle = 70 * sim::kSecond;
  // Nothing pending and a call still out for this long (plus the longest
  // stop or restart grace period of the scenario): it never returns. A wait
  // is given up (indeterminate, as the simulated runner's clients do); any
  // other call is a no-pending-call violation.
  sim::Nanos stuck = 5 * sim::kSecond;
  // Replay: how long to wait for the recorded step to become pending (the
  // daemon may be slower than when it was recorded) before diverging.
  sim::Nanos replay_patience = 2 * sim::kSecond;
  // A containerd restart: dockerd subscribes to its events again within this
  // (its waitServe polls the health check every 100 ms), or the run fails.
  sim::Nanos containerd_resubscribe = 30 * sim::kSecond;
  // The driven dockerd is 20.10 (before moby 23.0): the legacy libcontainerd,
  // which copies an OOM in at the exit, and no 57d2d6ef, so OOMKilled stays
  // set after a start until the next exit (model::SpecOptions oom_at_exit and
  // oom_killed_until_exit).
  bool dockerd_20_10 = true;
};

// Restarts the driven dockerd on the same roots: a crash (SIGKILL) or a
// graceful stop (SIGTERM, daemon.Shutdown), then a start that restores. The
// run keeps releasing steps while it happens (the stopping daemon's stops and
// the new one's restore talk to the gate) and polls for its end.
class DaemonControl {
 public:
  virtual ~DaemonControl() = default;
  virtual absl::Status BeginRestart(bool graceful) = 0;
  // nullopt while the restart is under way; then whether dockerd answers.
  virtual std::optional<absl::Status> RestartDone() = 0;
  // The daemon process's threads now (Quiescence::kIdle); nullopt when they
  // cannot be read (no process, a restart under way).
  virtual std::optional<ProcActivity> Activity() { return std::nullopt; }
};

struct DriveRunResult {
  enum class Outcome { kPassed, kViolation, kDiverged, kError };
  Outcome outcome = Outcome::kPassed;
  std::string invariant, message;  // kViolation; message also for the others
  std::vector<std::string> decisions;  // the labels released, in order
  std::vector<std::string> requests;   // the requests' labels, as they came
  std::string history;                 // rendered, one line per entry
  int restarts = 0;                    // dockerd restarts done
  int64_t elapsed_ns = 0;
  // Of elapsed_ns: waiting for quiescence before each step, and from the
  // last step to the final inspects' end (settling, the inspects).
  int64_t wait_ns = 0, finish_ns = 0;
  // Quiescence::kIdle: steps released to dockerd that it was not seen
  // waking for within the quiet window (then the window decided).
  int wake_timeouts = 0;
};

class Driver {
 public:
  Driver(sim::Executor& ex, DriveGate& gate,
         fake_containerd::FakeContainerd& fake, wire::DockerHttp& http,
         DriveOptions options, DaemonControl* daemon = nullptr)
      : ex_(ex),
        gate_(gate),
        fake_(fake),
        http_(http),
        options_(options),
        daemon_(daemon) {}

  // One run with `seed`; with `replay`, follows that decision list instead.
  sim::Task<DriveRunResult> Run(const dsim::scenario::Scenario* s,
                                uint64_t seed, std::vector<std::string> replay);
  // Removes every container through the API (uncontrolled) and checks that
  // containerd's namespace is empty afterwards.
  sim::Task<absl::Status> Reset();
  // dockerd answers /_ping (it may still be starting).
  sim::Task<bool> Ping();

 private:
  struct Reply {
    long status = 0;
    std::string body, error;
  };
  // One uncontrolled call, waited for (polling every millisecond).
  sim::Task<Reply> CallAndWait(std::string method, std::string path,
                               std::string body);
  // Polls the HTTP calls; finished ones go to finished_.
  void PollHttp();
  // Quiescence::kIdle's bookkeeping (drive_quiescence.cc).
  struct IdleTrack {
    bool have = false;  // a sample since the last activity
    uint64_t cpu_ns = 0;
    int threads = 0;
    sim::Nanos idle_since = 0;  // the sample from which it was idle
    bool awaiting_wake = false;
    uint64_t wake_cpu_ns = 0;
    sim::Nanos wake_deadline = 0;
    int wake_timeouts = 0;  // steps dockerd was not seen waking for
  };
  // Whether dockerd is quiescent, `quiet_since` the last activity; for the
  // run's end, quiescent for `settle` (idle_settle).
  bool Quiescent(IdleTrack& t, sim::Nanos quiet_since, bool settle);
  // A step was released: `label` goes to dockerd unless it is a process end
  // or an environment event, or nothing was `sent` (a SLEEP's step).
  void Released(IdleTrack& t, const std::string& label, bool sent);
  // The containers as the restarted daemon's restore left them (its API,
  // and containerd's state read before anything more is released), into `r`;
  // `names` (daemon id -> scenario name) learns the ids of creates a restart
  // cut.
  sim::Task<absl::Status> Snapshot(std::map<std::string, std::string>& names,
                                   model::DaemonRestart& r);
  // Snapshot as a task of its own: its outcome into `done`.
  sim::Task<void> SnapshotInto(
      std::map<std::string, std::string>& names, model::DaemonRestart& r,
      std::shared_ptr<std::optional<absl::Status>> done);

  sim::Executor& ex_;
  DriveGate& gate_;
  fake_containerd::FakeContainerd& fake_;
  wire::DockerHttp& http_;
  DriveOptions options_;
  DaemonControl* daemon_;
  std::map<uint64_t, Reply> finished_;
  ProcActivityReader self_;  // dsim's own threads but this one
};

}  // namespace properties

#endif  // DSIM_PROPERTIES_DRIVE_RUN_H_
