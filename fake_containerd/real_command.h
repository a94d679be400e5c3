// fake_containerd/real_command.h: the programs of program.h as real command
// lines in a busybox rootfs, and the OCI documents a real containerd needs to
// run them (dsim live, the fake-vs-real conformance test). A command line is
// `sh -c SCRIPT dsim PROGRAM...`: the script does what the program does, and
// the fake reads PROGRAM from the same line, so both run one spec.
#ifndef DSIM_FAKE_CONTAINERD_REAL_COMMAND_H_
#define DSIM_FAKE_CONTAINERD_REAL_COMMAND_H_

#include <cstdint>
#include <string>
#include <vector>

namespace fake_containerd {

// The command line for `program_args` (see program.h). A missing binary stays
// as it is, so runc fails to exec it. Bad numbers also pass through unchanged.
// With `oom_after_sigusr1`, `oom` waits for a SIGUSR1 before it allocates (see
// RealShimWatchesOom).
std::vector<std::string> RealCommand(
    const std::vector<std::string>& program_args,
    bool oom_after_sigusr1 = false);

struct RealSpecOptions {
  std::string rootfs;        // absolute path of the busybox rootfs
  std::string cgroups_path;  // "/<namespace>/<id>", as ctr sets it
  // Every container gets it, so `oom` (dd with a 64 MiB buffer) is killed.
  uint64_t memory_limit = 32 * 1024 * 1024;
  bool oom_after_sigusr1 = false;  // see RealCommand
};

// An OCI runtime spec (JSON) running RealCommand(program_args) as init.
std::string RealContainerSpecJson(const std::vector<std::string>& program_args,
                                  const RealSpecOptions& options);
// An OCI process (JSON) for an exec of RealCommand(program_args).
std::string RealProcessSpecJson(const std::vector<std::string>& program_args);

// Whether host process `pid` runs a RealCommand line and has a handler for
// `signal` (SigCgt in /proc/PID/status): the `run` program's shell has set its
// traps, so a SIGTERM now ends it with 143 (before, as PID 1, it would ignore
// it). The command line matters: until runc's init execs the command, the pid
// is a Go program that catches every signal and drops some. False for pid 0 or
// a process that is gone.
bool RealProcessHandles(uint32_t pid, int signal);

// Whether the shim (the parent) of host process `pid` watches `pid`'s memory
// cgroup for OOM kills. The runc v2 shim of containerd 1.6 starts watching
// only after Start has run the task, and an OOM kill before that is never
// published as /tasks/oom. Cgroup v1: an eventfd of the shim's is in one of its
// epoll sets (registered on memory.oom_control before it is added there);
// v2: one of its inotify fds watches the cgroup's memory.events. False for
// pid 0 or a process that is gone.
bool RealShimWatchesOom(uint32_t pid);

// `s` as a JSON string literal.
std::string JsonQuote(const std::string& s);

}  // namespace fake_containerd

#endif  // DSIM_FAKE_CONTAINERD_REAL_COMMAND_H_
