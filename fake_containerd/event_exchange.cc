#include "fake_containerd/event_exchange.h"

#include <algorithm>
#include <utility>

#include "fake_containerd/timestamps.h"

namespace fake_containerd {

// Created only while someone waits, so that runs that never wait make no sim
// objects for it (object ids stay as they were).
struct EventExchange::TakenSignal {
  std::shared_ptr<sim::Notify> notify;  // null while nobody waits
  void Fire() {
    if (notify != nullptr) std::exchange(notify, nullptr)->Fire();
  }
};

// Envelopes queued for one subscriber and not yet taken by its pump. A bound
// of the model, not containerd's (whose queues grow without end): a run that
// passes it stops with a "budget" violation. Below kChannelSlots, so that
// the queue's slots are parts of their own (sim/footprint.h).
constexpr size_t kQueueCapacity = 1024;

struct Subscription::State {
  State(sim::Executor& ex, const std::string& name, EventFilter f,
        std::shared_ptr<EventExchange::TakenSignal> taken,
        sim::ObjectId subscribers)
      : ex(ex),
        subscribers(subscribers),
        taken(std::move(taken)),
        filter(std::move(f)),
        chan(ex, name + " events"),
        queue(ex, name + " queue", kQueueCapacity) {}
  sim::Executor& ex;
  // The exchange's list of open subscriptions (a publish reads it; see
  // EventExchange::subscribers_object_).
  const sim::ObjectId subscribers;
  std::shared_ptr<EventExchange::TakenSignal> taken;
  uint64_t matched = 0;  // envelopes queued for this subscription
  // Of those, the ones the consumer is done with: it asked for the next one
  // (Subscription::Next), so it has passed this one on (a gRPC stream has
  // written it).
  uint64_t taken_count = 0;
  bool holding = false;  // the consumer has one it has not passed on yet
  EventFilter filter;
  sim::Chan<EnvelopePtr> chan;  // unbuffered: the queue below is the buffer
  // Publishing sends on it without blocking; the pump receives. As a
  // buffered channel, a publish and the pump taking an earlier envelope
  // commute (they touch different slots), so partial-order reduction does
  // not order every publish against the pump.
  sim::Chan<EnvelopePtr> queue;
  bool closed = false;
  absl::Status final_status;
  // `matched` and `closed` are read by AwaitTaken: they change with the
  // queue's send side (a publish sends, Close closes the queue).
  void TouchMatched(sim::Access a) {
    ex.Touch(sim::ChannelPartId(queue.id(), sim::ChannelPart::kSendSide), a);
  }
  // `taken_count` is the consumer's (Next writes it, AwaitTaken reads it):
  // passing an envelope on commutes with the pump taking the next one off
  // the queue. Next writes it in the step that arrives at `chan`'s receive
  // side, so that side stands for it.
  void TouchTaken(sim::Access a) {
    ex.Touch(sim::ChannelPartId(chan.id(), sim::ChannelPart::kRecvSide), a);
  }
};

void PackEvent(const google::protobuf::Message& payload,
               google::protobuf::Any* any) {
  any->set_type_url(payload.GetDescriptor()->full_name());
  payload.SerializeToString(any->mutable_value());
}

Subscription::~Subscription() { Close(); }

sim::Chan<EnvelopePtr>& Subscription::events() { return state_->chan; }

sim::Task<EnvelopePtr> Subscription::Next() {
  std::shared_ptr<State> s = state_;
  if (std::exchange(s->holding, false)) {
    s->TouchTaken(sim::Access::kWrite);  // AwaitTaken reads taken_count
    ++s->taken_count;
    s->taken->Fire();
  }
  std::optional<EnvelopePtr> e = co_await s->chan.Recv();
  s->holding = e.has_value();
  if (!e.has_value()) co_return nullptr;
  co_return *std::move(e);
}

void Subscription::Close(absl::Status why) { Close(*state_, std::move(why)); }

void Subscription::Close(State& s, absl::Status why) {
  if (s.closed) return;
  s.ex.Touch(s.subscribers, sim::Access::kWrite);
  s.closed = true;
  s.final_status = std::move(why);
  s.queue.Close();  // the pump drops what is still queued
  s.taken->Fire();  // nothing more to wait for from this one
}

const absl::Status& Subscription::final_status() const {
  return state_->final_status;
}

EventExchange::EventExchange(sim::Executor& ex)
    : ex_(ex),
      subscribers_object_(ex.NewObject("containerd event subscribers")),
      taken_(std::make_shared<TakenSignal>()) {}

// Envelopes are made on the heap where they are published, and the last
// matching subscriber's queue takes that one: no moves between.
EnvelopePtr EventExchange::Stamped(const std::string& ns,
                                   const std::string& topic) const {
  auto e = std::make_unique<Envelope>();
  SetVirtualTime(ex_.now(), e->mutable_timestamp());
  e->set_namespace_(ns);
  e->set_topic(topic);
  return e;
}

void EventExchange::Publish(const std::string& ns, const std::string& topic,
                            google::protobuf::Any event) {
  EnvelopePtr e = Stamped(ns, topic);
  *e->mutable_event() = std::move(event);
  Deliver(std::move(e));
}

void EventExchange::Publish(const std::string& ns, const std::string& topic,
                            const google::protobuf::Message& payload) {
  EnvelopePtr e = Stamped(ns, topic);
  PackEvent(payload, e->mutable_event());
  Deliver(std::move(e));
}

void EventExchange::Forward(Envelope envelope) {
  Deliver(std::make_unique<Envelope>(std::move(envelope)));
}

void EventExchange::Deliver(EnvelopePtr envelope_ptr) {
  const Envelope& envelope = *envelope_ptr;
  ++published_;
  if (tap_) tap_(envelope);
  ex_.Touch(subscribers_object_, sim::Access::kRead);
  std::erase_if(subscribers_, [](const auto& s) { return s->closed; });
  auto deliver = [this](Subscription::State& s, EnvelopePtr e) {
    if (!s.queue.TrySend(std::move(e))) {
      ex_.ReachBound("the event queue of a containerd subscription passed " +
                     std::to_string(kQueueCapacity) +
                     " envelopes its consumer had not taken");
      return false;
    }
    ++s.matched;
    return true;
  };
  // A copy for each matching subscriber but the last, which takes this one.
  Subscription::State* last = nullptr;
  for (const std::shared_ptr<Subscription::State>& s : subscribers_) {
    if (!s->filter.Matches(envelope.namespace_(), envelope.topic())) continue;
    if (last != nullptr &&
        !deliver(*last, std::make_unique<Envelope>(envelope))) {
      return;
    }
    last = s.get();
  }
  if (last != nullptr) deliver(*last, std::move(envelope_ptr));
}

absl::StatusOr<std::unique_ptr<Subscription>> EventExchange::Subscribe(
    const std::vector<std::string>& filters) {
  absl::StatusOr<EventFilter> f = EventFilter::Parse(filters);
  if (!f.ok()) return f.status();
  const std::string name = "subscription " + std::to_string(next_id_++);
  auto state = std::make_shared<Subscription::State>(
      ex_, name, *std::move(f), taken_, subscribers_object_);
  ex_.Touch(subscribers_object_, sim::Access::kWrite);
  subscribers_.push_back(state);
  ex_.Spawn(name + " pump", Pump(state), sim::SpawnOptions{.background = true});
  return std::make_unique<Subscription>(std::move(state));
}

sim::Task<bool> EventExchange::AwaitTaken(sim::Nanos timeout) {
  const sim::Nanos deadline = ex_.now() + timeout;
  for (;;) {
    bool pending = false;
    ex_.Touch(subscribers_object_, sim::Access::kRead);
    for (const std::shared_ptr<Subscription::State>& s : subscribers_) {
      s->TouchMatched(sim::Access::kRead);
      s->TouchTaken(sim::Access::kRead);
      pending |= !s->closed && s->taken_count < s->matched;
    }
    if (!pending) co_return true;
    if (ex_.now() >= deadline) co_return false;
    if (taken_->notify == nullptr) {
      taken_->notify = std::make_shared<sim::Notify>(ex_, "events taken");
    }
    std::shared_ptr<sim::Notify> notify = taken_->notify;
    co_await notify->WaitFor(deadline - ex_.now());
  }
}

void EventExchange::CloseAll(absl::Status why) {
  for (const std::shared_ptr<Subscription::State>& s : subscribers_) {
    Subscription::Close(*s, why);
  }
  subscribers_.clear();
}

sim::Task<void> EventExchange::Pump(std::shared_ptr<Subscription::State> s) {
  for (;;) {
    std::optional<EnvelopePtr> e = co_await s->queue.Recv();
    if (!e.has_value() || s->closed) break;
    co_await s->chan.Send(*std::move(e));
  }
  s->chan.Close();
}

}  // namespace fake_containerd
