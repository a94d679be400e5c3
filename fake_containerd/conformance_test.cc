// Conformance of the fake with containerd 1.6.20 as observed
// (../shared/reference/ containerd-api.md). Each test names the row of §3
// "Error codes" or the §2 "Observed event sequences" entry it follows, and
// checks the code, a message fragment and the event order.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "containerd/events/task.pb.h"
#include "fake_containerd/fake_containerd.h"
#include "fake_containerd/timestamps.h"
#include "sim/strategy_random.h"

namespace fake_containerd {
namespace {

const std::string kNs = "ns1";

std::string SpecJson(const std::vector<std::string>& args) {
  std::string s = R"({"ociVersion":"1.0.2","process":{"args":[)";
  for (size_t i = 0; i < args.size(); ++i)
    s += (i ? ",\"" : "\"") + args[i] + "\"";
  return s + "]}}";
}

class ConformanceTest : public ::testing::Test {
 public:  // the coroutine bodies below are free lambdas, not members
  ConformanceTest() : ex({.seed = 1}, strategy), fake(ex) {
    fake.events().set_tap(
        [this](const Envelope& e) { envelopes.push_back(e); });
  }
  ~ConformanceTest() override { ex.DestroyAllTasks(); }

  void ExpectError(const absl::Status& s, absl::StatusCode code,
                   const std::string& fragment) {
    EXPECT_EQ(s.code(), code) << s;
    EXPECT_NE(std::string(s.message()).find(fragment), std::string::npos)
        << "message: " << s.message() << "\nexpected fragment: " << fragment;
  }

  std::vector<std::string> Topics() const {
    std::vector<std::string> out;
    for (const Envelope& e : envelopes) out.push_back(e.topic());
    return out;
  }

  // Runs a body to completion under the executor.
  void Run(sim::Task<void> body) {
    ex.Spawn("client", std::move(body));
    ASSERT_EQ(ex.Run().outcome, sim::RunOutcome::kCompleted);
  }

  absl::Status NewContainer(const std::string& id,
                            const std::vector<std::string>& args,
                            const std::string& ns = kNs) {
    cpb::CreateContainerRequest req;
    req.mutable_container()->set_id(id);
    req.mutable_container()->mutable_runtime()->set_name(
        "io.containerd.runc.v2");
    req.mutable_container()->mutable_spec()->set_type_url(
        "types.containerd.io/opencontainers/runtime-spec/1/Spec");
    req.mutable_container()->mutable_spec()->set_value(SpecJson(args));
    cpb::CreateContainerResponse resp;
    return fake.CreateContainer(ns, req, &resp);
  }
  absl::Status DeleteContainer(const std::string& id) {
    cpb::DeleteContainerRequest req;
    req.set_id(id);
    return fake.DeleteContainer(kNs, req);
  }
  absl::Status NewTask(const std::string& id) {
    tpb::CreateTaskRequest req;
    req.set_container_id(id);
    tpb::CreateTaskResponse resp;
    return fake.CreateTask(kNs, req, &resp);
  }
  absl::Status Start(const std::string& id, const std::string& exec_id = "") {
    tpb::StartRequest req;
    req.set_container_id(id);
    req.set_exec_id(exec_id);
    tpb::StartResponse resp;
    return fake.Start(kNs, req, &resp);
  }
  absl::Status Exec(const std::string& id, const std::string& exec_id,
                    const std::vector<std::string>& args) {
    tpb::ExecProcessRequest req;
    req.set_container_id(id);
    req.set_exec_id(exec_id);
    req.mutable_spec()->set_type_url(
        "types.containerd.io/opencontainers/runtime-spec/1/Process");
    req.mutable_spec()->set_value(SpecJson(args));
    return fake.Exec(kNs, req);
  }
  absl::Status Kill(const std::string& id, const std::string& exec_id,
                    uint32_t sig) {
    tpb::KillRequest req;
    req.set_container_id(id);
    req.set_exec_id(exec_id);
    req.set_signal(sig);
    return fake.Kill(kNs, req);
  }
  absl::StatusOr<tpb::GetResponse> Get(const std::string& id,
                                       const std::string& exec_id = "",
                                       const std::string& ns = kNs) {
    tpb::GetRequest req;
    req.set_container_id(id);
    req.set_exec_id(exec_id);
    tpb::GetResponse resp;
    absl::Status s = fake.Get(ns, req, &resp);
    if (!s.ok()) return s;
    return resp;
  }
  absl::StatusOr<tpb::DeleteResponse> DeleteTask(const std::string& id) {
    tpb::DeleteTaskRequest req;
    req.set_container_id(id);
    tpb::DeleteResponse resp;
    absl::Status s = fake.DeleteTask(kNs, req, &resp);
    if (!s.ok()) return s;
    return resp;
  }
  absl::StatusOr<tpb::DeleteResponse> DeleteProcess(
      const std::string& id, const std::string& exec_id) {
    tpb::DeleteProcessRequest req;
    req.set_container_id(id);
    req.set_exec_id(exec_id);
    tpb::DeleteResponse resp;
    absl::Status s = fake.DeleteProcess(kNs, req, &resp);
    if (!s.ok()) return s;
    return resp;
  }
  sim::Task<absl::StatusOr<tpb::WaitResponse>> Wait(std::string id,
                                                    std::string exec_id = "") {
    tpb::WaitRequest req;
    req.set_container_id(id);
    req.set_exec_id(exec_id);
    return fake.Wait(kNs, req);
  }
  absl::Status Pause(const std::string& id) {
    tpb::PauseTaskRequest req;
    req.set_container_id(id);
    return fake.Pause(kNs, req);
  }
  absl::Status Resume(const std::string& id) {
    tpb::ResumeTaskRequest req;
    req.set_container_id(id);
    return fake.Resume(kNs, req);
  }

  sim::RandomStrategy strategy;
  sim::Executor ex;
  std::vector<Envelope> envelopes;
  FakeContainerd fake;
};

using absl::StatusCode;

// Row: no `containerd-namespace` header -> FAILED_PRECONDITION.
TEST_F(ConformanceTest, NoNamespaceHeader) {
  cpb::GetContainerRequest req;
  req.set_id("c1");
  cpb::GetContainerResponse resp;
  ExpectError(fake.GetContainer("", req, &resp),
              StatusCode::kFailedPrecondition,
              "namespace is required: failed precondition");
  ExpectError(Get("c1", "", "").status(), StatusCode::kFailedPrecondition,
              "namespace is required: failed precondition");
  ExpectError(NewContainer("c1", {"run"}, ""), StatusCode::kFailedPrecondition,
              "namespace is required: failed precondition");
}

// Row: Containers.Get/Tasks.* on a missing container -> NOT_FOUND.
TEST_F(ConformanceTest, MissingContainer) {
  cpb::GetContainerRequest req;
  req.set_id("c1");
  cpb::GetContainerResponse resp;
  const std::string msg = "container \"c1\" in namespace \"ns1\": not found";
  ExpectError(fake.GetContainer(kNs, req, &resp), StatusCode::kNotFound, msg);
  ExpectError(Get("c1").status(), StatusCode::kNotFound, msg);
  ExpectError(NewTask("c1"), StatusCode::kNotFound, msg);
  ExpectError(Start("c1"), StatusCode::kNotFound, msg);
  ExpectError(Kill("c1", "", 9), StatusCode::kNotFound, msg);
  ExpectError(DeleteTask("c1").status(), StatusCode::kNotFound, msg);
}

// Row: Containers.Create, id already exists -> ALREADY_EXISTS.
TEST_F(ConformanceTest, CreateContainerTwice) {
  ASSERT_TRUE(NewContainer("c1", {"run"}).ok());
  ExpectError(NewContainer("c1", {"run"}), StatusCode::kAlreadyExists,
              "container \"c1\": already exists");
  EXPECT_TRUE(
      NewContainer("c1", {"run"}, "ns2").ok());  // namespaces are separate
}

// Row: Containers.Create with a bad id, no spec, or no runtime ->
// INVALID_ARGUMENT.
TEST_F(ConformanceTest, CreateContainerValidation) {
  ExpectError(NewContainer("bad id!", {"run"}), StatusCode::kInvalidArgument,
              "create container failed validation: container.ID: identifier "
              "\"bad id!\" must "
              "match ^[A-Za-z0-9]+(?:[._-](?:[A-Za-z0-9]+))*$");
  cpb::CreateContainerRequest req;
  req.mutable_container()->set_id("c1");
  req.mutable_container()->mutable_runtime()->set_name("io.containerd.runc.v2");
  cpb::CreateContainerResponse resp;
  ExpectError(fake.CreateContainer(kNs, req, &resp),
              StatusCode::kInvalidArgument, "container.Spec must be set");
  req.mutable_container()->mutable_spec()->set_value("{}");
  req.mutable_container()->clear_runtime();
  ExpectError(fake.CreateContainer(kNs, req, &resp),
              StatusCode::kInvalidArgument,
              "container.Runtime.Name must be set");
  ExpectError(NewContainer(std::string(77, 'a'), {"run"}),
              StatusCode::kInvalidArgument,
              "greater than maximum length (76 characters)");
}

// Row: Containers.Update on a missing container / bad mask path.
TEST_F(ConformanceTest, UpdateContainer) {
  cpb::UpdateContainerRequest req;
  req.mutable_container()->set_id("c1");
  cpb::UpdateContainerResponse resp;
  ExpectError(fake.UpdateContainer(kNs, req, &resp), StatusCode::kNotFound,
              "container \"c1\": not found");
  ASSERT_TRUE(NewContainer("c1", {"run"}).ok());
  req.mutable_update_mask()->add_paths("runtime");
  ExpectError(fake.UpdateContainer(kNs, req, &resp),
              StatusCode::kInvalidArgument,
              "cannot update \"runtime\" field on \"c1\": invalid argument");
  // SetLabels sends labels.<k>; other fields are kept.
  req.mutable_update_mask()->Clear();
  req.mutable_update_mask()->add_paths("labels.a");
  (*req.mutable_container()->mutable_labels())["a"] = "1";
  ASSERT_TRUE(fake.UpdateContainer(kNs, req, &resp).ok());
  EXPECT_EQ(resp.container().labels().at("a"), "1");
  EXPECT_EQ(resp.container().runtime().name(), "io.containerd.runc.v2");
  cpb::ListContainersRequest list;
  list.add_filters("labels.a==1");
  cpb::ListContainersResponse listed;
  ASSERT_TRUE(fake.ListContainers(kNs, list, &listed).ok());
  EXPECT_EQ(listed.containers_size(), 1);
}

// Row: Containers.Delete on a missing container -> NOT_FOUND `container X: not
// found`.
TEST_F(ConformanceTest, DeleteMissingContainer) {
  ExpectError(DeleteContainer("c1"), StatusCode::kNotFound,
              "container c1: not found");
}

// Row: Containers.Delete while the task is running -> OK; the task is orphaned.
TEST_F(ConformanceTest, DeleteContainerOrphansRunningTask) {
  Run([](ConformanceTest* t) -> sim::Task<void> {
    EXPECT_TRUE(t->NewContainer("c1", {"run"}).ok());
    EXPECT_TRUE(t->NewTask("c1").ok());
    EXPECT_TRUE(t->Start("c1").ok());
    EXPECT_TRUE(t->DeleteContainer("c1").ok());
    t->ExpectError(t->Get("c1").status(), StatusCode::kNotFound,
                   "container \"c1\" in namespace \"ns1\": not found");
    t->ExpectError(t->Kill("c1", "", 9), StatusCode::kNotFound, "in namespace");
    // A new record with the same id makes the orphan reachable again.
    EXPECT_TRUE(t->NewContainer("c1", {"run"}).ok());
    EXPECT_EQ(t->Get("c1")->process().status(), containerd::v1::types::RUNNING);
    EXPECT_TRUE(t->Kill("c1", "", 9).ok());
    co_await t->Wait("c1");
    EXPECT_TRUE(t->DeleteTask("c1").ok());
  }(this));
}

// Row: Tasks.Get/Start/Kill/Wait/Delete, container exists but has no task ->
// NOT_FOUND.
TEST_F(ConformanceTest, NoTask) {
  Run([](ConformanceTest* t) -> sim::Task<void> {
    EXPECT_TRUE(t->NewContainer("c1", {"run"}).ok());
    const std::string msg = "task c1 not found";
    t->ExpectError(t->Get("c1").status(), StatusCode::kNotFound, msg);
    t->ExpectError(t->Start("c1"), StatusCode::kNotFound, msg);
    t->ExpectError(t->Kill("c1", "", 9), StatusCode::kNotFound, msg);
    t->ExpectError((co_await t->Wait("c1")).status(), StatusCode::kNotFound,
                   msg);
    t->ExpectError(t->DeleteTask("c1").status(), StatusCode::kNotFound, msg);
  }(this));
}

// Row: Tasks.Create while a task exists -> ALREADY_EXISTS.
TEST_F(ConformanceTest, CreateTaskTwice) {
  ASSERT_TRUE(NewContainer("c1", {"run"}).ok());
  ASSERT_TRUE(NewTask("c1").ok());
  ExpectError(NewTask("c1"), StatusCode::kAlreadyExists,
              "task c1: already exists");
}

// Rows: Tasks.Start on a running task; Start on a stopped exec; Tasks.Delete on
// a running task; DeleteProcess on a running exec -> UNKNOWN (shim state
// machine).
TEST_F(ConformanceTest, ShimStateMachineViolationsAreUnknown) {
  Run([](ConformanceTest* t) -> sim::Task<void> {
    EXPECT_TRUE(t->NewContainer("c1", {"run"}).ok());
    EXPECT_TRUE(t->NewTask("c1").ok());
    EXPECT_TRUE(t->Start("c1").ok());
    t->ExpectError(t->Start("c1"), StatusCode::kUnknown,
                   "cannot start a running process: unknown");
    t->ExpectError(
        t->DeleteTask("c1").status(), StatusCode::kUnknown,
        "failed to delete task: cannot delete a running process: unknown");
    EXPECT_TRUE(t->Exec("c1", "e1", {"run"}).ok());
    EXPECT_TRUE(t->Start("c1", "e1").ok());
    t->ExpectError(t->DeleteProcess("c1", "e1").status(), StatusCode::kUnknown,
                   "cannot delete a running process: unknown");
    EXPECT_TRUE(t->Kill("c1", "e1", 9).ok());
    co_await t->Wait("c1", "e1");
    t->ExpectError(t->Start("c1", "e1"), StatusCode::kUnknown,
                   "cannot start a stopped process: unknown");
  }(this));
}

// Row: Exec with empty exec_id / duplicate exec_id.
TEST_F(ConformanceTest, ExecIds) {
  ASSERT_TRUE(NewContainer("c1", {"run"}).ok());
  ASSERT_TRUE(NewTask("c1").ok());
  ExpectError(Exec("c1", "", {"run"}), StatusCode::kInvalidArgument,
              "exec id cannot be empty");
  // Row note: Exec in a CREATED task is accepted.
  ASSERT_TRUE(Exec("c1", "e1", {"run"}).ok());
  ExpectError(Exec("c1", "e1", {"run"}), StatusCode::kAlreadyExists,
              "id e1: already exists");
}

// Row: Exec in a stopped or paused task -> UNKNOWN.
TEST_F(ConformanceTest, ExecInStoppedOrPausedTask) {
  Run([](ConformanceTest* t) -> sim::Task<void> {
    EXPECT_TRUE(t->NewContainer("c1", {"run"}).ok());
    EXPECT_TRUE(t->NewTask("c1").ok());
    EXPECT_TRUE(t->Start("c1").ok());
    EXPECT_TRUE(t->Pause("c1").ok());
    t->ExpectError(t->Exec("c1", "e1", {"run"}), StatusCode::kUnknown,
                   "cannot exec in a paused state: unknown");
    EXPECT_TRUE(t->Resume("c1").ok());
    EXPECT_TRUE(t->Kill("c1", "", 9).ok());
    co_await t->Wait("c1");
    t->ExpectError(t->Exec("c1", "e2", {"run"}), StatusCode::kUnknown,
                   "cannot exec in a stopped state: unknown");
  }(this));
}

// Row: Get/DeleteProcess with an unknown exec id -> NOT_FOUND.
TEST_F(ConformanceTest, UnknownExecId) {
  ASSERT_TRUE(NewContainer("c1", {"run"}).ok());
  ASSERT_TRUE(NewTask("c1").ok());
  ExpectError(Get("c1", "e9").status(), StatusCode::kNotFound,
              "process does not exist e9: not found");
  ExpectError(DeleteProcess("c1", "e9").status(), StatusCode::kNotFound,
              "process does not exist e9: not found");
}

// Row: Kill on an exited process or stopped task -> NOT_FOUND.
TEST_F(ConformanceTest, KillAfterExit) {
  Run([](ConformanceTest* t) -> sim::Task<void> {
    EXPECT_TRUE(t->NewContainer("c1", {"exit", "0"}).ok());
    EXPECT_TRUE(t->NewTask("c1").ok());
    EXPECT_TRUE(t->Start("c1").ok());
    co_await t->Wait("c1");
    t->ExpectError(t->Kill("c1", "", 9), StatusCode::kNotFound,
                   "process already finished: not found");
  }(this));
}

// §2 Tasks.Wait: returns at once if already stopped (no virtual time passes).
TEST_F(ConformanceTest, WaitOnStoppedTaskReturnsAtOnce) {
  Run([](ConformanceTest* t) -> sim::Task<void> {
    EXPECT_TRUE(t->NewContainer("c1", {"exit", "4", "1s"}).ok());
    EXPECT_TRUE(t->NewTask("c1").ok());
    EXPECT_TRUE(t->Start("c1").ok());
    EXPECT_EQ((co_await t->Wait("c1"))->exit_status(), 4u);
    const sim::Nanos then = t->ex.now();
    absl::StatusOr<tpb::WaitResponse> again = co_await t->Wait("c1");
    EXPECT_EQ(again->exit_status(), 4u);
    EXPECT_EQ(t->ex.now(), then);
  }(this));
}

// §2 ProcessInfo: runc puts ProcessDetails{exec_id} on exec pids, nothing on
// init's.
TEST_F(ConformanceTest, ListPidsCarriesExecDetails) {
  Run([](ConformanceTest* t) -> sim::Task<void> {
    EXPECT_TRUE(t->NewContainer("c1", {"run"}).ok());
    EXPECT_TRUE(t->NewTask("c1").ok());
    EXPECT_TRUE(t->Start("c1").ok());
    EXPECT_TRUE(t->Exec("c1", "e1", {"run"}).ok());
    EXPECT_TRUE(t->Start("c1", "e1").ok());
    tpb::ListPidsRequest req;
    req.set_container_id("c1");
    tpb::ListPidsResponse resp;
    EXPECT_TRUE(t->fake.ListPids(kNs, req, &resp).ok());
    EXPECT_EQ(resp.processes_size(), 2);
    if (resp.processes_size() != 2) co_return;
    EXPECT_FALSE(resp.processes(0).has_info());
    EXPECT_EQ(resp.processes(1).info().type_url(),
              "containerd.runc.v1.ProcessDetails");
    EXPECT_EQ(resp.processes(1).info().value(), std::string("\x0a\x02") + "e1");
    tpb::ListTasksRequest list;
    tpb::ListTasksResponse tasks;
    EXPECT_TRUE(t->fake.ListTasks(kNs, list, &tasks).ok());
    EXPECT_EQ(tasks.tasks_size(), 1);  // tasks only, no execs
  }(this));
}

// Row: Pause when paused / Pause when stopped / Resume when running -> UNKNOWN.
TEST_F(ConformanceTest, PauseResumeStateErrors) {
  Run([](ConformanceTest* t) -> sim::Task<void> {
    EXPECT_TRUE(t->NewContainer("c1", {"run"}).ok());
    EXPECT_TRUE(t->NewTask("c1").ok());
    EXPECT_TRUE(t->Start("c1").ok());
    t->ExpectError(t->Resume("c1"), StatusCode::kUnknown,
                   "cannot resume a running process: unknown");
    EXPECT_TRUE(t->Pause("c1").ok());
    EXPECT_EQ(t->Get("c1")->process().status(), containerd::v1::types::PAUSED);
    t->ExpectError(t->Pause("c1"), StatusCode::kUnknown,
                   "cannot pause a paused container: unknown");
    EXPECT_TRUE(t->Resume("c1").ok());
    EXPECT_TRUE(t->Kill("c1", "", 9).ok());
    co_await t->Wait("c1");
    t->ExpectError(t->Pause("c1"), StatusCode::kUnknown,
                   "cannot pause a stopped container: unknown");
  }(this));
  EXPECT_EQ(Topics(), (std::vector<std::string>{
                          "/containers/create", "/tasks/create", "/tasks/start",
                          "/tasks/paused", "/tasks/resumed", "/tasks/exit"}));
}

// Rows: Events.Publish without namespace / with a bad topic; Events.Forward
// without namespace; Events.Subscribe with a bad filter (INVALID_ARGUMENT here;
// the stream adapter reports it as the stream's UNKNOWN final status).
TEST_F(ConformanceTest, EventsErrors) {
  epb::PublishRequest pub;
  pub.set_topic("tasks/oom");
  ExpectError(fake.Publish("", pub), StatusCode::kFailedPrecondition,
              "failed publishing event: namespace is required");
  ExpectError(
      fake.Publish(kNs, pub), StatusCode::kInvalidArgument,
      "envelope topic \"tasks/oom\": must start with '/': invalid argument");
  pub.set_topic("/tasks/oom");
  pub.mutable_event()->set_type_url(
      "type.googleapis.com/containerd.events.TaskOOM");
  EXPECT_TRUE(fake.Publish(kNs, pub).ok());  // type_url is not checked
  EXPECT_EQ(envelopes.back().event().type_url(),
            "type.googleapis.com/containerd.events.TaskOOM");
  epb::ForwardRequest fwd;
  ExpectError(fake.Forward(fwd), StatusCode::kInvalidArgument,
              "event envelope has invalid namespace: identifier must not be "
              "empty: invalid "
              "argument");
  epb::SubscribeRequest sub;
  sub.add_filters("topic~=(a|b)");
  ExpectError(fake.Subscribe(sub).status(), StatusCode::kInvalidArgument,
              "failed parsing subscription filters: ");
}

// "Other observed behaviour": ResizePty and CloseIO on a non-TTY process
// without stdin are OK; Kill(SIGTERM) of `sleep` as PID 1 is OK but it keeps
// running.
TEST_F(ConformanceTest, OtherObservedBehaviour) {
  Run([](ConformanceTest* t) -> sim::Task<void> {
    EXPECT_TRUE(t->NewContainer("c1", {"/bin/sleep", "1000"}).ok());
    EXPECT_TRUE(t->NewTask("c1").ok());
    EXPECT_TRUE(t->Start("c1").ok());
    tpb::ResizePtyRequest resize;
    resize.set_container_id("c1");
    EXPECT_TRUE(t->fake.ResizePty(kNs, resize).ok());
    tpb::CloseIORequest close;
    close.set_container_id("c1");
    close.set_stdin(true);
    EXPECT_TRUE(t->fake.CloseIO(kNs, close).ok());
    EXPECT_TRUE(t->Kill("c1", "", 15).ok());
    co_await t->ex.Sleep(sim::kSecond);
    EXPECT_EQ(t->Get("c1")->process().status(), containerd::v1::types::RUNNING);
    EXPECT_TRUE(t->Kill("c1", "", 9).ok());
    EXPECT_EQ((co_await t->Wait("c1"))->exit_status(), 137u);
  }(this));
}

// Sequence: `run --rm /bin/echo`: /containers/create -> /tasks/create ->
// /tasks/start -> /tasks/exit -> /tasks/delete -> /containers/delete; exit
// status 0 absent; bare type_url.
TEST_F(ConformanceTest, SequenceRunRm) {
  Run([](ConformanceTest* t) -> sim::Task<void> {
    EXPECT_TRUE(t->NewContainer("c1", {"exit", "0", "3ms"}).ok());
    EXPECT_TRUE(t->NewTask("c1").ok());
    EXPECT_TRUE(t->Start("c1").ok());
    absl::StatusOr<tpb::WaitResponse> w = co_await t->Wait("c1");
    EXPECT_EQ(w->exit_status(), 0u);
    EXPECT_EQ(w->exited_at().seconds(), kVirtualEpochSeconds);
    EXPECT_EQ(w->exited_at().nanos(), 3'000'000);
    absl::StatusOr<tpb::DeleteResponse> d = t->DeleteTask("c1");
    EXPECT_TRUE(d.ok());
    EXPECT_EQ(d->id(), "");
    EXPECT_EQ(d->pid(), Kernel::kFirstPid);
    EXPECT_TRUE(t->DeleteContainer("c1").ok());
  }(this));
  EXPECT_EQ(Topics(),
            (std::vector<std::string>{"/containers/create", "/tasks/create",
                                      "/tasks/start", "/tasks/exit",
                                      "/tasks/delete", "/containers/delete"}));
  const Envelope& exit = envelopes[3];
  EXPECT_EQ(exit.event().type_url(), "containerd.events.TaskExit");
  EXPECT_EQ(exit.namespace_(), kNs);
  containerd::events::TaskExit m;
  ASSERT_TRUE(m.ParseFromString(exit.event().value()));
  EXPECT_EQ(m.id(), "c1");  // init: id = container id
  EXPECT_EQ(m.pid(), Kernel::kFirstPid);
  // exit_status is field 4 (varint tag 0x20): absent from the bytes when 0.
  EXPECT_EQ(exit.event().value().find('\x20'), std::string::npos);
  EXPECT_EQ(envelopes[4].event().type_url(), "containerd.events.TaskDelete");
}

// Sequence: Exec: /tasks/exec-added (on Exec) -> /tasks/exec-started (on Start)
// -> /tasks/exit{id=exec}; DeleteProcess emits nothing (TaskDelete only for
// init).
TEST_F(ConformanceTest, SequenceExec) {
  Run([](ConformanceTest* t) -> sim::Task<void> {
    EXPECT_TRUE(t->NewContainer("c1", {"run"}).ok());
    EXPECT_TRUE(t->NewTask("c1").ok());
    EXPECT_TRUE(t->Start("c1").ok());
    EXPECT_TRUE(t->Exec("c1", "e1", {"exit", "5", "1ms"}).ok());
    EXPECT_EQ(t->Topics().back(), "/tasks/exec-added");
    EXPECT_EQ(t->Get("c1", "e1")->process().status(),
              containerd::v1::types::CREATED);
    EXPECT_TRUE(t->Start("c1", "e1").ok());
    EXPECT_EQ(t->Topics().back(), "/tasks/exec-started");
    EXPECT_EQ((co_await t->Wait("c1", "e1"))->exit_status(), 5u);
    absl::StatusOr<tpb::DeleteResponse> d = t->DeleteProcess("c1", "e1");
    EXPECT_EQ(d->id(), "e1");
    EXPECT_EQ(d->exit_status(), 5u);
  }(this));
  EXPECT_EQ(Topics(),
            (std::vector<std::string>{"/containers/create", "/tasks/create",
                                      "/tasks/start", "/tasks/exec-added",
                                      "/tasks/exec-started", "/tasks/exit"}));
  containerd::events::TaskExit m;
  ASSERT_TRUE(m.ParseFromString(envelopes.back().event().value()));
  EXPECT_EQ(m.id(), "e1");
  EXPECT_EQ(m.exit_status(), 5u);
}

// Sequence: SIGKILL to init while an exec is running: the exec's exit (137)
// before init's.
TEST_F(ConformanceTest, SequenceKillInitWithExec) {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    sim::RandomStrategy strategy;
    sim::Executor ex({.seed = seed}, strategy);
    std::vector<std::pair<std::string, uint32_t>> exits;  // (id, status)
    {
      FakeContainerd f(ex);
      f.events().set_tap([&exits](const Envelope& e) {
        if (e.topic() != "/tasks/exit") return;
        containerd::events::TaskExit m;
        m.ParseFromString(e.event().value());
        exits.emplace_back(m.id(), m.exit_status());
      });
      ex.Spawn("client", [](FakeContainerd& f) -> sim::Task<void> {
        cpb::CreateContainerRequest c;
        c.mutable_container()->set_id("c1");
        c.mutable_container()->mutable_runtime()->set_name(
            "io.containerd.runc.v2");
        c.mutable_container()->mutable_spec()->set_value(SpecJson({"run"}));
        cpb::CreateContainerResponse cr;
        EXPECT_TRUE(f.CreateContainer(kNs, c, &cr).ok());
        tpb::CreateTaskRequest ct;
        ct.set_container_id("c1");
        tpb::CreateTaskResponse ctr;
        EXPECT_TRUE(f.CreateTask(kNs, ct, &ctr).ok());
        tpb::StartRequest s;
        s.set_container_id("c1");
        tpb::StartResponse sr;
        EXPECT_TRUE(f.Start(kNs, s, &sr).ok());
        tpb::ExecProcessRequest e;
        e.set_container_id("c1");
        e.set_exec_id("e1");
        e.mutable_spec()->set_value(SpecJson({"sleep"}));
        EXPECT_TRUE(f.Exec(kNs, e).ok());
        s.set_exec_id("e1");
        EXPECT_TRUE(f.Start(kNs, s, &sr).ok());
        co_await f.executor().Yield();
        tpb::KillRequest k;
        k.set_container_id("c1");
        k.set_signal(9);
        EXPECT_TRUE(f.Kill(kNs, k).ok());
        tpb::WaitRequest w;
        w.set_container_id("c1");
        co_await f.Wait(kNs, w);
      }(f));
      ASSERT_EQ(ex.Run().outcome, sim::RunOutcome::kCompleted);
      ex.DestroyAllTasks();
    }
    EXPECT_EQ(exits, (std::vector<std::pair<std::string, uint32_t>>{
                         {"e1", 137}, {"c1", 137}}));
  }
}

// Sequence: OOM: /tasks/oom{container_id} before /tasks/exit; init OOM-killed
// -> 137.
TEST_F(ConformanceTest, SequenceOom) {
  Run([](ConformanceTest* t) -> sim::Task<void> {
    EXPECT_TRUE(t->NewContainer("c1", {"oom", "10ms"}).ok());
    EXPECT_TRUE(t->NewTask("c1").ok());
    EXPECT_TRUE(t->Start("c1").ok());
    EXPECT_EQ((co_await t->Wait("c1"))->exit_status(), 137u);
  }(this));
  EXPECT_EQ(Topics(), (std::vector<std::string>{"/containers/create",
                                                "/tasks/create", "/tasks/start",
                                                "/tasks/oom", "/tasks/exit"}));
}

// Subscribers see the same order through the exchange; `namespace==X` filters.
TEST_F(ConformanceTest, SubscriptionDeliversTheSequence) {
  epb::SubscribeRequest req;
  req.add_filters("namespace==ns1,topic~=/tasks/");
  absl::StatusOr<std::unique_ptr<Subscription>> sub = fake.Subscribe(req);
  ASSERT_TRUE(sub.ok());
  std::vector<std::string> topics;
  Run([](ConformanceTest* t, Subscription* s,
         std::vector<std::string>* out) -> sim::Task<void> {
    EXPECT_TRUE(t->NewContainer("c1", {"exit", "2"}).ok());
    EXPECT_TRUE(t->NewContainer("c1", {"exit", "2"}, "ns2").ok());
    EXPECT_TRUE(t->NewTask("c1").ok());
    EXPECT_TRUE(t->Start("c1").ok());
    for (int i = 0; i < 3; ++i) {
      std::optional<EnvelopePtr> e = co_await s->events().Recv();
      if (e.has_value()) out->push_back((*e)->topic());
    }
  }(this, sub->get(), &topics));
  EXPECT_EQ(topics, (std::vector<std::string>{"/tasks/create", "/tasks/start",
                                              "/tasks/exit"}));
  sub->reset();
}

// §4 typical totals: "run to completion and clean up" issues, on the server
// side, Containers Create, Get, Tasks Create, Wait, Start, Get, Delete, then
// Get(task), Get, Delete (container).
TEST_F(ConformanceTest, RpcScopeRecordsCallsInOrder) {
  std::vector<std::string> calls;
  Run([](ConformanceTest* t, std::vector<std::string>* out) -> sim::Task<void> {
    RpcLog::Scope scope(t->fake.rpcs());
    EXPECT_TRUE(t->NewContainer("c1", {"exit", "0"}).ok());
    EXPECT_TRUE(t->NewTask("c1").ok());
    EXPECT_TRUE(t->Start("c1").ok());
    co_await t->Wait("c1");
    EXPECT_TRUE(t->DeleteTask("c1").ok());
    EXPECT_TRUE(t->DeleteContainer("c1").ok());
    *out = scope.short_calls();
  }(this, &calls));
  EXPECT_EQ(calls, (std::vector<std::string>{
                       "Containers/Create", "Tasks/Create", "Tasks/Start",
                       "Tasks/Wait", "Tasks/Delete", "Containers/Delete"}));
  EXPECT_EQ(fake.rpcs().count("/containerd.services.tasks.v1.Tasks/Start"), 1u);
}

}  // namespace
}  // namespace fake_containerd
