#include "properties/live_stack.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include "containerd/services/containers/v1/containers.pb.h"
#include "containerd/services/tasks/v1/tasks.pb.h"
#include "fake_containerd/program.h"
#include "fake_containerd/real_command.h"
#include "properties/containerd_state.h"
#include "sim/message_cast.h"

namespace properties {

class TappedConnection::Stream : public sim::RpcStream {
 public:
  Stream(std::unique_ptr<sim::RpcStream> inner, const Tap* tap)
      : inner_(std::move(inner)), tap_(tap) {}
  sim::Task<absl::StatusOr<std::optional<std::string>>> Next() override {
    absl::StatusOr<std::optional<std::string>> m = co_await inner_->Next();
    if (m.ok() && m->has_value() && *tap_) {
      fake_containerd::Envelope e;
      if (e.ParseFromString(**m)) (*tap_)(e);
    }
    co_return m;
  }
  sim::Task<absl::StatusOr<bool>> NextMessage(
      google::protobuf::Message* message) override {
    absl::StatusOr<bool> got = co_await inner_->NextMessage(message);
    if (got.ok() && *got && *tap_) {
      if (const auto* e =
              sim::MessageCast<fake_containerd::Envelope>(message)) {
        (*tap_)(*e);
      } else if (fake_containerd::Envelope e;
                 e.ParseFromString(message->SerializeAsString())) {
        (*tap_)(e);
      }
    }
    co_return got;
  }

 private:
  std::unique_ptr<sim::RpcStream> inner_;
  const Tap* tap_;
};

sim::Task<absl::StatusOr<std::string>> TappedConnection::Unary(
    std::string method, sim::RpcMetadata metadata, std::string request) {
  if (count_rpcs_) rpcs_.Record(method);
  return inner_.Unary(std::move(method), std::move(metadata),
                      std::move(request));
}

sim::Task<absl::Status> TappedConnection::UnaryMessage(
    std::string method, sim::RpcMetadata metadata,
    const google::protobuf::Message& request,
    google::protobuf::Message* response) {
  if (count_rpcs_) rpcs_.Record(method);
  if (send_check_) send_check_(method, request);
  // Not a coroutine: the inner call's task is the caller's to await, one
  // frame fewer per RPC.
  return inner_.UnaryMessage(std::move(method), std::move(metadata), request,
                             response);
}

sim::Task<absl::StatusOr<std::unique_ptr<sim::RpcStream>>>
TappedConnection::ServerStream(std::string method, sim::RpcMetadata metadata,
                               std::string request) {
  if (count_rpcs_) rpcs_.Record(method);
  absl::StatusOr<std::unique_ptr<sim::RpcStream>> s =
      co_await inner_.ServerStream(std::move(method), std::move(metadata),
                                   std::move(request));
  if (!s.ok()) co_return s.status();
  co_return std::unique_ptr<sim::RpcStream>(
      std::make_unique<Stream>(std::move(*s), &tap_));
}

LiveStack::LiveStack(sim::Executor& ex, wire::CompletionLoop& loop,
                     const LiveOptions& live_options,
                     daemon_core::libcontainerd::Design design,
                     daemon_core::Mutation mutation)
    : ex(ex),
      live(live_options),
      grpc(ex, loop, live_options.containerd),
      conn(grpc),
      disk(ex) {
  options.design = design;
  options.mutation = mutation;
  options.ns = live_options.ns;
  const LiveOptions l = live;
  std::string dir = "/tmp/dsim-live-stdin.XXXXXX";
  if (const char* tmp = std::getenv("TMPDIR"); tmp != nullptr && *tmp != 0) {
    dir = std::string(tmp) + "/dsim-live-stdin.XXXXXX";
  }
  if (mkdtemp(dir.data()) != nullptr) fifo_dir = dir;
  auto reads_stdin = std::make_shared<std::set<std::string>>();
  std::vector<int>* fds = &stdin_writers;
  options.init_stdio = [reads_stdin, fds,
                        dir = fifo_dir](const std::string& id) {
    daemon_core::c8d::ProcessIO io;
    if (dir.empty() || !reads_stdin->count(id)) return io;
    // With a stdin the shim wants FIFOs for all three (as dockerd's attach
    // makes them); it blocks opening each until the other end is open, so
    // hold both ends (nothing is written to stdin; the programs print
    // nothing).
    std::string paths[3];
    const char* names[3] = {".stdin", ".stdout", ".stderr"};
    for (int i = 0; i < 3; ++i) {
      const std::string fifo = dir + "/" + id + names[i];
      unlink(fifo.c_str());
      if (mkfifo(fifo.c_str(), 0600) != 0) return io;
      const int fd = open(fifo.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
      if (fd < 0) return io;
      fds->push_back(fd);
      paths[i] = fifo;
    }
    io.stdin_path = paths[0];
    io.stdout_path = paths[1];
    io.stderr_path = paths[2];
    return io;
  };
  options.container_spec = [l, reads_stdin](
                               const std::string& id,
                               const std::vector<std::string>& args) {
    absl::StatusOr<fake_containerd::Program> p =
        fake_containerd::ProgramFromArgs(args);
    if (p.ok() && p->kind == fake_containerd::Program::Kind::kReadStdin) {
      reads_stdin->insert(id);
    }
    fake_containerd::RealSpecOptions o;
    o.rootfs = l.rootfs;
    o.cgroups_path = "/" + l.ns + "/" + id;
    return fake_containerd::RealContainerSpecJson(args, o);
  };
  options.process_spec = [](const std::vector<std::string>& args) {
    return fake_containerd::RealProcessSpecJson(args);
  };
  daemon = std::make_unique<daemon_core::Daemon>(ex, conn, disk, options);
  daemon->StartEventMonitor();
}

LiveStack::~LiveStack() {
  for (int fd : stdin_writers) close(fd);
  if (!fifo_dir.empty()) std::filesystem::remove_all(fifo_dir);
}

namespace {

namespace cpb = ::containerd::services::containers::v1;
namespace tpb = ::containerd::services::tasks::v1;
constexpr char kContainers[] = "/containerd.services.containers.v1.Containers/";
constexpr char kTasks[] = "/containerd.services.tasks.v1.Tasks/";
constexpr uint32_t kStopped = 3;  // containerd.v1.types.Status

}  // namespace

namespace {

// One pass; its errors do not matter by themselves (a daemon still running
// may delete the same task at the same time), only what is left afterwards.
sim::Task<absl::Status> RemovePass(sim::Executor& ex, sim::RpcConnection& conn,
                                   std::string ns, ContainerdState state) {
  const sim::RpcMetadata md = {{"containerd-namespace", ns}};
  absl::Status first;
  auto keep = [&first](const absl::Status& s) {
    if (!s.ok() && !absl::IsNotFound(s) && first.ok()) first = s;
  };
  absl::StatusOr<std::string> reply;
  for (const auto& [id, status] : state.tasks) {
    if (status != ContainerdState::Status::kStopped) {
      tpb::KillRequest kill;
      kill.set_container_id(id);
      kill.set_signal(9);
      kill.set_all(true);
      reply = co_await conn.Unary(std::string(kTasks) + "Kill", md,
                                  kill.SerializeAsString());
      keep(reply.status());
      // SIGKILL is quick, but the exit reaches containerd asynchronously.
      for (int i = 0; i < 100; ++i) {
        tpb::GetRequest get;
        get.set_container_id(id);
        reply = co_await conn.Unary(std::string(kTasks) + "Get", md,
                                    get.SerializeAsString());
        tpb::GetResponse got;
        if (!reply.ok() || !got.ParseFromString(*reply) ||
            got.process().status() == kStopped) {
          break;
        }
        co_await ex.Sleep(50 * sim::kMillisecond);
      }
    }
    tpb::DeleteTaskRequest del;
    del.set_container_id(id);
    reply = co_await conn.Unary(std::string(kTasks) + "Delete", md,
                                del.SerializeAsString());
    keep(reply.status());
  }
  for (const std::string& id : state.containers) {
    cpb::DeleteContainerRequest del;
    del.set_id(id);
    reply = co_await conn.Unary(std::string(kContainers) + "Delete", md,
                                del.SerializeAsString());
    keep(reply.status());
  }
  co_return first;
}

}  // namespace

sim::Task<absl::Status> RemoveEverything(sim::Executor& ex,
                                         sim::RpcConnection& conn,
                                         std::string ns) {
  absl::Status last;
  const ExecKeys no_execs;
  for (int pass = 0;; ++pass) {
    // Its error, UNAVAILABLE when nobody answers, is the caller's probe.
    absl::StatusOr<ContainerdState> left =
        co_await StateOverRpc(conn, ns, no_execs);
    if (!left.ok()) co_return left.status();
    if (left->containers.empty() && left->tasks.empty())
      co_return absl::OkStatus();
    if (pass == 5) break;
    if (pass > 0) co_await ex.Sleep(100 * sim::kMillisecond);
    last = co_await RemovePass(ex, conn, ns, std::move(*left));
  }
  co_return absl::InternalError("could not empty namespace " + ns + ": " +
                                last.ToString());
}

}  // namespace properties
