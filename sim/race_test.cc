#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "sim/chan.h"
#include "sim/executor.h"
#include "sim/mutex.h"
#include "sim/run.h"
#include "sim/strategy_dfs.h"
#include "sim/strategy_random.h"
#include "sim/tracked.h"

namespace sim {
namespace {

struct Shared {
  explicit Shared(Executor& ex)
      : mu(ex, "exec lock"), running(ex, "exec e1 Running", false) {}
  Mutex mu;
  Tracked<bool> running;
};

// Explores every schedule; returns the first violation message, or "" if none.
std::string FirstViolation(const sim::Setup& program) {
  DfsStrategy dfs;
  DfsReport r = ExploreDfs({}, dfs, program);
  EXPECT_TRUE(r.exhausted || r.failure.has_value());
  if (!r.failure) return "";
  EXPECT_EQ(r.failure->result.violation->invariant, "data-race");
  return r.failure->result.violation->message;
}

TEST(RaceTest, FlagsUnlockedWriteAndNamesBothPlaces) {
  std::string msg = FirstViolation([](Executor& ex) -> std::shared_ptr<void> {
    auto s = std::make_shared<Shared>(ex);
    ex.Spawn("exit-handler", [](Shared& sh) -> Task<void> {
      co_await sh.mu.Lock();
      sh.running.Set(false);
      sh.mu.Unlock();
    }(*s));
    ex.Spawn("exec-inspect", [](Shared& sh) -> Task<void> {
      (void)sh.running.Get();  // reads without the lock: the a09f8dbe bug
      co_return;
    }(*s));
    return s;
  });
  ASSERT_FALSE(msg.empty());
  EXPECT_NE(msg.find("'exec e1 Running'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'exit-handler' at sim/race_test.cc:"), std::string::npos)
      << msg;
  EXPECT_NE(msg.find("'exec-inspect' at sim/race_test.cc:"), std::string::npos)
      << msg;
}

TEST(RaceTest, SilentWhenAMutexOrdersTheAccesses) {
  EXPECT_EQ(FirstViolation([](Executor& ex) -> std::shared_ptr<void> {
              auto s = std::make_shared<Shared>(ex);
              for (const char* name : {"writer", "reader"}) {
                ex.Spawn(name, [](Shared& sh, bool write) -> Task<void> {
                  co_await sh.mu.Lock();
                  if (write) {
                    sh.running.Set(true);
                  } else {
                    (void)sh.running.Get();
                  }
                  sh.mu.Unlock();
                }(*s, std::string(name) == "writer"));
              }
              return s;
            }),
            "");
}

TEST(RaceTest, ChannelSpawnAndJoinCreateHappensBefore) {
  EXPECT_EQ(
      FirstViolation([](Executor& ex) -> std::shared_ptr<void> {
        struct State {
          explicit State(Executor& e) : field(e, "field", 0), ch(e, "ch", 1) {}
          Tracked<int> field;
          Chan<int> ch;
        };
        auto s = std::make_shared<State>(ex);
        ex.Spawn("parent", [](Executor& e, State& st) -> Task<void> {
          st.field.Set(1);  // before spawn: ordered with the child
          auto child = e.Spawn("child", [](State& s2) -> Task<void> {
            s2.field.Set(s2.field.Get() + 1);
            co_await s2.ch.Send(0);  // send -> receive orders the next write
          }(st));
          co_await st.ch.Recv();
          st.field.Set(st.field.Get() + 1);
          co_await e.Join(child);  // join: the child's accesses are done
          st.field.Set(st.field.Get() + 1);
        }(ex, *s));
        return s;
      }),
      "");
}

// An unbuffered channel's rendezvous orders what the sender did before it
// with what the receiver does after it, whichever of the two came first and
// whichever made the match (each order is one of dfs's schedules).
TEST(RaceTest, AnUnbufferedRendezvousOrdersTheSendBeforeTheReceive) {
  EXPECT_EQ(FirstViolation([](Executor& ex) -> std::shared_ptr<void> {
              struct State {
                explicit State(Executor& e)
                    : field(e, "field", 0), ch(e, "ch") {}
                Tracked<int> field;
                Chan<int> ch;
              };
              auto s = std::make_shared<State>(ex);
              ex.Spawn("sender", [](State& st) -> Task<void> {
                st.field.Set(1);
                co_await st.ch.Send(1);
              }(*s));
              ex.Spawn("receiver", [](State& st) -> Task<void> {
                co_await st.ch.Recv();
                st.field.Set(st.field.Get() + 1);
              }(*s));
              return s;
            }),
            "");
}

TEST(RaceTest, WriteWriteWithoutSyncIsFlagged) {
  std::string msg = FirstViolation([](Executor& ex) -> std::shared_ptr<void> {
    auto s = std::make_shared<Shared>(ex);
    for (const char* name : {"a", "b"}) {
      ex.Spawn(name, [](Shared& sh) -> Task<void> {
        sh.running.Set(true);
        co_return;
      }(*s));
    }
    return s;
  });
  EXPECT_NE(msg.find("write/write race"), std::string::npos) << msg;
}

}  // namespace
}  // namespace sim
