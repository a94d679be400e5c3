// The fake served over real gRPC (grpc_serve.h), driven through
// wire::GrpcConnection as the daemon model drives it in live mode: the
// namespace header, a consumed event stream, and reconnecting when the server
// comes back. Over 400 lines: each test drives a real server through its own
// RPC script, and they share the serving and client harness at the top.
#include "fake_containerd/grpc_serve.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "containerd/events/container.pb.h"
#include "containerd/services/containers/v1/containers.pb.h"
#include "containerd/services/events/v1/events.pb.h"
#include "containerd/services/namespaces/v1/namespace.pb.h"
#include "containerd/services/tasks/v1/tasks.pb.h"
#include "containerd/services/version/v1/version.pb.h"
#include "sim/run.h"
#include "sim/strategy_random.h"
#include "wire/completion_loop.h"
#include "wire/grpc_connection.h"

namespace fake_containerd {
namespace {

namespace cpb = ::containerd::services::containers::v1;
namespace epb = ::containerd::services::events::v1;
constexpr char kCreate[] =
    "/containerd.services.containers.v1.Containers/Create";
constexpr char kGet[] = "/containerd.services.containers.v1.Containers/Get";

// The fake on its own thread, until stopped.
class Served {
 public:
  explicit Served(std::string listen) : listen_(std::move(listen)) { Start(); }
  ~Served() { Stop(); }
  void Start() {
    stop_ = false;
    ready_ = false;
    thread_ = std::thread([this] {
      GrpcServeOptions o;
      o.listen = listen_;
      o.stop = &stop_;
      o.on_ready = [this] {
        std::lock_guard<std::mutex> l(mu_);
        ready_ = true;
        cv_.notify_all();
      };
      status_ = ServeOverGrpc(o);
    });
    std::unique_lock<std::mutex> l(mu_);
    // Bounded for a hung server, generous for a loaded machine.
    cv_.wait_for(l, std::chrono::seconds(60), [this] { return ready_; });
  }
  void Stop() {
    if (!thread_.joinable()) return;
    stop_ = true;
    thread_.join();
  }

 private:
  std::string listen_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  bool ready_ = false;
  absl::Status status_;
  std::thread thread_;
};

std::string SocketPath(const std::string& name) {
  return "/tmp/dsim-" + name + "-" + std::to_string(getpid()) + ".sock";
}

std::string CreateRequest(const std::string& id,
                          const std::string& args_json = R"(["run"])") {
  cpb::CreateContainerRequest req;
  req.mutable_container()->set_id(id);
  req.mutable_container()->mutable_runtime()->set_name("io.containerd.runc.v2");
  req.mutable_container()->mutable_spec()->set_type_url(
      "types.containerd.io/opencontainers/runtime-spec/1/Spec");
  req.mutable_container()->mutable_spec()->set_value(R"({"process":{"args":)" +
                                                     args_json + "}}");
  return req.SerializeAsString();
}

// Runs `body` as the only task of a real-time run over a GrpcConnection.
template <typename Body>
void RunClient(const std::string& target, Body body,
               sim::Nanos reconnect_window = 5 * sim::kSecond) {
  wire::CompletionLoop loop(std::make_unique<grpc::CompletionQueue>());
  sim::RandomStrategy strategy;
  sim::ExecutorOptions options;
  options.max_steps = UINT64_MAX;
  sim::Setup setup = [&](sim::Executor& ex) -> std::shared_ptr<void> {
    ex.set_outside(&loop);
    auto conn = std::make_shared<wire::GrpcConnection>(ex, loop, target,
                                                       reconnect_window);
    ex.Spawn("client", body(ex, *conn));
    return conn;
  };
  sim::RunRecord rec = sim::RunOnce(options, strategy, setup);
  EXPECT_EQ(rec.result.outcome, sim::RunOutcome::kCompleted)
      << (rec.result.violation ? rec.result.violation->message : "");
}

TEST(GrpcServeTest, UnaryCallsCarryTheNamespaceHeader) {
  const std::string path = SocketPath("ns");
  Served served("unix:" + path);
  absl::Status without, with;
  RunClient("unix:" + path,
            [&](sim::Executor&, sim::RpcConnection& c) -> sim::Task<void> {
              absl::StatusOr<std::string> r =
                  co_await c.Unary(kCreate, {}, CreateRequest("c1"));
              without = r.status();
              sim::RpcMetadata md = {{"containerd-namespace", "test"}};
              r = co_await c.Unary(kCreate, md, CreateRequest("c1"));
              with = r.status();
            });
  EXPECT_EQ(without.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(without.message()).find("namespace is required"),
            std::string::npos);
  EXPECT_TRUE(with.ok()) << with;
}

// dockerd 20.10 starts with Namespaces/Get of "moby" and "plugins.moby" (a
// failure is fatal to it) and Version/Version, with no namespace ever used.
TEST(GrpcServeTest, DockerdStartupCallsAreAnswered) {
  namespace npb = ::containerd::services::namespaces::v1;
  const std::string path = SocketPath("startup");
  Served served("unix:" + path);
  std::vector<absl::StatusOr<std::string>> gets;
  absl::StatusOr<std::string> version = absl::UnknownError("not called");
  RunClient("unix:" + path,
            [&](sim::Executor&, sim::RpcConnection& c) -> sim::Task<void> {
              for (const char* name : {"moby", "plugins.moby"}) {
                npb::GetNamespaceRequest req;
                req.set_name(name);
                gets.push_back(co_await c.Unary(
                    "/containerd.services.namespaces.v1.Namespaces/Get", {},
                    req.SerializeAsString()));
              }
              version = co_await c.Unary(
                  "/containerd.services.version.v1.Version/Version", {}, "");
            });
  ASSERT_EQ(gets.size(), 2u);
  for (const absl::StatusOr<std::string>& g : gets) {
    ASSERT_TRUE(g.ok()) << g.status();
    npb::GetNamespaceResponse resp;
    ASSERT_TRUE(resp.ParseFromString(*g));
    EXPECT_TRUE(resp.namespace_().labels().empty());
  }
  ASSERT_TRUE(version.ok()) << version.status();
  ::containerd::services::version::v1::VersionResponse v;
  ASSERT_TRUE(v.ParseFromString(*version));
  EXPECT_TRUE(v.version().starts_with("1.6.20")) << v.version();
  EXPECT_FALSE(v.revision().empty());
}

// The shim's side of the stdio FIFOs: once Tasks/Create has returned, the
// client can open stdin's write end without blocking (a reader exists) and
// write to it; stdout's writer goes away when the process exits (POLLHUP on
// the client's read end).
TEST(GrpcServeTest, StdioFifosAreOpenedAsAShimOpensThem) {
  namespace tpb = ::containerd::services::tasks::v1;
  const char* tmp = std::getenv("TMPDIR");
  std::string dir_template =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
      "/dsim-stdio-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template.data()), nullptr);
  const std::filesystem::path dir(dir_template);
  struct RemoveDir {
    std::filesystem::path p;
    ~RemoveDir() { std::filesystem::remove_all(p); }
  } remove_dir{dir};
  const std::string in = dir / "stdin", out = dir / "stdout";
  ASSERT_EQ(mkfifo(in.c_str(), 0600), 0);
  ASSERT_EQ(mkfifo(out.c_str(), 0600), 0);
  const int out_fd = open(out.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  ASSERT_GE(out_fd, 0);
  EXPECT_LT(open(in.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC), 0);
  EXPECT_EQ(errno, ENXIO) << "nobody reads stdin before Tasks/Create";

  const std::string path = SocketPath("stdio");
  Served served("unix:" + path);
  int in_fd = -1;
  ssize_t written = -1;
  RunClient(
      "unix:" + path,
      [&](sim::Executor&, sim::RpcConnection& c) -> sim::Task<void> {
        sim::RpcMetadata md = {{"containerd-namespace", "test"}};
        EXPECT_TRUE((co_await c.Unary(kCreate, md, CreateRequest("c1"))).ok());
        const std::string tasks = "/containerd.services.tasks.v1.Tasks/";
        tpb::CreateTaskRequest create;
        create.set_container_id("c1");
        create.set_stdin(in);
        create.set_stdout(out);
        absl::StatusOr<std::string> r =
            co_await c.Unary(tasks + "Create", md, create.SerializeAsString());
        EXPECT_TRUE(r.ok()) << r.status();
        in_fd = open(in.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (in_fd >= 0) written = write(in_fd, "hello\n", 6);
        tpb::StartRequest start;
        start.set_container_id("c1");
        EXPECT_TRUE(
            (co_await c.Unary(tasks + "Start", md, start.SerializeAsString()))
                .ok());
        tpb::KillRequest kill;
        kill.set_container_id("c1");
        kill.set_signal(9);
        EXPECT_TRUE(
            (co_await c.Unary(tasks + "Kill", md, kill.SerializeAsString()))
                .ok());
        tpb::WaitRequest wait;
        wait.set_container_id("c1");
        EXPECT_TRUE(
            (co_await c.Unary(tasks + "Wait", md, wait.SerializeAsString()))
                .ok());
      });
  EXPECT_GE(in_fd, 0) << "stdin has no reader after Tasks/Create: " << errno;
  EXPECT_EQ(written, 6);
  pollfd p{out_fd, POLLIN, 0};
  // Bounded, generous for a loaded machine; the exit closed it already.
  ASSERT_EQ(poll(&p, 1, 10000), 1);
  EXPECT_TRUE(p.revents & POLLHUP) << "stdout still has a writer";
  if (in_fd >= 0) close(in_fd);
  close(out_fd);
}

// Reads `fd` until its writers are gone (EOF), at most `limit` ms per wait.
std::string ReadToEof(int fd, int limit_ms) {
  std::string out;
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, limit_ms) != 1) return out + "<timeout>";
    char buf[256];
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n > 0) {
      out.append(buf, n);
    } else if (n == 0 || errno != EAGAIN) {
      return out;
    }
  }
}

// The programs' own output, as a runc shim passes it on: `cat` copies what
// its client wrote to stdin before CloseIO, then exits; `echo` (an exec here)
// writes its arguments. Each stdout ends (EOF) after the last byte.
TEST(GrpcServeTest, ProgramsWriteToTheirStdout) {
  namespace tpb = ::containerd::services::tasks::v1;
  const char* tmp = std::getenv("TMPDIR");
  std::string dir_template =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
      "/dsim-stdio-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template.data()), nullptr);
  const std::filesystem::path dir(dir_template);
  struct RemoveDir {
    std::filesystem::path p;
    ~RemoveDir() { std::filesystem::remove_all(p); }
  } remove_dir{dir};
  const std::string in = dir / "stdin", out = dir / "stdout",
                    exec_out = dir / "exec-stdout";
  for (const std::string& f : {in, out, exec_out}) {
    ASSERT_EQ(mkfifo(f.c_str(), 0600), 0);
  }
  const int out_fd = open(out.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  const int exec_out_fd =
      open(exec_out.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  ASSERT_GE(out_fd, 0);
  ASSERT_GE(exec_out_fd, 0);

  const std::string path = SocketPath("output");
  Served served("unix:" + path);
  ssize_t written = -1;
  RunClient(
      "unix:" + path,
      [&](sim::Executor&, sim::RpcConnection& c) -> sim::Task<void> {
        sim::RpcMetadata md = {{"containerd-namespace", "test"}};
        EXPECT_TRUE(
            (co_await c.Unary(kCreate, md, CreateRequest("c1", R"(["cat"])")))
                .ok());
        const std::string tasks = "/containerd.services.tasks.v1.Tasks/";
        tpb::CreateTaskRequest create;
        create.set_container_id("c1");
        create.set_stdin(in);
        create.set_stdout(out);
        EXPECT_TRUE(
            (co_await c.Unary(tasks + "Create", md, create.SerializeAsString()))
                .ok());
        tpb::StartRequest start;
        start.set_container_id("c1");
        EXPECT_TRUE(
            (co_await c.Unary(tasks + "Start", md, start.SerializeAsString()))
                .ok());
        tpb::ExecProcessRequest exec;
        exec.set_container_id("c1");
        exec.set_exec_id("e1");
        exec.set_stdout(exec_out);
        exec.mutable_spec()->set_value(R"({"args":["echo","hi","there"]})");
        EXPECT_TRUE(
            (co_await c.Unary(tasks + "Exec", md, exec.SerializeAsString()))
                .ok());
        start.set_exec_id("e1");
        EXPECT_TRUE(
            (co_await c.Unary(tasks + "Start", md, start.SerializeAsString()))
                .ok());
        // As dockerd: all of stdin, its end closed, then CloseIO.
        const int in_fd = open(in.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (in_fd >= 0) {
          written = write(in_fd, "hello\n", 6);
          close(in_fd);
        }
        tpb::CloseIORequest close_io;
        close_io.set_container_id("c1");
        close_io.set_stdin(true);
        EXPECT_TRUE((co_await c.Unary(tasks + "CloseIO", md,
                                      close_io.SerializeAsString()))
                        .ok());
        tpb::WaitRequest wait;
        wait.set_container_id("c1");
        absl::StatusOr<std::string> r =
            co_await c.Unary(tasks + "Wait", md, wait.SerializeAsString());
        tpb::WaitResponse waited;
        EXPECT_TRUE(r.ok() && waited.ParseFromString(*r));
        EXPECT_EQ(waited.exit_status(), 0u);
      });
  EXPECT_EQ(written, 6);
  // Bounded, generous for a loaded machine.
  EXPECT_EQ(ReadToEof(out_fd, 10000), "hello\n");
  EXPECT_EQ(ReadToEof(exec_out_fd, 10000), "hi there\n");
  close(out_fd);
  close(exec_out_fd);
}

TEST(GrpcServeTest, TheEventStreamIsConsumed) {
  const std::string path = SocketPath("events");
  Served served("unix:" + path);
  std::vector<std::string> topics;
  RunClient("unix:" + path,
            [&](sim::Executor& ex, sim::RpcConnection& c) -> sim::Task<void> {
              epb::SubscribeRequest sub;
              sub.add_filters("namespace==test");
              absl::StatusOr<std::unique_ptr<sim::RpcStream>> s =
                  co_await c.ServerStream(
                      "/containerd.services.events.v1.Events/Subscribe", {},
                      sub.SerializeAsString());
              if (!s.ok()) co_return;
              // The call returns once sent; give the server time to
              // subscribe (a Go client has the same window).
              co_await ex.Sleep(300 * sim::kMillisecond);
              sim::RpcMetadata md = {{"containerd-namespace", "test"}};
              const std::vector<std::string> ids = {"c1", "c2"};
              for (const std::string& id : ids) {
                (void)co_await c.Unary(kCreate, md, CreateRequest(id));
              }
              for (int i = 0; i < 2; ++i) {
                absl::StatusOr<std::optional<std::string>> m =
                    co_await (*s)->Next();
                if (!m.ok() || !m->has_value()) break;
                epb::Envelope e;
                e.ParseFromString(**m);
                containerd::events::ContainerCreate cc;
                cc.ParseFromString(e.event().value());
                topics.push_back(e.topic() + " " + cc.id());
              }
            });
  EXPECT_EQ(topics, (std::vector<std::string>{"/containers/create c1",
                                              "/containers/create c2"}));
}

TEST(GrpcServeTest, ACallRetriesUntilTheServerIsBack) {
  const std::string path = SocketPath("reconnect");
  auto served = std::make_unique<Served>("unix:" + path);
  served->Stop();  // gone: the next calls fail UNAVAILABLE
  // Back only once the client runs (its first attempt fails at once), and a
  // reconnect window far longer than a restart on a loaded machine: the call
  // returns as soon as the server is back.
  std::atomic<bool> client_started{false};
  std::thread restart([&] {
    while (!client_started) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    served->Start();
  });
  absl::Status got;
  int retries = 0;
  RunClient(
      "unix:" + path,
      [&](sim::Executor&, sim::RpcConnection& c) -> sim::Task<void> {
        client_started = true;
        sim::RpcMetadata md = {{"containerd-namespace", "test"}};
        cpb::GetContainerRequest get;
        get.set_id("none");
        absl::StatusOr<std::string> r =
            co_await c.Unary(kGet, md, get.SerializeAsString());
        got = r.status();
        retries = static_cast<wire::GrpcConnection&>(c).retries();
      },
      60 * sim::kSecond);
  restart.join();
  // The fresh fake answers: the container is not there.
  EXPECT_EQ(got.code(), absl::StatusCode::kNotFound) << got;
  EXPECT_GT(retries, 0);
}

TEST(GrpcServeTest, GivesUpAfterTheReconnectWindow) {
  const std::string path = SocketPath("absent");
  absl::Status got;
  RunClient(
      "unix:" + path,
      [&](sim::Executor&, sim::RpcConnection& c) -> sim::Task<void> {
        sim::RpcMetadata md = {{"containerd-namespace", "test"}};
        absl::StatusOr<std::string> r = co_await c.Unary(kGet, md, "");
        got = r.status();
      },
      300 * sim::kMillisecond);
  EXPECT_EQ(got.code(), absl::StatusCode::kUnavailable) << got;
}

}  // namespace
}  // namespace fake_containerd
