#include "daemon_core/exec_store.h"

#include <gtest/gtest.h>

#include "sim/run.h"
#include "sim/strategy_dfs.h"
#include "sim/strategy_random.h"

namespace daemon_core {
namespace {

TEST(ExecStoreTest, AddGetListDelete) {
  sim::RandomStrategy strategy;
  sim::Executor ex({}, strategy);
  ExecStore store(ex, "c1");
  std::vector<std::string> listed;
  bool found_after_delete = true;
  ex.Spawn("client",
           [](sim::Executor& e, ExecStore& s, std::vector<std::string>* l,
              bool* found) -> sim::Task<void> {
             for (const char* id : {"e2", "e1"}) {
               std::vector<std::string> args{"true"};
               co_await s.Add(
                   std::make_shared<ExecConfig>(e, id, "c1", std::move(args)));
             }
             *l = co_await s.List();
             co_await s.Delete("e1");
             *found = (co_await s.Get("e1")) != nullptr;
           }(ex, store, &listed, &found_after_delete));
  ASSERT_EQ(ex.Run().outcome, sim::RunOutcome::kCompleted);
  EXPECT_EQ(listed, (std::vector<std::string>{"e1", "e2"}));
  EXPECT_FALSE(found_after_delete);
  EXPECT_EQ(store.PeekSize(), 1u);
}

TEST(ExecStoreTest, HoldingTheStoreLockAcrossAnRpcIsReported) {
  sim::RandomStrategy strategy;
  sim::Executor ex({}, strategy);
  ExecStore store(ex, "c1");
  sim::ObjectId rpc = ex.NewObject("/containerd.services.tasks.v1.Tasks/Exec");
  ex.Spawn(
      "legacy-exec-start",
      [](sim::Executor& e, ExecStore& s, sim::ObjectId m) -> sim::Task<void> {
        co_await s.mutex_for_legacy_exec_start().Lock();
        co_await e.Point(sim::OpKind::kRpcSend, m, sim::Access::kWrite);
        s.mutex_for_legacy_exec_start().Unlock();
      }(ex, store, rpc));
  sim::RunResult r = ex.Run();
  ASSERT_EQ(r.outcome, sim::RunOutcome::kViolation);
  EXPECT_EQ(r.violation->invariant, "lock-held-across-rpc");
  EXPECT_NE(r.violation->message.find("'c1 ExecStore lock'"),
            std::string::npos);
  ex.DestroyAllTasks();
}

TEST(ExecConfigTest, ReadingRunningWithoutTheExecLockRaces) {
  // The exit handler writes under the lock; an unlocked reader (the
  // pre-a09f8dbe exec inspect) races with it in every schedule, a locked reader
  // in none.
  for (bool locked_reader : {true, false}) {
    sim::DfsStrategy dfs;
    sim::DfsReport report = sim::ExploreDfs(
        {}, dfs, [locked_reader](sim::Executor& ex) -> std::shared_ptr<void> {
          std::vector<std::string> args{"sleep"};
          auto ec =
              std::make_shared<ExecConfig>(ex, "e1", "c1", std::move(args));
          ex.Spawn("exit-handler", [](ExecConfig& c) -> sim::Task<void> {
            co_await c.mu.Lock();
            c.exit_code.Set(0);
            c.running.Set(false);
            c.mu.Unlock();
          }(*ec));
          ex.Spawn("exec-inspect",
                   [](ExecConfig& c, bool lock) -> sim::Task<void> {
                     if (lock) co_await c.mu.Lock();
                     (void)c.running.Get();
                     if (lock) c.mu.Unlock();
                   }(*ec, locked_reader));
          return ec;
        });
    if (locked_reader) {
      EXPECT_FALSE(report.failure.has_value());
    } else {
      ASSERT_TRUE(report.failure.has_value());
      EXPECT_EQ(report.failure->result.violation->invariant, "data-race");
      EXPECT_NE(
          report.failure->result.violation->message.find("'exec e1 Running'"),
          std::string::npos);
    }
  }
}

}  // namespace
}  // namespace daemon_core
