#include "tools/runtime_demo.h"

#include <memory>

#include "sim/executor.h"
#include "sim/mutex.h"
#include "sim/tracked.h"

namespace dsim {

namespace {

struct Counter {
  explicit Counter(sim::Executor& ex)
      : mu(ex, "counter lock"), value(ex, "counter", 0) {}
  sim::Mutex mu;
  sim::Tracked<int> value;
};

sim::Task<void> Worker(sim::Executor& ex, Counter& c, bool lock) {
  if (lock) co_await c.mu.Lock();
  int v = c.value.Get();
  co_await ex.Yield();  // the window a missing lock exposes
  c.value.Set(v + 1);
  if (lock) c.mu.Unlock();
}

}  // namespace

sim::Setup RuntimeDemo(DemoOptions options, std::string* violation) {
  return [options, violation](sim::Executor& ex) -> std::shared_ptr<void> {
    auto c = std::make_shared<Counter>(ex);
    for (int i = 0; i < options.workers; ++i) {
      ex.Spawn("worker-" + std::to_string(i + 1),
               Worker(ex, *c, !options.lost_update));
    }
    // The end-of-run check runs when the state is released, after every frame
    // is gone.
    return std::shared_ptr<void>(c.get(), [c, options, violation](void*) {
      if (c->value.Peek() != options.workers) {
        *violation = "counter is " + std::to_string(c->value.Peek()) +
                     " after " + std::to_string(options.workers) +
                     " increments";
      }
    });
  };
}

}  // namespace dsim
