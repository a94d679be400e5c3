// Differential conformance: the same RPC scripts against the fake (served over
// real gRPC in this process) and a real containerd 1.6.20 (started by
// scripts/real-containerd, which sets DSIM_CONTAINERD_ADDRESS, DSIM_NAMESPACE
// and DSIM_ROOTFS). For every step the status codes must be equal and both
// messages must contain the step's fragments; event topics must be equal and in
// order, with their ids (as script tags) and exit statuses. Deliberate
// differences are listed in kIntentionalDifferences (and CONFORMANCE.md).
// Over 400 lines: the two sides' harness and every script live together, so
// that a script reads beside the session calls it uses.
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <openssl/sha.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "containerd/events/container.pb.h"
#include "containerd/events/namespace.pb.h"
#include "containerd/events/task.pb.h"
#include "containerd/services/containers/v1/containers.grpc.pb.h"
#include "containerd/services/events/v1/events.grpc.pb.h"
#include "containerd/services/introspection/v1/introspection.grpc.pb.h"
#include "containerd/services/leases/v1/leases.grpc.pb.h"
#include "containerd/services/namespaces/v1/namespace.grpc.pb.h"
#include "containerd/services/tasks/v1/tasks.grpc.pb.h"
#include "containerd/services/version/v1/version.grpc.pb.h"
#include "fake_containerd/grpc_serve.h"
#include "fake_containerd/real_command.h"

namespace fake_containerd {
namespace {

namespace cpb = ::containerd::services::containers::v1;
namespace tpb = ::containerd::services::tasks::v1;
namespace epb = ::containerd::services::events::v1;
namespace npb = ::containerd::services::namespaces::v1;
namespace ipb = ::containerd::services::introspection::v1;
namespace vpb = ::containerd::services::version::v1;
namespace lpb = ::containerd::services::leases::v1;
namespace ev = ::containerd::events;
using Code = ::grpc::StatusCode;
using Args = std::vector<std::string>;

constexpr char kSpecType[] =
    "types.containerd.io/opencontainers/runtime-spec/1/Spec";
constexpr char kProcessType[] =
    "types.containerd.io/opencontainers/runtime-spec/1/Process";
constexpr char kRuntime[] = "io.containerd.runc.v2";
constexpr uint32_t kSigKill = 9;
constexpr uint32_t kSigTerm = 15;
constexpr uint32_t kSigCont = 18;
constexpr uint32_t kSigStop = 19;
// Every call has a deadline, so a hung side fails the step instead of the run.
constexpr auto kCallDeadline = std::chrono::seconds(10);
// Waits for readiness (an event, a trap, a forgotten task) are bounded, but
// generously: a loaded 2-core CI machine must not fail them. A passing run
// never waits this long.
constexpr std::chrono::milliseconds kEventTimeout(30000);
constexpr auto kReadyTimeout = std::chrono::seconds(30);
// Tasks/Wait returns at the exit; an OOM kill under load (the process must
// fill its cgroup's memory first) took over 15 s once on a busy CI machine.
constexpr auto kWaitDeadline = std::chrono::seconds(60);

// A deliberate difference between the fake and real containerd, tolerated
// where (script, step, aspect) match. `aspect` is "code", "message",
// "field <name>", or "events" (with step "events": the script's event list).
// An entry that no longer differs fails the test, so the table (and
// CONFORMANCE.md, "Differences from a real containerd") stays true.
struct IntentionalDifference {
  const char* script;
  const char* step;
  const char* aspect;
  const char* why;
};

constexpr IntentionalDifference kIntentionalDifferences[] = {
    {"other", "list containers streamed", "code",
     "The fake serves no Containers/ListStream (UNIMPLEMENTED); the Go client "
     "falls back to Containers/List on UNIMPLEMENTED, as the daemon model "
     "does, so a stream adds nothing to model."},
    {"other", "metrics", "code",
     "The fake models no cgroup statistics: Tasks/Metrics is UNIMPLEMENTED "
     "(CONFORMANCE.md, Not implemented)."},
    {"introspection", "plugins", "field io.containerd.grpc.v1 snapshots",
     "Introspection lists only the plugins the fake implements; it serves no "
     "snapshots (nor content, images, diff, ...)."},
};

bool IsIntentional(const std::string& script, const std::string& step,
                   const std::string& aspect) {
  for (const IntentionalDifference& d : kIntentionalDifferences) {
    if (script == d.script && step == d.step && aspect == d.aspect) return true;
  }
  return false;
}

// --- the two sides ---

struct Side {
  std::string name;     // "fake" or "real"
  std::string target;   // a gRPC target, "unix:PATH"
  std::string address;  // real: containerd's socket path (names shim sockets)
  std::string ns;
  std::string rootfs;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<cpb::Containers::Stub> containers;
  std::unique_ptr<tpb::Tasks::Stub> tasks;
  std::unique_ptr<epb::Events::Stub> events;
  std::unique_ptr<npb::Namespaces::Stub> namespaces;
  std::unique_ptr<vpb::Version::Stub> version;
  std::unique_ptr<ipb::Introspection::Stub> introspection;
  std::unique_ptr<lpb::Leases::Stub> leases;

  void Connect() {
    channel = grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
    containers = cpb::Containers::NewStub(channel);
    tasks = tpb::Tasks::NewStub(channel);
    events = epb::Events::NewStub(channel);
    namespaces = npb::Namespaces::NewStub(channel);
    version = vpb::Version::NewStub(channel);
    introspection = ipb::Introspection::NewStub(channel);
    leases = lpb::Leases::NewStub(channel);
  }
};

// The fake on a thread, and the real containerd's coordinates from the env.
class Sides : public ::testing::Environment {
 public:
  static Sides* instance;

  void SetUp() override {
    const char* address = std::getenv("DSIM_CONTAINERD_ADDRESS");
    const char* target = std::getenv("DSIM_CONTAINERD");
    const char* ns = std::getenv("DSIM_NAMESPACE");
    const char* rootfs = std::getenv("DSIM_ROOTFS");
    if ((address == nullptr && target == nullptr) || ns == nullptr ||
        rootfs == nullptr) {
      GTEST_FAIL() << "DSIM_CONTAINERD_ADDRESS (or DSIM_CONTAINERD), "
                      "DSIM_NAMESPACE and DSIM_ROOTFS must be set: run this "
                      "test through scripts/real-containerd "
                      "(ctest -R fake_vs_real_containerd)";
    }
    real.name = "real";
    real.target = target != nullptr ? std::string(target)
                                    : absl::StrCat("unix:", address);
    real.address =
        address != nullptr ? std::string(address) : real.target.substr(5);
    real.ns = ns;
    real.rootfs = rootfs;
    real.Connect();

    // Under the run's temp dir (scripts/real-containerd sets TMPDIR inside
    // its own dir), so nothing is left in the system's.
    const char* tmp = std::getenv("TMPDIR");
    fake_socket = absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp",
                               "/dsim-fake-vs-real-", getpid(), ".sock");
    unlink(fake_socket.c_str());
    fake.name = "fake";
    fake.target = "unix:" + fake_socket;
    fake.ns = ns;
    fake.rootfs = rootfs;
    std::promise<void> ready;
    std::future<void> ready_future = ready.get_future();
    GrpcServeOptions options;
    options.listen = fake.target;
    options.stop = &stop;
    options.on_ready = [&ready] { ready.set_value(); };
    server = std::thread([this, options] {
      serve_status = ServeOverGrpc(options);
      served = true;  // publishes serve_status
    });
    // ServeOverGrpc returns at once (without on_ready) when it cannot listen.
    while (ready_future.wait_for(std::chrono::milliseconds(10)) !=
           std::future_status::ready) {
      if (served) {
        GTEST_FAIL() << "the fake cannot serve on " << fake.target << ": "
                     << serve_status;
      }
    }
    fake.Connect();
  }

  void TearDown() override {
    stop = true;
    if (server.joinable()) server.join();
    unlink(fake_socket.c_str());
  }

  Side fake, real;

 private:
  std::string fake_socket;
  std::atomic<bool> stop{false};
  std::atomic<bool> served{false};  // ServeOverGrpc returned
  std::thread server;
  absl::Status serve_status;
};
Sides* Sides::instance = nullptr;

// Registered before main; gtest_main runs the tests.
::testing::Environment* const kSidesEnvironment =
    ::testing::AddGlobalTestEnvironment(Sides::instance = new Sides);

// --- what a script records ---

struct Want {
  Code code = Code::OK;
  std::vector<std::string> fragments;  // both sides' messages contain each
};

struct Outcome {
  Code code = Code::OK;
  std::string message;
  std::vector<std::pair<std::string, std::string>> fields;  // selected reply
};

struct StepRecord {
  std::string name;
  Want want;
  Outcome got;
};

struct EventRecord {
  std::string topic;
  std::string fields;  // ids as script tags, exit status
};

struct Trace {
  std::vector<StepRecord> steps;
  std::vector<EventRecord> events;
  std::vector<std::string> problems;  // the side misbehaved outside a step
};

// Pids differ between the sides; whether there is one does not.
std::string PidField(uint32_t pid) { return pid == 0 ? "0" : "set"; }
// Timestamps too; whether a process has exited (not 0001-01-01) does not.
std::string TimeField(const google::protobuf::Timestamp& t) {
  constexpr int64_t kZeroTime = -62135596800;  // 0001-01-01T00:00:00Z
  return t.seconds() == kZeroTime && t.nanos() == 0 ? "zero" : "set";
}

std::string CodeName(Code c) {
  static const char* const kNames[] = {"OK",
                                       "CANCELLED",
                                       "UNKNOWN",
                                       "INVALID_ARGUMENT",
                                       "DEADLINE_EXCEEDED",
                                       "NOT_FOUND",
                                       "ALREADY_EXISTS",
                                       "PERMISSION_DENIED",
                                       "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION",
                                       "ABORTED",
                                       "OUT_OF_RANGE",
                                       "UNIMPLEMENTED",
                                       "INTERNAL",
                                       "UNAVAILABLE",
                                       "DATA_LOSS",
                                       "UNAUTHENTICATED"};
  int i = static_cast<int>(c);
  return i >= 0 && i < 17 ? kNames[i] : absl::StrCat("code ", i);
}

// --- host processes (the real side) ---

// A line of /proc/PID/status ("State:", "ShdPnd:"), without its key; empty
// when the process is gone.
std::string ProcStatusField(uint32_t pid, const std::string& key) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(key, 0) == 0) return line.substr(key.size());
  }
  return "";
}

// Stopped by a signal (SIGSTOP): state "T (stopped)".
bool RealProcessStopped(uint32_t pid) {
  return ProcStatusField(pid, "State:").find("T (stopped)") !=
         std::string::npos;
}

// `signal` waits in the process's shared pending set (kill(2) puts it there).
bool RealSignalPending(uint32_t pid, int signal) {
  const std::string mask = ProcStatusField(pid, "ShdPnd:");
  if (mask.empty()) return false;
  return (std::strtoull(mask.c_str(), nullptr, 16) >> (signal - 1)) & 1;
}

// --- events ---

// One subscription (filter namespace==NS) read on its own thread.
class EventCollector {
 public:
  explicit EventCollector(Side& side) {
    ctx_.AddMetadata("containerd-namespace", side.ns);
    epb::SubscribeRequest req;
    req.add_filters("namespace==" + side.ns);
    reader_ = side.events->Subscribe(&ctx_, req);
    thread_ = std::thread([this] {
      epb::Envelope e;
      while (reader_->Read(&e)) {
        std::lock_guard<std::mutex> lock(mu_);
        envelopes_.push_back(e);
        cv_.notify_all();
      }
      (void)reader_->Finish();  // CANCELLED by Stop, or the side went away
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
      cv_.notify_all();
    });
  }
  ~EventCollector() { Stop(); }

  // Waits until `pred` holds for the envelopes so far.
  bool WaitFor(
      const std::function<bool(const std::vector<epb::Envelope>&)>& pred,
      std::chrono::milliseconds timeout = kEventTimeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] {
      return pred(envelopes_) || done_;
    }) && pred(envelopes_);
  }

  void Stop() {
    if (!thread_.joinable()) return;
    ctx_.TryCancel();
    thread_.join();
  }

  std::vector<epb::Envelope> envelopes() {
    std::lock_guard<std::mutex> lock(mu_);
    return envelopes_;
  }

 private:
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientReader<epb::Envelope>> reader_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<epb::Envelope> envelopes_;
  bool done_ = false;
};

constexpr char kMarkerTopic[] = "/dsim/marker";

// --- a script run against one side ---

// Runs RPCs against one side under symbolic names (tags): container "c" is
// `<script>-c-<pid>-<n>` on the wire, and messages and events are recorded
// with tags, so the two sides' traces compare. Kills and deletes everything
// the script created when destroyed.
class Session {
 public:
  Session(Side& side, std::string script)
      : side_(side), script_(std::move(script)) {
    events_ = std::make_unique<EventCollector>(side_);
    if (!Marker("begin")) Problem("the event subscription never started");
  }
  ~Session() {
    if (events_ != nullptr) Finish();
    Cleanup();
    RemoveDeadShimSockets();
  }

  // The other side's run had this many events: wait (bounded) for as many
  // here before the end marker, since a real containerd publishes some (a
  // shim's) asynchronously to the RPC replies, later on a loaded machine.
  void ExpectEvents(size_t count) { expected_events_ = count; }

  // Ends the script: late events settle, then the subscription is cancelled.
  Trace Finish() {
    if (expected_events_ > 0) {
      (void)events_->WaitFor([&](const std::vector<epb::Envelope>& es) {
        size_t n = 0;
        for (const epb::Envelope& e : es) {
          n += e.topic() != kMarkerTopic && Decode(e).has_value();
        }
        return n >= expected_events_;
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!Marker("end")) Problem("the end marker event never arrived");
    events_->Stop();
    for (const epb::Envelope& e : events_->envelopes()) {
      if (e.topic() == kMarkerTopic) continue;
      std::optional<EventRecord> r = Decode(e);
      if (r.has_value()) trace_.events.push_back(*r);
    }
    events_.reset();
    return trace_;
  }

  // Records one step's outcome against its expectation.
  void Step(const std::string& step, Want want, Outcome got) {
    for (const StepRecord& r : trace_.steps) {
      EXPECT_NE(r.name, step) << "step names must be unique in a script";
    }
    trace_.steps.push_back({step, std::move(want), std::move(got)});
  }

  // Waits until `count` events with `topic` have arrived (real containerd
  // publishes a shim's events asynchronously to the RPC replies).
  void AwaitEvent(const std::string& topic, int count = 1) {
    bool ok = events_->WaitFor([&](const std::vector<epb::Envelope>& es) {
      int n = 0;
      for (const epb::Envelope& e : es) n += e.topic() == topic;
      return n >= count;
    });
    if (!ok) Problem(absl::StrCat("no ", count, " x ", topic, " event(s)"));
  }

  static void Pause(int ms) {
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  }

  // Polls the real host pid of `tag`'s process (init, or exec `exec`) until
  // `ready(pid)`, bounded; 0 when it never was.
  uint32_t AwaitRealPid(const std::string& tag, const std::string& exec,
                        const std::function<bool(uint32_t)>& ready) {
    const auto deadline = std::chrono::steady_clock::now() + kReadyTimeout;
    do {
      grpc::ClientContext ctx;
      Prepare(ctx, kCallDeadline);
      tpb::GetRequest req;
      req.set_container_id(IdOf(tag));
      req.set_exec_id(exec);
      tpb::GetResponse resp;
      if (side_.tasks->Get(&ctx, req, &resp).ok() &&
          resp.process().pid() != 0 && ready(resp.process().pid())) {
        return resp.process().pid();
      }
      Pause(10);
    } while (std::chrono::steady_clock::now() < deadline);
    return 0;
  }

  // Waits until the process (init, or exec `exec`) of `tag` handles SIGTERM:
  // the `run` program's shell has set its traps (as PID 1 without a trap it
  // would ignore the signal). Readiness from the kernel (SigCgt in
  // /proc/PID/status), not a pause. The fake's processes are simulated and
  // always ready.
  void AwaitTrapped(const std::string& tag, const std::string& exec = "") {
    if (side_.name == "fake") return;
    if (AwaitRealPid(tag, exec, [](uint32_t pid) {
          return RealProcessHandles(pid, kSigTerm);
        }) == 0) {
      Problem(absl::StrCat(tag, " ", exec, " never set its SIGTERM trap"));
    }
  }

  // Waits until the real process of `tag` (init) is stopped by a signal
  // (state T in /proc) and, when `pending` is set, holds that signal pending:
  // readiness from the kernel, not a pause. The fake's processes are
  // simulated: their signals act within the Kill call.
  void AwaitRealStopped(const std::string& tag, int pending = 0) {
    if (side_.name == "fake") return;
    if (AwaitRealPid(tag, "", [pending](uint32_t pid) {
          return RealProcessStopped(pid) &&
                 (pending == 0 || RealSignalPending(pid, pending));
        }) == 0) {
      Problem(absl::StrCat(tag, " never stopped",
                           pending ? " with the signal pending" : ""));
    }
  }

  // Lets the gated `oom` of `tag` allocate (a host signal, no RPC) once the
  // shim watches for its OOM kill: real containerd's shim starts watching only
  // after Start has run the task, so an OOM kill at once races it and can go
  // unpublished. The fake's `oom` needs no trigger.
  void TriggerOom(const std::string& tag) {
    if (side_.name == "fake") return;
    const uint32_t pid = AwaitRealPid(tag, "", [](uint32_t pid) {
      return RealProcessHandles(pid, SIGUSR1) && RealShimWatchesOom(pid);
    });
    if (pid == 0) {
      Problem(
          absl::StrCat(tag, ": no USR1 trap, or the shim never watched it"));
    } else if (kill(static_cast<pid_t>(pid), SIGUSR1) != 0) {
      Problem(absl::StrCat(tag, ": cannot signal pid ", pid));
    }
  }

  // Waits until Tasks/Get of `tag` says NOT_FOUND (containerd forgets a task
  // after its shim's cleanup), bounded.
  void AwaitGone(const std::string& tag) {
    const auto deadline = std::chrono::steady_clock::now() + kReadyTimeout;
    do {
      if (Get(tag).code == Code::NOT_FOUND) return;
      Pause(10);
    } while (std::chrono::steady_clock::now() < deadline);
    Problem(absl::StrCat(tag, " was never forgotten"));
  }

  // --- RPCs (tags in, Outcome out) ---

  Outcome CreateContainer(const std::string& tag, const Args& program) {
    const std::string& id = Register(tag);
    specs_[tag] = program;
    return CreateContainerRaw(id, program);
  }
  // An `oom` container whose real process allocates only at TriggerOom.
  Outcome CreateGatedOomContainer(const std::string& tag) {
    const std::string& id = Register(tag);
    specs_[tag] = {"oom"};
    return CreateContainerRaw(id, {"oom"}, /*oom_after_sigusr1=*/true);
  }
  Outcome GetContainer(const std::string& tag, bool with_namespace = true) {
    grpc::ClientContext ctx;
    Prepare(ctx, kCallDeadline, with_namespace);
    cpb::GetContainerRequest req;
    req.set_id(IdOf(tag));
    cpb::GetContainerResponse resp;
    return Result(side_.containers->Get(&ctx, req, &resp));
  }
  Outcome DeleteContainer(const std::string& tag) {
    return DeleteContainerRaw(IdOf(tag));
  }
  Outcome CreateTask(const std::string& tag) {
    grpc::ClientContext ctx;
    Prepare(ctx, kCallDeadline);
    tpb::CreateTaskRequest req;
    req.set_container_id(IdOf(tag));
    tpb::CreateTaskResponse resp;
    return Result(side_.tasks->Create(&ctx, req, &resp));
  }
  // Tasks.Create with stdio paths (FIFOs the script made). The runc shim
  // opens every path it is given once one is: it wants all three.
  Outcome CreateTaskWithIo(const std::string& tag, const std::string& in,
                           const std::string& out, const std::string& err) {
    grpc::ClientContext ctx;
    Prepare(ctx, kCallDeadline);
    tpb::CreateTaskRequest req;
    req.set_container_id(IdOf(tag));
    req.set_stdin(in);
    req.set_stdout(out);
    req.set_stderr(err);
    tpb::CreateTaskResponse resp;
    return Result(side_.tasks->Create(&ctx, req, &resp));
  }
  Outcome Start(const std::string& tag, const std::string& exec = "") {
    grpc::ClientContext ctx;
    Prepare(ctx, kCallDeadline);
    tpb::StartRequest req;
    req.set_container_id(IdOf(tag));
    req.set_exec_id(exec);
    tpb::StartResponse resp;
    return Result(side_.tasks->Start(&ctx, req, &resp));
  }
  Outcome Get(const std::string& tag, const std::string& exec = "") {
    grpc::ClientContext ctx;
    Prepare(ctx, kCallDeadline);
    tpb::GetRequest req;
    req.set_container_id(IdOf(tag));
    req.set_exec_id(exec);
    tpb::GetResponse resp;
    Outcome o = Result(side_.tasks->Get(&ctx, req, &resp));
    if (o.code == Code::OK) {
      o.fields.emplace_back("status", containerd::v1::types::Status_Name(
                                          resp.process().status()));
      o.fields.emplace_back("exit_status",
                            absl::StrCat(resp.process().exit_status()));
      o.fields.emplace_back("id", TagOf(resp.process().id()));
      o.fields.emplace_back("pid", PidField(resp.process().pid()));
      o.fields.emplace_back("exited_at", TimeField(resp.process().exited_at()));
    }
    return o;
  }
  Outcome Wait(const std::string& tag, const std::string& exec = "",
               std::chrono::seconds deadline = kWaitDeadline) {
    return WaitRaw(IdOf(tag), exec, deadline);
  }
  // Wait issued now, answered later (Go's task.Wait before task.Start).
  std::future<Outcome> WaitAsync(const std::string& tag,
                                 const std::string& exec = "") {
    std::string id = IdOf(tag);
    return std::async(std::launch::async, [this, id, exec] {
      return WaitRaw(id, exec, kWaitDeadline);
    });
  }
  Outcome Kill(const std::string& tag, const std::string& exec, uint32_t signal,
               bool all = false) {
    return KillRaw(IdOf(tag), exec, signal, all);
  }
  Outcome DeleteTask(const std::string& tag) {
    return DeleteTaskRaw(IdOf(tag));
  }
  Outcome DeleteProcess(const std::string& tag, const std::string& exec) {
    grpc::ClientContext ctx;
    Prepare(ctx, kCallDeadline);
    tpb::DeleteProcessRequest req;
    req.set_container_id(IdOf(tag));
    req.set_exec_id(exec);
    tpb::DeleteResponse resp;
    Outcome o = Result(side_.tasks->DeleteProcess(&ctx, req, &resp));
    if (o.code == Code::OK) {
      o.fields.emplace_back("id", resp.id());
      o.fields.emplace_back("exit_status", absl::StrCat(resp.exit_status()));
      o.fields.emplace_back("pid", PidField(resp.pid()));
      o.fields.emplace_back("exited_at", TimeField(resp.exited_at()));
    }
    return o;
  }
  Outcome Exec(const std::string& tag, const std::string& exec,
               const Args& program) {
    grpc::ClientContext ctx;
    Prepare(ctx, kCallDeadline);
    tpb::ExecProcessRequest req;
    req.set_container_id(IdOf(tag));
    req.set_exec_id(exec);
    req.mutable_spec()->set_type_url(kProcessType);
    req.mutable_spec()->set_value(RealProcessSpecJson(program));
    google::protobuf::Empty resp;
    return Result(side_.tasks->Exec(&ctx, req, &resp));
  }
  Outcome ExecWithIo(const std::string& tag, const std::string& exec,
                     const Args& program, const std::string& in,
                     const std::string& out, const std::string& err) {
    grpc::ClientContext ctx;
    Prepare(ctx, kCallDeadline);
    tpb::ExecProcessRequest req;
    req.set_container_id(IdOf(tag));
    req.set_exec_id(exec);
    req.set_stdin(in);
    req.set_stdout(out);
    req.set_stderr(err);
    req.mutable_spec()->set_type_url(kProcessType);
    req.mutable_spec()->set_value(RealProcessSpecJson(program));
    google::protobuf::Empty resp;
    return Result(side_.tasks->Exec(&ctx, req, &resp));
  }
  Outcome PauseTask(const std::string& tag) {
    grpc::ClientContext ctx;
    Prepare(ctx, kCallDeadline);
    tpb::PauseTaskRequest req;
    req.set_container_id(IdOf(tag));
    google::protobuf::Empty resp;
    return Result(side_.tasks->Pause(&ctx, req, &resp));
  }
  Outcome ResumeTask(const std::string& tag) {
    grpc::ClientContext ctx;
    Prepare(ctx, kCallDeadline);
    tpb::ResumeTaskRequest req;
    req.set_container_id(IdOf(tag));
    google::protobuf::Empty resp;
    return Result(side_.tasks->Resume(&ctx, req, &resp));
  }

  Outcome ListPids(const std::string& tag) {
    grpc::ClientContext ctx;
    Prepare(ctx, kCallDeadline);
    tpb::ListPidsRequest req;
    req.set_container_id(IdOf(tag));
    tpb::ListPidsResponse resp;
    Outcome o = Result(side_.tasks->ListPids(&ctx, req, &resp));
    if (o.code == Code::OK) {
      int with_details = 0;
      for (const auto& p : resp.processes()) {
        with_details +=
            p.info().type_url() == "containerd.runc.v1.ProcessDetails";
      }
      o.fields.emplace_back("pids", absl::StrCat(resp.processes_size()));
      o.fields.emplace_back("exec_details", absl::StrCat(with_details));
    }
    return o;
  }
  Outcome ResizePty(const std::string& tag, const std::string& exec) {
    grpc::ClientContext ctx;
    Prepare(ctx, kCallDeadline);
    tpb::ResizePtyRequest req;
    req.set_container_id(IdOf(tag));
    req.set_exec_id(exec);
    req.set_width(80);
    req.set_height(24);
    google::protobuf::Empty resp;
    return Result(side_.tasks->ResizePty(&ctx, req, &resp));
  }
  Outcome CloseIO(const std::string& tag, const std::string& exec) {
    grpc::ClientContext ctx;
    Prepare(ctx, kCallDeadline);
    tpb::CloseIORequest req;
    req.set_container_id(IdOf(tag));
    req.set_exec_id(exec);
    req.set_stdin(true);
    google::protobuf::Empty resp;
    return Result(side_.tasks->CloseIO(&ctx, req, &resp));
  }
  // The session's tasks among Tasks.List (the 1.6 server ignores the filter).
  Outcome ListTasks() {
    grpc::ClientContext ctx;
    Prepare(ctx, kCallDeadline);
    tpb::ListTasksRequest req;
    tpb::ListTasksResponse resp;
    Outcome o = Result(side_.tasks->List(&ctx, req, &resp));
    if (o.code == Code::OK) {
      std::set<std::string> mine;
      for (const auto& t : resp.tasks()) {
        if (tags_.contains(t.id())) {
          mine.insert(TagOf(t.id()) + ":" +
                      containerd::v1::types::Status_Name(t.status()));
        }
      }
      o.fields.emplace_back("tasks", absl::StrJoin(mine, ","));
    }
    return o;
  }
  Outcome ListContainers(const std::string& tag) {
    grpc::ClientContext ctx;
    Prepare(ctx, kCallDeadline);
    cpb::ListContainersRequest req;
    req.add_filters("id==" + IdOf(tag));
    cpb::ListContainersResponse resp;
    Outcome o = Result(side_.containers->List(&ctx, req, &resp));
    if (o.code == Code::OK) {
      o.fields.emplace_back("containers", absl::StrCat(resp.containers_size()));
    }
    return o;
  }
  Outcome ListStream(const std::string& tag) {
    grpc::ClientContext ctx;
    Prepare(ctx, kCallDeadline);
    cpb::ListContainersRequest req;
    req.add_filters("id==" + IdOf(tag));
    std::unique_ptr<grpc::ClientReader<cpb::ListContainerMessage>> reader =
        side_.containers->ListStream(&ctx, req);
    cpb::ListContainerMessage m;
    int n = 0;
    while (reader->Read(&m)) ++n;
    Outcome o = Result(reader->Finish());
    if (o.code == Code::OK)
      o.fields.emplace_back("containers", absl::StrCat(n));
    return o;
  }
  Outcome SetLabel(const std::string& tag, const std::string& key,
                   const std::string& value) {
    grpc::ClientContext ctx;
    Prepare(ctx, kCallDeadline);
    cpb::UpdateContainerRequest req;
    req.mutable_container()->set_id(IdOf(tag));
    (*req.mutable_container()->mutable_labels())[key] = value;
    req.mutable_update_mask()->add_paths("labels." + key);
    cpb::UpdateContainerResponse resp;
    Outcome o = Result(side_.containers->Update(&ctx, req, &resp));
    if (o.code == Code::OK) {
      o.fields.emplace_back("labels",
                            absl::StrCat(resp.container().labels_size()));
    }
    return o;
  }
  Outcome UpdateTask(const std::string& tag) {
    grpc::ClientContext ctx;
    Prepare(ctx, kCallDeadline);
    tpb::UpdateTaskRequest req;
    req.set_container_id(IdOf(tag));
    req.mutable_resources()->set_type_url(
        "types.containerd.io/opencontainers/runtime-spec/1/LinuxResources");
    req.mutable_resources()->set_value(R"({"memory":{"limit":33554432}})");
    google::protobuf::Empty resp;
    return Result(side_.tasks->Update(&ctx, req, &resp));
  }
  Outcome Metrics(const std::string& tag) {
    grpc::ClientContext ctx;
    Prepare(ctx, kCallDeadline);
    tpb::MetricsRequest req;
    req.add_filters("id==" + IdOf(tag));
    tpb::MetricsResponse resp;
    Outcome o = Result(side_.tasks->Metrics(&ctx, req, &resp));
    if (o.code == Code::OK) {
      o.fields.emplace_back("metrics", absl::StrCat(resp.metrics_size()));
    }
    return o;
  }

  // --- Namespaces, Version and Introspection (no namespace header) ---

  // A namespace by tag: "session" is the side's own, any other tag names one
  // of this session (its id, so both sides' messages untag alike).
  Outcome GetNamespace(const std::string& tag) {
    grpc::ClientContext ctx;
    Prepare(ctx, kCallDeadline, /*with_namespace=*/false);
    npb::GetNamespaceRequest req;
    req.set_name(NamespaceOf(tag));
    npb::GetNamespaceResponse resp;
    Outcome o = Result(side_.namespaces->Get(&ctx, req, &resp));
    if (o.code == Code::OK) {
      o.fields.emplace_back("name", NamespaceTag(resp.namespace_().name()));
      o.fields.emplace_back("labels", LabelText(resp.namespace_().labels()));
    }
    return o;
  }
  // Whether each of `tags` is listed, and with which labels.
  Outcome ListNamespaces(const std::vector<std::string>& tags) {
    grpc::ClientContext ctx;
    Prepare(ctx, kCallDeadline, /*with_namespace=*/false);
    npb::ListNamespacesRequest req;
    npb::ListNamespacesResponse resp;
    Outcome o = Result(side_.namespaces->List(&ctx, req, &resp));
    if (o.code != Code::OK) return o;
    for (const std::string& tag : tags) {
      std::string listed = "absent";
      for (const npb::Namespace& n : resp.namespaces()) {
        if (n.name() == NamespaceOf(tag))
          listed = "[" + LabelText(n.labels()) + "]";
      }
      o.fields.emplace_back(tag, listed);
    }
    return o;
  }
  // With the session's namespace header, as the Go client sends its
  // default namespace's, unless `with_header` is false.
  Outcome CreateNamespace(const std::string& tag,
                          const std::map<std::string, std::string>& labels,
                          bool with_header = true) {
    grpc::ClientContext ctx;
    Prepare(ctx, kCallDeadline, with_header);
    npb::CreateNamespaceRequest req;
    req.mutable_namespace_()->set_name(NamespaceOf(tag));
    req.mutable_namespace_()->mutable_labels()->insert(labels.begin(),
                                                       labels.end());
    npb::CreateNamespaceResponse resp;
    Outcome o = Result(side_.namespaces->Create(&ctx, req, &resp));
    if (o.code == Code::OK) {
      o.fields.emplace_back("labels", LabelText(resp.namespace_().labels()));
    }
    return o;
  }
  // An empty `paths` replaces every label.
  Outcome UpdateNamespace(const std::string& tag,
                          const std::map<std::string, std::string>& labels,
                          const std::vector<std::string>& paths,
                          bool with_header = true) {
    grpc::ClientContext ctx;
    Prepare(ctx, kCallDeadline, with_header);
    npb::UpdateNamespaceRequest req;
    req.mutable_namespace_()->set_name(NamespaceOf(tag));
    req.mutable_namespace_()->mutable_labels()->insert(labels.begin(),
                                                       labels.end());
    for (const std::string& p : paths) req.mutable_update_mask()->add_paths(p);
    npb::UpdateNamespaceResponse resp;
    Outcome o = Result(side_.namespaces->Update(&ctx, req, &resp));
    if (o.code == Code::OK) {
      o.fields.emplace_back("labels", LabelText(resp.namespace_().labels()));
    }
    return o;
  }
  Outcome DeleteNamespace(const std::string& tag) {
    grpc::ClientContext ctx;
    Prepare(ctx, kCallDeadline, /*with_namespace=*/false);
    npb::DeleteNamespaceRequest req;
    req.set_name(NamespaceOf(tag));
    google::protobuf::Empty resp;
    return Result(side_.namespaces->Delete(&ctx, req, &resp));
  }
  // A container (no task) in namespace `ns_tag`; the script deletes it.
  Outcome CreateContainerIn(const std::string& ns_tag, const std::string& tag) {
    return CreateContainerRaw(IdOf(tag), {"sleep"}, false, NamespaceOf(ns_tag));
  }
  Outcome GetContainerIn(const std::string& ns_tag, const std::string& tag) {
    grpc::ClientContext ctx;
    Prepare(ctx, kCallDeadline, true, NamespaceOf(ns_tag));
    cpb::GetContainerRequest req;
    req.set_id(IdOf(tag));
    cpb::GetContainerResponse resp;
    return Result(side_.containers->Get(&ctx, req, &resp));
  }
  Outcome DeleteContainerIn(const std::string& ns_tag, const std::string& tag) {
    return DeleteContainerRaw(IdOf(tag), NamespaceOf(ns_tag));
  }
  Outcome CreateLeaseIn(const std::string& ns_tag, const std::string& tag) {
    grpc::ClientContext ctx;
    Prepare(ctx, kCallDeadline, true, NamespaceOf(ns_tag));
    lpb::CreateRequest req;
    req.set_id(IdOf(tag));
    lpb::CreateResponse resp;
    return Result(side_.leases->Create(&ctx, req, &resp));
  }
  // The shape of the answer, not the text: a 1.6 version, some revision.
  Outcome Version() {
    grpc::ClientContext ctx;
    Prepare(ctx, kCallDeadline, /*with_namespace=*/false);
    vpb::VersionResponse resp;
    Outcome o = Result(side_.version->Version(&ctx, {}, &resp));
    if (o.code == Code::OK) {
      o.fields.emplace_back("version", resp.version().starts_with("1.6.20")
                                           ? "1.6.20*"
                                           : "other");
      o.fields.emplace_back("revision",
                            resp.revision().empty() ? "empty" : "set");
    }
    return o;
  }
  Outcome Server() {
    grpc::ClientContext ctx;
    Prepare(ctx, kCallDeadline, /*with_namespace=*/false);
    ipb::ServerResponse resp;
    Outcome o = Result(side_.introspection->Server(&ctx, {}, &resp));
    if (o.code == Code::OK)
      o.fields.emplace_back("uuid", UuidShape(resp.uuid()));
    return o;
  }
  // How many plugins match `filters`, and whether each of `wanted`
  // ("<type> <id>") is among them, with its platforms.
  Outcome Plugins(const std::vector<std::string>& filters,
                  const std::vector<std::string>& wanted) {
    grpc::ClientContext ctx;
    Prepare(ctx, kCallDeadline, /*with_namespace=*/false);
    ipb::PluginsRequest req;
    for (const std::string& f : filters) req.add_filters(f);
    ipb::PluginsResponse resp;
    Outcome o = Result(side_.introspection->Plugins(&ctx, req, &resp));
    if (o.code != Code::OK) return o;
    if (!filters.empty()) {
      o.fields.emplace_back("plugins", absl::StrCat(resp.plugins_size()));
    }
    for (const std::string& w : wanted) {
      std::string found = "absent";
      for (const ipb::Plugin& p : resp.plugins()) {
        if (absl::StrCat(p.type(), " ", p.id()) != w) continue;
        found = "present";
        for (const containerd::types::Platform& pl : p.platforms()) {
          absl::StrAppend(&found, " ", pl.os(), "/", pl.architecture());
        }
        if (p.has_init_err()) absl::StrAppend(&found, " init_err");
      }
      o.fields.emplace_back(w, found);
    }
    return o;
  }

 private:
  void Problem(const std::string& what) { trace_.problems.push_back(what); }

  std::string NamespaceOf(const std::string& tag) {
    return tag == "session" ? side_.ns : IdOf(tag);
  }
  std::string NamespaceTag(const std::string& name) const {
    return name == side_.ns ? "session" : TagOf(name);
  }
  static std::string LabelText(
      const google::protobuf::Map<std::string, std::string>& labels) {
    std::map<std::string, std::string> sorted(labels.begin(), labels.end());
    std::string text;
    for (const auto& [k, v] : sorted) {
      absl::StrAppend(&text, text.empty() ? "" : ",", k, "=", v);
    }
    return text;
  }
  // "uuid" for 8-4-4-4-12 lower-case hex digits.
  static std::string UuidShape(const std::string& u) {
    if (u.size() != 36) return "other";
    for (size_t i = 0; i < u.size(); ++i) {
      const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
      const char c = u[i];
      if (dash != (c == '-')) return "other";
      if (!dash && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
        return "other";
    }
    return "uuid";
  }

  // The socket a runc v2 shim of container `id` listens on (containerd 1.6:
  // /run/containerd/s/ + hex sha256 of "<containerd address>/<ns>/<id>").
  std::string ShimSocketOf(const std::string& id) const {
    const std::string key = side_.address + "/" + side_.ns + "/" + id;
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(),
           digest);
    std::string hex;
    for (unsigned char b : digest)
      absl::StrAppend(&hex, absl::Hex(b, absl::kZeroPad2));
    return "/run/containerd/s/" + hex;
  }

  // A shim that died (ShimDeath's panicked one) leaves its socket behind:
  // remove the sockets of this session's containers that nobody answers.
  void RemoveDeadShimSockets() const {
    if (side_.name != "real") return;
    for (const auto& [tag, id] : ids_) {
      const std::string path = ShimSocketOf(id);
      struct stat st;
      if (lstat(path.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
      sockaddr_un a{};
      a.sun_family = AF_UNIX;
      std::strncpy(a.sun_path, path.c_str(), sizeof(a.sun_path) - 1);
      const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (fd < 0) continue;
      const bool stale =
          connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof(a)) != 0 &&
          errno == ECONNREFUSED;
      close(fd);
      if (stale) unlink(path.c_str());
    }
  }

  const std::string& Register(const std::string& tag) {
    static std::atomic<int> counter{0};
    auto [it, added] = ids_.emplace(tag, "");
    if (added) {
      it->second = absl::StrCat(script_, "-", tag, "-", getpid(), "-",
                                counter.fetch_add(1));
      tags_[it->second] = tag;
    }
    return it->second;
  }
  // Unregistered tags (a container never created) still get an id.
  std::string IdOf(const std::string& tag) { return Register(tag); }
  std::string TagOf(const std::string& id) const {
    auto it = tags_.find(id);
    return it == tags_.end() ? id : it->second;
  }
  // Replaces every id in `s` by its tag.
  std::string Untag(std::string s) const {
    for (const auto& [id, tag] : tags_) {
      for (size_t p = s.find(id); p != std::string::npos;
           p = s.find(id, p + tag.size())) {
        s.replace(p, id.size(), tag);
      }
    }
    return s;
  }

  // The header carries `ns`, or the side's namespace when `ns` is empty.
  void Prepare(grpc::ClientContext& ctx, std::chrono::seconds deadline,
               bool with_namespace = true, const std::string& ns = "") const {
    if (with_namespace) {
      ctx.AddMetadata("containerd-namespace", ns.empty() ? side_.ns : ns);
    }
    ctx.set_deadline(std::chrono::system_clock::now() + deadline);
  }
  Outcome Result(const grpc::Status& s) const {
    return Outcome{s.error_code(), Untag(s.error_message()), {}};
  }

  // In namespace `ns` (the side's when empty).
  Outcome CreateContainerRaw(const std::string& id, const Args& program,
                             bool oom_after_sigusr1 = false,
                             const std::string& ns = "") {
    grpc::ClientContext ctx;
    Prepare(ctx, kCallDeadline, true, ns);
    cpb::CreateContainerRequest req;
    cpb::Container* c = req.mutable_container();
    c->set_id(id);
    c->mutable_runtime()->set_name(kRuntime);
    c->mutable_spec()->set_type_url(kSpecType);
    RealSpecOptions options;
    options.rootfs = side_.rootfs;
    options.cgroups_path = "/" + (ns.empty() ? side_.ns : ns) + "/" + id;
    options.oom_after_sigusr1 = oom_after_sigusr1;
    c->mutable_spec()->set_value(RealContainerSpecJson(program, options));
    cpb::CreateContainerResponse resp;
    return Result(side_.containers->Create(&ctx, req, &resp));
  }
  Outcome DeleteContainerRaw(const std::string& id,
                             const std::string& ns = "") {
    grpc::ClientContext ctx;
    Prepare(ctx, kCallDeadline, true, ns);
    cpb::DeleteContainerRequest req;
    req.set_id(id);
    google::protobuf::Empty resp;
    return Result(side_.containers->Delete(&ctx, req, &resp));
  }
  Outcome WaitRaw(const std::string& id, const std::string& exec,
                  std::chrono::seconds deadline) {
    grpc::ClientContext ctx;
    Prepare(ctx, deadline);
    tpb::WaitRequest req;
    req.set_container_id(id);
    req.set_exec_id(exec);
    tpb::WaitResponse resp;
    Outcome o = Result(side_.tasks->Wait(&ctx, req, &resp));
    if (o.code == Code::OK) {
      o.fields.emplace_back("exit_status", absl::StrCat(resp.exit_status()));
      o.fields.emplace_back("exited_at", TimeField(resp.exited_at()));
    }
    return o;
  }
  Outcome KillRaw(const std::string& id, const std::string& exec,
                  uint32_t signal, bool all) {
    grpc::ClientContext ctx;
    Prepare(ctx, kCallDeadline);
    tpb::KillRequest req;
    req.set_container_id(id);
    req.set_exec_id(exec);
    req.set_signal(signal);
    req.set_all(all);
    google::protobuf::Empty resp;
    return Result(side_.tasks->Kill(&ctx, req, &resp));
  }
  Outcome DeleteTaskRaw(const std::string& id) {
    grpc::ClientContext ctx;
    Prepare(ctx, kCallDeadline);
    tpb::DeleteTaskRequest req;
    req.set_container_id(id);
    tpb::DeleteResponse resp;
    Outcome o = Result(side_.tasks->Delete(&ctx, req, &resp));
    if (o.code == Code::OK) {
      o.fields.emplace_back("exit_status", absl::StrCat(resp.exit_status()));
      o.fields.emplace_back("pid", PidField(resp.pid()));
      o.fields.emplace_back("exited_at", TimeField(resp.exited_at()));
    }
    return o;
  }

  // Publishes a marker until it arrives: everything containerd published
  // before it has then been delivered. (The first one may precede the
  // subscription's start on the server.)
  bool Marker(const std::string& what) {
    auto seen = [&](const std::vector<epb::Envelope>& es) {
      for (const epb::Envelope& e : es) {
        ev::ContainerDelete m;
        if (e.topic() == kMarkerTopic && m.ParseFromString(e.event().value()) &&
            m.id() == what) {
          return true;
        }
      }
      return false;
    };
    for (int attempt = 0; attempt < 300; ++attempt) {  // 30 s at most
      grpc::ClientContext ctx;
      Prepare(ctx, kCallDeadline);
      epb::PublishRequest req;
      req.set_topic(kMarkerTopic);
      ev::ContainerDelete marker;
      marker.set_id(what);
      req.mutable_event()->set_type_url("containerd.events.ContainerDelete");
      req.mutable_event()->set_value(marker.SerializeAsString());
      google::protobuf::Empty resp;
      grpc::Status s = side_.events->Publish(&ctx, req, &resp);
      if (!s.ok()) {
        Problem(absl::StrCat("publishing the ", what,
                             " marker: ", s.error_message()));
        return false;
      }
      if (events_->WaitFor(seen, std::chrono::milliseconds(100))) return true;
    }
    return false;
  }

  // An envelope as topic + normalized fields; nullopt for other scripts'
  // containers.
  std::optional<EventRecord> Decode(const epb::Envelope& e) const {
    const std::string& topic = e.topic();
    const std::string& v = e.event().value();
    std::string container;
    std::string fields;
    if (topic == "/tasks/exit") {
      ev::TaskExit m;
      m.ParseFromString(v);
      container = m.container_id();
      fields =
          absl::StrCat("id=", TagOf(m.id()), " exit_status=", m.exit_status());
    } else if (topic == "/tasks/delete") {
      ev::TaskDelete m;
      m.ParseFromString(v);
      container = m.container_id();
      fields =
          absl::StrCat("id=", TagOf(m.id()), " exit_status=", m.exit_status());
    } else if (topic == "/tasks/exec-added") {
      ev::TaskExecAdded m;
      m.ParseFromString(v);
      container = m.container_id();
      fields = "exec_id=" + m.exec_id();
    } else if (topic == "/tasks/exec-started") {
      ev::TaskExecStarted m;
      m.ParseFromString(v);
      container = m.container_id();
      fields = "exec_id=" + m.exec_id();
    } else if (topic == "/tasks/create") {
      ev::TaskCreate m;
      m.ParseFromString(v);
      container = m.container_id();
    } else if (topic == "/tasks/start") {
      ev::TaskStart m;
      m.ParseFromString(v);
      container = m.container_id();
    } else if (topic == "/tasks/oom") {
      ev::TaskOOM m;
      m.ParseFromString(v);
      container = m.container_id();
    } else if (topic == "/tasks/paused") {
      ev::TaskPaused m;
      m.ParseFromString(v);
      container = m.container_id();
    } else if (topic == "/tasks/resumed") {
      ev::TaskResumed m;
      m.ParseFromString(v);
      container = m.container_id();
    } else if (topic.starts_with("/namespaces/")) {
      ev::NamespaceDelete m;  // name = 1 in all three namespace events
      m.ParseFromString(v);
      return EventRecord{topic, NamespaceTag(m.name())};
    } else if (topic.starts_with("/containers/")) {
      ev::ContainerDelete m;  // id = 1 in all three container events
      m.ParseFromString(v);
      container = m.id();
    }
    if (!container.empty() && !tags_.contains(container)) return std::nullopt;
    std::string text = TagOf(container);
    if (!fields.empty()) text += " " + fields;
    return EventRecord{topic, text};
  }

  // Kills and deletes every task and container of the script; recreates a
  // deleted container's record first, so an orphaned task can be reached.
  void Cleanup() {
    for (const auto& [tag, id] : ids_) {
      auto spec = specs_.find(tag);
      if (spec == specs_.end()) continue;
      (void)CreateContainerRaw(id, spec->second);
      if (KillRaw(id, "", kSigKill, true).code == Code::OK) {
        // A frozen task dies only once thawed.
        grpc::ClientContext ctx;
        Prepare(ctx, kCallDeadline);
        tpb::ResumeTaskRequest req;
        req.set_container_id(id);
        google::protobuf::Empty resp;
        (void)side_.tasks->Resume(&ctx, req, &resp);
        (void)WaitRaw(id, "", std::chrono::seconds(30));
      }
      (void)DeleteTaskRaw(id);
      (void)DeleteContainerRaw(id);
    }
  }

  Side& side_;
  std::string script_;
  std::unique_ptr<EventCollector> events_;
  std::map<std::string, std::string> ids_;   // tag -> id
  std::map<std::string, std::string> tags_;  // id -> tag
  std::map<std::string, Args> specs_;        // tag -> program
  size_t expected_events_ = 0;               // 0: nothing to wait for
  Trace trace_;
};

// --- comparison ---

std::string Show(const Outcome& o) {
  std::string s = CodeName(o.code);
  if (!o.message.empty()) s += " \"" + o.message + "\"";
  for (const auto& [k, v] : o.fields) s += " " + k + "=" + v;
  return s;
}

std::string ShowEvents(const std::vector<EventRecord>& es) {
  std::string s;
  for (const EventRecord& e : es) s += "\n    " + e.topic + " " + e.fields;
  return s;
}

// A real shim publishes `/tasks/oom` from its OOM watcher, apart from the
// exits and the other events it forwards in order, so an OOM kill's
// `/tasks/oom` and `/tasks/exit` arrive in either order (CI saw both). The
// OOM events are compared as a sorted list, each after its task's start; the
// other events in order.
bool SameEvents(const std::vector<EventRecord>& fake,
                const std::vector<EventRecord>& real) {
  auto split = [](const std::vector<EventRecord>& es) {
    std::vector<std::string> ordered;
    std::vector<std::string> ooms;
    std::set<std::string> started;
    for (const EventRecord& e : es) {
      if (e.topic == "/tasks/start") started.insert(e.fields);
      if (e.topic != "/tasks/oom") {
        ordered.push_back(e.topic + " " + e.fields);
      } else if (started.contains(e.fields)) {
        ooms.push_back(e.fields);
      } else {
        ooms.push_back(e.fields + " (before its start)");
      }
    }
    std::sort(ooms.begin(), ooms.end());
    return std::make_pair(ordered, ooms);
  };
  return split(fake) == split(real);
}

void Compare(const std::string& script, const Trace& fake, const Trace& real) {
  for (const std::string& p : fake.problems) {
    ADD_FAILURE() << script << ": fake: " << p;
  }
  for (const std::string& p : real.problems) {
    ADD_FAILURE() << script << ": real: " << p;
  }
  ASSERT_EQ(fake.steps.size(), real.steps.size()) << script;
  std::set<std::pair<std::string, std::string>> tolerated;  // (step, aspect)
  auto differ = [&](const std::string& step, const std::string& aspect,
                    const std::string& detail) {
    if (IsIntentional(script, step, aspect)) {
      tolerated.emplace(step, aspect);
      return;
    }
    ADD_FAILURE() << script << " / " << step << ": " << aspect
                  << " differs: " << detail;
  };
  // Checked last, when every difference has been seen.
  absl::Cleanup stale = [&] {
    for (const IntentionalDifference& d : kIntentionalDifferences) {
      if (script == d.script && !tolerated.contains({d.step, d.aspect})) {
        ADD_FAILURE() << script << " / " << d.step << ": " << d.aspect
                      << " no longer differs; remove it from "
                         "kIntentionalDifferences and CONFORMANCE.md";
      }
    }
  };
  for (size_t i = 0; i < fake.steps.size(); ++i) {
    const StepRecord& f = fake.steps[i];
    const StepRecord& r = real.steps[i];
    const std::string both =
        "\n  fake: " + Show(f.got) + "\n  real: " + Show(r.got);
    // The script's expectation documents real containerd; keep it honest.
    if (r.got.code != r.want.code) {
      ADD_FAILURE() << script << " / " << r.name << ": the script expects "
                    << CodeName(r.want.code) << " from real containerd" << both;
    }
    if (f.got.code != r.got.code) {
      differ(f.name, "code", both);
      continue;
    }
    for (const std::string& frag : f.want.fragments) {
      if (f.got.message.find(frag) == std::string::npos ||
          r.got.message.find(frag) == std::string::npos) {
        differ(f.name, "message", "fragment \"" + frag + "\"" + both);
      }
    }
    for (const auto& [k, v] : r.got.fields) {
      std::string fv = "(absent)";
      for (const auto& [fk, fvv] : f.got.fields) {
        if (fk == k) fv = fvv;
      }
      if (fv != v) differ(f.name, "field " + k, both);
    }
  }
  if (!SameEvents(fake.events, real.events)) {
    differ("events", "events",
           "\n  fake:" + ShowEvents(fake.events) +
               "\n  real:" + ShowEvents(real.events));
  }
}

using Script = std::function<void(Session&)>;

// Runs `script` on the fake, then on the real containerd, and compares.
void RunBoth(const std::string& name, const Script& script) {
  Trace traces[2];
  Side* sides[2] = {&Sides::instance->fake, &Sides::instance->real};
  int64_t millis[2] = {0, 0};
  for (int i = 0; i < 2; ++i) {
    const auto start = std::chrono::steady_clock::now();
    {
      Session s(*sides[i], name);
      if (i == 1) s.ExpectEvents(traces[0].events.size());
      script(s);
      traces[i] = s.Finish();
    }  // cleaned up
    millis[i] = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - start)
                    .count();
  }
  if (std::getenv("DSIM_DIFF_VERBOSE") != nullptr) {
    for (int i = 0; i < 2; ++i) {
      std::cout << "== " << name << " on " << sides[i]->name << " ("
                << millis[i] << " ms)\n";
      for (const StepRecord& r : traces[i].steps) {
        std::cout << "  " << r.name << ": " << Show(r.got) << "\n";
      }
      std::cout << "  events:" << ShowEvents(traces[i].events) << "\n";
    }
  }
  Compare(name, traces[0], traces[1]);
}

// --- the scripts ---

const Want kNotFound{Code::NOT_FOUND, {"not found"}};
const Want kAlreadyExists{Code::ALREADY_EXISTS, {"already exists"}};

Want Unknown(std::string fragment) {
  return Want{Code::UNKNOWN, {std::move(fragment)}};
}

// The comparison leaves only an OOM event's place unordered.
TEST(FakeVsRealContainerd, EventsCompareInOrderButTheOom) {
  const EventRecord start{"/tasks/start", "c"}, oom{"/tasks/oom", "c"},
      exit{"/tasks/exit", "c id=c exit_status=137"};
  EXPECT_TRUE(SameEvents({start, oom, exit}, {start, exit, oom}));
  EXPECT_FALSE(SameEvents({start, oom, exit}, {oom, start, exit}));
  EXPECT_FALSE(SameEvents({start, oom, exit}, {start, exit}));
  EXPECT_FALSE(SameEvents({start, oom, exit}, {start, oom, oom, exit}));
  const EventRecord start_b{"/tasks/start", "b"};
  EXPECT_FALSE(SameEvents({start, start_b}, {start_b, start}));
}

// 1. A whole life, as the Go client runs it (Wait before Start).
TEST(FakeVsRealContainerd, WholeLife) {
  RunBoth("life", [](Session& s) {
    s.Step("container create", {},
           s.CreateContainer("c", {"exit", "3", "50ms"}));
    s.Step("task create", {}, s.CreateTask("c"));
    std::future<Outcome> wait = s.WaitAsync("c");
    s.Step("start", {}, s.Start("c"));
    s.Step("wait", {}, wait.get());
    s.AwaitEvent("/tasks/exit");
    s.Step("get stopped", {}, s.Get("c"));
    s.Step("task delete", {}, s.DeleteTask("c"));
    s.Step("container delete", {}, s.DeleteContainer("c"));
  });
}

// 2. The error table of reference §3, as far as the fake implements it.
TEST(FakeVsRealContainerd, ErrorTable) {
  RunBoth("errors", [](Session& s) {
    s.Step("no namespace header",
           {Code::FAILED_PRECONDITION, {"namespace is required"}},
           s.GetContainer("c", /*with_namespace=*/false));
    s.Step("container get missing", kNotFound, s.GetContainer("c"));
    s.Step("container delete missing", kNotFound, s.DeleteContainer("c"));
    s.Step("container create", {}, s.CreateContainer("c", {"sleep"}));
    s.Step("container create duplicate", kAlreadyExists,
           s.CreateContainer("c", {"sleep"}));
    s.Step("task get without task", kNotFound, s.Get("c"));
    s.Step("task create", {}, s.CreateTask("c"));
    s.Step("task create twice", kAlreadyExists, s.CreateTask("c"));
    s.Step("exec in created task", {}, s.Exec("c", "early", {"exit", "0"}));
    s.Step("delete unstarted exec", {}, s.DeleteProcess("c", "early"));
    s.Step("start", {}, s.Start("c"));
    s.Step("start running", Unknown("cannot start a running process"),
           s.Start("c"));
    s.Step("task delete running", Unknown("cannot delete a running process"),
           s.DeleteTask("c"));
    s.Step("exec empty id",
           {Code::INVALID_ARGUMENT, {"exec id cannot be empty"}},
           s.Exec("c", "", {"sleep"}));
    s.Step("exec", {}, s.Exec("c", "e1", {"sleep"}));
    s.Step("exec duplicate id", kAlreadyExists, s.Exec("c", "e1", {"sleep"}));
    s.Step("exec to start late", {}, s.Exec("c", "late", {"sleep"}));
    s.Step("kill unstarted exec",
           {Code::FAILED_PRECONDITION, {"process not created"}},
           s.Kill("c", "e1", kSigKill));
    s.Step("get unknown exec",
           {Code::NOT_FOUND, {"process does not exist", "not found"}},
           s.Get("c", "nosuch"));
    s.Step("delete unknown exec",
           {Code::NOT_FOUND, {"process does not exist", "not found"}},
           s.DeleteProcess("c", "nosuch"));
    s.Step("pause", {}, s.PauseTask("c"));
    s.Step("pause paused", Unknown("cannot pause a paused container"),
           s.PauseTask("c"));
    s.Step("exec in paused task", Unknown("cannot exec in a paused state"),
           s.Exec("c", "e2", {"sleep"}));
    s.Step("task delete paused", Unknown("cannot delete a paused process"),
           s.DeleteTask("c"));
    s.Step("exec start in paused task", Unknown("cannot exec in a paused"),
           s.Start("c", "e1"));
    s.Step("resume", {}, s.ResumeTask("c"));
    s.Step("resume running", Unknown("cannot resume a running process"),
           s.ResumeTask("c"));
    s.Step("container delete while running", {}, s.DeleteContainer("c"));
    s.Step("task get orphaned", kNotFound, s.Get("c"));
    s.Step("container recreate", {}, s.CreateContainer("c", {"sleep"}));
    s.Step("task get adopted", {}, s.Get("c"));
    s.Step("kill", {}, s.Kill("c", "", kSigKill));
    s.Step("wait killed", {}, s.Wait("c"));
    s.AwaitEvent("/tasks/exit");
    s.Step("kill stopped", {Code::NOT_FOUND, {"process already finished"}},
           s.Kill("c", "", kSigKill));
    s.Step("pause stopped", Unknown("cannot pause a stopped container"),
           s.PauseTask("c"));
    s.Step("exec in stopped task", Unknown("cannot exec in a stopped state"),
           s.Exec("c", "e3", {"sleep"}));
    s.Step("resume stopped", Unknown("cannot resume a stopped container"),
           s.ResumeTask("c"));
    s.Step("exec start in stopped task", Unknown("cannot exec in a stopped"),
           s.Start("c", "late"));
    s.Step("task delete", {}, s.DeleteTask("c"));
    s.Step("container delete", {}, s.DeleteContainer("c"));
  });
}

// 3. An exec round trip in a running task.
TEST(FakeVsRealContainerd, Exec) {
  RunBoth("exec", [](Session& s) {
    s.Step("container create", {}, s.CreateContainer("c", {"sleep"}));
    s.Step("task create", {}, s.CreateTask("c"));
    s.Step("start", {}, s.Start("c"));
    s.Step("exec", {}, s.Exec("c", "e", {"exit", "5"}));
    std::future<Outcome> wait = s.WaitAsync("c", "e");
    s.Step("exec start", {}, s.Start("c", "e"));
    s.Step("exec wait", {}, wait.get());
    s.AwaitEvent("/tasks/exit");
    s.Step("exec get", {}, s.Get("c", "e"));
    s.Step("exec start stopped", Unknown("cannot start a stopped process"),
           s.Start("c", "e"));
    s.Step("exec delete", {}, s.DeleteProcess("c", "e"));
    // A signal to one exec: `run` traps SIGTERM.
    s.Step("run exec", {}, s.Exec("c", "r", {"run"}));
    s.Step("run exec start", {}, s.Start("c", "r"));
    s.Step("run exec delete running",
           Unknown("cannot delete a running process"),
           s.DeleteProcess("c", "r"));
    s.AwaitTrapped("c", "r");
    s.Step("run exec sigterm", {}, s.Kill("c", "r", kSigTerm));
    s.Step("run exec wait", {}, s.Wait("c", "r"));
    s.AwaitEvent("/tasks/exit", 2);
    s.Step("run exec delete", {}, s.DeleteProcess("c", "r"));
    // SIGKILL to init with an exec running: the exec's exit comes first.
    s.Step("sleep exec", {}, s.Exec("c", "s", {"sleep"}));
    s.Step("sleep exec start", {}, s.Start("c", "s"));
    s.Step("kill", {}, s.Kill("c", "", kSigKill));
    s.Step("wait", {}, s.Wait("c"));
    s.Step("sleep exec wait", {}, s.Wait("c", "s"));
    s.AwaitEvent("/tasks/exit", 4);
    s.Step("task delete", {}, s.DeleteTask("c"));
    s.Step("container delete", {}, s.DeleteContainer("c"));
  });
}

// 4. Pause/resume, and signals to init: `run` traps SIGTERM (143), busybox
// `sleep` as PID 1 ignores it and dies of SIGKILL (137).
TEST(FakeVsRealContainerd, PauseResumeAndSignals) {
  RunBoth("signals", [](Session& s) {
    s.Step("sleep create", {}, s.CreateContainer("sleep", {"sleep"}));
    s.Step("sleep task create", {}, s.CreateTask("sleep"));
    s.Step("sleep start", {}, s.Start("sleep"));
    s.Step("pause", {}, s.PauseTask("sleep"));
    s.AwaitEvent("/tasks/paused");
    s.Step("get paused", {}, s.Get("sleep"));
    s.Step("resume", {}, s.ResumeTask("sleep"));
    s.AwaitEvent("/tasks/resumed");
    s.Step("get resumed", {}, s.Get("sleep"));
    s.Step("sleep sigterm", {}, s.Kill("sleep", "", kSigTerm));
    Session::Pause(300);
    s.Step("get after sigterm", {}, s.Get("sleep"));
    s.Step("sleep sigkill", {}, s.Kill("sleep", "", kSigKill));
    s.Step("sleep wait", {}, s.Wait("sleep"));
    s.AwaitEvent("/tasks/exit");
    s.Step("run create", {}, s.CreateContainer("run", {"run"}));
    s.Step("run task create", {}, s.CreateTask("run"));
    s.Step("run start", {}, s.Start("run"));
    s.AwaitTrapped("run");
    s.Step("run sigterm", {}, s.Kill("run", "", kSigTerm));
    s.Step("run wait", {}, s.Wait("run"));
    s.AwaitEvent("/tasks/exit", 2);
    // A signal to a frozen task waits for the thaw (cgroup v1 freezer).
    s.Step("frozen create", {}, s.CreateContainer("frozen", {"run"}));
    s.Step("frozen task create", {}, s.CreateTask("frozen"));
    s.Step("frozen start", {}, s.Start("frozen"));
    s.AwaitTrapped("frozen");
    s.Step("frozen pause", {}, s.PauseTask("frozen"));
    s.Step("frozen sigterm", {}, s.Kill("frozen", "", kSigTerm));
    Session::Pause(200);
    s.Step("frozen get after sigterm", {}, s.Get("frozen"));
    s.Step("frozen resume", {}, s.ResumeTask("frozen"));
    s.Step("frozen wait", {}, s.Wait("frozen"));
    s.AwaitEvent("/tasks/exit", 3);
    s.Step("frozen task delete", {}, s.DeleteTask("frozen"));
    s.Step("frozen container delete", {}, s.DeleteContainer("frozen"));
    s.Step("sleep task delete", {}, s.DeleteTask("sleep"));
    s.Step("run task delete", {}, s.DeleteTask("run"));
    s.Step("sleep container delete", {}, s.DeleteContainer("sleep"));
    s.Step("run container delete", {}, s.DeleteContainer("run"));
  });
}

// 5. OOM of init: /tasks/oom and /tasks/exit 137 (in either order, see
// SameEvents).
TEST(FakeVsRealContainerd, Oom) {
  RunBoth("oom", [](Session& s) {
    s.Step("container create", {}, s.CreateGatedOomContainer("c"));
    s.Step("task create", {}, s.CreateTask("c"));
    std::future<Outcome> wait = s.WaitAsync("c");
    s.Step("start", {}, s.Start("c"));
    s.TriggerOom("c");
    s.Step("wait", {}, wait.get());
    s.AwaitEvent("/tasks/exit");
    s.AwaitEvent("/tasks/oom");
    s.Step("task delete", {}, s.DeleteTask("c"));
    s.Step("container delete", {}, s.DeleteContainer("c"));
  });
}

// 6. A missing binary, as init and as an exec: which RPC fails, how, and what
// is published.
TEST(FakeVsRealContainerd, MissingBinary) {
  RunBoth("missing", [](Session& s) {
    const Want kNoBinary =
        Unknown("exec: \"nosuch\": executable file not found in $PATH");
    s.Step("init container create", {}, s.CreateContainer("m", {"nosuch"}));
    s.Step("init task create", kNoBinary, s.CreateTask("m"));
    s.Step("init start", kNotFound, s.Start("m"));
    s.Step("init get", kNotFound, s.Get("m"));
    s.Step("init task delete", kNotFound, s.DeleteTask("m"));
    s.Step("init container delete", {}, s.DeleteContainer("m"));
    // A path is stat'ed instead of searched in $PATH.
    s.Step("path init container create", {},
           s.CreateContainer("p", {"/no/such/binary"}));
    s.Step("path init task create",
           Unknown("exec: \"/no/such/binary\": stat /no/such/binary: no such "
                   "file or directory"),
           s.CreateTask("p"));
    s.Step("path init container delete", {}, s.DeleteContainer("p"));
    s.Step("container create", {}, s.CreateContainer("c", {"sleep"}));
    s.Step("task create", {}, s.CreateTask("c"));
    s.Step("start", {}, s.Start("c"));
    s.Step("exec", {}, s.Exec("c", "e", {"nosuch"}));
    s.Step("exec start", kNoBinary, s.Start("c", "e"));
    s.Step("exec get", {}, s.Get("c", "e"));
    s.Step("exec kill", {Code::FAILED_PRECONDITION, {"process not created"}},
           s.Kill("c", "e", kSigKill));
    s.Step("exec wait", {}, s.Wait("c", "e"));
    s.Step("exec delete", {}, s.DeleteProcess("c", "e"));
    s.Step("path exec", {}, s.Exec("c", "p", {"/no/such/binary"}));
    std::future<Outcome> path_wait = s.WaitAsync("c", "p");
    s.Step("path exec start",
           Unknown("exec: \"/no/such/binary\": stat /no/such/binary: no such "
                   "file or directory"),
           s.Start("c", "p"));
    s.Step("path exec wait issued before start", {}, path_wait.get());
    s.Step("path exec delete", {}, s.DeleteProcess("c", "p"));
    s.Step("kill", {}, s.Kill("c", "", kSigKill));
    s.Step("wait", {}, s.Wait("c"));
    s.AwaitEvent("/tasks/exit");
    s.Step("task delete", {}, s.DeleteTask("c"));
    s.Step("container delete", {}, s.DeleteContainer("c"));
  });
}

// 7. A task that was created but never started: the shim's answers to
// Pause, Resume, an exec, Kill and Delete (the fake's guesses in
// CONFORMANCE.md).
TEST(FakeVsRealContainerd, CreatedTask) {
  RunBoth("created", [](Session& s) {
    s.Step("container create", {}, s.CreateContainer("c", {"sleep"}));
    s.Step("task create", {}, s.CreateTask("c"));
    std::future<Outcome> wait = s.WaitAsync("c");
    s.Step("get created", {}, s.Get("c"));
    s.Step("pause created", Unknown(""), s.PauseTask("c"));
    s.Step("resume created", Unknown(""), s.ResumeTask("c"));
    s.Step("exec", {}, s.Exec("c", "e", {"sleep"}));
    s.Step("exec start", {}, s.Start("c", "e"));
    s.Step("task delete created", {}, s.DeleteTask("c"));
    s.Step("wait issued before delete", Unknown(""), wait.get());
    s.Step("plain container create", {}, s.CreateContainer("p", {"sleep"}));
    s.Step("plain task create", {}, s.CreateTask("p"));
    s.Step("plain task delete created", {}, s.DeleteTask("p"));
    s.Step("plain container delete", {}, s.DeleteContainer("p"));
    s.Step("killed container create", {}, s.CreateContainer("k", {"sleep"}));
    s.Step("killed task create", {}, s.CreateTask("k"));
    s.Step("kill created", {}, s.Kill("k", "", kSigKill));
    s.Step("wait killed", {}, s.Wait("k", ""));
    s.Step("killed task delete", {}, s.DeleteTask("k"));
    s.Step("container delete", {}, s.DeleteContainer("c"));
    s.Step("killed container delete", {}, s.DeleteContainer("k"));
  });
}

// 8. The rest of the Tasks and Containers surface the daemon uses (ListPids,
// ResizePty, CloseIO, List, label updates), and what the fake leaves out.
TEST(FakeVsRealContainerd, OtherRpcs) {
  RunBoth("other", [](Session& s) {
    s.Step("container create", {}, s.CreateContainer("c", {"sleep"}));
    s.Step("task create", {}, s.CreateTask("c"));
    s.Step("start", {}, s.Start("c"));
    s.Step("exec", {}, s.Exec("c", "e", {"sleep"}));
    s.Step("exec start", {}, s.Start("c", "e"));
    s.Step("list pids", {}, s.ListPids("c"));
    s.Step("list tasks", {}, s.ListTasks());
    s.Step("list containers", {}, s.ListContainers("c"));
    s.Step("list containers streamed", {}, s.ListStream("c"));
    s.Step("set label", {}, s.SetLabel("c", "dsim", "yes"));
    s.Step("resize pty without tty", {}, s.ResizePty("c", "e"));
    s.Step("close stdin without stdin", {}, s.CloseIO("c", "e"));
    s.Step("update task resources", {}, s.UpdateTask("c"));
    s.Step("metrics", {}, s.Metrics("c"));
    s.Step("exec kill", {}, s.Kill("c", "e", kSigKill));
    s.Step("exec wait", {}, s.Wait("c", "e"));
    s.Step("exec delete", {}, s.DeleteProcess("c", "e"));
    s.Step("kill", {}, s.Kill("c", "", kSigKill));
    s.Step("wait", {}, s.Wait("c"));
    s.AwaitEvent("/tasks/exit", 2);
    s.Step("task delete", {}, s.DeleteTask("c"));
    s.Step("container delete", {}, s.DeleteContainer("c"));
  });
}

// 9. A shim that dies: the 1.6.20 runc shim panics ("close of closed
// channel") on a second Start of an exec whose first Start failed. containerd
// then cleans up after the dead shim.
TEST(FakeVsRealContainerd, ShimDeath) {
  RunBoth("shim", [](Session& s) {
    s.Step("container create", {}, s.CreateContainer("d", {"sleep"}));
    s.Step("task create", {}, s.CreateTask("d"));
    s.Step("start", {}, s.Start("d"));
    s.Step("running exec", {}, s.Exec("d", "y", {"sleep"}));
    s.Step("running exec start", {}, s.Start("d", "y"));
    s.Step("failing exec", {}, s.Exec("d", "x", {"nosuch"}));
    s.Step("failing exec start", Unknown("executable file not found"),
           s.Start("d", "x"));
    std::future<Outcome> wait = s.WaitAsync("d");
    std::future<Outcome> exec_wait = s.WaitAsync("d", "y");
    Session::Pause(100);  // both Waits reach the shim
    s.Step("failing exec start again", Unknown("ttrpc: closed"),
           s.Start("d", "x"));
    s.Step("wait", Unknown("ttrpc: closed"), wait.get());
    s.Step("exec wait", Unknown("ttrpc: closed"), exec_wait.get());
    s.AwaitEvent("/tasks/delete");
    s.AwaitGone("d");  // containerd forgets the task after its events
    s.Step("get", kNotFound, s.Get("d"));
    s.Step("task delete", kNotFound, s.DeleteTask("d"));
    s.Step("container delete", {}, s.DeleteContainer("d"));
  });
}

// 10. The Namespaces service: what dockerd's startup Get answers for a
// namespace never used, which writes make a namespace exist, labels, and
// Delete's checks.
TEST(FakeVsRealContainerd, Namespaces) {
  RunBoth("namespaces", [](Session& s) {
    s.Step("get never used", {}, s.GetNamespace("fresh"));
    s.Step("container get in unused namespace", kNotFound,
           s.GetContainerIn("fresh", "c"));
    s.Step("list never used", {}, s.ListNamespaces({"fresh"}));
    s.Step("create", {}, s.CreateNamespace("n", {{"a", "b"}}));
    s.Step("create twice", kAlreadyExists, s.CreateNamespace("n", {}));
    s.Step("create bad name", {Code::INVALID_ARGUMENT, {"must match"}},
           s.CreateNamespace("bad name!", {}));
    s.Step("get created", {}, s.GetNamespace("n"));
    s.Step("label one", {}, s.UpdateNamespace("n", {{"c", "d"}}, {"labels.c"}));
    s.Step("unlabel one", {}, s.UpdateNamespace("n", {}, {"labels.a"}));
    s.Step("update bad path",
           {Code::INVALID_ARGUMENT, {"cannot update \"name\" field"}},
           s.UpdateNamespace("n", {}, {"name"}));
    s.Step("replace labels", {}, s.UpdateNamespace("n", {{"e", "f"}}, {}));
    // Without a header the change is stored, then publishing its event fails.
    const Want kNoHeader{Code::UNKNOWN,
                         {"failed publishing event: namespace is required"}};
    s.Step("create without header", kNoHeader,
           s.CreateNamespace("quiet", {{"q", "1"}}, /*with_header=*/false));
    s.Step("label without header", kNoHeader,
           s.UpdateNamespace("quiet", {{"r", "2"}}, {"labels.r"},
                             /*with_header=*/false));
    s.Step("get created without header", {}, s.GetNamespace("quiet"));
    s.Step("label unused namespace", {},
           s.UpdateNamespace("labelled", {{"x", "y"}}, {"labels.x"}));
    s.Step("label session namespace", {},
           s.UpdateNamespace("session", {{"dsim", "yes"}}, {"labels.dsim"}));
    s.Step("unlabel session namespace", {},
           s.UpdateNamespace("session", {}, {"labels.dsim"}));
    s.Step("container in namespace", {}, s.CreateContainerIn("w", "wc"));
    s.Step("lease in namespace", {}, s.CreateLeaseIn("l", "lease"));
    s.Step("list", {},
           s.ListNamespaces(
               {"fresh", "n", "quiet", "labelled", "w", "l", "session"}));
    s.Step("delete holding a container",
           {Code::FAILED_PRECONDITION,
            {"must be empty, but it still has containers"}},
           s.DeleteNamespace("w"));
    s.Step("container delete", {}, s.DeleteContainerIn("w", "wc"));
    s.Step("delete emptied", {}, s.DeleteNamespace("w"));
    s.Step("delete holding a lease", {}, s.DeleteNamespace("l"));
    s.Step("delete", {}, s.DeleteNamespace("n"));
    s.Step("delete labelled", {}, s.DeleteNamespace("labelled"));
    s.Step("delete created without header", {}, s.DeleteNamespace("quiet"));
    s.Step("delete never used", kNotFound, s.DeleteNamespace("fresh"));
    s.Step("get deleted", {}, s.GetNamespace("n"));
    s.Step("list after deletes", {},
           s.ListNamespaces({"n", "quiet", "labelled", "w", "l"}));
  });
}

// 11. Version and Introspection, as a client could use them: the version's
// shape (not its text), the server's uuid, and the plugins the fake serves.
TEST(FakeVsRealContainerd, VersionAndIntrospection) {
  RunBoth("introspection", [](Session& s) {
    s.Step("version", {}, s.Version());
    s.Step("server", {}, s.Server());
    s.Step(
        "plugins", {},
        s.Plugins(
            {},
            {"io.containerd.grpc.v1 tasks", "io.containerd.grpc.v1 containers",
             "io.containerd.grpc.v1 events", "io.containerd.grpc.v1 leases",
             "io.containerd.grpc.v1 namespaces",
             "io.containerd.grpc.v1 version",
             "io.containerd.grpc.v1 introspection",
             "io.containerd.runtime.v2 task", "io.containerd.event.v1 exchange",
             "io.containerd.grpc.v1 snapshots"}));
    s.Step("plugins filtered", {},
           s.Plugins({"type==io.containerd.grpc.v1,id==tasks"},
                     {"io.containerd.grpc.v1 tasks"}));
    s.Step("plugins of a type or another", {},
           s.Plugins({"type==io.containerd.runtime.v2",
                      "type==io.containerd.event.v1"},
                     {}));
  });
}

// 12. Signals to a paused task and to a stopped process (measured with ctr on
// containerd 1.6.20 / runc 1.1.5): runc thaws a frozen cgroup for SIGKILL to
// init and for any kill --all, so a paused task dies at once; a kill --all of
// a stopped task succeeds; a SIGSTOPped process acts on SIGTERM only after
// SIGCONT, while SIGKILL still kills it.
TEST(FakeVsRealContainerd, PausedAndStoppedSignals) {
  RunBoth("paused", [](Session& s) {
    s.Step("kill create", {}, s.CreateContainer("k", {"sleep"}));
    s.Step("kill task create", {}, s.CreateTask("k"));
    s.Step("kill start", {}, s.Start("k"));
    s.Step("kill pause", {}, s.PauseTask("k"));
    s.AwaitEvent("/tasks/paused");
    s.Step("sigkill paused", {}, s.Kill("k", "", kSigKill));
    s.Step("sigkill paused wait", {}, s.Wait("k"));
    s.AwaitEvent("/tasks/exit");
    s.Step("get killed paused", {}, s.Get("k"));
    s.Step("resume killed", Unknown("cannot resume a stopped container"),
           s.ResumeTask("k"));
    s.Step("kill all stopped", {}, s.Kill("k", "", kSigKill, /*all=*/true));
    s.Step("sigterm all stopped", {}, s.Kill("k", "", kSigTerm, true));
    s.Step("kill stopped", {Code::NOT_FOUND, {"process already finished"}},
           s.Kill("k", "", kSigKill));
    s.Step("kill task delete", {}, s.DeleteTask("k"));
    // ctr tasks rm -f: Kill(SIGKILL, all) of a paused task, Wait, Delete.
    s.Step("force create", {}, s.CreateContainer("f", {"sleep"}));
    s.Step("force task create", {}, s.CreateTask("f"));
    s.Step("force start", {}, s.Start("f"));
    s.Step("force exec", {}, s.Exec("f", "e", {"sleep"}));
    s.Step("force exec start", {}, s.Start("f", "e"));
    s.Step("force pause", {}, s.PauseTask("f"));
    s.AwaitEvent("/tasks/paused", 2);
    s.Step("force kill all", {}, s.Kill("f", "", kSigKill, true));
    s.Step("force wait", {}, s.Wait("f"));
    s.Step("force exec wait", {}, s.Wait("f", "e"));
    s.AwaitEvent("/tasks/exit", 3);
    s.Step("force task delete", {}, s.DeleteTask("f"));
    // SIGSTOP holds SIGTERM until SIGCONT.
    s.Step("stop create", {}, s.CreateContainer("t", {"run"}));
    s.Step("stop task create", {}, s.CreateTask("t"));
    s.Step("stop start", {}, s.Start("t"));
    s.AwaitTrapped("t");
    s.Step("sigstop", {}, s.Kill("t", "", kSigStop));
    s.AwaitRealStopped("t");
    s.Step("sigterm stopped", {}, s.Kill("t", "", kSigTerm));
    s.AwaitRealStopped("t", kSigTerm);
    s.Step("get with sigterm pending", {}, s.Get("t"));
    s.Step("sigcont", {}, s.Kill("t", "", kSigCont));
    s.Step("sigcont wait", {}, s.Wait("t"));
    s.AwaitEvent("/tasks/exit", 4);
    s.Step("stop task delete", {}, s.DeleteTask("t"));
    // SIGKILL still kills a stopped process.
    s.Step("stopkill create", {}, s.CreateContainer("u", {"run"}));
    s.Step("stopkill task create", {}, s.CreateTask("u"));
    s.Step("stopkill start", {}, s.Start("u"));
    s.AwaitTrapped("u");
    s.Step("stopkill sigstop", {}, s.Kill("u", "", kSigStop));
    s.AwaitRealStopped("u");
    s.Step("sigkill stopped", {}, s.Kill("u", "", kSigKill));
    s.Step("sigkill stopped wait", {}, s.Wait("u"));
    s.AwaitEvent("/tasks/exit", 5);
    s.Step("stopkill task delete", {}, s.DeleteTask("u"));
    s.Step("kill container delete", {}, s.DeleteContainer("k"));
    s.Step("force container delete", {}, s.DeleteContainer("f"));
    s.Step("stop container delete", {}, s.DeleteContainer("t"));
    s.Step("stopkill container delete", {}, s.DeleteContainer("u"));
  });
}

// 13. Stdio: a client's FIFOs, as dockerd passes them. `cat` copies what the
// client wrote to stdin before closing it and sending CloseIO, then exits 0;
// an `echo` exec writes its arguments; each stdout ends (EOF) after its last
// byte. The bytes are compared as a step's field.
class StdioFifosForTest {
 public:
  StdioFifosForTest() {
    const char* tmp = std::getenv("TMPDIR");
    dir_ = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
           "/dsim-diff-stdio-XXXXXX";
    if (mkdtemp(dir_.data()) == nullptr) dir_.clear();
  }
  ~StdioFifosForTest() {
    for (int fd : fds_) close(fd);
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  // A FIFO, its read end opened now (the shim's writer finds a reader).
  std::string Output(const std::string& name, int* read_fd) {
    const std::string path = Make(name);
    *read_fd = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (*read_fd >= 0) fds_.push_back(*read_fd);
    return path;
  }
  std::string Make(const std::string& name) {
    const std::string path = dir_ + "/" + name;
    return mkfifo(path.c_str(), 0600) == 0 ? path : "";
  }
  // Writes `bytes` to the FIFO (its reader is the shim) and closes it.
  static Outcome WriteAndClose(const std::string& path,
                               const std::string& bytes) {
    const int fd = open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return Outcome{Code::UNKNOWN, "no reader on stdin", {}};
    const ssize_t n = write(fd, bytes.data(), bytes.size());
    close(fd);
    return Outcome{Code::OK, "", {{"written", absl::StrCat(n)}}};
  }
  // Everything until EOF (bounded by kReadyTimeout).
  static Outcome ReadToEof(int fd) {
    std::string got;
    const auto deadline = std::chrono::steady_clock::now() + kReadyTimeout;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      char buf[256];
      const ssize_t n = read(fd, buf, sizeof(buf));
      if (n > 0) {
        got.append(buf, n);
      } else if (n == 0 || errno != EAGAIN) {
        return Outcome{Code::OK, "", {{"bytes", got}}};
      }
    }
    return Outcome{Code::DEADLINE_EXCEEDED, "no EOF", {{"bytes", got}}};
  }

 private:
  std::string dir_;
  std::vector<int> fds_;
};

TEST(FakeVsRealContainerd, Stdio) {
  RunBoth("stdio", [](Session& s) {
    StdioFifosForTest fifos;
    int out_fd = -1, err_fd = -1, exec_out_fd = -1, exec_err_fd = -1;
    const std::string in = fifos.Make("in");
    const std::string out = fifos.Output("out", &out_fd);
    const std::string err = fifos.Output("err", &err_fd);
    const std::string exec_in = fifos.Make("exec-in");
    const std::string exec_out = fifos.Output("exec-out", &exec_out_fd);
    const std::string exec_err = fifos.Output("exec-err", &exec_err_fd);
    s.Step("cat create", {}, s.CreateContainer("c", {"cat"}));
    s.Step("cat task create", {}, s.CreateTaskWithIo("c", in, out, err));
    s.Step("cat start", {}, s.Start("c"));
    s.Step("echo exec", {},
           s.ExecWithIo("c", "e", {"echo", "hi", "there"}, exec_in, exec_out,
                        exec_err));
    s.Step("echo start", {}, s.Start("c", "e"));
    s.Step("echo wait", {}, s.Wait("c", "e"));
    s.Step("echo output", {}, StdioFifosForTest::ReadToEof(exec_out_fd));
    s.Step("echo errors", {}, StdioFifosForTest::ReadToEof(exec_err_fd));
    s.Step("stdin written", {},
           StdioFifosForTest::WriteAndClose(in, "hello\n"));
    s.Step("close stdin", {}, s.CloseIO("c", ""));
    s.Step("cat wait", {}, s.Wait("c"));
    s.Step("cat output", {}, StdioFifosForTest::ReadToEof(out_fd));
    s.Step("cat errors", {}, StdioFifosForTest::ReadToEof(err_fd));
    s.AwaitEvent("/tasks/exit", 2);
    s.Step("echo delete", {}, s.DeleteProcess("c", "e"));
    s.Step("cat task delete", {}, s.DeleteTask("c"));
    s.Step("cat container delete", {}, s.DeleteContainer("c"));
  });
}

}  // namespace
}  // namespace fake_containerd
