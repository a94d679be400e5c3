// RealProcessHandles: the readiness a live stop waits for (a real `run`
// program's SIGTERM trap), read from the kernel, never guessed from time.
#include "fake_containerd/real_command.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
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

}  // namespace
}  // namespace fake_containerd
