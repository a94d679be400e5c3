#include "fake_containerd/sim_transport.h"

#include <google/protobuf/wrappers.pb.h>
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sim/mutex.h"
#include "sim/run.h"
#include "sim/strategy_dfs.h"
#include "sim/strategy_random.h"

namespace fake_containerd {
namespace {

constexpr char kEcho[] = "/test.Echo/Echo";
constexpr char kSame[] = "/test.Echo/Same";

sim::Task<absl::StatusOr<std::string>> Echo(sim::RpcMetadata md,
                                            std::string request) {
  std::string ns;
  for (auto& [k, v] : md) {
    if (k == "containerd-namespace") ns = v;
  }
  co_return ns + ":" + request;
}

struct World {
  explicit World(sim::Executor& ex, FaultOptions options = {})
      : faults(ex, options), transport(ex, faults) {
    transport.RegisterUnary(kEcho, Echo);
    transport.SetObserver([this](const std::string& m) { seen.push_back(m); });
  }
  Faults faults;
  SimTransport transport;
  std::vector<std::string> seen;
  std::vector<absl::StatusOr<std::string>> replies;
};

sim::Task<void> Call(World& w, std::string request) {
  // Built before the co_await: GCC 12 mishandles string-literal temporaries
  // inside one.
  sim::RpcMetadata md{{"containerd-namespace", "moby"}};
  w.replies.push_back(
      co_await w.transport.Unary(kEcho, std::move(md), std::move(request)));
}

TEST(SimTransportTest, CarriesRequestMetadataAndReply) {
  sim::RandomStrategy strategy;
  sim::Executor ex({}, strategy);
  World w(ex);
  ex.Spawn("client", Call(w, "ping"));
  ASSERT_EQ(ex.Run().outcome, sim::RunOutcome::kCompleted);
  ASSERT_EQ(w.replies.size(), 1u);
  EXPECT_EQ(*w.replies[0], "moby:ping");
  EXPECT_EQ(w.seen, std::vector<std::string>{kEcho});
}

sim::Task<absl::StatusOr<std::string>> Same(sim::RpcMetadata,
                                            std::string request) {
  co_return request;
}

TEST(SimTransportTest, MessagesReachAHandlerOfBytes) {
  sim::RandomStrategy strategy;
  sim::Executor ex({}, strategy);
  World w(ex);
  w.transport.RegisterUnary(kSame, Same);
  google::protobuf::StringValue reply;
  absl::Status status;
  ex.Spawn("client",
           [](World& wd, google::protobuf::StringValue* r,
              absl::Status* out) -> sim::Task<void> {
             google::protobuf::StringValue req;
             req.set_value("ping");
             *out = co_await wd.transport.UnaryMessage(kSame, {}, req, r);
           }(w, &reply, &status));
  ASSERT_EQ(ex.Run().outcome, sim::RunOutcome::kCompleted);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(reply.value(), "ping");
  EXPECT_EQ(w.seen, std::vector<std::string>{kSame});
}

TEST(SimTransportTest, UnknownMethodIsUnimplemented) {
  sim::RandomStrategy strategy;
  sim::Executor ex({}, strategy);
  World w(ex);
  absl::Status got;
  ex.Spawn("client", [](World& wd, absl::Status* out) -> sim::Task<void> {
    *out = (co_await wd.transport.Unary("/x.Y/Z", {}, "")).status();
  }(w, &got));
  ASSERT_EQ(ex.Run().outcome, sim::RunOutcome::kCompleted);
  EXPECT_EQ(got.code(), absl::StatusCode::kUnimplemented);
}

TEST(SimTransportTest, ForcedUnavailableNeverReachesTheServer) {
  sim::RandomStrategy strategy;
  sim::Executor ex({}, strategy);
  World w(ex);
  w.faults.Force(FaultPoint::kRpcUnavailable, 1, kEcho);
  ex.Spawn("client", [](World& wd) -> sim::Task<void> {
    co_await Call(wd, "a");
    co_await Call(wd, "b");
  }(w));
  ASSERT_EQ(ex.Run().outcome, sim::RunOutcome::kCompleted);
  ASSERT_EQ(w.replies.size(), 2u);
  EXPECT_EQ(w.replies[0].status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(*w.replies[1], "moby:b");
  EXPECT_EQ(w.seen.size(), 1u);  // only the second request reached containerd
  EXPECT_EQ(w.faults.fired(FaultPoint::kRpcUnavailable), 1);
}

TEST(SimTransportTest, LostReplyRanOnTheServerButTheClientSeesAnError) {
  sim::RandomStrategy strategy;
  sim::Executor ex({}, strategy);
  World w(ex);
  w.faults.Force(FaultPoint::kReplyLost);
  ex.Spawn("client", Call(w, "x"));
  ASSERT_EQ(ex.Run().outcome, sim::RunOutcome::kCompleted);
  EXPECT_EQ(w.seen.size(), 1u);
  const absl::StatusCode c = w.replies[0].status().code();
  EXPECT_TRUE(c == absl::StatusCode::kUnavailable ||
              c == absl::StatusCode::kDeadlineExceeded);
}

TEST(SimTransportTest, DelayedReplyCostsVirtualTime) {
  sim::RandomStrategy strategy;
  sim::Executor ex({}, strategy);
  World w(ex);
  w.faults.Force(FaultPoint::kReplyDelayed);
  ex.Spawn("client", Call(w, "x"));
  sim::RunResult r = ex.Run();
  ASSERT_EQ(r.outcome, sim::RunOutcome::kCompleted);
  EXPECT_EQ(*w.replies[0], "moby:x");
  EXPECT_GT(r.virtual_time, 0u);
  EXPECT_LE(r.virtual_time, w.faults.options().reply_delay_max);
}

TEST(SimTransportTest, ProbabilisticFaultsAreDrawnFromTheRunsFaultStream) {
  FaultOptions options;
  options.probability[static_cast<int>(FaultPoint::kRpcUnavailable)] =
      sim::Ratio{1, 2};
  int failures = 0, total = 0;
  for (uint64_t seed = 0; seed < 40; ++seed) {
    sim::ExecutorOptions o;
    o.seed = seed;
    sim::RandomStrategy strategy;
    auto keep = std::make_shared<std::vector<absl::StatusOr<std::string>>>();
    sim::RunOnce(o, strategy, [&](sim::Executor& ex) -> std::shared_ptr<void> {
      auto w = std::make_shared<World>(ex, options);
      ex.Spawn("client", Call(*w, "x"));
      return std::shared_ptr<void>(w.get(),
                                   [w, keep](void*) { *keep = w->replies; });
    });
    ++total;
    failures += !(*keep)[0].ok();
  }
  EXPECT_GT(failures, 5);
  EXPECT_LT(failures, total - 5);
}

TEST(SimTransportTest, SendAndReplyAreRpcPointsForTheLockCheck) {
  sim::RandomStrategy strategy;
  sim::Executor ex({}, strategy);
  World w(ex);
  sim::Mutex store(ex, "ExecStore lock");
  store.DeclareNoRpcWhileHeld();
  ex.Spawn("exec-start", [](World& wd, sim::Mutex& m) -> sim::Task<void> {
    co_await m.Lock();
    co_await Call(wd, "exec");
    m.Unlock();
  }(w, store));
  sim::RunResult r = ex.Run();
  ASSERT_EQ(r.outcome, sim::RunOutcome::kViolation);
  EXPECT_EQ(r.violation->invariant, "lock-held-across-rpc");
  ex.DestroyAllTasks();
}

TEST(SimTransportTest, InterleavingsFallBetweenSendHandlingAndReply) {
  // Two clients: dfs must see both orders of handling, and a reply overtaken by
  // the other client's request.
  std::set<std::string> orders;
  sim::DfsStrategy dfs;
  while (dfs.HasMore()) {
    auto log = std::make_shared<std::string>();
    sim::RunOnce({}, dfs, [&](sim::Executor& ex) -> std::shared_ptr<void> {
      auto w = std::make_shared<World>(ex);
      // The log is shared state: the observer's appends (in the step that
      // handles the request) and those after the call write it, so that
      // sleep sets do not take them for independent.
      const sim::ObjectId log_id = ex.NewObject("log");
      w->transport.SetObserver([log, &ex, log_id](const std::string&) {
        ex.Touch(log_id, sim::Access::kWrite);
        *log += "h";
      });
      for (const char* n : {"a", "b"}) {
        ex.Spawn(n,
                 [](sim::Executor& e, World& wd, std::string* l,
                    sim::ObjectId id, std::string name) -> sim::Task<void> {
                   co_await Call(wd, name);
                   co_await e.Point(sim::OpKind::kPoint, id,
                                    sim::Access::kWrite);
                   *l += name;
                 }(ex, *w, log.get(), log_id, n));
      }
      return w;
    });
    orders.insert(*log);
  }
  EXPECT_TRUE(orders.count("hhab") && orders.count("hhba") &&
              orders.count("hahb"));
}

}  // namespace
}  // namespace fake_containerd
