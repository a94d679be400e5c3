#include "wire/completion_loop.h"

#include <algorithm>

namespace wire {

namespace {

// How long one blocking poll may last, so a stop request is seen promptly.
constexpr auto kPollSlice = std::chrono::milliseconds(100);

std::chrono::system_clock::time_point WallTimeOf(sim::Nanos t) {
  const auto since_epoch = std::chrono::seconds(sim::kVirtualEpochUnixSeconds) +
                           std::chrono::nanoseconds(t);
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          since_epoch));
}

class ThenTag : public CompletionLoop::Tag {
 public:
  explicit ThenTag(std::function<void(bool)> then) : then_(std::move(then)) {}
  void Done(bool ok) override {
    std::unique_ptr<ThenTag> self(this);
    then_(ok);
  }

 private:
  std::function<void(bool)> then_;
};

}  // namespace

void* CompletionLoop::Then(std::function<void(bool ok)> then) {
  return Expect(std::make_unique<ThenTag>(std::move(then)).release());
}

CompletionLoop::CompletionLoop(std::unique_ptr<grpc::CompletionQueue> cq)
    : cq_(std::move(cq)) {}

CompletionLoop::~CompletionLoop() { Drain(); }

void CompletionLoop::Drain() {
  if (drained_) return;
  drained_ = true;
  cq_->Shutdown();
  void* tag;
  bool ok;
  while (cq_->Next(&tag, &ok)) Dispatch(tag, false);
}

// Virtual time is the wall clock counted from the virtual epoch, so timestamps
// that cross the containerd API convert the same way in every mode.
sim::Nanos CompletionLoop::Now() {
  const auto since = std::chrono::system_clock::now().time_since_epoch() -
                     std::chrono::seconds(sim::kVirtualEpochUnixSeconds);
  const auto ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(since).count();
  last_now_ = std::max<sim::Nanos>(last_now_, ns > 0 ? ns : 0);
  return last_now_;
}

void CompletionLoop::Dispatch(void* tag, bool ok) {
  --pending_;
  static_cast<Tag*>(tag)->Done(ok);
}

bool CompletionLoop::Wait(sim::Nanos until) {
  if (drained_) return false;
  for (;;) {
    auto deadline = std::chrono::system_clock::now() + kPollSlice;
    if (until != sim::kNever) deadline = std::min(deadline, WallTimeOf(until));
    void* tag;
    bool ok;
    switch (cq_->AsyncNext(&tag, &ok, deadline)) {
      case grpc::CompletionQueue::GOT_EVENT: {
        Dispatch(tag, ok);
        // Take whatever else is ready without blocking.
        const auto now = std::chrono::system_clock::now();
        while (cq_->AsyncNext(&tag, &ok, now) ==
               grpc::CompletionQueue::GOT_EVENT) {
          Dispatch(tag, ok);
        }
        return !(stop_ != nullptr && stop_->load());
      }
      case grpc::CompletionQueue::SHUTDOWN:
        return false;
      case grpc::CompletionQueue::TIMEOUT:
        if (stop_ != nullptr && stop_->load()) return false;
        if (until != sim::kNever && Now() >= until) return true;
        break;
    }
  }
}

}  // namespace wire
