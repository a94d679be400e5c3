// The fake served in messages (SimTransport::UnaryMessage, NextMessage) is the
// fake served in bytes: the same replies and events, the same scheduling
// points, fault draws and trace records, under faults and many schedules; and
// messages of other types than the method's still arrive, through bytes.
#include "fake_containerd/in_process.h"

#include <google/protobuf/empty.pb.h>
#include <google/protobuf/wrappers.pb.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "containerd/services/events/v1/events.pb.h"
#include "containerd/services/tasks/v1/tasks.pb.h"
#include "fake_containerd/fake_containerd.h"
#include "sim/strategy_random.h"

namespace fake_containerd {
namespace {

using Message = google::protobuf::Message;

enum class Mode { kBytes, kMessages };

struct World {
  World(sim::Executor& ex, const FaultOptions& options)
      : fake(ex), faults(ex, options), transport(ex, faults) {
    ServeInProcess(fake, transport);
  }
  FakeContainerd fake;
  Faults faults;
  SimTransport transport;
  std::vector<std::string> log;  // what the clients saw, in order
};

// One call in `mode`; logs its status and reply.
sim::Task<absl::Status> Call(World& w, Mode mode, std::string method,
                             const Message& request, Message* response) {
  sim::RpcMetadata md{{"containerd-namespace", "moby"}};
  absl::Status status;
  if (mode == Mode::kBytes) {
    std::string bytes = request.SerializeAsString();
    absl::StatusOr<std::string> r =
        co_await w.transport.Unary(method, std::move(md), std::move(bytes));
    status = r.status();
    response->Clear();
    if (r.ok()) {
      EXPECT_TRUE(response->ParseFromString(*r));
    }
  } else {
    status = co_await w.transport.UnaryMessage(method, std::move(md), request,
                                               response);
  }
  w.log.push_back(method + " " + status.ToString() + " {" +
                  response->ShortDebugString() + "}");
  co_return status;
}

// A Tasks call about container c1.
template <typename Req, typename Resp>
sim::Task<absl::Status> TaskCall(World& w, Mode mode, const char* name) {
  Req req;
  req.set_container_id("c1");
  Resp resp;
  std::string method = std::string(method::kTasksPrefix) + name;
  co_return co_await Call(w, mode, std::move(method), req, &resp);
}

sim::Task<void> Lifecycle(World& w, Mode mode) {
  const std::string c = method::kContainersPrefix;
  cpb::CreateContainerRequest create;
  create.mutable_container()->set_id("c1");
  create.mutable_container()->mutable_runtime()->set_name(
      "io.containerd.runc.v2");
  create.mutable_container()->mutable_spec()->set_value(
      R"({"process":{"args":["exit","3"]}})");
  (*create.mutable_container()->mutable_labels())["a"] = "b";
  cpb::CreateContainerResponse created;
  co_await Call(w, mode, c + "Create", create, &created);
  co_await TaskCall<tpb::CreateTaskRequest, tpb::CreateTaskResponse>(w, mode,
                                                                     "Create");
  if ((co_await TaskCall<tpb::StartRequest, tpb::StartResponse>(w, mode,
                                                                "Start"))
          .ok()) {
    // (Not after a failed start: a created task's Wait blocks.)
    co_await TaskCall<tpb::WaitRequest, tpb::WaitResponse>(w, mode, "Wait");
  }
  co_await TaskCall<tpb::GetRequest, tpb::GetResponse>(w, mode, "Get");
  co_await TaskCall<tpb::DeleteTaskRequest, tpb::DeleteResponse>(w, mode,
                                                                 "Delete");
  cpb::GetContainerRequest cget;
  cget.set_id("c1");
  cpb::GetContainerResponse cgot;
  co_await Call(w, mode, c + "Get", cget, &cgot);
}

// Reads events until the stream ends, logging each envelope.
sim::Task<void> Events(World& w, Mode mode) {
  epb::SubscribeRequest req;
  req.add_filters("namespace==moby");
  std::string method = std::string(method::kEventsPrefix) + "Subscribe";
  std::string bytes = req.SerializeAsString();
  absl::StatusOr<std::unique_ptr<sim::RpcStream>> s =
      co_await w.transport.ServerStream(std::move(method), {},
                                        std::move(bytes));
  if (!s.ok()) co_return;
  for (;;) {
    Envelope e;
    absl::Status status;
    if (mode == Mode::kBytes) {
      absl::StatusOr<std::optional<std::string>> m = co_await (*s)->Next();
      status = m.status();
      if (!m.ok() || !m->has_value()) break;
      EXPECT_TRUE(e.ParseFromString(**m));
    } else {
      absl::StatusOr<bool> got = co_await (*s)->NextMessage(&e);
      status = got.status();
      if (!got.ok() || !*got) break;
    }
    w.log.push_back("event {" + e.ShortDebugString() + "}");
  }
}

struct Outcome {
  std::vector<std::string> log;
  sim::RunResult result;
};

Outcome RunIn(Mode mode, uint64_t seed, const FaultOptions& faults) {
  sim::RandomStrategy strategy;
  sim::ExecutorOptions o;
  o.seed = seed;
  sim::Executor ex(o, strategy);
  World w(ex, faults);
  ex.Spawn("events", Events(w, mode), sim::SpawnOptions{.background = true});
  ex.Spawn("client", Lifecycle(w, mode));
  Outcome out;
  out.result = ex.Run();
  out.log = std::move(w.log);
  return out;
}

TEST(InProcessTest, MessagesAndBytesAreServedAlikeUnderFaults) {
  FaultOptions faults;
  for (FaultPoint p : {FaultPoint::kRpcUnavailable, FaultPoint::kReplyLost,
                       FaultPoint::kReplyDelayed, FaultPoint::kShimDies}) {
    faults.probability[static_cast<int>(p)] = sim::Ratio{1, 6};
  }
  faults.probability[static_cast<int>(FaultPoint::kContainerdRestart)] =
      sim::Ratio{1, 12};
  int completed_lifecycles = 0;
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    const Outcome bytes = RunIn(Mode::kBytes, seed, faults);
    const Outcome messages = RunIn(Mode::kMessages, seed, faults);
    ASSERT_EQ(bytes.result.outcome, sim::RunOutcome::kCompleted)
        << seed << " " << bytes.result.violation->message;
    EXPECT_EQ(messages.result.outcome, bytes.result.outcome) << seed;
    EXPECT_EQ(messages.log, bytes.log) << "seed " << seed;
    EXPECT_EQ(messages.result.steps, bytes.result.steps) << seed;
    EXPECT_EQ(messages.result.trace_hash, bytes.result.trace_hash) << seed;
    for (const std::string& line : bytes.log) {
      completed_lifecycles += line.rfind(
                                  "/containerd.services.containers.v1."
                                  "Containers/Get OK",
                                  0) == 0;
    }
  }
  // The comparison covered runs that got through, not only failed calls.
  EXPECT_GT(completed_lifecycles, 0);
}

TEST(InProcessTest, FailedCallLeavesNoReply) {
  sim::RandomStrategy strategy;
  sim::Executor ex({}, strategy);
  World w(ex, {});
  w.faults.Force(FaultPoint::kReplyLost);
  npb::ListNamespacesResponse reply;
  reply.add_namespaces()->set_name("stale");
  absl::Status status;
  ex.Spawn("client",
           [](World& wd, npb::ListNamespacesResponse* r,
              absl::Status* out) -> sim::Task<void> {
             npb::ListNamespacesRequest req;
             std::string m = std::string(method::kNamespacesPrefix) + "List";
             *out =
                 co_await wd.transport.UnaryMessage(std::move(m), {}, req, r);
           }(w, &reply, &status));
  ASSERT_EQ(ex.Run().outcome, sim::RunOutcome::kCompleted);
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(reply.namespaces_size(), 0);
}

// The checks tell moby's cut cleanups from leaks by the container a failed
// call named (Faults::fired_rpcs): its `container_id`, `id` or `container`.
TEST(InProcessTest, AFaultedCallNamesItsContainer) {
  sim::RandomStrategy strategy;
  sim::Executor ex({}, strategy);
  World w(ex, {});
  const std::string create = std::string(method::kContainersPrefix) + "Create";
  const std::string get = std::string(method::kContainersPrefix) + "Get";
  const std::string del = std::string(method::kTasksPrefix) + "Delete";
  const std::string list = std::string(method::kNamespacesPrefix) + "List";
  w.faults.Force(FaultPoint::kReplyLost, 1, create);
  w.faults.Force(FaultPoint::kRpcUnavailable, 2, get);
  w.faults.Force(FaultPoint::kRpcUnavailable, 1, del);
  w.faults.Force(FaultPoint::kRpcUnavailable, 1, list);
  w.faults.Force(FaultPoint::kReplyDelayed, 1, del);  // fails nothing
  ex.Spawn("client", [](World& wd) -> sim::Task<void> {
    cpb::CreateContainerRequest c;
    c.mutable_container()->set_id("c9");
    cpb::CreateContainerResponse created;
    co_await Call(wd, Mode::kMessages,
                  std::string(method::kContainersPrefix) + "Create", c,
                  &created);
    cpb::GetContainerRequest g;
    g.set_id("c8");
    cpb::GetContainerResponse got;
    co_await Call(wd, Mode::kMessages,
                  std::string(method::kContainersPrefix) + "Get", g, &got);
    // Over bytes the transport does not read the request.
    co_await Call(wd, Mode::kBytes,
                  std::string(method::kContainersPrefix) + "Get", g, &got);
    co_await TaskCall<tpb::DeleteTaskRequest, tpb::DeleteResponse>(
        wd, Mode::kMessages, "Delete");
    co_await TaskCall<tpb::DeleteTaskRequest, tpb::DeleteResponse>(
        wd, Mode::kMessages, "Delete");
    npb::ListNamespacesRequest l;
    npb::ListNamespacesResponse listed;
    co_await Call(wd, Mode::kMessages,
                  std::string(method::kNamespacesPrefix) + "List", l, &listed);
  }(w));
  ASSERT_EQ(ex.Run().outcome, sim::RunOutcome::kCompleted);
  std::vector<std::string> fired;
  for (const Faults::Fired& f : w.faults.fired_rpcs()) {
    fired.push_back(std::string(FaultPointName(f.point)) + " " + f.method +
                    " [" + f.container + "]");
  }
  EXPECT_EQ(fired, (std::vector<std::string>{
                       "reply-lost " + create + " [c9]",
                       "rpc-unavailable " + get + " [c8]",
                       "rpc-unavailable " + get + " []",
                       "rpc-unavailable " + del + " [c1]",
                       "rpc-unavailable " + list + " []",
                   }));
  EXPECT_EQ(w.faults.fired(FaultPoint::kReplyDelayed), 1);
}

// Disarmed (a scenario's setup), nothing fires and a forced fault waits.
TEST(InProcessTest, DisarmedFaultsWait) {
  sim::RandomStrategy strategy;
  sim::Executor ex({}, strategy);
  FaultOptions always;
  always.probability[static_cast<int>(FaultPoint::kReplyLost)] =
      sim::Ratio{1, 1};
  World w(ex, always);
  w.faults.Force(FaultPoint::kRpcUnavailable);
  w.faults.set_armed(false);
  ex.Spawn("client", [](World& wd) -> sim::Task<void> {
    npb::ListNamespacesRequest l;
    npb::ListNamespacesResponse listed;
    const std::string list = std::string(method::kNamespacesPrefix) + "List";
    EXPECT_TRUE((co_await Call(wd, Mode::kMessages, list, l, &listed)).ok());
    wd.faults.set_armed(true);
    // The forced fault, then the probability.
    EXPECT_FALSE((co_await Call(wd, Mode::kMessages, list, l, &listed)).ok());
    EXPECT_EQ(wd.faults.fired(FaultPoint::kRpcUnavailable), 1);
    EXPECT_FALSE((co_await Call(wd, Mode::kMessages, list, l, &listed)).ok());
  }(w));
  ASSERT_EQ(ex.Run().outcome, sim::RunOutcome::kCompleted);
  EXPECT_EQ(w.faults.fired(FaultPoint::kRpcUnavailable), 1);
  EXPECT_EQ(w.faults.fired(FaultPoint::kReplyLost), 1);
}

// A caller holding other message types than the method's (a StringValue has
// GetNamespaceRequest's wire form; Empty reads any reply) is served through
// bytes.
TEST(InProcessTest, OtherMessageTypesGoThroughBytes) {
  sim::RandomStrategy strategy;
  sim::Executor ex({}, strategy);
  World w(ex, {});
  absl::Status status;
  google::protobuf::Empty reply;
  ex.Spawn("client",
           [](World& wd, google::protobuf::Empty* r,
              absl::Status* out) -> sim::Task<void> {
             google::protobuf::StringValue req;
             req.set_value("default");
             std::string m = std::string(method::kNamespacesPrefix) + "Get";
             *out =
                 co_await wd.transport.UnaryMessage(std::move(m), {}, req, r);
           }(w, &reply, &status));
  ASSERT_EQ(ex.Run().outcome, sim::RunOutcome::kCompleted);
  ASSERT_TRUE(status.ok()) << status;
  // The namespace came back (field 1, the Namespace; its name, field 1).
  npb::GetNamespaceResponse as_reply;
  ASSERT_TRUE(as_reply.ParseFromString(reply.SerializeAsString()));
  EXPECT_EQ(as_reply.namespace_().name(), "default");
}

}  // namespace
}  // namespace fake_containerd
