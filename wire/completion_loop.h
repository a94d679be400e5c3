// wire/completion_loop.h: one gRPC completion queue polled on the executor's
// thread, as the sim::Outside of a serve or live run. Replies and requests
// arrive as tags whose handlers run between the run's steps, so the fake
// containerd and the daemon model stay single-threaded over real sockets.
#ifndef DSIM_WIRE_COMPLETION_LOOP_H_
#define DSIM_WIRE_COMPLETION_LOOP_H_

#include <grpcpp/completion_queue.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

#include "sim/outside.h"

namespace wire {

class CompletionLoop : public sim::Outside {
 public:
  // What a pending gRPC operation reports to; Done runs on the loop's thread.
  class Tag {
   public:
    virtual ~Tag() = default;
    virtual void Done(bool ok) = 0;
  };

  // `cq` may be a grpc::ServerCompletionQueue (serve mode).
  explicit CompletionLoop(std::unique_ptr<grpc::CompletionQueue> cq);
  CompletionLoop(const CompletionLoop&) = delete;
  CompletionLoop& operator=(const CompletionLoop&) = delete;
  // Shuts the queue down and delivers every pending tag (ok = false).
  ~CompletionLoop() override;

  grpc::CompletionQueue* cq() { return cq_.get(); }
  // The void* to hand gRPC for one operation; counted as in flight until its
  // Done has run.
  void* Expect(Tag* tag) {
    ++pending_;
    return tag;
  }
  // A tag that runs `then` once and frees itself.
  void* Then(std::function<void(bool ok)> then);
  // A listening server keeps the run alive with nothing in flight.
  void set_listening(bool listening) { listening_ = listening; }
  // Wait returns false soon after *stop turns true (a signal, a shutdown).
  void set_stop(const std::atomic<bool>* stop) { stop_ = stop; }
  // Shuts the queue down and runs every tag still pending; REQUIRES: the
  // calls and servers that own tags are cancelled or shut down first.
  void Drain();
  // Drain has begun: no new operation may start.
  bool draining() const { return drained_; }

  sim::Nanos Now() override;
  bool Wait(sim::Nanos until) override;
  bool Busy() const override { return pending_ > 0 || listening_; }

 private:
  void Dispatch(void* tag, bool ok);

  std::unique_ptr<grpc::CompletionQueue> cq_;
  bool drained_ = false;
  bool listening_ = false;
  long pending_ = 0;
  const std::atomic<bool>* stop_ = nullptr;
  sim::Nanos last_now_ = 0;
};

}  // namespace wire

#endif  // DSIM_WIRE_COMPLETION_LOOP_H_
