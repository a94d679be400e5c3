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
  // Wakes every receiver; later receives drain the buffer, then return empty.
  void Close() {
    ex_.Touch(id_, Access::kWrite);
    if (!unbuffered()) {
      ex_.Touch(Part(ChannelPart::kSendSide), Access::kWrite);
      ex_.Touch(Part(ChannelPart::kRecvSide), Access::kWrite);
    }
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
  void SendOnClosed() {
    ex_.Fail("send-on-closed-channel", "task '" + ex_.task_name(ex_.current()) +
                                           "' sent on closed channel '" +
                                           ex_.trace().object_name(id_) + "'");
  }

  Executor& ex_;
  ObjectId id_;
  size_t capacity_;
  uint64_t sent_ = 0;      // buffered: items ever sent
  uint64_t received_ = 0;  // buffered: items ever received
  bool closed_ = false;
  VectorClock close_clock_;
  std::deque<Message> buf_;
  std::deque<SendOp*> senders_;    // unbuffered: parked senders, oldest first
  std::deque<RecvOp*> receivers_;  // unbuffered: parked receivers, oldest first
};

template <typename T>
class Chan<T>::SendOp : public internal::Op {
 public:
  SendOp(Chan& ch, T value)
      : Op(ch.ex_, OpKind::kSend, ch.id_, Access::kWrite),
        ch_(ch),
        value_(std::move(value)) {
    if (!ch.unbuffered()) footprint_object_ = ch.Part(ChannelPart::kSendSide);
  }
  ~SendOp() override { Unregister(); }
  void await_suspend(std::coroutine_handle<> h) {
    if (ch_.unbuffered()) {
      // A parked sender lets the other side go on: that is a write.
      ex_.Touch(ch_.id_, Access::kWrite);
      ch_.senders_.push_back(this);
      registered_ = true;
    }
    ex_.Park(this, h);
  }
  bool Ready() const override {
    if (ch_.closed_ || matched_) return true;
    if (ch_.unbuffered()) return !ch_.receivers_.empty();
    return ch_.buf_.size() < ch_.capacity_;
  }
  void Fire() override {
    if (matched_) return;  // a receiver already took the value
    Unregister();
    if (ch_.closed_) {
      ch_.SendOnClosed();
      return;
    }
    if (ch_.unbuffered()) {
      RecvOp* r = ch_.receivers_.front();
      r->Take(ch_.Stamp(std::move(value_)));
    } else {
      if (ch_.capacity_ >= kChannelSlots) {
        ex_.Touch(ch_.id_, Access::kWrite);  // no slot parts (footprint.h)
      } else {
        ex_.Touch(ch_.Part(ChannelPart::kSlot, ch_.sent_), Access::kWrite);
        if (ch_.sent_ >= ch_.capacity_) {
          ex_.Touch(ch_.Part(ChannelPart::kSlot, ch_.sent_ - ch_.capacity_),
                    Access::kWrite);
        }
      }
      ++ch_.sent_;
      ch_.buf_.push_back(ch_.Stamp(std::move(value_)));
    }
  }
  std::string Describe() const override {
    return "to send on '" + ex_.trace().object_name(ch_.id_) + "'";
  }
  void await_resume() const noexcept {}

 private:
  friend class Chan;
  // A receiver took the value while this sender was parked.
  Message Give() {
    matched_ = true;
    Unregister();
    return ch_.Stamp(std::move(value_));
  }
  void Unregister() {
    if (!registered_ || ex_.tearing_down()) return;
    registered_ = false;
    ex_.Touch(ch_.id_, Access::kWrite);
    std::erase(ch_.senders_, this);
  }
  Chan& ch_;
  T value_;
  bool registered_ = false;
  bool matched_ = false;
};

template <typename T>
class Chan<T>::RecvOp : public internal::Op {
 public:
  explicit RecvOp(Chan& ch)
      : Op(ch.ex_, OpKind::kRecv, ch.id_, Access::kWrite), ch_(ch) {
    if (!ch.unbuffered()) footprint_object_ = ch.Part(ChannelPart::kRecvSide);
  }
  ~RecvOp() override { Unregister(); }
  void await_suspend(std::coroutine_handle<> h) {
    if (ch_.unbuffered()) {
      // A parked receiver lets the other side go on: that is a write.
      ex_.Touch(ch_.id_, Access::kWrite);
      ch_.receivers_.push_back(this);
      registered_ = true;
    }
    ex_.Park(this, h);
  }
  bool Ready() const override {
    if (got_.has_value() || ch_.closed_) return true;
    if (ch_.unbuffered()) return !ch_.senders_.empty();
    return !ch_.buf_.empty();
  }
  void Fire() override {
    if (got_.has_value()) return;
    Unregister();
    if (ch_.unbuffered() && !ch_.senders_.empty()) {
      Take(ch_.senders_.front()->Give());
    } else if (!ch_.buf_.empty()) {
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
    Unregister();
    ch_.Deliver(m);
    got_.emplace(std::move(m));
  }
  void Unregister() {
    if (!registered_ || ex_.tearing_down()) return;
    registered_ = false;
    ex_.Touch(ch_.id_, Access::kWrite);
    std::erase(ch_.receivers_, this);
  }
  Chan& ch_;
  std::optional<Message> got_;
  bool registered_ = false;
};

}  // namespace sim

#endif  // DSIM_SIM_CHAN_H_
