// tools/drive_dockerd.h: the private dockerd of `dsim drive`, run through
// scripts/real-dockerd (which removes everything it made, even when dsim is
// killed): its command prints where dockerd listens, then waits for its stdin
// to close, which ends the run and its cleanup.
#ifndef DSIM_TOOLS_DRIVE_DOCKERD_H_
#define DSIM_TOOLS_DRIVE_DOCKERD_H_

#include <sys/types.h>

#include <ios>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "properties/drive_run.h"
#include "properties/proc_activity.h"

namespace dsim {

// scripts/real-dockerd: $DSIM_REAL_DOCKERD, else this source tree's.
std::string RealDockerdScript();

// What `binary --version` says ("Docker version 20.10.24+dfsg1, build ..."):
// the version ("20.10.24+dfsg1"), or why there is none.
absl::StatusOr<std::string> DockerdVersion(const std::string& binary);
// The major version of a dockerd version string (20 for "20.10.24"), or -1.
int DockerdMajor(const std::string& version);

// A running scripts/real-dockerd and what its command reported.
struct Dockerd {
  pid_t pid = -1;
  int hold_fd = -1;    // its stdin: closing it ends the run and cleans up
  int report_fd = -1;  // non-blocking: "unix://D/docker.sock D"
  std::string socket, dir, pending;
};

// Starts it on the containerd socket `containerd_sock`, its stderr to
// `err_path`; dockerd with --live-restore when `live_restore`.
absl::Status SpawnDockerd(const std::string& containerd_sock,
                          const std::string& err_path, bool live_restore,
                          Dockerd& d);

// Restarts the dockerd of the real-dockerd run in `dir` on the same roots
// (its DSIM_DOCKERD_RESTART: SIGKILL or SIGTERM, then a start with the same
// arguments, done once the new one answers), as a child polled without
// blocking; its stderr goes to `err_path`.
class ScriptRestart : public properties::DaemonControl {
 public:
  ScriptRestart(std::string dir, std::string err_path)
      : dir_(std::move(dir)), err_path_(std::move(err_path)) {}
  // Waits for a restart still under way (the session is ending).
  ~ScriptRestart() override;
  absl::Status BeginRestart(bool graceful) override;
  std::optional<absl::Status> RestartDone() override;
  // dockerd's threads, by the pid real-dockerd wrote to D/dockerd.pid.
  std::optional<properties::ProcActivity> Activity() override;

 private:
  std::string dir_, err_path_;
  pid_t pid_ = -1;          // the restart script, while it runs
  pid_t dockerd_pid_ = -1;  // -1: read D/dockerd.pid again
  properties::ProcActivityReader reader_;
};

// The last non-empty line of the file at `path`.
std::string LastLine(const std::string& path);
// The file from byte `from` on, at most its last `lines` lines, indented.
std::string LogTail(const std::string& path, std::streamoff from, int lines);
std::streamoff FileSize(const std::string& path);

}  // namespace dsim

#endif  // DSIM_TOOLS_DRIVE_DOCKERD_H_
