#include "sim/tracked.h"

#include <string_view>

namespace sim::internal {

namespace {

// "dir/file.cc": the build's absolute path would make the trace hash
// machine-dependent.
std::string ShortPath(const char* file) {
  std::string_view p(file);
  size_t last = p.rfind('/');
  if (last == std::string_view::npos || last == 0) return std::string(p);
  size_t prev = p.rfind('/', last - 1);
  return std::string(prev == std::string_view::npos ? p : p.substr(prev + 1));
}

}  // namespace

void AccessHistory::Report(const char* what, const Access& earlier,
                           const std::source_location& where) {
  ex_.Fail("data-race",
           std::string(what) + " on '" + ex_.trace().object_name(id_) +
               "': by '" + ex_.task_name(earlier.epoch.task) + "' at " +
               ShortPath(earlier.file) + ":" + std::to_string(earlier.line) +
               " and by '" + ex_.task_name(ex_.current()) + "' at " +
               ShortPath(where.file_name()) + ":" +
               std::to_string(where.line()) +
               ", not ordered by happens-before");
}

void AccessHistory::OnRead(const std::source_location& where) {
  const VectorClock* clock = ex_.CurrentClock();
  const TaskId me = ex_.current();
  if (me == kNoTask) return;
  ex_.Touch(id_, sim::Access::kRead);
  if (clock == nullptr) return;
  if (last_write_.epoch.task != kNoTask && last_write_.epoch.task != me &&
      !clock->Covers(last_write_.epoch)) {
    Report("write/read race", last_write_, where);
    return;
  }
  const Access now{{me, clock->Get(me)}, where.file_name(), where.line()};
  for (Access& r : reads_) {
    if (r.epoch.task == me) {
      r = now;
      return;
    }
  }
  reads_.push_back(now);
}

void AccessHistory::OnWrite(const std::source_location& where) {
  const VectorClock* clock = ex_.CurrentClock();
  const TaskId me = ex_.current();
  if (me == kNoTask) return;
  ex_.Touch(id_, sim::Access::kWrite);
  ex_.Touch(also_writes_, sim::Access::kWrite);
  if (clock == nullptr) return;
  if (last_write_.epoch.task != kNoTask && last_write_.epoch.task != me &&
      !clock->Covers(last_write_.epoch)) {
    Report("write/write race", last_write_, where);
    return;
  }
  for (const Access& r : reads_) {
    if (r.epoch.task != me && !clock->Covers(r.epoch)) {
      Report("read/write race", r, where);
      return;
    }
  }
  reads_.clear();
  last_write_ = Access{{me, clock->Get(me)}, where.file_name(), where.line()};
}

}  // namespace sim::internal
