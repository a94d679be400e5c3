// daemon_core/context.h: a request's cancellable context (Go's ctx.Done()), as
// an attached `docker exec` sees it when its client goes away.
//
// A waiter that must wake on either its own event or the cancellation passes
// one sim::Notify to Watch(): Cancel() fires it.
#ifndef DSIM_DAEMON_CORE_CONTEXT_H_
#define DSIM_DAEMON_CORE_CONTEXT_H_

#include <algorithm>
#include <vector>

#include "sim/notify.h"

namespace daemon_core {

class Context {
 public:
  Context() = default;
  // Cancel, Watch and cancelled() touch `object` in the running step's
  // footprint (partial-order reduction: a cancel and a watch are dependent).
  Context(sim::Executor& ex, sim::ObjectId object) : ex_(&ex), id_(object) {}
  void Cancel() {
    Touch(sim::Access::kWrite);
    cancelled_ = true;
    for (sim::Notify* n : watchers_) n->Fire();
  }
  bool cancelled() const {
    Touch(sim::Access::kRead);
    return cancelled_;
  }

  // `n` must stay alive until Unwatch(n).
  void Watch(sim::Notify* n) {
    Touch(sim::Access::kWrite);
    watchers_.push_back(n);
    if (cancelled_) n->Fire();
  }
  void Unwatch(sim::Notify* n) {
    Touch(sim::Access::kWrite);
    watchers_.erase(std::remove(watchers_.begin(), watchers_.end(), n),
                    watchers_.end());
  }

 private:
  void Touch(sim::Access a) const {
    if (ex_ != nullptr) ex_->Touch(id_, a);
  }
  sim::Executor* ex_ = nullptr;
  sim::ObjectId id_ = sim::kNoObject;
  bool cancelled_ = false;
  std::vector<sim::Notify*> watchers_;
};

}  // namespace daemon_core

#endif  // DSIM_DAEMON_CORE_CONTEXT_H_
