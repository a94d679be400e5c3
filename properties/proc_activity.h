// properties/proc_activity.h: how busy a host process is right now, read off
// /proc: the CPU time all its threads have used (each thread's schedstat, in
// ns, so a burst between two reads is never missed) and how many of its
// threads are runnable or in an uninterruptible wait (a thread ready to run
// but not given a CPU on a loaded machine uses no CPU time, yet is not idle).
// `dsim drive` reads the real dockerd this way to tell when it has nothing
// left to do (--quiescence idle). Not thread-safe; one reader per process.
#ifndef DSIM_PROPERTIES_PROC_ACTIVITY_H_
#define DSIM_PROPERTIES_PROC_ACTIVITY_H_

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>

namespace properties {

struct ProcActivity {
  uint64_t cpu_ns = 0;  // every thread's time on a CPU, summed
  int threads = 0;
  int busy = 0;  // threads in state R (running or runnable) or D
};

class ProcActivityReader {
 public:
  ProcActivityReader() = default;
  ~ProcActivityReader();
  ProcActivityReader(const ProcActivityReader&) = delete;
  ProcActivityReader& operator=(const ProcActivityReader&) = delete;

  // The process `pid` now, leaving out its thread `exclude_tid` (the
  // reader's own, when it reads its own process); nullopt when it is gone.
  // Keeps its threads' files open between reads (one pread each per read);
  // a new pid starts afresh. A thread that ended since the last read takes
  // its CPU time with it, so `cpu_ns` may go down: compare with care.
  std::optional<ProcActivity> Read(pid_t pid, pid_t exclude_tid = -1);

 private:
  struct Thread {
    int stat_fd = -1;
    int schedstat_fd = -1;
  };
  void CloseAll();

  pid_t pid_ = -1;
  std::map<pid_t, Thread> threads_;
};

}  // namespace properties

#endif  // DSIM_PROPERTIES_PROC_ACTIVITY_H_
