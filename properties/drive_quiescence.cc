// properties/drive_quiescence.cc: when a driven dockerd has nothing left to
// do (drive_run.h's Quiescence): a quiet window of wall time, or dockerd's
// own threads read off /proc: it woke for the last step released to it, and
// has since been idle (no thread runnable, its CPU time not moving) while
// nothing new arrived.
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>

#include "properties/drive_run.h"

namespace properties {

namespace {

// The steps whose release dockerd reacts to itself: a reply, an event, an
// API call. A process end reaches the fake first (its exit event is a step
// of its own), an environment event the fake or the restart script.
bool GoesToDockerd(const std::string& label) {
  for (const char* prefix : {"rpc ", "reply ", "event ", "call "}) {
    if (label.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

}  // namespace

bool Driver::Quiescent(IdleTrack& t, sim::Nanos quiet_since, bool settle) {
  const sim::Nanos now = ex_.now();
  const sim::Nanos window = settle ? options_.settle : options_.quiet;
  if (options_.quiescence == Quiescence::kWindow) {
    return now - quiet_since >= window;
  }
  if (now - quiet_since < options_.idle_min) {
    t.have = false;
    return false;
  }
  std::optional<ProcActivity> a =
      daemon_ != nullptr ? daemon_->Activity() : std::nullopt;
  if (!a.has_value()) return now - quiet_since >= window;
  std::optional<ProcActivity> self =
      self_.Read(getpid(), static_cast<pid_t>(syscall(SYS_gettid)));
  if (t.awaiting_wake && a->cpu_ns != t.wake_cpu_ns) {
    t.awaiting_wake = false;
  } else if (t.awaiting_wake && now >= t.wake_deadline) {
    t.awaiting_wake = false;
    ++t.wake_timeouts;
  }
  const bool still = a->busy == 0 && (!self.has_value() || self->busy == 0);
  const bool same = t.have && a->cpu_ns == t.cpu_ns && a->threads == t.threads;
  if (!still || !same) t.idle_since = now;
  // A thread seen runnable: the next sample starts the span afresh (a
  // running thread's CPU time may not have been accounted yet).
  t.have = still;
  t.cpu_ns = a->cpu_ns;
  t.threads = a->threads;
  if (t.awaiting_wake || !still || !same) return false;
  const sim::Nanos span =
      settle ? std::max(options_.idle_settle, options_.idle_span)
             : options_.idle_span;
  return now - t.idle_since >= span &&
         (!settle || now - quiet_since >= options_.idle_settle);
}

void Driver::Released(IdleTrack& t, const std::string& label, bool sent) {
  t.have = false;
  t.awaiting_wake = false;
  if (options_.quiescence != Quiescence::kIdle || daemon_ == nullptr || !sent ||
      !GoesToDockerd(label)) {
    return;
  }
  std::optional<ProcActivity> a = daemon_->Activity();
  if (!a.has_value()) return;
  t.awaiting_wake = true;
  t.wake_cpu_ns = a->cpu_ns;
  t.wake_deadline = ex_.now() + options_.quiet;
}

}  // namespace properties
