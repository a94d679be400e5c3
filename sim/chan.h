// sim/chan.h: sim::Chan<T>, Go's channel under the simulated scheduler:
// buffered (capacity > 0) or unbuffered (a rendezvous), with Close. Send and
// receive are scheduling points and carry the sender's clock to the receiver (a
// happens-before edge).
//
// Sending on a closed channel panics in Go; here it is reported as a violation.
//
// For partial-order reduction a buffered channel is not one object: sends
// write its send side, receives its receive side, and the i-th item's slot is
// written by the i-th send, the i-th receive, and the send that needed that
// receive to free its place (send number i + capacity). So a send and a
// receive conflict exactly when one waited for the other; the others commute
// (a FIFO buffer that is neither empty nor full). Close writes both sides.
//
// An unbuffered channel pairs its n-th waiting sender with its n-th waiting
// receiver, as Go's does (arrivals queue on each side; a cancelled waiter
// leaves its queue). An arrival writes its side and its own arrival part; the
// step that fires each op reads its partner's arrival part (an ordered part,
// sim/footprint.h) and the channel, which only Close and a waiter's cancel
// write. So whether the sender or the receiver came first, and which of the
// two fires first, are not races: the pair's outcome is the same. The
// sender's clock is taken when it arrives and joined by the receiver in its
// own step. Each side records its own event in its own step (kSend the
// sender's, kRecv the receiver's), whichever made the match: the trace, too,
// is the same in both orders (footprint_audit compares traces per task).
#ifndef DSIM_SIM_CHAN_H_
#define DSIM_SIM_CHAN_H_

#include <algorithm>
#include <deque>
#include <optional>
#include <string>
#include <utility>

#include "sim/executor.h"

namespace sim {

template <typename T>
class Chan {
 public:
  Chan(Executor& ex, std::string name, size_t capacity = 0)
      : ex_(ex), id_(ex.NewObject(std::move(name))), capacity_(capacity) {}
  Chan(const Chan&) = delete;
  Chan& operator=(const Chan&) = delete;

  class SendOp;
  class RecvOp;
  // co_await ch.Send(v);
  SendOp Send(T value) { return SendOp(*this, std::move(value)); }
  // co_await ch.Recv() -> std::optional<T>; empty once closed and drained.
  RecvOp Recv() { return RecvOp(*this); }
  // Buffered only: sends at once, in the calling task's current step (for a
  // producer that must not block, as containerd's event exchange); false
  // when the buffer is full. It touches what a send's fire touches.
  bool TrySend(T value) {
    if (closed_) {
      SendOnClosed();
      return false;
    }
    if (buf_.size() >= capacity_) return false;
    ex_.Touch(Part(ChannelPart::kSendSide), Access::kWrite);
    Push(std::move(value));
    return true;
  }
  // Wakes every receiver; later receives drain the buffer, then return empty.
  void Close() {
    ex_.Touch(id_, Access::kWrite);
    ex_.Touch(Part(ChannelPart::kSendSide), Access::kWrite);
    ex_.Touch(Part(ChannelPart::kRecvSide), Access::kWrite);
    ex_.ReleaseClock(close_clock_);
    ex_.Record(EventKind::kClose, id_, 0);
    closed_ = true;
  }
  bool closed() const { return closed_; }
  size_t size() const { return buf_.size(); }
  ObjectId id() const { return id_; }

 private:
  struct Message {
    T value;
    VectorClock clock;
  };
  bool unbuffered() const { return capacity_ == 0; }
  ObjectId Part(ChannelPart part, uint64_t slot = 0) const {
    return ChannelPartId(id_, part, slot);
  }
  Message Stamp(T&& v) {
    Message m{std::move(v), {}};
    ex_.ReleaseClock(m.clock);
    ex_.Record(EventKind::kSend, id_, 0);
    return m;
  }
  void Deliver(const Message& m) {
    ex_.AcquireClock(m.clock);
    ex_.Record(EventKind::kRecv, id_, 0);
  }
  // Unbuffered: the object a waiter's arrival writes and its partner's fire
  // reads. Arrival numbers 2n (senders) and 2n + 1 (receivers) stay below
  // kChannelSlots, so no two share a part; past them, the channel itself.
  ObjectId Arrival(bool sender, uint64_t n) const {
    if (n >= kChannelSlots / 2) return id_;
    return Part(ChannelPart::kSlot, 2 * n + (sender ? 0 : 1));
  }
  template <typename Op>
  static long IndexOf(const std::deque<Op*>& q, const Op* op) {
    auto it = std::find(q.begin(), q.end(), op);
    return it == q.end() ? -1 : static_cast<long>(it - q.begin());
  }
  // A buffered send, once there is room.
  void Push(T&& value) {
    if (capacity_ >= kChannelSlots) {
      ex_.Touch(id_, Access::kWrite);  // no slot parts (footprint.h)
    } else {
      ex_.Touch(Part(ChannelPart::kSlot, sent_), Access::kWrite);
      if (sent_ >= capacity_) {
        ex_.Touch(Part(ChannelPart::kSlot, sent_ - capacity_), Access::kWrite);
      }
    }
    ++sent_;
    buf_.push_back(Stamp(std::move(value)));
  }
  void SendOnClosed() {
    ex_.Fail("send-on-closed-channel", "task '" + ex_.task_name(ex_.current()) +
                                           "' sent on closed channel '" +
                                           ex_.trace().object_name(id_) + "'");
  }

  Executor& ex_;
  ObjectId id_;
  size_t capacity_;
  uint64_t sent_ = 0;      // buffered: items ever sent; unbuffered: senders
                           // that ever waited
  uint64_t received_ = 0;  // buffered: items ever received; unbuffered:
                           // receivers that ever waited
  bool closed_ = false;
  VectorClock close_clock_;
  std::deque<Message> buf_;
  // Unbuffered: waiters not yet matched, oldest first; the i-th of each are
  // partners.
  std::deque<SendOp*> senders_;
  std::deque<RecvOp*> receivers_;
};

template <typename T>
class Chan<T>::SendOp : public internal::Op {
 public:
  SendOp(Chan& ch, T value)
      : Op(ch.ex_, OpKind::kSend, ch.id_, Access::kWrite),
        ch_(ch),
        value_(std::move(value)) {
    if (ch.unbuffered()) {
      access_ = Access::kRead;  // the fire reads the channel (see top)
    } else {
      footprint_object_ = ch.Part(ChannelPart::kSendSide);
    }
  }
  ~SendOp() override { Leave(); }
  void await_suspend(std::coroutine_handle<> h) {
    if (ch_.unbuffered()) {
      number_ = ch_.sent_++;
      ex_.Touch(ch_.Part(ChannelPart::kSendSide), Access::kWrite);
      ex_.Touch(ch_.Arrival(true, number_), Access::kWrite);
      ex_.ReleaseClock(clock_);  // the send happens here
      ch_.senders_.push_back(this);
      registered_ = true;
    }
    ex_.Park(this, h);
  }
  bool Ready() const override {
    if (ch_.closed_ || matched_) return true;
    if (ch_.unbuffered()) {
      // Most polls find nobody on the other side: no search then.
      if (ch_.receivers_.empty()) return false;
      const long i = IndexOf(ch_.senders_, this);
      return i >= 0 && i < static_cast<long>(ch_.receivers_.size());
    }
    return ch_.buf_.size() < ch_.capacity_;
  }
  void Fire() override {
    if (matched_) {  // a receiver took the value while this sender waited
      ex_.Touch(ch_.Arrival(false, partner_), Access::kRead);
      ex_.Record(EventKind::kSend, ch_.id_, 0);
      return;
    }
    if (ch_.closed_) {
      Leave();
      ch_.SendOnClosed();
      return;
    }
    if (ch_.unbuffered()) {
      const long i = IndexOf(ch_.senders_, this);
      RecvOp* r = ch_.receivers_[i];
      ex_.Touch(ch_.Arrival(false, r->number_), Access::kRead);
      ch_.senders_.erase(ch_.senders_.begin() + i);
      ch_.receivers_.erase(ch_.receivers_.begin() + i);
      registered_ = false;
      r->registered_ = false;
      r->partner_ = number_;
      ex_.Record(EventKind::kSend, ch_.id_, 0);
      r->got_.emplace(Message{std::move(value_), std::move(clock_)});
      r->acquire_ = true;  // in the receiver's own step
    } else {
      ch_.Push(std::move(value_));
    }
  }
  std::string Describe() const override {
    return "to send on '" + ex_.trace().object_name(ch_.id_) + "'";
  }
  void await_resume() const noexcept {}

 private:
  friend class Chan;
  // A receiver's fire took the value: the match.
  Message Give(uint64_t receiver) {
    matched_ = true;
    registered_ = false;
    partner_ = receiver;
    return Message{std::move(value_), std::move(clock_)};
  }
  // Unmatched and going away (cancelled, or woken by Close): the pairs
  // behind it shift, which the channel's object orders.
  void Leave() {
    if (!registered_ || ex_.tearing_down()) return;
    registered_ = false;
    ex_.Touch(ch_.id_, Access::kWrite);
    std::erase(ch_.senders_, this);
  }
  Chan& ch_;
  T value_;
  VectorClock clock_;    // unbuffered: the sender's, when it arrived
  uint64_t number_ = 0;  // unbuffered: its arrival
  uint64_t partner_ = 0;
  bool registered_ = false;
  bool matched_ = false;
};

template <typename T>
class Chan<T>::RecvOp : public internal::Op {
 public:
  explicit RecvOp(Chan& ch)
      : Op(ch.ex_, OpKind::kRecv, ch.id_, Access::kWrite), ch_(ch) {
    if (ch.unbuffered()) {
      access_ = Access::kRead;  // the fire reads the channel (see top)
    } else {
      footprint_object_ = ch.Part(ChannelPart::kRecvSide);
    }
  }
  ~RecvOp() override { Leave(); }
  void await_suspend(std::coroutine_handle<> h) {
    if (ch_.unbuffered()) {
      number_ = ch_.received_++;
      ex_.Touch(ch_.Part(ChannelPart::kRecvSide), Access::kWrite);
      ex_.Touch(ch_.Arrival(false, number_), Access::kWrite);
      ch_.receivers_.push_back(this);
      registered_ = true;
    }
    ex_.Park(this, h);
  }
  bool Ready() const override {
    if (got_.has_value() || ch_.closed_) return true;
    if (ch_.unbuffered()) {
      if (ch_.senders_.empty()) return false;  // as in SendOp::Ready
      const long i = IndexOf(ch_.receivers_, this);
      return i >= 0 && i < static_cast<long>(ch_.senders_.size());
    }
    return !ch_.buf_.empty();
  }
  void Fire() override {
    if (got_.has_value()) {  // a sender's fire made the match
      ex_.Touch(ch_.Arrival(true, partner_), Access::kRead);
      if (std::exchange(acquire_, false)) ex_.AcquireClock(got_->clock);
      ex_.Record(EventKind::kRecv, ch_.id_, 0);
      return;
    }
    if (ch_.unbuffered()) {
      const long i = IndexOf(ch_.receivers_, this);
      if (i >= 0 && i < static_cast<long>(ch_.senders_.size())) {
        SendOp* s = ch_.senders_[i];
        ex_.Touch(ch_.Arrival(true, s->number_), Access::kRead);
        ch_.senders_.erase(ch_.senders_.begin() + i);
        ch_.receivers_.erase(ch_.receivers_.begin() + i);
        registered_ = false;
        partner_ = s->number_;
        Take(s->Give(number_));
        return;
      }
      Leave();  // closed, and no sender for it
      ex_.AcquireClock(ch_.close_clock_);
      return;
    }
    if (!ch_.buf_.empty()) {
      ex_.Touch(ch_.capacity_ >= kChannelSlots
                    ? ch_.id_
                    : ch_.Part(ChannelPart::kSlot, ch_.received_),
                Access::kWrite);
      ++ch_.received_;
      Take(std::move(ch_.buf_.front()));
      ch_.buf_.pop_front();
    } else {
      ex_.AcquireClock(ch_.close_clock_);  // closed and drained
    }
  }
  std::string Describe() const override {
    return "to receive from '" + ex_.trace().object_name(ch_.id_) + "'";
  }
  std::optional<T> await_resume() {
    if (!got_.has_value()) return std::nullopt;
    return std::move(got_->value);
  }

 private:
  friend class Chan;
  void Take(Message&& m) {
    ch_.Deliver(m);
    got_.emplace(std::move(m));
  }
  // Unmatched and going away (cancelled): see SendOp::Leave.
  void Leave() {
    if (!registered_ || ex_.tearing_down()) return;
    registered_ = false;
    ex_.Touch(ch_.id_, Access::kWrite);
    std::erase(ch_.receivers_, this);
  }
  Chan& ch_;
  std::optional<Message> got_;
  uint64_t number_ = 0;  // unbuffered: its arrival
  uint64_t partner_ = 0;
  bool registered_ = false;
  bool acquire_ = false;  // got_'s clock is still to be joined
};

}  // namespace sim

#endif  // DSIM_SIM_CHAN_H_
