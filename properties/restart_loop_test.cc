// A restart loop never settles. The run still ends once its checks are done,
// the daemon's backoff grows as moby's does, and a stop during a long backoff
// ends the loop at once (the cancel wakes the restart goroutine), while a
// kill as the backoff ends may not prevent the restart (moby decides at the
// timer).
#include <gtest/gtest.h>

#include <string>

#include "properties/scenario.h"
#include "properties/scenario_run.h"
#include "sim/prng.h"
#include "sim/run.h"
#include "sim/strategy_pct.h"
#include "sim/strategy_random.h"

namespace properties {
namespace {

using daemon_core::libcontainerd::Design;

// Runs `text` under 20 schedules per design; every run must complete, in
// fewer than `max_steps` steps.
void ExpectEveryRunCompletes(const std::string& text, uint64_t max_steps) {
  absl::StatusOr<dsim::scenario::Scenario> s =
      ParseScenario(text, "restart-loop.textproto");
  ASSERT_TRUE(s.ok()) << s.status();
  for (Design design : {Design::kLegacy, Design::kObjects}) {
    sim::Setup program = ScenarioProgram(*s, RunConfig{.design = design});
    for (uint64_t i = 0; i < 20; ++i) {
      sim::ExecutorOptions o;
      o.seed = sim::Mix64(i);
      o.max_steps = max_steps;
      sim::RandomStrategy random;
      sim::PctStrategy pct(sim::PctOptions{.depth = 3, .steps_hint = 200});
      sim::Strategy& strategy =
          i % 2 == 0 ? static_cast<sim::Strategy&>(pct) : random;
      const sim::RunResult r = sim::RunOnce(o, strategy, program).result;
      EXPECT_EQ(r.outcome, sim::RunOutcome::kCompleted)
          << "seed " << o.seed << ": "
          << (r.violation ? r.violation->invariant + ": " + r.violation->message
                          : std::string(sim::RunOutcomeName(r.outcome)));
    }
  }
}

// A waiter for a removal nobody makes is given up after a minute; the
// container restarts all along. Before the run ended with its checks, it went
// on restarting until a budget stopped it.
TEST(RestartLoopTest, RunEndsWhenItsChecksAreDone) {
  ExpectEveryRunCompletes(R"pb(
    container {
      id: "c1"
      args: [ "exit", "0", "0" ]
      restart: RESTART_ALWAYS
      started: true
    }
    client {
      call { op: WAIT container: "c1" condition: REMOVED }
      call { op: KILL container: "c1" signal: 15 }
      call { op: START container: "c1" }
    }
  )pb",
                          /*max_steps=*/200000);
}

// After 30 s of exits the backoff is 25.6 s; the stop cancels the restart
// manager, which must stop the container at once, not when the backoff ends
// (after the stop's timeout and its SIGKILL wait: "did not exit").
TEST(RestartLoopTest, StopDuringALongBackoffEndsTheLoopAtOnce) {
  ExpectEveryRunCompletes(R"pb(
    container {
      id: "c1"
      args: [ "exit", "3", "0" ]
      restart: RESTART_ALWAYS
      started: true
    }
    client {
      call { op: SLEEP timeout_ms: 30000 }
      call {
        op: STOP
        container: "c1"
        timeout_ms: 100
        expect { error: OK }
      }
      call {
        op: INSPECT
        container: "c1"
        expect { error: OK status: "exited" exit_code: 3 restarting: false }
      }
    }
  )pb",
                          /*max_steps=*/200000);
}

// moby's restart manager decides when its backoff timer fires (it closes the
// channel the restart goroutine waits on): a kill answered after that, before
// the goroutine takes the container lock, does not prevent the restart. Some
// schedule of a kill at the timer's instant shows the container running after
// the kill returned, and the model accepts it: the only violation is the
// scenario's expectation of a stopped container.
TEST(RestartLoopTest, KillAsTheBackoffEndsMayNotPreventTheRestart) {
  absl::StatusOr<dsim::scenario::Scenario> s =
      ParseScenario(R"pb(
                      container {
                        id: "c1"
                        args: [ "exit", "1", "10" ]
                        restart: RESTART_ALWAYS
                        created: true
                        started: true
                      }
                      client {
                        call { op: SLEEP timeout_ms: 110 }
                        call {
                          op: KILL
                          container: "c1"
                          expect { error: OK }
                        }
                        call { op: SLEEP timeout_ms: 5 }
                        call {
                          op: INSPECT
                          container: "c1"
                          expect { running: false }
                        }
                      }
                    )pb",
                    "kill-at-timer");
  ASSERT_TRUE(s.ok()) << s.status();
  for (Design design : {Design::kLegacy, Design::kObjects}) {
    sim::Setup program = ScenarioProgram(*s, RunConfig{.design = design});
    int restarted = 0;
    for (uint64_t i = 0; i < 200; ++i) {
      sim::ExecutorOptions o;
      o.seed = sim::Mix64(i);
      o.max_steps = 200000;
      sim::RandomStrategy random;
      const sim::RunResult r = sim::RunOnce(o, random, program).result;
      if (r.outcome == sim::RunOutcome::kCompleted) continue;
      ASSERT_TRUE(r.violation.has_value()) << sim::RunOutcomeName(r.outcome);
      EXPECT_EQ(r.violation->invariant, "expectation") << r.violation->message;
      EXPECT_NE(r.violation->message.find("Running is true"), std::string::npos)
          << r.violation->message;
      ++restarted;
    }
    EXPECT_GT(restarted, 0) << "no schedule restarted the killed container";
  }
}

}  // namespace
}  // namespace properties

