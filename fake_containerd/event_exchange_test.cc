#include "fake_containerd/event_exchange.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "containerd/events/task.pb.h"
#include "fake_containerd/rpc_log.h"
#include "fake_containerd/timestamps.h"
#include "sim/strategy_random.h"

namespace fake_containerd {
namespace {

containerd::events::TaskOOM Oom(const std::string& id) {
  containerd::events::TaskOOM m;
  m.set_container_id(id);
  return m;
}

TEST(EventFilterTest, EqualityPrefixAndOr) {
  auto f = EventFilter::Parse(
      {"topic==\"/tasks/exit\"", "topic~=\"/containers/.*\",namespace==ns1"});
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_TRUE(f->Matches("any", "/tasks/exit"));
  EXPECT_FALSE(f->Matches("any", "/tasks/start"));
  EXPECT_TRUE(f->Matches("ns1", "/containers/create"));
  EXPECT_FALSE(f->Matches("ns2", "/containers/create"));
  auto unanchored = EventFilter::Parse({"topic~=exit"});
  EXPECT_TRUE(unanchored->Matches("", "/tasks/exit"));
  auto anchored = EventFilter::Parse({"topic~=^/tasks/e.it$"});
  EXPECT_TRUE(anchored->Matches("", "/tasks/exit"));
  EXPECT_FALSE(anchored->Matches("", "/tasks/exits"));
  EXPECT_TRUE(EventFilter::Parse({})->Matches("x", "/y"));
  EXPECT_TRUE(EventFilter::Parse({"namespace!=ns1"})->Matches("ns2", "/y"));
}

TEST(EventFilterTest, MobysPipeQuotedRegexp) {
  // libcontainerd subscribes with `namespace==<ns>,topic~=|^/tasks/|`.
  auto f = EventFilter::Parse({"namespace==moby,topic~=|^/tasks/|"});
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_TRUE(f->Matches("moby", "/tasks/exit"));
  EXPECT_FALSE(f->Matches("other", "/tasks/exit"));
  EXPECT_FALSE(f->Matches("moby", "/containers/create"));
  EXPECT_FALSE(EventFilter::Parse({"topic~=|^/tasks/"}).ok());  // unterminated
}

// Parsed lists are shared per thread: a list parsed again, after others
// filled and cycled the recent ones, filters alike; a bad one stays an error.
TEST(EventFilterTest, AListParsedAgainFiltersAlike) {
  const std::vector<std::string> moby = {"namespace==moby,topic~=|^/tasks/|"};
  for (int round = 0; round < 3; ++round) {
    auto f = EventFilter::Parse(moby);
    ASSERT_TRUE(f.ok()) << f.status();
    EXPECT_TRUE(f->Matches("moby", "/tasks/exit"));
    EXPECT_FALSE(f->Matches("moby", "/containers/create"));
    EXPECT_FALSE(f->Matches("other", "/tasks/exit"));
    auto bad = EventFilter::Parse({"topic~=a.*b"});
    EXPECT_FALSE(bad.ok());
    for (int i = 0; i < 10; ++i) {
      auto other = EventFilter::Parse({"namespace==ns" + std::to_string(i)});
      ASSERT_TRUE(other.ok());
      EXPECT_TRUE(other->Matches("ns" + std::to_string(i), "/tasks/exit"));
      EXPECT_FALSE(other->Matches("moby", "/tasks/exit"));
    }
  }
}

TEST(EventFilterTest, UnsupportedFormsAreInvalidArgument) {
  for (std::string bad : {"event.container_id==c1", "topic~=/tasks/(exit|oom)",
                          "topic~=a.*b", "==x", "topic==\"open"}) {
    auto f = EventFilter::Parse({bad});
    ASSERT_FALSE(f.ok()) << bad;
    EXPECT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(std::string(f.status().message())
                    .starts_with("failed parsing subscription filters: "));
    EXPECT_TRUE(
        std::string(f.status().message()).ends_with(": invalid argument"));
  }
}

TEST(EventExchangeTest, DeliversMatchingEnvelopesInOrderWithBareTypeUrl) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    sim::RandomStrategy strategy;
    sim::Executor ex({.seed = seed}, strategy);
    {
      EventExchange exchange(ex);
      auto sub = exchange.Subscribe({"namespace==ns1"});
      ASSERT_TRUE(sub.ok());
      std::vector<Envelope> got;
      ex.Spawn("publisher",
               [](sim::Executor& ex, EventExchange& x) -> sim::Task<void> {
                 x.Publish("ns1", "/tasks/oom", Oom("a"));
                 x.Publish("ns2", "/tasks/oom", Oom("skip"));
                 co_await ex.Sleep(sim::kMillisecond);
                 x.Publish("ns1", "/tasks/oom", Oom("b"));
               }(ex, exchange));
      ex.Spawn(
          "subscriber",
          [](Subscription& s, std::vector<Envelope>* out) -> sim::Task<void> {
            for (int i = 0; i < 2; ++i) {
              std::optional<EnvelopePtr> e = co_await s.events().Recv();
              if (e.has_value()) out->push_back(**e);
            }
          }(**sub, &got));
      ASSERT_EQ(ex.Run().outcome, sim::RunOutcome::kCompleted);
      ASSERT_EQ(got.size(), 2u);
      EXPECT_EQ(got[0].event().type_url(), "containerd.events.TaskOOM");
      containerd::events::TaskOOM m;
      ASSERT_TRUE(m.ParseFromString(got[1].event().value()));
      EXPECT_EQ(m.container_id(), "b");
      EXPECT_EQ(got[0].namespace_(), "ns1");
      EXPECT_EQ(got[0].timestamp().seconds(), kVirtualEpochSeconds);
      EXPECT_EQ(got[1].timestamp().nanos(), 1'000'000);
      sub->reset();
      ex.DestroyAllTasks();
    }
  }
}

TEST(EventExchangeTest, CloseEndsTheStreamWithItsStatus) {
  sim::RandomStrategy strategy;
  sim::Executor ex({}, strategy);
  EventExchange exchange(ex);
  auto sub = exchange.Subscribe({});
  bool ended = false;
  ex.Spawn("subscriber", [](Subscription& s, bool* ended) -> sim::Task<void> {
    std::optional<EnvelopePtr> e = co_await s.events().Recv();
    *ended = !e.has_value();
  }(**sub, &ended));
  ex.Spawn("restart", [](EventExchange& x) -> sim::Task<void> {
    x.CloseAll(absl::UnavailableError("containerd restarted"));
    co_return;
  }(exchange));
  ASSERT_EQ(ex.Run().outcome, sim::RunOutcome::kCompleted);
  EXPECT_TRUE(ended);
  EXPECT_EQ((*sub)->final_status().code(), absl::StatusCode::kUnavailable);
  sub->reset();
  ex.DestroyAllTasks();
}

TEST(EventExchangeTest, AQueueNobodyTakesFromStopsTheRunAtItsBound) {
  sim::RandomStrategy strategy;
  sim::Executor ex({}, strategy);
  EventExchange exchange(ex);
  auto sub = exchange.Subscribe({});
  ASSERT_TRUE(sub.ok());
  ex.Spawn("publisher", [](EventExchange& x) -> sim::Task<void> {
    for (int i = 0; i < 2000; ++i) x.Publish("ns1", "/tasks/oom", Oom("a"));
    co_return;
  }(exchange));
  const sim::RunResult r = ex.Run();
  EXPECT_EQ(r.outcome, sim::RunOutcome::kBudget);
  ASSERT_TRUE(r.violation.has_value());
  EXPECT_EQ(r.violation->invariant, "budget");
  EXPECT_NE(r.violation->message.find("event queue"), std::string::npos)
      << r.violation->message;
  sub->reset();
  ex.DestroyAllTasks();
}

TEST(RpcLogTest, CountsAndScopes) {
  RpcLog log;
  log.Record("/containerd.services.tasks.v1.Tasks/Get");
  {
    RpcLog::Scope outer(log);
    log.Record("/containerd.services.tasks.v1.Tasks/Get");
    RpcLog::Scope inner(log);
    log.Record("/containerd.services.containers.v1.Containers/Delete");
    EXPECT_EQ(inner.short_calls(),
              (std::vector<std::string>{"Containers/Delete"}));
    EXPECT_EQ(outer.calls(),
              (std::vector<std::string>{
                  "/containerd.services.tasks.v1.Tasks/Get",
                  "/containerd.services.containers.v1.Containers/Delete"}));
  }
  EXPECT_EQ(log.count("/containerd.services.tasks.v1.Tasks/Get"), 2u);
  EXPECT_EQ(log.total(), 3u);
  log.Reset();
  EXPECT_EQ(log.total(), 0u);
  EXPECT_EQ(log.count("/containerd.services.tasks.v1.Tasks/Get"), 0u);
}

// A method recorded as a prefix and a name counts as its full name, whether
// the counts are read at once or later, inside a scope or not.
TEST(RpcLogTest, PrefixAndNameCountAsTheFullName) {
  static constexpr char kTasks[] = "/containerd.services.tasks.v1.Tasks/";
  const std::string get = std::string(kTasks) + "Get";
  RpcLog log;
  log.Record(kTasks, "Get");
  EXPECT_EQ(log.count(get), 1u);
  log.Record(kTasks, "Get");
  log.Record(get);
  log.Record(kTasks, "Start");
  {
    RpcLog::Scope scope(log);
    log.Record(kTasks, "Kill");
    log.Record(kTasks, "Get");
    EXPECT_EQ(scope.short_calls(),
              (std::vector<std::string>{"Tasks/Kill", "Tasks/Get"}));
  }
  EXPECT_EQ(log.total(), 6u);
  EXPECT_EQ(log.counts(), (std::map<std::string, uint64_t, std::less<>>{
                              {get, 4},
                              {std::string(kTasks) + "Kill", 1},
                              {std::string(kTasks) + "Start", 1}}));
  log.Record(kTasks, "Get");
  log.Reset();
  EXPECT_EQ(log.count(get), 0u);
  EXPECT_TRUE(log.counts().empty());
}

}  // namespace
}  // namespace fake_containerd
