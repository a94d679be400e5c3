// properties/drive_gate_test.cc: the gate of `dsim drive`, under the
// simulated scheduler: a request of namespace moby is not handled until its
// step is released, events keep their order and wait for release, the lost
// exit bug drops an init's /tasks/exit, a containerd restart ends the event
// streams, and nothing waits when uncontrolled.
#include "properties/drive_gate.h"

#include <memory>
#include <string>
#include <vector>

#include "containerd/events/task.pb.h"
#include "containerd/services/events/v1/events.pb.h"
#include "containerd/services/tasks/v1/tasks.pb.h"
#include "gtest/gtest.h"
#include "sim/run.h"
#include "sim/strategy_random.h"

namespace properties {
namespace {

constexpr char kStart[] = "/containerd.services.tasks.v1.Tasks/Start";
const sim::RpcMetadata kMoby = {{"containerd-namespace", "moby"}};

fake_containerd::Envelope Event(const std::string& topic,
                                const google::protobuf::Message& m) {
  fake_containerd::Envelope e;
  e.set_namespace_("moby");
  e.set_topic(topic);
  e.mutable_event()->set_type_url(m.GetTypeName());
  e.mutable_event()->set_value(m.SerializeAsString());
  return e;
}

// Answers every request at once and counts them; its one stream yields the
// given envelopes, then ends.
class Inner : public sim::RpcConnection {
 public:
  class Stream : public sim::RpcStream {
   public:
    explicit Stream(std::vector<std::string> m) : m_(std::move(m)) {}
    sim::Task<absl::StatusOr<std::optional<std::string>>> Next() override {
      if (i_ == m_.size()) co_return std::optional<std::string>();
      co_return std::optional<std::string>(m_[i_++]);
    }

   private:
    std::vector<std::string> m_;
    size_t i_ = 0;
  };
  sim::Task<absl::StatusOr<std::string>> Unary(std::string method,
                                               sim::RpcMetadata,
                                               std::string) override {
    ++handled;
    co_return "reply " + method;
  }
  sim::Task<absl::StatusOr<std::unique_ptr<sim::RpcStream>>> ServerStream(
      std::string, sim::RpcMetadata, std::string) override {
    co_return std::unique_ptr<sim::RpcStream>(
        std::make_unique<Stream>(envelopes));
  }
  int handled = 0;
  std::vector<std::string> envelopes;
};

struct World {
  explicit World(sim::Executor& ex) : gate(ex, inner) {}
  Inner inner;
  DriveGate gate;
  std::vector<std::string> log;
};

// Runs `body` as the only foreground task and returns what it logged.
template <typename F>
std::vector<std::string> RunGate(F body,
                                 DriveGate::Bug bug = DriveGate::Bug::kNone) {
  auto log = std::make_shared<std::vector<std::string>>();
  sim::RandomStrategy strategy;
  sim::ExecutorOptions o;
  sim::RunOnce(o, strategy, [&](sim::Executor& ex) -> std::shared_ptr<void> {
    auto w = std::make_shared<World>(ex);
    w->gate.set_bug(bug);
    ex.Spawn("test", body(&ex, w.get(), log.get()));
    return w;
  });
  return *log;
}

// Waits (virtual time) until `label` is pending.
sim::Task<void> AwaitPending(sim::Executor* ex, DriveGate* g,
                             std::string label) {
  for (int i = 0; i < 100; ++i) {
    for (const std::string& p : g->Pending()) {
      if (p == label) co_return;
    }
    co_await ex->Sleep(sim::kMillisecond);
  }
}

// What a call's reply becomes in the log.
using Format = std::string (*)(const absl::StatusOr<std::string>&);
std::string ReplyOrStatus(const absl::StatusOr<std::string>& r) {
  return r.ok() ? *r : r.status().ToString();
}

// A Tasks/Start of container 0123abcd through the gate, as a task of its own;
// its reply is logged through `format` (nothing when null).
sim::JoinHandle<void> SpawnStart(sim::Executor* ex, World* w,
                                 std::vector<std::string>* log,
                                 Format format = ReplyOrStatus) {
  containerd::services::tasks::v1::StartRequest req;
  req.set_container_id("0123abcd");
  auto call = [](World* w, std::string bytes, std::vector<std::string>* log,
                 Format format) -> sim::Task<void> {
    absl::StatusOr<std::string> r =
        co_await w->gate.Unary(kStart, kMoby, std::move(bytes));
    if (format != nullptr) log->push_back(format(r));
  };
  return ex->Spawn("call", call(w, req.SerializeAsString(), log, format));
}

TEST(DriveGateTest, RequestHandledOnlyWhenReleased) {
  auto body = [](sim::Executor* ex, World* w,
                 std::vector<std::string>* log) -> sim::Task<void> {
    w->gate.AddName("0123abcd", "c1");
    w->gate.set_controlled(true);
    sim::JoinHandle<void> h = SpawnStart(ex, w, log);
    co_await AwaitPending(ex, &w->gate, "rpc Tasks/Start c1 #1");
    log->push_back("pending " + std::to_string(w->gate.Pending().size()) +
                   " handled " + std::to_string(w->inner.handled));
    w->gate.Release("rpc Tasks/Start c1 #1");
    co_await ex->Join(h);
    log->push_back("handled " + std::to_string(w->inner.handled));
  };
  EXPECT_EQ(RunGate(body), (std::vector<std::string>{
                               "pending 1 handled 0",
                               std::string("reply ") + kStart, "handled 1"}));
}

std::vector<std::string> TwoEvents() {
  containerd::events::TaskStart start;
  start.set_container_id("0123abcd");
  containerd::events::TaskExit exit;
  exit.set_container_id("0123abcd");
  exit.set_id("0123abcd");
  exit.set_exit_status(3);
  return {Event("/tasks/start", start).SerializeAsString(),
          Event("/tasks/exit", exit).SerializeAsString()};
}

// Reads the subscription, releasing every pending step in label order, and
// logs each envelope's topic as it comes out.
sim::Task<void> ReadEvents(sim::Executor* ex, World* w,
                           std::vector<std::string>* log) {
  w->inner.envelopes = TwoEvents();
  w->gate.AddName("0123abcd", "c1");
  w->gate.set_controlled(true);
  absl::StatusOr<std::unique_ptr<sim::RpcStream>> s =
      co_await w->gate.ServerStream(
          "/containerd.services.events.v1.Events/Subscribe", {}, "");
  auto read = [](sim::RpcStream* s,
                 std::vector<std::string>* log) -> sim::Task<void> {
    for (;;) {
      absl::StatusOr<std::optional<std::string>> m = co_await s->Next();
      if (!m.ok() || !m->has_value()) break;
      fake_containerd::Envelope e;
      e.ParseFromString(**m);
      log->push_back("delivered " + e.topic());
    }
    log->push_back("end");
  };
  sim::JoinHandle<void> h = ex->Spawn("read", read(s->get(), log));
  for (int i = 0; i < 50; ++i) {
    co_await ex->Sleep(sim::kMillisecond);
    for (const std::string& p : w->gate.Pending()) {
      log->push_back("release " + p);
      w->gate.Release(p);
    }
  }
  co_await ex->Join(h);
}

TEST(DriveGateTest, EventsWaitForReleaseInOrder) {
  EXPECT_EQ(
      RunGate(ReadEvents),
      (std::vector<std::string>{
          "release event /tasks/start c1 #1", "delivered /tasks/start",
          "release event /tasks/exit c1 #1", "delivered /tasks/exit", "end"}));
}

TEST(DriveGateTest, LostExitEventBugDropsTheInitsExit) {
  EXPECT_EQ(RunGate(ReadEvents, DriveGate::Bug::kLostExitEvent),
            (std::vector<std::string>{"release event /tasks/start c1 #1",
                                      "delivered /tasks/start", "end"}));
}

// kExitBeforeStartReply: Tasks/Start is handled when released, but its reply
// leaves only after the init's /tasks/exit was delivered.
TEST(DriveGateTest, ExitBeforeStartReplyBugHoldsTheReply) {
  auto body = [](sim::Executor* ex, World* w,
                 std::vector<std::string>* log) -> sim::Task<void> {
    w->inner.envelopes = TwoEvents();
    w->gate.AddName("0123abcd", "c1");
    w->gate.set_controlled(true);
    SpawnStart(ex, w, log, [](const absl::StatusOr<std::string>& r) {
      return r.ok() ? std::string("start replied") : r.status().ToString();
    });
    co_await ReadEvents(ex, w, log);
  };
  EXPECT_EQ(
      RunGate(body, DriveGate::Bug::kExitBeforeStartReply),
      (std::vector<std::string>{
          "release event /tasks/start c1 #1", "release rpc Tasks/Start c1 #1",
          "delivered /tasks/start", "release event /tasks/exit c1 #1",
          "delivered /tasks/exit", "start replied", "end"}));
}

// A containerd restart: the envelope held as a step and the one queued
// behind it reach the subscriber at once, with no step released, then the
// stream ends; dockerd's Subscribe (namespace moby) is counted, the plugins'
// is not, and the health check dockerd polls before it subscribes again
// says SERVING.
TEST(DriveGateTest, ContainerdRestartDeliversWhatWasPublishedThenEnds) {
  auto body = [](sim::Executor* ex, World* w,
                 std::vector<std::string>* log) -> sim::Task<void> {
    w->inner.envelopes = TwoEvents();
    w->gate.AddName("0123abcd", "c1");
    w->gate.set_controlled(true);
    containerd::services::events::v1::SubscribeRequest plugins, moby;
    plugins.add_filters("namespace==plugins.moby,topic~=|^/tasks/|");
    moby.add_filters("namespace==moby,topic~=|^/tasks/|");
    constexpr char kSubscribe[] =
        "/containerd.services.events.v1.Events/Subscribe";
    (void)co_await w->gate.ServerStream(kSubscribe, {},
                                        plugins.SerializeAsString());
    log->push_back("subscriptions " + std::to_string(w->gate.subscriptions()));
    absl::StatusOr<std::unique_ptr<sim::RpcStream>> s =
        co_await w->gate.ServerStream(kSubscribe, kMoby,
                                      moby.SerializeAsString());
    log->push_back("subscriptions " + std::to_string(w->gate.subscriptions()));
    auto read = [](sim::RpcStream* s,
                   std::vector<std::string>* log) -> sim::Task<void> {
      for (;;) {
        absl::StatusOr<std::optional<std::string>> m = co_await s->Next();
        if (!m.ok() || !m->has_value()) break;
        fake_containerd::Envelope e;
        e.ParseFromString(**m);
        log->push_back("delivered " + e.topic());
      }
      log->push_back("end");
    };
    sim::JoinHandle<void> h = ex->Spawn("read", read(s->get(), log));
    co_await AwaitPending(ex, &w->gate, "event /tasks/start c1 #1");
    log->push_back("pending " + w->gate.Pending()[0]);
    w->gate.EndEventStreams();
    log->push_back("pending " + std::to_string(w->gate.Pending().size()));
    co_await ex->Join(h);
    absl::StatusOr<std::string> health =
        co_await w->gate.Unary("/grpc.health.v1.Health/Check", {}, "");
    log->push_back(health.ok() && *health == std::string("\x08\x01", 2)
                       ? "SERVING"
                       : "not serving");
  };
  EXPECT_EQ(RunGate(body), (std::vector<std::string>{
                               "subscriptions 0", "subscriptions 1",
                               "pending event /tasks/start c1 #1", "pending 0",
                               "delivered /tasks/start",
                               "delivered /tasks/exit", "end", "SERVING"}));
}

TEST(DriveGateTest, UncontrolledPassesAtOnce) {
  auto body = [](sim::Executor*, World* w,
                 std::vector<std::string>* log) -> sim::Task<void> {
    absl::StatusOr<std::string> r = co_await w->gate.Unary(kStart, kMoby, "");
    log->push_back(*r);
    log->push_back("pending " + std::to_string(w->gate.Pending().size()));
  };
  EXPECT_EQ(RunGate(body), (std::vector<std::string>{
                               std::string("reply ") + kStart, "pending 0"}));
}

// A request's fault: rpc-unavailable is never handled, reply-lost is handled
// but answered UNAVAILABLE, reply-delayed is handled and its reply waits as
// a step of its own.
TEST(DriveGateTest, FaultsAtRelease) {
  auto body = [](sim::Executor* ex, World* w,
                 std::vector<std::string>* log) -> sim::Task<void> {
    w->gate.AddName("0123abcd", "c1");
    w->gate.set_controlled(true);
    for (const std::string fault :
         {"rpc-unavailable", "reply-lost", "reply-delayed"}) {
      sim::JoinHandle<void> h =
          SpawnStart(ex, w, log, [](const absl::StatusOr<std::string>& r) {
            return r.ok() ? *r
                          : std::string(
                                absl::StatusCodeToString(r.status().code()));
          });
      std::string label;
      for (int i = 0; i < 100 && label.empty(); ++i) {
        co_await ex->Sleep(sim::kMillisecond);
        for (const std::string& p : w->gate.Pending()) label = p;
      }
      w->gate.Release(label, fault);
      if (fault == "reply-delayed") {
        co_await AwaitPending(ex, &w->gate, "reply Tasks/Start c1 #1");
        log->push_back("handled " + std::to_string(w->inner.handled) +
                       ", pending " + w->gate.Pending()[0]);
        w->gate.Release("reply Tasks/Start c1 #1");
      }
      co_await ex->Join(h);
      log->push_back(fault + " handled " + std::to_string(w->inner.handled));
    }
  };
  EXPECT_EQ(
      RunGate(body),
      (std::vector<std::string>{
          "UNAVAILABLE", "rpc-unavailable handled 0", "UNAVAILABLE",
          "reply-lost handled 1", "handled 2, pending reply Tasks/Start c1 #1",
          std::string("reply ") + kStart, "reply-delayed handled 2"}));
}

// The server cancels a call whose dockerd is gone (killed by a daemon
// restart): its step is no longer pending.
TEST(DriveGateTest, CancelledCallIsNoLongerPending) {
  auto body = [](sim::Executor* ex, World* w,
                 std::vector<std::string>* log) -> sim::Task<void> {
    w->gate.set_controlled(true);
    sim::JoinHandle<void> h = SpawnStart(ex, w, log, nullptr);
    co_await AwaitPending(ex, &w->gate, "rpc Tasks/Start 0123abcd #1");
    log->push_back("pending " + std::to_string(w->gate.Pending().size()));
    ex->Cancel(h.id);
    log->push_back("pending " + std::to_string(w->gate.Pending().size()) +
                   " handled " + std::to_string(w->inner.handled));
  };
  EXPECT_EQ(RunGate(body),
            (std::vector<std::string>{"pending 1", "pending 0 handled 0"}));
}

}  // namespace
}  // namespace properties
