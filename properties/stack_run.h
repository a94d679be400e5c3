// properties/stack_run.h: one simulated run of a client body on a whole stack
// (properties::Stack), for the daemon tests that drive the stack by hand.
#ifndef DSIM_PROPERTIES_STACK_RUN_H_
#define DSIM_PROPERTIES_STACK_RUN_H_

#include <functional>
#include <memory>
#include <string>

#include "daemon_core/mutation.h"
#include "properties/stack.h"
#include "sim/executor.h"
#include "sim/strategy_random.h"

namespace properties {

struct RunSpec {
  daemon_core::libcontainerd::Design design =
      daemon_core::libcontainerd::Design::kObjects;
  daemon_core::Mutation mutation = daemon_core::Mutation::kNone;
  bool live_restore = false;
  uint64_t seed = 0;
  bool fire_timers_early = false;
};

using Body = std::function<sim::Task<void>(Stack&)>;

// A client's body, run once dockerd would serve its API: after the event
// monitor subscribed (daemon.h). A client that called earlier could start and
// kill a container whose exit event no subscriber ever sees, then wait for it
// while another task spins at the same virtual time: a livelock no dockerd
// has.
template <typename F>
sim::Task<void> AsClient(Stack& w, F body) {
  co_await w.daemon->EventMonitorReady();
  co_await body(w);
}

// One run of `body` as the client, under a random schedule; `after` looks at
// the stack once the run ended, while its executor is still there (the fake
// containerd's reads record footprints in it).
inline sim::RunResult RunWorld(const RunSpec& spec, const Body& body,
                               const std::function<void(Stack&)>& after = {}) {
  sim::ExecutorOptions o;
  o.seed = spec.seed;
  o.fire_timers_early = spec.fire_timers_early;
  sim::RandomStrategy strategy;
  std::unique_ptr<Stack> w;  // outlives the executor, as in sim::RunOnce
  sim::Executor ex(o, strategy);
  w = std::make_unique<Stack>(ex, spec.design, spec.mutation,
                              spec.live_restore);
  ex.Spawn("client", AsClient(*w, body));
  const sim::RunResult result = ex.Run();
  if (after) after(*w);
  ex.DestroyAllTasks();
  return result;
}

// The violation of a run, or "" when it had none.
inline std::string Describe(const sim::RunResult& r) {
  return r.violation ? r.violation->invariant + ": " + r.violation->message
                     : "";
}

}  // namespace properties

#endif  // DSIM_PROPERTIES_STACK_RUN_H_
