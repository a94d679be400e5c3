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
  EXPECT_EQ(objects.at("exec ctx cancel (attached client goes away)"),
            (V{"Tasks/Kill"}));
  EXPECT_EQ(legacy.at("exec ctx cancel (attached client goes away)"),
            (V{"Containers/Get", "Tasks/Get", "Tasks/Get", "Tasks/Kill"}));
  // The row's "start, stale c8d container", for a task whose process died
  // (TestContainerStartOnDaemonRestart), after the failed create.
  const V failed_create{"Leases/Create", "Containers/Create", "Leases/Delete"};
  V legacy_stale = failed_create;
  for (const char* m : {"Containers/Get", "Tasks/Get", "Tasks/Get",
                        "Tasks/Delete", "Containers/Get", "Containers/Get",
                        "Tasks/Get", "Containers/Get", "Containers/Delete"}) {
    legacy_stale.push_back(m);
  }
  for (const std::string& m : legacy.at("start")) legacy_stale.push_back(m);
  EXPECT_EQ(legacy.at("start, stale containerd container, its task dead"),
            legacy_stale);
  // ForceDelete's Tasks/Wait runs in its own goroutine (the Go client's
  // process.Wait), so where it lands among Kill and Get is up to the schedule.
  V objects_stale = failed_create;
  for (const char* m :
       {"Containers/Get", "Tasks/Get", "Tasks/Kill", "Tasks/Get",
        "Tasks/Delete", "Tasks/Get", "Containers/Get", "Containers/Delete"}) {
    objects_stale.push_back(m);
  }
  for (const std::string& m : objects.at("start")) objects_stale.push_back(m);
  V measured = objects.at("start, stale containerd container, its task dead");
  EXPECT_EQ(std::erase(measured, "Tasks/Wait"), 1u);
  EXPECT_EQ(measured, objects_stale);
  // restore (§5 and the row "restore").
  for (const auto* t : {&legacy, &objects}) {
    EXPECT_EQ(t->at("restore, running (live-restore)"),
              (V{"Containers/Get", "Tasks/Get", "Tasks/Get"}));
  }
  EXPECT_EQ(
      objects.at("restore, task dead"),
      (V{"Containers/Get", "Tasks/Get", "Tasks/Get", "Tasks/Get",
         "Tasks/Delete", "Tasks/Get", "Containers/Get", "Containers/Delete"}));
  EXPECT_EQ(legacy.at("restore, task dead"),
            (V{"Containers/Get", "Tasks/Get", "Tasks/Get", "Tasks/Get",
               "Tasks/Delete", "Containers/Get", "Containers/Get", "Tasks/Get",
               "Containers/Get", "Containers/Delete"}));
  EXPECT_EQ(objects.at("restore, paused and alive (live-restore)"),
            (V{"Containers/Get", "Tasks/Get", "Tasks/Get"}));
  EXPECT_EQ(legacy.at("restore, paused and alive (live-restore)"),
            (V{"Containers/Get", "Tasks/Get", "Tasks/Get", "Containers/Get",
               "Tasks/Get", "Tasks/Get"}));
  EXPECT_EQ(objects.at("restore, containerd container gone"),
            (V{"Containers/Get"}));
  EXPECT_EQ(legacy.at("restore, containerd container gone"),
            (V{"Containers/Get", "Containers/Get"}));
  for (const char* none :
       {"create", "inspect", "exec create", "exec inspect", "rm stopped"}) {
    EXPECT_TRUE(objects.at(none).empty()) << none;
    EXPECT_TRUE(legacy.at(none).empty()) << none;
  }
}

TEST(RpcTableTest, IsTheSameEveryTime) {
  EXPECT_EQ(Short(Design::kObjects), Short(Design::kObjects));
}

}  // namespace
}  // namespace properties
