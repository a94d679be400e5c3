// RealProcessHandles and RealShimWatchesOom: the readiness a live stop and a
// real OOM wait for (a `run` program's SIGTERM trap; the shim's OOM watch),
// read from the kernel, never guessed from time.
#include "fake_containerd/real_command.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace fake_containerd {
namespace {

// Runs `args` as a child; returns its pid.
pid_t Spawn(std::vector<std::string> args) {
  const pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

// Polls until `pid` handles SIGTERM, for at most a minute.
bool AwaitTrap(pid_t pid) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (RealProcessHandles(pid, SIGTERM)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST(RealProcessHandlesTest, NoProcess) {
  EXPECT_FALSE(RealProcessHandles(0, SIGTERM));
  EXPECT_FALSE(RealProcessHandles(getpid(), 0));
}

TEST(RealProcessHandlesTest, ProcessWithoutHandler) {
  const pid_t pid = Spawn({"/bin/sleep", "1000"});
  ASSERT_GT(pid, 0);
  // sleep never installs one: false however long we look.
  EXPECT_FALSE(RealProcessHandles(pid, SIGTERM));
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

// runc's init catches every signal before it execs the command, and drops a
// SIGUSR1 (the differential test lost its OOM trigger so, 1 run in 20 under
// load): only the command's own shell is ready.
TEST(RealProcessHandlesTest, AHandlerOutsideARealCommandIsNotReady) {
  const pid_t pid =
      Spawn({"/bin/sh", "-c",
             "trap 'exit 1' TERM; while :; do sleep 1 & wait; done", "other"});
  ASSERT_GT(pid, 0);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::string caught;
  while (caught.empty() && std::chrono::steady_clock::now() < deadline) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(in, line);) {
      if (line.starts_with("SigCgt:") &&
          (std::stoull(line.substr(7), nullptr, 16) >> (SIGTERM - 1)) & 1) {
        caught = line;
      }
    }
    if (caught.empty())
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_FALSE(caught.empty()) << "the shell never set its trap";
  EXPECT_FALSE(RealProcessHandles(pid, SIGTERM));
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

// The `run` program's script: once its trap is seen, SIGTERM ends it with
// 143 every time, however late the shell got the CPU.
TEST(RealProcessHandlesTest, RunProgramIsReadyOnceItsTrapIsSet) {
  std::vector<std::string> line = RealCommand({"run"});
  ASSERT_GE(line.size(), 3u);
  ASSERT_EQ(line[0], "/bin/sh");
  const pid_t pid = Spawn(line);
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(AwaitTrap(pid)) << "the run program never set its trap";
  kill(pid, SIGTERM);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 143);
  EXPECT_FALSE(RealProcessHandles(pid, SIGTERM));  // gone
}

// The differential test's gated `oom`: nothing allocates until SIGUSR1, then
// the shell becomes dd.
TEST(RealCommandTest, GatedOomAllocatesOnlyAfterUsr1) {
  std::vector<std::string> line = RealCommand({"oom"}, true);
  ASSERT_GE(line.size(), 3u);
  const pid_t pid = Spawn(line);
  ASSERT_GT(pid, 0);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!RealProcessHandles(pid, SIGUSR1) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(RealProcessHandles(pid, SIGUSR1));
  kill(pid, SIGUSR1);
  std::string comm;
  while (comm != "dd" && std::chrono::steady_clock::now() < deadline) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/comm");
    std::getline(in, comm);
    if (comm != "dd")
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(comm, "dd");
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  // Without the gate the script is plain dd.
  EXPECT_EQ(RealCommand({"oom"})[2],
            "exec dd if=/dev/zero of=/dev/null bs=64M");
}

// This process plays the shim of a `sleep` child: it watches the child's
// memory cgroup the way the shim does on this machine's cgroup version.
TEST(RealShimWatchesOomTest, SeesTheParentsWatch) {
  EXPECT_FALSE(RealShimWatchesOom(0));
  const pid_t pid = Spawn({"/bin/sleep", "1000"});
  ASSERT_GT(pid, 0);
  EXPECT_FALSE(RealShimWatchesOom(pid));
  std::ifstream cgroups("/proc/self/cgroup");
  std::string line, unified;
  bool v1 = false;
  while (std::getline(cgroups, line)) {
    v1 = v1 || line.find(":memory:") != std::string::npos;
    if (line.rfind("0::", 0) == 0) unified = line.substr(3);
  }
  int a = -1;
  int b = -1;
  if (v1) {
    a = eventfd(0, EFD_CLOEXEC);
    b = epoll_create1(EPOLL_CLOEXEC);
    ASSERT_GE(a, 0);
    ASSERT_GE(b, 0);
    EXPECT_FALSE(RealShimWatchesOom(pid));  // an eventfd in no epoll set
    epoll_event e{.events = EPOLLIN, .data = {.fd = a}};
    ASSERT_EQ(epoll_ctl(b, EPOLL_CTL_ADD, a, &e), 0);
  } else {
    a = inotify_init1(IN_CLOEXEC);
    ASSERT_GE(a, 0);
    const std::string events = "/sys/fs/cgroup" + unified + "/memory.events";
    if (inotify_add_watch(a, events.c_str(), IN_MODIFY) < 0) {
      close(a);
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
      GTEST_SKIP() << "no " << events << " to watch";
    }
  }
  EXPECT_TRUE(RealShimWatchesOom(pid));
  close(a);
  if (b >= 0) close(b);
  EXPECT_FALSE(RealShimWatchesOom(pid));
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

}  // namespace
}  // namespace fake_containerd
