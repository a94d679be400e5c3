#include "tools/drive_dockerd.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <vector>

#include "absl/strings/match.h"

namespace dsim {

std::string RealDockerdScript() {
  if (const char* s = std::getenv("DSIM_REAL_DOCKERD"); s && *s) return s;
  return std::string(DSIM_SOURCE_DIR) + "/scripts/real-dockerd";
}

absl::StatusOr<std::string> DockerdVersion(const std::string& binary) {
  struct stat st;
  if (stat(binary.c_str(), &st) != 0 || !S_ISREG(st.st_mode) ||
      access(binary.c_str(), X_OK) != 0) {
    return absl::InvalidArgumentError(binary + ": not an executable file");
  }
  std::string quoted = "'";
  for (char ch : binary)
    quoted += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  quoted += "'";
  FILE* p = popen((quoted + " --version 2>/dev/null").c_str(), "r");
  if (p == nullptr) {
    return absl::InternalError("cannot run " + binary + " --version");
  }
  std::string out;
  char buf[256];
  while (fgets(buf, sizeof buf, p) != nullptr) out += buf;
  const int rc = pclose(p);
  constexpr absl::string_view kPrefix = "Docker version ";
  if (rc != 0 || !absl::StartsWith(out, kPrefix)) {
    return absl::InvalidArgumentError(
        binary + ": `--version` does not say a dockerd version");
  }
  std::string v = out.substr(kPrefix.size());
  v = v.substr(0, v.find_first_of(", \n"));
  return v;
}

int DockerdMajor(const std::string& version) {
  int major = 0;
  size_t i = 0;
  for (; i < version.size() && version[i] >= '0' && version[i] <= '9'; ++i) {
    major = major * 10 + (version[i] - '0');
    if (major > 100000) return -1;
  }
  return i == 0 ? -1 : major;
}

absl::Status SpawnDockerd(const std::string& containerd_sock,
                          const std::string& err_path, bool live_restore,
                          Dockerd& d) {
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
    return absl::InternalError("pipe: " + std::string(strerror(errno)));
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const std::string script = RealDockerdScript();
  const std::string report =
      "echo \"$DSIM_DOCKER_HOST $DSIM_DOCKERD_DIR\"; exec cat >/dev/null";
  // The containerd socket's dir (dsim's temp dir) goes with dockerd's, so
  // that a SIGKILLed dsim leaves nothing behind.
  const std::string sock_dir =
      containerd_sock.substr(0, containerd_sock.rfind('/'));
  std::vector<std::string> args = {script, "--containerd", containerd_sock,
                                   "--remove-after", sock_dir};
  if (live_restore) args.push_back("--live-restore");
  for (const char* a : {"--", "/bin/sh", "-c"}) args.emplace_back(a);
  args.push_back(report);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const int rc =
      posix_spawn(&d.pid, script.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(in[0]);
  close(out[1]);
  if (rc != 0) {
    close(in[1]);
    close(out[0]);
    return absl::InternalError("cannot run " + script + ": " + strerror(rc));
  }
  d.hold_fd = in[1];
  d.report_fd = out[0];
  fcntl(d.report_fd, F_SETFL, O_NONBLOCK);
  return absl::OkStatus();
}

ScriptRestart::~ScriptRestart() {
  int status = 0;
  if (pid_ > 0) waitpid(pid_, &status, 0);
}

absl::Status ScriptRestart::BeginRestart(bool graceful) {
  if (pid_ > 0) return absl::FailedPreconditionError("a restart is under way");
  dockerd_pid_ = -1;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, err_path_.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0600);
  const std::string script = RealDockerdScript();
  std::vector<std::string> args = {script, "--restart-dockerd", dir_,
                                   graceful ? "TERM" : "KILL"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const int rc =
      posix_spawn(&pid_, script.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    pid_ = -1;
    return absl::InternalError("cannot run " + script + ": " + strerror(rc));
  }
  return absl::OkStatus();
}

std::optional<absl::Status> ScriptRestart::RestartDone() {
  if (pid_ <= 0) return absl::OkStatus();
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) != pid_) return std::nullopt;
  pid_ = -1;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return absl::OkStatus();
  return absl::UnavailableError(
      "dockerd did not answer again after its restart: " + LastLine(err_path_));
}

std::optional<properties::ProcActivity> ScriptRestart::Activity() {
  if (pid_ > 0) return std::nullopt;  // a restart under way
  if (dockerd_pid_ <= 0) {
    std::ifstream f(dir_ + "/dockerd.pid");
    long p = 0;
    if (!(f >> p) || p <= 0) return std::nullopt;
    dockerd_pid_ = static_cast<pid_t>(p);
  }
  std::optional<properties::ProcActivity> a = reader_.Read(dockerd_pid_);
  if (!a.has_value()) dockerd_pid_ = -1;
  return a;
}

std::string LastLine(const std::string& path) {
  std::ifstream f(path);
  std::string line, last;
  while (std::getline(f, line)) {
    if (!line.empty()) last = line;
  }
  return last;
}

std::string LogTail(const std::string& path, std::streamoff from, int lines) {
  std::ifstream f(path);
  f.seekg(from);
  std::vector<std::string> all;
  std::string line;
  while (std::getline(f, line)) all.push_back(line);
  std::string out;
  const size_t first =
      all.size() > static_cast<size_t>(lines) ? all.size() - lines : 0;
  if (first > 0) out += "  ...\n";
  for (size_t i = first; i < all.size(); ++i) out += "  " + all[i] + "\n";
  return out;
}

std::streamoff FileSize(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? st.st_size : 0;
}

}  // namespace dsim
