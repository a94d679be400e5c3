// fake_containerd/event_exchange.h: containerd's event exchange. Publish stamps
// an Envelope with the virtual time; each Subscription receives the matching
// envelopes, in publish order, through a sim::Chan fed by a background pump
// task (so publishing never blocks, as in containerd, and delivery is a
// scheduling point for the subscriber). Between publish and pump each
// subscription has a buffered sim::Chan of 1024 envelopes: a run that fills
// it (a consumer that stopped taking) ends with a "budget" violation.
//
// Lifetime: pump tasks share their subscription's state, so the exchange may go
// before the executor; a Subscription handle must not outlive the executor
// (closing it touches it).
#ifndef DSIM_FAKE_CONTAINERD_EVENT_EXCHANGE_H_
#define DSIM_FAKE_CONTAINERD_EVENT_EXCHANGE_H_

#include <google/protobuf/any.pb.h>
#include <google/protobuf/message.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "containerd/services/events/v1/events.pb.h"
#include "fake_containerd/event_filter.h"
#include "sim/chan.h"
#include "sim/executor.h"
#include "sim/notify.h"

namespace fake_containerd {

using Envelope = containerd::services::events::v1::Envelope;

// An event payload into `any`, with containerd's bare type_url
// ("containerd.events.TaskExit").
void PackEvent(const google::protobuf::Message& payload,
               google::protobuf::Any* any);

// Envelopes travel through a queue, a pump and a channel as pointers: moving a
// protobuf message constructs one, swaps and destroys the other, and each
// envelope was moved a dozen times on its way.
using EnvelopePtr = std::unique_ptr<Envelope>;

class Subscription {
 public:
  struct State;  // opaque; shared by the handle, the exchange and the pump
  explicit Subscription(std::shared_ptr<State> state)
      : state_(std::move(state)) {}
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  ~Subscription();
  // co_await events().Recv(): the next envelope; empty once the subscription
  // has ended.
  sim::Chan<EnvelopePtr>& events();
  // The same (null once ended), for consumers that pass envelopes on (the
  // gRPC event stream): calling it again tells EventExchange::AwaitTaken
  // that the previous one has been passed on.
  sim::Task<EnvelopePtr> Next();
  // Ends the subscription: queued envelopes are dropped (one already being
  // handed over may still arrive), then Recv returns empty. `why` is the
  // stream's final status (OK for a clean end, an error when containerd goes
  // away).
  void Close(absl::Status why = absl::OkStatus());
  static void Close(State& s, absl::Status why);
  const absl::Status& final_status() const;

 private:
  std::shared_ptr<State> state_;
};

class EventExchange {
 public:
  struct TakenSignal;  // opaque; shared with the subscriptions' states
  explicit EventExchange(sim::Executor& ex);
  EventExchange(const EventExchange&) = delete;
  EventExchange& operator=(const EventExchange&) = delete;

  // No validation: the services check namespace and topic before calling.
  void Publish(const std::string& ns, const std::string& topic,
               google::protobuf::Any event);
  void Publish(const std::string& ns, const std::string& topic,
               const google::protobuf::Message& payload);
  // An envelope as given (Forward keeps its timestamp).
  void Forward(Envelope envelope);

  // Bad filters: INVALID_ARGUMENT (see event_filter.h).
  absl::StatusOr<std::unique_ptr<Subscription>> Subscribe(
      const std::vector<std::string>& filters);

  // Waits until every open subscription's consumer is done (it called
  // Subscription::Next again) with each envelope published so far that it
  // matches, or `timeout` has passed;
  // false on timeout. `dsim serve` awaits this before Tasks/Create replies:
  // a real dockerd receives /tasks/create before it could send Tasks/Start
  // (12 of 12 starts on a real containerd), which an unordered reply broke.
  sim::Task<bool> AwaitTaken(sim::Nanos timeout);

  // Ends every subscription with `why` (containerd restarting).
  void CloseAll(absl::Status why);
  size_t published() const { return published_; }
  // Sees every envelope synchronously at publish time, before any subscriber
  // (for tests and the trace).
  void set_tap(std::function<void(const Envelope&)> tap) {
    tap_ = std::move(tap);
  }

 private:
  static sim::Task<void> Pump(std::shared_ptr<Subscription::State> s);
  // A new envelope with the time, namespace and topic set.
  EnvelopePtr Stamped(const std::string& ns, const std::string& topic) const;
  // To each matching subscriber (a copy to all but the last).
  void Deliver(EnvelopePtr envelope);

  sim::Executor& ex_;
  // Fired when a subscription takes an envelope while AwaitTaken waits.
  // Which subscriptions are open: a publish reads it, subscribing and
  // closing write it (a publish that comes first reaches one more or one
  // fewer subscriber).
  const sim::ObjectId subscribers_object_;
  std::shared_ptr<TakenSignal> taken_;
  std::vector<std::shared_ptr<Subscription::State>> subscribers_;
  uint64_t next_id_ = 1;
  size_t published_ = 0;
  std::function<void(const Envelope&)> tap_;
};

}  // namespace fake_containerd

#endif  // DSIM_FAKE_CONTAINERD_EVENT_EXCHANGE_H_
