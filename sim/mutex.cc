#include "sim/mutex.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace sim {

namespace {

[[noreturn]] void Misuse(const std::string& what) {
  std::fprintf(stderr, "dsim: misuse of a sim lock: %s\n", what.c_str());
  std::abort();
}

}  // namespace

Mutex::Mutex(Executor& ex, std::string_view name)
    : ex_(ex), id_(ex.NewObject(name)) {}

void Mutex::Acquire() {
  owner_ = ex_.current();
  ex_.AcquireClock(clock_);
  ex_.NoteLockAcquired(id_, no_rpc_);
  ex_.Record(EventKind::kAcquire, id_, 0);
}

void Mutex::LockOp::await_suspend(std::coroutine_handle<> h) {
  waiting_ = true;
  since_ = ex_.now();
  prev_waiter_ = mu_.last_waiter_;
  next_waiter_ = nullptr;
  (prev_waiter_ != nullptr ? prev_waiter_->next_waiter_ : mu_.first_waiter_) =
      this;
  mu_.last_waiter_ = this;
  internal::Op::await_suspend(h);
}

void Mutex::LockOp::Leave() {
  if (!waiting_ || ex_.tearing_down()) return;
  waiting_ = false;
  (prev_waiter_ != nullptr ? prev_waiter_->next_waiter_ : mu_.first_waiter_) =
      next_waiter_;
  (next_waiter_ != nullptr ? next_waiter_->prev_waiter_ : mu_.last_waiter_) =
      prev_waiter_;
}

bool Mutex::TryLock() {
  ex_.Touch(id_, Access::kWrite);
  if (locked() || Starving()) return false;
  Acquire();
  return true;
}

void Mutex::Unlock() {
  if (!locked())
    Misuse("unlock of unlocked mutex '" + ex_.trace().object_name(id_) + "'");
  // Not in the step's footprint (mutex.h says why).
  ex_.ReleaseClock(clock_);
  if (no_rpc_) ex_.NoteLockReleased(owner_, id_);
  ex_.Record(EventKind::kRelease, id_, 0);
  owner_ = kNoTask;
}

std::string Mutex::LockOp::Describe() const {
  std::string s = "to lock '" + ex_.trace().object_name(mu_.id_) + "'";
  if (mu_.locked()) s += " (held by '" + ex_.task_name(mu_.owner_) + "')";
  return s;
}

RWMutex::RWMutex(Executor& ex, std::string_view name)
    : ex_(ex), id_(ex.NewObject(name)) {}

void RWMutex::Unlock() {
  if (writer_ == kNoTask)
    Misuse("Unlock of rwmutex '" + ex_.trace().object_name(id_) + "'");
  ex_.ReleaseClock(write_clock_);
  if (no_rpc_) ex_.NoteLockReleased(writer_, id_);
  ex_.Record(EventKind::kRelease, id_, 0);
  writer_ = kNoTask;
}

void RWMutex::RUnlock() {
  if (readers_ == 0)
    Misuse("RUnlock of rwmutex '" + ex_.trace().object_name(id_) + "'");
  ex_.ReleaseClock(read_clock_);
  // Any reader may release; forget the oldest hold by the current task, else
  // the oldest.
  auto it =
      std::find(reader_tasks_.begin(), reader_tasks_.end(), ex_.current());
  if (it == reader_tasks_.end()) it = reader_tasks_.begin();
  if (no_rpc_) ex_.NoteLockReleased(*it, id_);
  reader_tasks_.erase(it);
  ex_.Record(EventKind::kRelease, id_, 1);
  --readers_;
}

RWMutex::WriteOp::~WriteOp() {
  if (waiting_ && !ex_.tearing_down()) --mu_.writers_waiting_;
}

void RWMutex::WriteOp::await_suspend(std::coroutine_handle<> h) {
  // A parked writer blocks new readers: that changes what others can do, so it
  // is a write.
  waiting_ = true;
  ++mu_.writers_waiting_;
  ex_.Touch(mu_.id_, Access::kWrite);
  ex_.Park(this, h);
}

void RWMutex::WriteOp::Fire() {
  waiting_ = false;
  --mu_.writers_waiting_;
  mu_.writer_ = ex_.current();
  ex_.AcquireClock(mu_.write_clock_);
  ex_.AcquireClock(mu_.read_clock_);
  ex_.NoteLockAcquired(mu_.id_, mu_.no_rpc_);
  ex_.Record(EventKind::kAcquire, mu_.id_, 0);
}

std::string RWMutex::WriteOp::Describe() const {
  std::string s = "to lock '" + ex_.trace().object_name(mu_.id_) + "'";
  if (mu_.writer_ != kNoTask)
    s += " (held by '" + ex_.task_name(mu_.writer_) + "')";
  if (mu_.readers_ > 0) s += " (" + std::to_string(mu_.readers_) + " readers)";
  return s;
}

void RWMutex::ReadOp::Fire() {
  ++mu_.readers_;
  mu_.reader_tasks_.push_back(ex_.current());
  ex_.AcquireClock(mu_.write_clock_);
  ex_.NoteLockAcquired(mu_.id_, mu_.no_rpc_);
  ex_.Record(EventKind::kAcquire, mu_.id_, 1);
}

std::string RWMutex::ReadOp::Describe() const {
  std::string s = "to read-lock '" + ex_.trace().object_name(mu_.id_) + "'";
  if (mu_.writer_ != kNoTask)
    s += " (held by '" + ex_.task_name(mu_.writer_) + "')";
  if (mu_.writers_waiting_ > 0) s += " (a writer is waiting)";
  return s;
}

}  // namespace sim
