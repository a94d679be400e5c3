// sim/trace.h: the append-only record of one run, with a running 64-bit hash.
//
// Every scheduling decision and every observable event is recorded. The hash is
// always kept; the records themselves only when asked for (exploration keeps
// just the hash, replay keeps everything). Names of tasks and objects live here
// so a trace renders on its own.
#ifndef DSIM_SIM_TRACE_H_
#define DSIM_SIM_TRACE_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/footprint.h"
#include "sim/prng.h"
#include "sim/vector_clock.h"

namespace sim {

enum class EventKind : uint8_t {
  kStep,     // the executor ran `task`; value = OpKind of the point it passed
  kChoice,   // a data choice; value = the chosen value
  kSpawn,    // task spawned `value` (a TaskId)
  kFinish,   // task returned
  kCancel,   // task was cancelled
  kAcquire,  // lock acquired (value 1 = shared)
  kRelease,  // lock released
  kSend,     // channel send, notify, wait-group done
  kRecv,     // channel receive
  kClose,    // channel closed
  kRpcRequest,  // an RPC left the caller; object = the method
  kRpcReply,    // an RPC reply reached the caller
  kClock,       // virtual time advanced; value = new time (ns)
  kTimeout,     // a wait ended by its deadline
  kNote,        // free text; value = string index
  kViolation,   // a check failed; value = string index
};

std::string_view EventKindName(EventKind k);

struct TraceRecord {
  uint64_t step = 0;
  uint64_t time_ns = 0;
  TaskId task = kNoTask;
  EventKind kind = EventKind::kNote;
  ObjectId object = kNoObject;
  uint64_t value = 0;
};

class Trace {
 public:
  // A name with its FNV hash. Runs of one program name the same things in
  // the same order, so the names of a finished trace are kept (strings and
  // hashes) for the next trace on the thread: a name equal to the one kept at
  // its index is compared, not copied or hashed again.
  struct Name {
    std::string text;
    uint64_t hash = 0;
  };
  // The vectors of a finished trace, for a later trace to reuse: the executor
  // keeps one set per thread, so a run does not regrow them.
  struct Buffers {
    std::vector<TraceRecord> records;
    std::vector<std::string> strings;
    std::vector<Name> object_names;
    std::vector<Name> task_names;
  };
  // With `reuse`, takes its vectors (their capacity) instead of new ones.
  // `hashing` false: hash() stays at its initial value (nothing reads it).
  explicit Trace(bool keep_records, bool hashing = true,
                 Buffers* reuse = nullptr);
  // Gives this trace's vectors to `into` (for the next run's trace).
  void GiveBuffers(Buffers& into);
  // As a new trace made with these flags would be, keeping this one's
  // vectors and names (an executor reset for its next run).
  void Restart(bool keep_records, bool hashing);
  // Runs of one program name the same objects and tasks in the same order,
  // but runs of different programs may alternate (explore's round robin over
  // scenarios), and each would rewrite the names the other left. Called
  // before a run names anything: its names are compared against the ones
  // the last run under the same key (any address the caller keeps for a
  // program) left, not the last run's. Only a cache: names and hashes are
  // the same whatever the key.
  void UseNamesOf(const void* program);

  // Inline: every step records a few of these.
  void Add(const TraceRecord& r) {
    // One mix per record (a second was a tenth of a small run): the object
    // and value are spread by an odd multiplier before they meet the step,
    // time, task and kind.
    if (hashing_) {
      HashIn(r.step ^ (r.time_ns << 20) ^ (uint64_t{r.task} << 40) ^
             (uint64_t{static_cast<uint8_t>(r.kind)} << 56) ^
             ((uint64_t{r.object} ^ (r.value << 24)) * 0x9e3779b97f4a7c15ULL));
    }
    if (keep_records_) KeepRecord(r);
  }
  // Interns free text (notes, violations); the text is part of the hash.
  uint64_t AddString(std::string s);
  // The object's name is `prefix` followed by `name`.
  // Inline: a run names each of its objects, and the name is nearly always
  // the one kept at its index (compared by a few loads, no call).
  ObjectId NewObject(std::string_view name, std::string_view prefix = {}) {
    const size_t i = object_count_;
    if (i < object_names_.size()) [[likely]] {
      if (Same(object_names_[i].text, prefix, name)) [[likely]] {
        if (hashing_) HashIn(object_names_[i].hash ^ 0x4f);
        return static_cast<ObjectId>(object_count_++);
      }
    }
    return NewObjectSlow(name, prefix);
  }
  void NameTask(TaskId t, std::string_view name) {
    if (t < task_names_.size() && Same(task_names_[t].text, {}, name))
        [[likely]] {
      if (hashing_) HashIn(task_names_[t].hash ^ t);
      if (task_count_ <= t) task_count_ = size_t{t} + 1;
      return;
    }
    NameTaskSlow(t, name);
  }

  uint64_t hash() const { return hash_; }
  bool keeps_records() const { return keep_records_; }
  const std::vector<TraceRecord>& records() const { return records_; }
  const std::string& string_at(uint64_t i) const { return strings_[i]; }
  const std::string& object_name(ObjectId o) const {
    return object_names_[o].text;
  }
  std::string task_name(TaskId t) const;
  size_t task_count() const { return task_count_; }

  // One line per record; [from, to) indexes records. Op kinds print through
  // `op_name`.
  std::string RenderText(size_t from, size_t to) const;
  // Chrome trace JSON (opens in Perfetto): one row per task, one slice per
  // step.
  std::string RenderChromeJson() const;

 private:
  void HashIn(uint64_t x) { hash_ = Mix64(hash_ ^ x); }
  // Out of line, so the hashing path inlined into every caller stays small.
  [[gnu::noinline]] void KeepRecord(const TraceRecord& r) {
    records_.push_back(r);
  }
  static uint64_t HashString(std::string_view s,
                             uint64_t h = 0xcbf29ce484222325ULL);
  // Whether a[0, n) == b[0, n). Names are short: up to 16 bytes compare as
  // two overlapping loads each, without a call to memcmp.
  static bool SameBytes(const char* a, const char* b, size_t n) {
    if (n > 16) return std::memcmp(a, b, n) == 0;
    if (n >= 8) {
      return Load<uint64_t>(a) == Load<uint64_t>(b) &&
             Load<uint64_t>(a + n - 8) == Load<uint64_t>(b + n - 8);
    }
    if (n >= 4) {
      return Load<uint32_t>(a) == Load<uint32_t>(b) &&
             Load<uint32_t>(a + n - 4) == Load<uint32_t>(b + n - 4);
    }
    for (size_t i = 0; i < n; ++i) {
      if (a[i] != b[i]) return false;
    }
    return true;
  }
  template <typename T>
  static T Load(const char* p) {
    T v;
    std::memcpy(&v, p, sizeof(v));
    return v;
  }
  // Whether `kept` is prefix + name.
  static bool Same(const std::string& kept, std::string_view prefix,
                   std::string_view name) {
    const size_t p = prefix.size();
    return kept.size() == p + name.size() &&
           SameBytes(kept.data(), prefix.data(), p) &&
           SameBytes(kept.data() + p, name.data(), name.size());
  }
  [[gnu::noinline]] ObjectId NewObjectSlow(std::string_view name,
                                           std::string_view prefix);
  [[gnu::noinline]] void NameTaskSlow(TaskId t, std::string_view name);
  // Makes `names[i]` hold prefix + name (growing `names` up to i) and returns
  // its hash; for a name that is not the one kept there.
  static uint64_t SetName(std::vector<Name>& names, size_t i,
                          std::string_view prefix, std::string_view name);
  std::string Describe(const TraceRecord& r) const;

  bool keep_records_;
  bool hashing_;
  static constexpr uint64_t kInitialHash = 0x6a09e667f3bcc908ULL;
  uint64_t hash_ = kInitialHash;
  std::vector<TraceRecord> records_;
  std::vector<std::string> strings_;
  // Index = ObjectId (0 is kNoObject), then names of earlier runs past
  // object_count_.
  std::vector<Name> object_names_;
  size_t object_count_ = 0;
  // Index = TaskId, then names of earlier runs past task_count_.
  std::vector<Name> task_names_;
  size_t task_count_ = 0;
  // The names kept for other programs than names_of_'s (UseNamesOf).
  struct KeptNames {
    const void* program = nullptr;
    std::vector<Name> objects, tasks;
  };
  static constexpr size_t kKeptPrograms = 256;
  const void* names_of_ = nullptr;
  std::vector<KeptNames> kept_names_;
};

}  // namespace sim

#endif  // DSIM_SIM_TRACE_H_
