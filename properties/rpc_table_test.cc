// What the simulated daemon issues for each row of the RPC table equals the
// row's expectation, for both designs: legacy's rows are the real dockerd
// 20.10.24's (reference/dockerd-20.10.md), objects' PR #43564's.
#include "properties/rpc_table.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <set>

#include "daemon_core/daemon.h"

namespace properties {
namespace {

using daemon_core::libcontainerd::Design;

class RpcTableTest : public testing::TestWithParam<Design> {};

TEST_P(RpcTableTest, EveryRowIssuesWhatItExpects) {
  const std::vector<RpcRow> rows = MeasureRpcs(GetParam());
  ASSERT_GE(rows.size(), 30u);
  std::set<std::string> names;
  for (const RpcRow& r : rows) {
    EXPECT_TRUE(names.insert(r.operation).second) << "twice: " << r.operation;
    std::optional<std::string> mismatch = RpcRowMismatch(r);
    EXPECT_FALSE(mismatch.has_value()) << r.operation << ": " << *mismatch;
  }
}

TEST_P(RpcTableTest, IsTheSameEveryTime) {
  auto rpcs = [](const std::vector<RpcRow>& rows) {
    std::map<std::string, std::vector<std::string>> out;
    for (const RpcRow& r : rows) out[r.operation] = r.rpcs;
    return out;
  };
  EXPECT_EQ(rpcs(MeasureRpcs(GetParam())), rpcs(MeasureRpcs(GetParam())));
}

INSTANTIATE_TEST_SUITE_P(Designs, RpcTableTest,
                         testing::Values(Design::kLegacy, Design::kObjects),
                         [](const testing::TestParamInfo<Design>& p) {
                           return std::string(
                               daemon_core::libcontainerd::DesignName(p.param));
                         });

// The comparison itself: a different order, a missing call, or an `anywhere`
// call absent is a mismatch.
TEST(RpcRowMismatchTest, FailsOnAnyDifference) {
  const std::string get = "/containerd.services.tasks.v1.Tasks/Get";
  const std::string kill = "/containerd.services.tasks.v1.Tasks/Kill";
  const std::string wait = "/containerd.services.tasks.v1.Tasks/Wait";
  RpcRow row{"op", {get, wait, kill}, {get, kill}, {wait}};
  EXPECT_FALSE(RpcRowMismatch(row).has_value());
  row.rpcs = {kill, wait, get};
  EXPECT_EQ(RpcRowMismatch(row),
            "measured Tasks/Kill, Tasks/Get; expected Tasks/Get, Tasks/Kill");
  row.rpcs = {get, kill};
  EXPECT_EQ(RpcRowMismatch(row), "no " + wait + " at any place");
  row.rpcs = {get, wait};
  EXPECT_TRUE(RpcRowMismatch(row).has_value());
}

// The startup row: restore's Containers/Get between the two subscriptions and
// the versions; the handshake's Namespaces and Version only when the daemon
// makes them by default.
TEST(RpcTableTest, StartupIsDockerdsOrder) {
  for (const RpcRow& r : MeasureRpcs(Design::kLegacy)) {
    if (r.operation != "startup (one stopped container on disk)") continue;
    const bool handshake = daemon_core::Daemon::Options{}.startup_handshake;
    std::vector<std::string> expected;
    if (handshake) {
      expected.push_back("/containerd.services.namespaces.v1.Namespaces/Get");
      expected.push_back("/containerd.services.namespaces.v1.Namespaces/Get");
    }
    expected.push_back("/containerd.services.events.v1.Events/Subscribe");
    expected.push_back("/containerd.services.events.v1.Events/Subscribe");
    expected.push_back("/containerd.services.containers.v1.Containers/Get");
    if (handshake) {
      expected.push_back("/containerd.services.version.v1.Version/Version");
      expected.push_back("/containerd.services.version.v1.Version/Version");
    }
    EXPECT_EQ(r.rpcs, expected);
    return;
  }
  ADD_FAILURE() << "no startup row";
}

}  // namespace
}  // namespace properties
