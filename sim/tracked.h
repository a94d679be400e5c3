// sim/tracked.h: sim::Tracked<T>, a field whose every read and write is checked
// for data races against happens-before (mutex release->acquire, channel
// send->receive, spawn, join, notify). Two conflicting accesses that
// happens-before leaves unordered are reported as a "data-race" violation
// naming both places. Wrap the fields moby says must be read and written under
// a lock (ExecConfig.Running, ExitCode, Process...).
#ifndef DSIM_SIM_TRACKED_H_
#define DSIM_SIM_TRACKED_H_

#include <source_location>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "sim/executor.h"

namespace sim {

namespace internal {

// The FastTrack-style access history of one field.
class AccessHistory {
 public:
  AccessHistory(Executor& ex, std::string_view name)
      : ex_(ex), id_(ex.NewObject(name)) {}
  void OnRead(const std::source_location& where);
  void OnWrite(const std::source_location& where);
  void AlsoWrites(ObjectId o) { also_writes_ = o; }

 private:
  struct Access {
    Epoch epoch;
    const char* file = "";
    uint32_t line = 0;
  };
  void Report(const char* what, const Access& earlier,
              const std::source_location& where);
  Executor& ex_;
  ObjectId id_;
  ObjectId also_writes_ = kNoObject;
  Access last_write_;
  // At most one per task, since the last write.
  absl::InlinedVector<Access, 2> reads_;
};

}  // namespace internal

template <typename T>
class Tracked {
 public:
  Tracked(Executor& ex, std::string_view name, T initial = T{})
      : history_(ex, name), value_(std::move(initial)) {}
  Tracked(const Tracked&) = delete;
  Tracked& operator=(const Tracked&) = delete;

  const T& Get(std::source_location where = std::source_location::current()) {
    history_.OnRead(where);
    return value_;
  }
  void Set(T v, std::source_location where = std::source_location::current()) {
    history_.OnWrite(where);
    value_ = std::move(v);
  }
  // Every write also writes `o` in the step's footprint (kCheckedState: a
  // per-step check reads the field).
  void AlsoWrites(ObjectId o) { history_.AlsoWrites(o); }
  // Reads without a check: for the harness after the run, never for model code.
  const T& Peek() const { return value_; }

 private:
  internal::AccessHistory history_;
  T value_;
};

}  // namespace sim

#endif  // DSIM_SIM_TRACKED_H_
