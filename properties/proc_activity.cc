#include "properties/proc_activity.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <set>
#include <string>

namespace properties {

namespace {

// The file's first bytes, or "" when it cannot be read.
std::string PreadSome(int fd) {
  char buf[512];
  const ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

}  // namespace

ProcActivityReader::~ProcActivityReader() { CloseAll(); }

void ProcActivityReader::CloseAll() {
  for (auto& [tid, t] : threads_) {
    if (t.stat_fd >= 0) close(t.stat_fd);
    if (t.schedstat_fd >= 0) close(t.schedstat_fd);
  }
  threads_.clear();
}

std::optional<ProcActivity> ProcActivityReader::Read(pid_t pid,
                                                     pid_t exclude_tid) {
  if (pid != pid_) {
    CloseAll();
    pid_ = pid;
  }
  const std::string task_dir = "/proc/" + std::to_string(pid) + "/task";
  DIR* dir = opendir(task_dir.c_str());
  if (dir == nullptr) {
    CloseAll();
    return std::nullopt;
  }
  std::set<pid_t> seen;
  while (dirent* e = readdir(dir)) {
    const pid_t tid = static_cast<pid_t>(std::atoi(e->d_name));
    if (tid <= 0 || tid == exclude_tid) continue;
    seen.insert(tid);
    if (threads_.contains(tid)) continue;
    const std::string base = task_dir + "/" + e->d_name;
    Thread t;
    t.stat_fd = open((base + "/stat").c_str(), O_RDONLY | O_CLOEXEC);
    t.schedstat_fd = open((base + "/schedstat").c_str(), O_RDONLY | O_CLOEXEC);
    threads_[tid] = t;
  }
  closedir(dir);
  ProcActivity a;
  for (auto it = threads_.begin(); it != threads_.end();) {
    if (!seen.contains(it->first)) {
      if (it->second.stat_fd >= 0) close(it->second.stat_fd);
      if (it->second.schedstat_fd >= 0) close(it->second.schedstat_fd);
      it = threads_.erase(it);
      continue;
    }
    const std::string stat = PreadSome(it->second.stat_fd);
    const std::string sched = PreadSome(it->second.schedstat_fd);
    ++it;
    // stat: "tid (comm) S ...": the state follows the last ')'.
    const size_t paren = stat.rfind(')');
    if (paren == std::string::npos || paren + 2 >= stat.size()) continue;
    ++a.threads;
    const char state = stat[paren + 2];
    if (state == 'R' || state == 'D') ++a.busy;
    a.cpu_ns += std::strtoull(sched.c_str(), nullptr, 10);
  }
  return a;
}

}  // namespace properties
