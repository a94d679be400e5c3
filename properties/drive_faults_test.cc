// properties/drive_faults_test.cc: the faults `dsim drive` draws for the
// requests it releases: none without fault settings or for non-requests,
// forced ones first and only for their method, none on dockerd's kill path,
// the same draws for the same seed, and a decision's fault split off.
#include "properties/drive_faults.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace properties {
namespace {

namespace sc = ::dsim::scenario;

TEST(DriveFaultsTest, NoneWithoutSettings) {
  DriveFaults f(sc::Faults(), 1);
  EXPECT_FALSE(f.enabled());
  EXPECT_EQ(f.Draw("rpc Tasks/Start c1 #1"), "");
}

TEST(DriveFaultsTest, ForcedFirstForTheirMethodOnly) {
  sc::Faults s;
  sc::ForcedFault* ff = s.add_force();
  ff->set_point("reply-lost");
  ff->set_method("/containerd.services.containers.v1.Containers/Create");
  ff->set_count(2);
  DriveFaults f(s, 1);
  EXPECT_TRUE(f.enabled());
  EXPECT_EQ(f.Draw("rpc Tasks/Start c1 #1"), "");
  EXPECT_EQ(f.Draw("event /tasks/exit c1 #1"), "");
  EXPECT_EQ(f.Draw("rpc Containers/Create c1 #1"), "reply-lost");
  EXPECT_EQ(f.Draw("rpc Containers/Create c1 #2"), "reply-lost");
  EXPECT_EQ(f.Draw("rpc Containers/Create c1 #3"), "");
}

TEST(DriveFaultsTest, NotOnTheKillPath) {
  sc::Faults s;
  s.set_rpc_unavailable(1.0);
  DriveFaults f(s, 1);
  EXPECT_EQ(f.Draw("rpc Tasks/Kill c1 #1"), "");
  EXPECT_EQ(f.Draw("rpc Tasks/Get c1 #1"), "");
  EXPECT_EQ(f.Draw("rpc Containers/Get c1 #1"), "");
  EXPECT_EQ(f.Draw("rpc Tasks/Delete c1 #1"), "rpc-unavailable");
}

TEST(DriveFaultsTest, SameSeedSameDraws) {
  sc::Faults s;
  s.set_reply_lost(0.3);
  s.set_reply_delayed(0.3);
  auto draws = [&s](uint64_t seed) {
    DriveFaults f(s, seed);
    std::vector<std::string> out;
    for (int i = 0; i < 64; ++i) out.push_back(f.Draw("rpc Tasks/Start c1"));
    return out;
  };
  const std::vector<std::string> a = draws(7);
  EXPECT_EQ(a, draws(7));
  EXPECT_NE(std::count(a.begin(), a.end(), "reply-lost"), 0);
  EXPECT_NE(std::count(a.begin(), a.end(), "reply-delayed"), 0);
  EXPECT_NE(std::count(a.begin(), a.end(), ""), 0);
}

TEST(DriveFaultsTest, SplitsADecision) {
  EXPECT_EQ(DriveFaults::Split("rpc Tasks/Start c1 #1 !reply-lost"),
            (std::pair<std::string, std::string>{"rpc Tasks/Start c1 #1",
                                                 "reply-lost"}));
  EXPECT_EQ(DriveFaults::Split("call a #1 KILL"),
            (std::pair<std::string, std::string>{"call a #1 KILL", ""}));
}

TEST(DriveFaultsTest, AFailedCallNamesItsContainerAndMethod) {
  using Call = std::pair<std::string, std::string>;
  EXPECT_EQ(DriveFaults::FailedCall("rpc Tasks/Delete c1 #2 !rpc-unavailable"),
            (Call{"c1", "rpc-unavailable Tasks/Delete"}));
  EXPECT_EQ(
      DriveFaults::FailedCall("rpc Tasks/DeleteProcess c1/e1 !reply-lost"),
      (Call{"c1", "reply-lost Tasks/DeleteProcess"}));
  EXPECT_EQ(DriveFaults::FailedCall("rpc Version/Version #1 !reply-lost"),
            (Call{"", "reply-lost Version/Version"}));
  // A delay fails nothing; an exec's start failing is its own outcome.
  EXPECT_EQ(DriveFaults::FailedCall("rpc Tasks/Delete c1 #1 !reply-delayed"),
            std::nullopt);
  EXPECT_EQ(
      DriveFaults::FailedCall("rpc Tasks/Start c1/e1 #1 !exec-start-fails"),
      std::nullopt);
  EXPECT_EQ(DriveFaults::FailedCall("rpc Tasks/Delete c1 #1"), std::nullopt);
  EXPECT_EQ(DriveFaults::FailedCall("exit c1 !rpc-unavailable"), std::nullopt);
}

TEST(DriveFaultsTest, ExecStartFailsOnlyOnAnExecsStart) {
  sc::Faults forced;
  sc::ForcedFault* ff = forced.add_force();
  ff->set_point("exec-start-fails");
  ff->set_method("/containerd.services.tasks.v1.Tasks/Start");
  DriveFaults f(forced, 1);
  EXPECT_TRUE(f.enabled());
  // An init's start is not an exec's: the forced fault waits.
  EXPECT_EQ(f.Draw("rpc Tasks/Start c1 #1"), "");
  EXPECT_EQ(f.Draw("rpc Tasks/Exec c1/e1 #1"), "");
  EXPECT_EQ(f.Draw("rpc Tasks/Start c1/e1 #1"), "exec-start-fails");
  EXPECT_EQ(f.Draw("rpc Tasks/Start c1/e2 #1"), "");  // count 1: spent

  sc::Faults always;
  always.set_exec_start_fails(1.0);
  DriveFaults g(always, 1);
  EXPECT_TRUE(g.enabled());
  EXPECT_EQ(g.Draw("rpc Tasks/Start c1 #1"), "");
  EXPECT_EQ(g.Draw("rpc Tasks/Start c1/e1 #1"), "exec-start-fails");
}

}  // namespace
}  // namespace properties
