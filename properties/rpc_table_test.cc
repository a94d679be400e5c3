// The measured table equals moby-daemon.md §2 for the rows the daemon model
// has.
#include "properties/rpc_table.h"

#include <gtest/gtest.h>

#include <map>

namespace properties {
namespace {

using daemon_core::libcontainerd::Design;
using V = std::vector<std::string>;

std::map<std::string, V> Short(Design d) {
  std::map<std::string, V> out;
  for (const RpcRow& r : MeasureRpcs(d)) {
    V s;
    for (const std::string& m : r.rpcs) s.push_back(m.substr(m.rfind('.') + 1));
    out[r.operation] = s;
  }
  return out;
}

TEST(RpcTableTest, MatchesTheReference) {
  const std::map<std::string, V> legacy = Short(Design::kLegacy);
  const std::map<std::string, V> objects = Short(Design::kObjects);
  EXPECT_EQ(objects.at("start"),
            (V{"Leases/Create", "Containers/Create", "Leases/Delete",
               "Containers/Get", "Tasks/Create", "Tasks/Start"}));
  EXPECT_EQ(legacy.at("start"),
            (V{"Leases/Create", "Containers/Create", "Leases/Delete",
               "Containers/Get", "Containers/Get", "Containers/Get",
               "Containers/Get", "Tasks/Create", "Tasks/Start"}));
  EXPECT_EQ(objects.at("exec start"),
            (V{"Containers/Get", "Tasks/Exec", "Tasks/Start"}));
  EXPECT_EQ(legacy.at("exec start"),
            (V{"Containers/Get", "Containers/Get", "Containers/Get",
               "Tasks/Get", "Containers/Get", "Tasks/Exec", "Tasks/Start"}));
  EXPECT_EQ(objects.at("kill"), (V{"Tasks/Kill"}));
  EXPECT_EQ(objects.at("pause"), (V{"Tasks/Pause"}));
  EXPECT_EQ(legacy.at("pause"),
            (V{"Containers/Get", "Tasks/Get", "Tasks/Pause"}));
  EXPECT_EQ(objects.at("unpause"), (V{"Tasks/Resume"}));
  EXPECT_EQ(legacy.at("unpause"),
            (V{"Containers/Get", "Tasks/Get", "Tasks/Resume"}));
  EXPECT_EQ(legacy.at("kill"),
            (V{"Containers/Get", "Tasks/Get", "Tasks/Kill"}));
  EXPECT_EQ(objects.at("init exit event (until wait returns)"),
            (V{"Tasks/Get", "Tasks/Delete", "Tasks/Get", "Containers/Get",
               "Containers/Delete"}));
  EXPECT_EQ(objects.at("exec exit event (until the process is deleted)"),
            (V{"Tasks/Get", "Tasks/DeleteProcess"}));
  for (const char* none :
       {"create", "inspect", "exec create", "exec inspect"}) {
    EXPECT_TRUE(objects.at(none).empty()) << none;
    EXPECT_TRUE(legacy.at(none).empty()) << none;
  }
}

TEST(RpcTableTest, IsTheSameEveryTime) {
  EXPECT_EQ(Short(Design::kObjects), Short(Design::kObjects));
}

}  // namespace
}  // namespace properties
