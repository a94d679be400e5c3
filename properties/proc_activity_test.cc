// properties/proc_activity_test.cc: /proc read for idle quiescence: this
// process (busy while it reads, CPU time that only grows), an excluded
// thread left out, a stopped child not busy and a reaped one gone.
#include "properties/proc_activity.h"

#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gtest/gtest.h"

namespace properties {
namespace {

TEST(ProcActivityTest, ReadsThisProcessThreads) {
  ProcActivityReader reader;
  std::optional<ProcActivity> a = reader.Read(getpid());
  ASSERT_TRUE(a.has_value());
  EXPECT_GE(a->threads, 1);
  // This thread is running while it reads.
  EXPECT_GE(a->busy, 1);
  EXPECT_GT(a->cpu_ns, 0u);
  // Read again through the kept files: the CPU time only grows.
  std::optional<ProcActivity> b = reader.Read(getpid());
  ASSERT_TRUE(b.has_value());
  EXPECT_GE(b->cpu_ns, a->cpu_ns);
}

TEST(ProcActivityTest, LeavesOutTheExcludedThread) {
  ProcActivityReader reader;
  const pid_t self = static_cast<pid_t>(syscall(SYS_gettid));
  std::optional<ProcActivity> all = reader.Read(getpid());
  std::optional<ProcActivity> others = reader.Read(getpid(), self);
  ASSERT_TRUE(all.has_value());
  ASSERT_TRUE(others.has_value());
  EXPECT_EQ(others->threads, all->threads - 1);
}

TEST(ProcActivityTest, AStoppedChildIsNotBusyAndAReapedOneIsGone) {
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    raise(SIGSTOP);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, WUNTRACED), child);
  ASSERT_TRUE(WIFSTOPPED(status));
  ProcActivityReader reader;
  std::optional<ProcActivity> a = reader.Read(child);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->threads, 1);
  EXPECT_EQ(a->busy, 0);  // state T
  kill(child, SIGKILL);
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_FALSE(reader.Read(child).has_value());
}

}  // namespace
}  // namespace properties
