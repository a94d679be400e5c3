#include "sim/notify.h"

#include <algorithm>

namespace sim {

void Notify::Fire() {
  ex_.Touch(id_, Access::kWrite);
  ex_.ReleaseClock(clock_);
  if (fired_) return;
  fired_ = true;
  ex_.Record(EventKind::kSend, id_, 0);
}

std::string Notify::WaitOp::Describe() const {
  std::string s = "to be notified by '" + ex_.trace().object_name(n_.id_) + "'";
  if (deadline_ != kNever)
    s += " or until t=" + std::to_string(deadline_) + "ns";
  return s;
}

class Cond::TicketOp : public internal::Op {
 public:
  TicketOp(Cond& c, uint64_t ticket)
      : Op(c.ex_, OpKind::kWait, c.id_, Access::kRead),
        c_(c),
        ticket_(ticket) {}
  ~TicketOp() override {
    if (consumed_ || ex_.tearing_down()) return;
    std::erase(c_.waiting_, ticket_);
    std::erase(c_.signaled_, ticket_);
  }
  bool Ready() const override {
    return std::find(c_.signaled_.begin(), c_.signaled_.end(), ticket_) !=
           c_.signaled_.end();
  }
  void Fire() override {
    consumed_ = true;
    std::erase(c_.signaled_, ticket_);
    ex_.AcquireClock(c_.clock_);
  }
  std::string Describe() const override {
    return "to be signalled on '" + ex_.trace().object_name(c_.id_) + "'";
  }
  void await_resume() const noexcept {}

 private:
  Cond& c_;
  uint64_t ticket_;
  bool consumed_ = false;
};

Task<void> Cond::Wait(Mutex& mu) {
  const uint64_t ticket = next_ticket_++;
  waiting_.push_back(ticket);
  mu.Unlock();
  co_await TicketOp(*this, ticket);
  co_await mu.Lock();
}

void Cond::Wake(uint64_t ticket) { signaled_.push_back(ticket); }

void Cond::Signal() {
  ex_.Touch(id_, Access::kWrite);
  ex_.ReleaseClock(clock_);
  if (waiting_.empty()) return;
  Wake(waiting_.front());
  waiting_.erase(waiting_.begin());
  ex_.Record(EventKind::kSend, id_, 1);
}

void Cond::Broadcast() {
  ex_.Touch(id_, Access::kWrite);
  ex_.ReleaseClock(clock_);
  for (uint64_t t : waiting_) Wake(t);
  ex_.Record(EventKind::kSend, id_, waiting_.size());
  waiting_.clear();
}

}  // namespace sim
