#include "fake_containerd/real_command.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "fake_containerd/program.h"

namespace fake_containerd {

namespace {

std::string Seconds(sim::Nanos d) {
  return absl::StrFormat("%d.%09d", d / sim::kSecond, d % sim::kSecond);
}

std::string SleepThen(sim::Nanos delay, const std::string& then) {
  if (delay == 0) return then;
  return "sleep " + Seconds(delay) + "; " + then;
}

// What the script does for each program.
std::string Script(const Program& p, bool oom_after_sigusr1) {
  switch (p.kind) {
    case Program::Kind::kExit:
      return SleepThen(p.delay, absl::StrCat("exit ", p.exit_code));
    case Program::Kind::kRunUntilSignalled:
      // Handlers for the terminating signals, so even as PID 1 it exits
      // 128+sig; `wait` lets a trap run without waiting for the sleep.
      return "trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 131' QUIT; "
             "trap 'exit 138' USR1; trap 'exit 140' USR2; "
             "trap 'exit 143' TERM; while :; do sleep 1 & wait $!; done";
    case Program::Kind::kIgnoreSigterm:
      return "exec sleep 1000000";
    case Program::Kind::kReadStdin:
      return absl::StrCat("cat; exit ", p.exit_code);
    case Program::Kind::kEcho:
      // $1 is the program's name (`echo`), the TEXTs follow.
      return "shift; echo \"$@\"";
    case Program::Kind::kAllocateUntilOom: {
      // dd's 64 MiB buffer against the container's 32 MiB limit; exec, so
      // the process the OOM killer picks is the one the program names.
      const std::string dd =
          SleepThen(p.delay, "exec dd if=/dev/zero of=/dev/null bs=64M");
      if (!oom_after_sigusr1) return dd;
      return "trap '" + dd + "' USR1; while :; do sleep 1 & wait $!; done";
    }
    case Program::Kind::kMissingBinary:
      break;
  }
  return "";
}

std::string JsonArray(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ",";
    out += JsonQuote(items[i]);
  }
  return out + "]";
}

constexpr char kCapabilities[] =
    R"(["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD",)"
    R"("CAP_NET_RAW","CAP_SETGID","CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP",)"
    R"("CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT","CAP_KILL","CAP_AUDIT_WRITE"])";

std::string ProcessJson(const std::vector<std::string>& program_args,
                        bool oom_after_sigusr1) {
  return absl::StrCat(
      R"({"args":)", JsonArray(RealCommand(program_args, oom_after_sigusr1)),
      R"(,"terminal":false,"user":{"uid":0,"gid":0},)",
      R"("env":["PATH=/bin:/usr/bin:/sbin:/usr/sbin"],"cwd":"/",)",
      R"("capabilities":{"bounding":)", kCapabilities, R"(,"effective":)",
      kCapabilities, R"(,"permitted":)", kCapabilities,
      R"(},"noNewPrivileges":true})");
}

// The cgroup of `pid` in hierarchy `controller` ("" for the unified one), or
// "" when it has none.
std::string CgroupOf(uint32_t pid, const std::string& controller) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/cgroup"));
  const std::string want = ":" + controller + ":";
  std::string line;
  while (std::getline(in, line)) {
    const size_t colon = line.find(':');
    if (colon != std::string::npos &&
        line.compare(colon, want.size(), want) == 0) {
      return line.substr(colon + want.size());
    }
  }
  return "";
}

// The value of `key` ("PPid:", "SigCgt:") in /proc/PID/status, or "".
std::string StatusField(uint32_t pid, std::string_view key) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with(key)) return line.substr(key.size());
  }
  return "";
}

uint32_t ParentOf(uint32_t pid) {
  return static_cast<uint32_t>(
      std::strtoul(StatusField(pid, "PPid:").c_str(), nullptr, 10));
}

// Each open fd of `pid` with its fdinfo.
std::map<int, std::string> FdInfos(uint32_t pid) {
  std::map<int, std::string> infos;
  const std::string base = absl::StrCat("/proc/", pid);
  DIR* dir = opendir((base + "/fd").c_str());
  if (dir == nullptr) return infos;
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    std::ifstream in(base + "/fdinfo/" + e->d_name);
    std::stringstream text;
    text << in.rdbuf();
    infos[std::atoi(e->d_name)] = text.str();
  }
  closedir(dir);
  return infos;
}

std::string LinkOf(uint32_t pid, int fd) {
  char buf[256];
  const std::string path = absl::StrCat("/proc/", pid, "/fd/", fd);
  const ssize_t n = readlink(path.c_str(), buf, sizeof(buf));
  return n > 0 ? std::string(buf, n) : "";
}

// Whether host process `pid` runs a RealCommand line now. Before runc's init
// execs the command, the pid is runc's Go program, which catches every signal
// and drops a SIGUSR1: a signal sent then is lost.
bool RunsRealCommand(uint32_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/cmdline"));
  std::vector<std::string> args;
  std::string arg;
  while (args.size() < 4 && std::getline(in, arg, '\0')) args.push_back(arg);
  return args.size() == 4 && args[1] == "-c" && args[3] == kRealCommandMarker;
}

}  // namespace

std::string JsonQuote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

bool RealProcessHandles(uint32_t pid, int signal) {
  if (pid == 0 || signal < 1 || signal > 64) return false;
  if (!RunsRealCommand(pid)) return false;
  const std::string caught = StatusField(pid, "SigCgt:");
  if (caught.empty()) return false;
  return (std::strtoull(caught.c_str(), nullptr, 16) >> (signal - 1)) & 1;
}

bool RealShimWatchesOom(uint32_t pid) {
  const uint32_t shim = pid == 0 ? 0 : ParentOf(pid);
  if (shim == 0) return false;
  const std::map<int, std::string> fds = FdInfos(shim);
  if (!CgroupOf(pid, "memory").empty()) {  // cgroup v1
    for (const auto& [fd, info] : fds) {
      if (LinkOf(shim, fd) != "anon_inode:[eventfd]") continue;
      // An epoll fd's fdinfo has a line per target: "tfd: N events: ...".
      const std::regex target(absl::StrCat("(^|\n)tfd:\\s+", fd, "\\s"));
      for (const auto& [_, other] : fds) {
        if (std::regex_search(other, target)) return true;
      }
    }
    return false;
  }
  const std::string cgroup = CgroupOf(pid, "");
  struct stat events;
  if (cgroup.empty() ||
      stat(("/sys/fs/cgroup" + cgroup + "/memory.events").c_str(), &events) !=
          0) {
    return false;
  }
  // An inotify fd's fdinfo has a line per watch: "inotify wd:N ino:HEX ...".
  const std::regex watch(
      absl::StrFormat("(^|\n)inotify wd:\\S+ ino:%x\\s", events.st_ino));
  for (const auto& [_, info] : fds) {
    if (std::regex_search(info, watch)) return true;
  }
  return false;
}

std::vector<std::string> RealCommand(
    const std::vector<std::string>& program_args, bool oom_after_sigusr1) {
  absl::StatusOr<Program> p = ProgramFromArgs(program_args);
  if (!p.ok() || p->kind == Program::Kind::kMissingBinary) return program_args;
  std::vector<std::string> line = {
      "/bin/sh", "-c", Script(*p, oom_after_sigusr1), kRealCommandMarker};
  line.insert(line.end(), program_args.begin(), program_args.end());
  return line;
}

std::string RealContainerSpecJson(const std::vector<std::string>& program_args,
                                  const RealSpecOptions& options) {
  // The process comes first: the fake reads the first "args" it finds.
  return absl::StrCat(
      R"({"ociVersion":"1.0.2-dev","process":)",
      ProcessJson(program_args, options.oom_after_sigusr1),
      R"(,"root":{"path":)", JsonQuote(options.rootfs),
      R"(,"readonly":false},"hostname":"dsim",)", R"("mounts":[)",
      R"({"destination":"/proc","type":"proc","source":"proc",)",
      R"("options":["nosuid","noexec","nodev"]},)",
      R"({"destination":"/dev","type":"tmpfs","source":"tmpfs",)",
      R"("options":["nosuid","strictatime","mode=755","size=65536k"]},)",
      R"({"destination":"/dev/pts","type":"devpts","source":"devpts",)",
      R"("options":["nosuid","noexec","newinstance","ptmxmode=0666",)",
      R"("mode=0620","gid=5"]},)",
      R"({"destination":"/dev/shm","type":"tmpfs","source":"shm",)",
      R"("options":["nosuid","noexec","nodev","mode=1777","size=65536k"]},)",
      R"({"destination":"/sys","type":"sysfs","source":"sysfs",)",
      R"("options":["nosuid","noexec","nodev","ro"]}],)",
      R"("linux":{"resources":{"devices":[{"allow":false,"access":"rwm"}],)",
      R"("memory":{"limit":)", options.memory_limit, R"(}},)",
      R"("cgroupsPath":)", JsonQuote(options.cgroups_path),
      R"(,"namespaces":[{"type":"pid"},{"type":"ipc"},{"type":"uts"},)",
      R"({"type":"mount"},{"type":"network"}],)",
      R"("maskedPaths":["/proc/kcore","/proc/keys","/proc/timer_list",)",
      R"("/sys/firmware"],"readonlyPaths":["/proc/bus","/proc/fs","/proc/irq",)",
      R"("/proc/sys","/proc/sysrq-trigger"]}})");
}

std::string RealProcessSpecJson(const std::vector<std::string>& program_args) {
  return ProcessJson(program_args, false);
}

}  // namespace fake_containerd
