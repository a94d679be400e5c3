// daemon_core/containerd_client.h: the containerd Go client (v1.6), as the
// daemon sees it, with the same RPCs per call (containerd-api reference §4):
// LoadContainer is one Containers/Get, NewContainer is Leases/Create +
// Containers/Create + Leases/Delete, NewTask is Containers/Get + Tasks/Create,
// task.Delete is Tasks/Get + Tasks/Delete, and so on. It speaks to containerd
// only through a sim::RpcConnection (the sim transport or real gRPC).
//
// Handles are values: they hold ids (and a container's cached info), never
// containerd state, exactly like the Go client's objects, so a stale handle
// fails the way a stale Go one does.
#ifndef DSIM_DAEMON_CORE_CONTAINERD_CLIENT_H_
#define DSIM_DAEMON_CORE_CONTAINERD_CLIENT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/executor.h"
#include "sim/rpc.h"
#include "sim/task.h"

namespace google::protobuf {
class Message;
}

namespace daemon_core::c8d {

// containerd.v1.types.Status, lower-cased by the Go client ("running").
enum class ProcessStatus {
  kUnknown,
  kCreated,
  kRunning,
  kStopped,
  kPaused,
  kPausing
};
std::string_view ProcessStatusName(ProcessStatus s);

struct ProcessState {
  uint32_t pid = 0;
  ProcessStatus status = ProcessStatus::kUnknown;
  uint32_t exit_status = 0;
};

// containerd's wall-clock timestamp (seconds, nanos) as virtual time; 0 for
// anything before the virtual epoch, such as the zero time containerd sends for
// "not exited".
sim::Nanos VirtualTimeOf(int64_t seconds, int32_t nanos);

struct ExitStatus {
  uint32_t code = 0;
  sim::Nanos exited_at = 0;
};

struct ContainerInfo {
  ContainerInfo() = default;
  explicit ContainerInfo(std::string container_id)
      : id(std::move(container_id)) {}

  std::string id;
  std::string runtime = "io.containerd.runc.v2";
  std::string spec_json;  // the OCI spec; the fake reads the program from it
  std::map<std::string, std::string> labels;
};

// The process's stdio URIs; empty means null IO.
struct ProcessIO {
  std::string stdin_path, stdout_path, stderr_path;
  bool terminal = false;
};

class Client;

// A process: the init task when exec_id is empty, else an exec.
class ProcessHandle {
 public:
  ProcessHandle(Client* client, std::string container_id, std::string exec_id,
                uint32_t pid)
      : client_(client),
        container_id_(std::move(container_id)),
        exec_id_(std::move(exec_id)),
        pid_(pid) {}

  const std::string& container_id() const { return container_id_; }
  const std::string& exec_id() const { return exec_id_; }
  uint32_t pid() const { return pid_; }

  sim::Task<absl::StatusOr<uint32_t>> Start();  // Tasks/Start
  sim::Task<absl::Status> Kill(uint32_t signal,
                               bool all = false);    // Tasks/Kill
  sim::Task<absl::StatusOr<ProcessState>> Status();  // Tasks/Get
  sim::Task<absl::StatusOr<ExitStatus>>
  Wait();                             // Tasks/Wait (blocks until exit)
  sim::Task<absl::Status> CloseIO();  // Tasks/CloseIO (stdin)
  sim::Task<absl::Status> Resize(uint32_t w, uint32_t h);  // Tasks/ResizePty
  // Tasks/Get, then (stopped only) Tasks/Delete or Tasks/DeleteProcess.
  sim::Task<absl::StatusOr<ExitStatus>> Delete();

 protected:
  Client* client_;
  std::string container_id_;
  std::string exec_id_;
  uint32_t pid_;
};

class TaskHandle : public ProcessHandle {
 public:
  TaskHandle(Client* client, std::string container_id, uint32_t pid)
      : ProcessHandle(client, std::move(container_id), "", pid) {}

  // Tasks/Wait (in its own sim task, as the Go client's goroutine),
  // Tasks/Kill(SIGKILL, all), the wait, then Tasks/Get + Tasks/Delete:
  // task.Delete(WithProcessKill).
  sim::Task<absl::StatusOr<ExitStatus>> ForceDelete();
  // Tasks/Exec only; the caller then Start()s the returned process.
  sim::Task<absl::StatusOr<ProcessHandle>> Exec(std::string exec_id,
                                                std::string spec_json,
                                                ProcessIO io);
  sim::Task<absl::StatusOr<ProcessHandle>> LoadProcess(
      std::string exec_id);                                 // Tasks/Get{e}
  sim::Task<absl::Status> Pause();                          // Tasks/Pause
  sim::Task<absl::Status> Resume();                         // Tasks/Resume
  sim::Task<absl::StatusOr<std::vector<uint32_t>>> Pids();  // Tasks/ListPids
};

class ContainerHandle {
 public:
  ContainerHandle(Client* client, ContainerInfo info)
      : client_(client), info_(std::move(info)) {}
  const std::string& id() const { return info_.id; }
  // The info cached when the handle was made (Info(WithoutRefreshedMetadata):
  // no RPC).
  const ContainerInfo& cached_info() const { return info_; }

  sim::Task<absl::StatusOr<ContainerInfo>> Info();  // Containers/Get
  sim::Task<absl::StatusOr<std::string>> Spec();    // Containers/Get
  sim::Task<absl::StatusOr<std::map<std::string, std::string>>>
  Labels();  // Containers/Get
  sim::Task<absl::StatusOr<TaskHandle>> NewTask(
      ProcessIO io);  // Containers/Get, Tasks/Create
  sim::Task<absl::StatusOr<TaskHandle>>
  Task();  // Tasks/Get; NotFound: "no running task found"
  // Tasks/Get (must be NotFound), Containers/Get, Containers/Delete.
  sim::Task<absl::Status> Delete();

 private:
  Client* client_;
  ContainerInfo info_;
};

class Client {
 public:
  Client(sim::Executor& ex, sim::RpcConnection& conn, std::string ns)
      : ex_(ex), conn_(conn), namespace_(std::move(ns)) {}

  // The stdio of a container's init when the caller asks for null IO: moby's
  // attachStdio, which makes the FIFOs. Unset: null IO.
  using InitStdio = std::function<ProcessIO(const std::string& container_id)>;
  void set_init_stdio(InitStdio stdio) { init_stdio_ = std::move(stdio); }
  const InitStdio& init_stdio() const { return init_stdio_; }
  // Put before every lease id this client makes (one per daemon incarnation).
  void set_lease_prefix(std::string prefix) {
    lease_prefix_ = std::move(prefix);
  }

  sim::Task<absl::StatusOr<ContainerHandle>> LoadContainer(
      std::string id);  // Containers/Get
  // Leases/Create, Containers/Create (under the lease), Leases/Delete.
  sim::Task<absl::StatusOr<ContainerHandle>> NewContainer(ContainerInfo info);
  // Events/Subscribe: a stream of serialized
  // containerd.services.events.v1.Envelope.
  sim::Task<absl::StatusOr<std::unique_ptr<sim::RpcStream>>> Subscribe(
      std::vector<std::string> filters);
  // Namespaces/Get of `ns`, with `ns` as the namespace header: what the Go
  // client's New does for its default namespace (GetLabel of the default
  // runtime label) before it returns a client.
  sim::Task<absl::Status> GetNamespace(std::string ns);
  // Version/Version: containerd's version string.
  sim::Task<absl::StatusOr<std::string>> Version();

  // One unary RPC with the namespace header (plus `extra` headers).
  sim::Task<absl::Status> Call(std::string method,
                               const google::protobuf::Message& request,
                               google::protobuf::Message* response,
                               sim::RpcMetadata extra = {});
  sim::Executor& executor() const { return ex_; }
  const std::string& ns() const { return namespace_; }

 private:
  sim::Executor& ex_;
  sim::RpcConnection& conn_;
  std::string namespace_;
  std::string lease_prefix_;
  uint64_t next_lease_ = 0;
  InitStdio init_stdio_;
};

}  // namespace daemon_core::c8d

#endif  // DSIM_DAEMON_CORE_CONTAINERD_CLIENT_H_
