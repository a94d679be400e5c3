// properties/drive_choice_test.cc: `dsim drive`'s choices depend only on the
// seed and the (sorted) pending labels; pct favours one actor until a change
// point; a replay follows its list and names the first step it cannot; and
// DriveCapable refuses what the Docker API cannot drive.
#include "properties/drive_choice.h"

#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "properties/drive_api.h"
#include "properties/drive_run.h"
#include "properties/scenario.h"

namespace properties {
namespace {

const std::vector<std::string> kPending = {
    "call a #1 INSPECT", "event /tasks/exit c1 #1", "exit c1 #1",
    "rpc Tasks/Kill c1 #1"};

std::vector<std::string> Picks(const std::string& strategy, uint64_t seed) {
  DriveChoice c(strategy, seed, 3, {});
  std::vector<std::string> out;
  for (int i = 0; i < 20; ++i) out.push_back(*c.Pick(kPending));
  return out;
}

TEST(DriveChoiceTest, SameSeedSameChoices) {
  for (const char* s : {"random", "pct"}) {
    EXPECT_EQ(Picks(s, 7), Picks(s, 7)) << s;
  }
}

TEST(DriveChoiceTest, RandomReachesEveryPendingStep) {
  std::set<std::string> seen;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    for (const std::string& p : Picks("random", seed)) seen.insert(p);
  }
  EXPECT_EQ(seen.size(), kPending.size());
}

TEST(DriveChoiceTest, PctKeepsItsFavouriteActorAcrossOrdinals) {
  // The same actors, later ordinals: the favourite stays (no change point
  // with depth 1).
  DriveChoice c("pct", 3, 1, {});
  const std::string first = *c.Pick(kPending);
  std::vector<std::string> later;
  for (const std::string& p : kPending) {
    later.push_back(p.substr(0, p.rfind(" #")) + " #2");
  }
  EXPECT_EQ(*c.Pick(later), first.substr(0, first.rfind(" #")) + " #2");
}

TEST(DriveChoiceTest, ReplayFollowsAndNamesTheFirstMissingStep) {
  DriveChoice c("pct", 1, 3, {"exit c1 #1", "rpc Tasks/Delete c1 #1"});
  EXPECT_FALSE(c.Awaits(kPending));
  EXPECT_EQ(*c.Pick(kPending), "exit c1 #1");
  EXPECT_TRUE(c.Awaits(kPending));
  absl::StatusOr<std::string> next = c.Pick(kPending);
  ASSERT_FALSE(next.ok());
  EXPECT_NE(next.status().message().find(
                "step 1: the recording released 'rpc Tasks/Delete c1 #1'"),
            std::string::npos)
      << next.status();
}

TEST(DriveCapableTest, RefusesWhatTheApiCannotDrive) {
  auto capable = [](const std::string& text) {
    absl::StatusOr<dsim::scenario::Scenario> s =
        ParseScenario(text, "t.textproto");
    EXPECT_TRUE(s.ok()) << s.status();
    return DriveCapable(*s);
  };
  EXPECT_TRUE(capable(R"(container { id: "c1" args: ["run"] started: true }
      client { call { op: STOP container: "c1" } })")
                  .ok());
  // Daemon restarts, containerd restarts, kills behind the daemon's back,
  // late OOMs, shim deaths and the gate's faults (exec-start-fails too) are
  // driven.
  EXPECT_TRUE(capable(R"(live_restore: true
      container { id: "c1" args: ["run"] started: true }
      event { kind: DAEMON_RESTART after_ms: 1 }
      event { kind: DAEMON_SHUTDOWN after_ms: 2 }
      event { kind: KILL_PROCESS after_ms: 3 container: "c1" }
      event { kind: OOM after_ms: 4 container: "c1" }
      event { kind: SHIM_DIES after_ms: 5 container: "c1" }
      event { kind: CONTAINERD_RESTART after_ms: 6 }
      faults { reply_lost: 0.1 force { point: "rpc-unavailable" } })")
                  .ok());
  absl::Status stale =
      capable(R"(container { id: "c1" args: ["run"] created: true
      stale_in_containerd: true }
      client { call { op: INSPECT container: "c1" } })");
  EXPECT_EQ(stale.message(),
            "scenario t: dsim drive cannot run stale_in_containerd");
  EXPECT_TRUE(capable(R"(container { id: "c1" args: ["run"] started: true }
      client { call { op: INSPECT container: "c1" } }
      faults { exec_start_fails: 0.5 force { point: "exec-start-fails" } })")
                  .ok());
  EXPECT_TRUE(capable(R"(container { id: "c1" args: ["run"] started: true
      restart: RESTART_ALWAYS } client { call { op: INSPECT container: "c1" } })")
                  .ok());
  EXPECT_TRUE(capable(R"(container { id: "c1" args: ["run"] started: true }
      client { call { op: WAIT_UNTIL container: "c1" expect { running: false } } })")
                  .ok());
  // A client going away from its attached exec start is a step.
  EXPECT_TRUE(capable(R"(container { id: "c1" args: ["run"] started: true }
      client { call { op: EXEC_CREATE container: "c1" exec: "e1" args: ["run"] }
               call { op: EXEC_START exec: "e1" cancel_after_ms: 5 } })")
                  .ok());
  // A container's cat reads the stdin FIFO dockerd holds open; an exec's
  // would have none.
  EXPECT_TRUE(capable(R"(container { id: "c1" args: ["cat", "9"] started: true }
      client { call { op: STOP container: "c1" } })")
                  .ok());
  EXPECT_FALSE(capable(R"(container { id: "c1" args: ["run"] started: true }
      client { call { op: EXEC_CREATE container: "c1" exec: "e1" args: ["/bin/cat"] } })")
                   .ok());
  // pending_at_ms is virtual time: driven, it is not checked (below), and the
  // scenario still runs.
  EXPECT_TRUE(capable(R"(container { id: "c1" args: ["run"] started: true }
      client { call { op: WAIT container: "c1" expect { pending_at_ms: 5 } } })")
                  .ok());
}

TEST(DriveCapableTest, ExpectationsApplyOnlyWithoutVirtualTime) {
  auto applies = [](const std::string& text) {
    absl::StatusOr<dsim::scenario::Scenario> s =
        ParseScenario(text, "t.textproto");
    EXPECT_TRUE(s.ok()) << s.status();
    return ExpectationsApply(*s);
  };
  EXPECT_TRUE(
      applies(R"(container { id: "c1" args: ["exit", "3"] started: true }
      client { call { op: INSPECT container: "c1" } })"));
  EXPECT_FALSE(applies(R"(container { id: "c1" args: ["run"] started: true }
      client { call { op: SLEEP timeout_ms: 10 } })"));
  EXPECT_FALSE(applies(R"(container { id: "c1" args: ["run"] started: true }
      event { kind: KILL_PROCESS after_ms: 10 container: "c1" })"));
  EXPECT_FALSE(
      applies(R"(container { id: "c1" args: ["exit", "3", "50"] started: true }
      client { call { op: INSPECT container: "c1" } })"));
  EXPECT_FALSE(
      applies(R"(container { id: "c1" args: ["oom", "50"] started: true }
      client { call { op: INSPECT container: "c1" } })"));
  EXPECT_FALSE(applies(R"(container { id: "c1" args: ["run"] started: true }
      client { call { op: WAIT container: "c1" expect { pending_at_ms: 5 } } })"));
}

// A container whose program reads stdin is created with OpenStdin, so that
// dockerd hands its task a stdin FIFO (docker create -i); others are not.
TEST(DriveApiTest, ACatContainerIsCreatedWithOpenStdin) {
  auto body = [](const char* program) {
    dsim::scenario::Call c;
    c.set_op(dsim::scenario::CREATE);
    c.set_container("c1");
    c.add_args(program);
    c.add_args("7");
    std::optional<ApiRequest> r = ApiRequestOf(c, {});
    EXPECT_TRUE(r.has_value());
    return r.has_value() ? r->body : "";
  };
  EXPECT_NE(body("/bin/cat").find("\"OpenStdin\":true"), std::string::npos)
      << body("/bin/cat");
  EXPECT_EQ(body("exit").find("OpenStdin"), std::string::npos) << body("exit");
}

}  // namespace
}  // namespace properties
