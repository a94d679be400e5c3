// fake_containerd/fake_containerd.h: the in-process containerd 1.6 core. Each
// method is one RPC of the Containers, Tasks, Events, Leases, Namespaces,
// Version or Introspection service, with the
// namespace passed explicitly (what the `containerd-namespace` header carries;
// empty = no header), so sim code and the gRPC adapters (*_service.h) share one
// implementation. Errors are containerd's codes and texts.
//
// Every call is counted in rpcs() by its full method name. Tasks/Wait blocks,
// so it is a coroutine here. Lifetime: construct after the executor, and call
// ex.DestroyAllTasks() before destroying this (program and pump tasks reference
// it).
#ifndef DSIM_FAKE_CONTAINERD_FAKE_CONTAINERD_H_
#define DSIM_FAKE_CONTAINERD_FAKE_CONTAINERD_H_

#include <google/protobuf/empty.pb.h>

#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "containerd/services/containers/v1/containers.pb.h"
#include "containerd/services/events/v1/events.pb.h"
#include "containerd/services/introspection/v1/introspection.pb.h"
#include "containerd/services/leases/v1/leases.pb.h"
#include "containerd/services/namespaces/v1/namespace.pb.h"
#include "containerd/services/tasks/v1/tasks.pb.h"
#include "containerd/services/version/v1/version.pb.h"
#include "fake_containerd/container_store.h"
#include "fake_containerd/event_exchange.h"
#include "fake_containerd/faults.h"
#include "fake_containerd/kernel.h"
#include "fake_containerd/lease_table.h"
#include "fake_containerd/namespace_table.h"
#include "fake_containerd/rpc_log.h"
#include "sim/executor.h"
#include "sim/task.h"

namespace fake_containerd {

namespace cpb = ::containerd::services::containers::v1;
namespace tpb = ::containerd::services::tasks::v1;
namespace epb = ::containerd::services::events::v1;
namespace npb = ::containerd::services::namespaces::v1;
namespace ipb = ::containerd::services::introspection::v1;
namespace vpb = ::containerd::services::version::v1;

// Full method names, as counted.
namespace method {
inline constexpr char kContainersPrefix[] =
    "/containerd.services.containers.v1.Containers/";
inline constexpr char kTasksPrefix[] = "/containerd.services.tasks.v1.Tasks/";
inline constexpr char kLeasesPrefix[] =
    "/containerd.services.leases.v1.Leases/";
inline constexpr char kEventsPrefix[] =
    "/containerd.services.events.v1.Events/";
inline constexpr char kNamespacesPrefix[] =
    "/containerd.services.namespaces.v1.Namespaces/";
inline constexpr char kVersionPrefix[] =
    "/containerd.services.version.v1.Version/";
inline constexpr char kIntrospectionPrefix[] =
    "/containerd.services.introspection.v1.Introspection/";
}  // namespace method

class FakeContainerd {
 public:
  explicit FakeContainerd(sim::Executor& ex);
  FakeContainerd(const FakeContainerd&) = delete;
  FakeContainerd& operator=(const FakeContainerd&) = delete;

  // Containers.
  absl::Status GetContainer(const std::string& ns,
                            const cpb::GetContainerRequest& req,
                            cpb::GetContainerResponse* resp);
  absl::Status ListContainers(const std::string& ns,
                              const cpb::ListContainersRequest& req,
                              cpb::ListContainersResponse* resp);
  absl::Status CreateContainer(const std::string& ns,
                               const cpb::CreateContainerRequest& req,
                               cpb::CreateContainerResponse* resp);
  absl::Status UpdateContainer(const std::string& ns,
                               const cpb::UpdateContainerRequest& req,
                               cpb::UpdateContainerResponse* resp);
  absl::Status DeleteContainer(const std::string& ns,
                               const cpb::DeleteContainerRequest& req);

  // Tasks.
  absl::Status CreateTask(const std::string& ns,
                          const tpb::CreateTaskRequest& req,
                          tpb::CreateTaskResponse* resp);
  absl::Status Start(const std::string& ns, const tpb::StartRequest& req,
                     tpb::StartResponse* resp);
  absl::Status DeleteTask(const std::string& ns,
                          const tpb::DeleteTaskRequest& req,
                          tpb::DeleteResponse* resp);
  absl::Status DeleteProcess(const std::string& ns,
                             const tpb::DeleteProcessRequest& req,
                             tpb::DeleteResponse* resp);
  absl::Status Get(const std::string& ns, const tpb::GetRequest& req,
                   tpb::GetResponse* resp);
  absl::Status ListTasks(const std::string& ns,
                         const tpb::ListTasksRequest& req,
                         tpb::ListTasksResponse* resp);
  absl::Status Kill(const std::string& ns, const tpb::KillRequest& req);
  absl::Status Exec(const std::string& ns, const tpb::ExecProcessRequest& req);
  absl::Status ResizePty(const std::string& ns,
                         const tpb::ResizePtyRequest& req);
  absl::Status CloseIO(const std::string& ns, const tpb::CloseIORequest& req);
  absl::Status Pause(const std::string& ns, const tpb::PauseTaskRequest& req);
  absl::Status Resume(const std::string& ns, const tpb::ResumeTaskRequest& req);
  absl::Status ListPids(const std::string& ns, const tpb::ListPidsRequest& req,
                        tpb::ListPidsResponse* resp);
  // Resources are accepted and ignored (the kernel models no cgroup limits but
  // OOM programs).
  absl::Status UpdateTask(const std::string& ns,
                          const tpb::UpdateTaskRequest& req);
  // Blocks (in virtual time) until the process exits.
  sim::Task<absl::StatusOr<tpb::WaitResponse>> Wait(std::string ns,
                                                    tpb::WaitRequest req);

  // Events. Subscribe needs no namespace (it then sees all namespaces).
  absl::Status Publish(const std::string& ns, const epb::PublishRequest& req);
  absl::Status Forward(const epb::ForwardRequest& req);
  absl::StatusOr<std::unique_ptr<Subscription>> Subscribe(
      const epb::SubscribeRequest& req);

  // Leases (the Go client's NewContainer wraps Containers/Create in one).
  absl::Status CreateLease(
      const std::string& ns,
      const ::containerd::services::leases::v1::CreateRequest& req,
      ::containerd::services::leases::v1::CreateResponse* resp);
  absl::Status DeleteLease(
      const std::string& ns,
      const ::containerd::services::leases::v1::DeleteRequest& req);
  LeaseTable& leases() { return leases_; }

  // Namespaces: no header needed, as namespaces are not namespaced, but
  // Create and Update publish /namespaces/{create,update} in the header's
  // namespace and fail (UNKNOWN, the change kept) without one; Delete
  // publishes /namespaces/delete in the deleted one. See namespace_table.h
  // for when a namespace exists.
  absl::Status GetNamespace(const npb::GetNamespaceRequest& req,
                            npb::GetNamespaceResponse* resp);
  absl::Status ListNamespaces(const npb::ListNamespacesRequest& req,
                              npb::ListNamespacesResponse* resp);
  absl::Status CreateNamespace(const std::string& ns,
                               const npb::CreateNamespaceRequest& req,
                               npb::CreateNamespaceResponse* resp);
  absl::Status UpdateNamespace(const std::string& ns,
                               const npb::UpdateNamespaceRequest& req,
                               npb::UpdateNamespaceResponse* resp);
  absl::Status DeleteNamespace(const npb::DeleteNamespaceRequest& req);
  NamespaceTable& namespaces() { return namespaces_; }

  // Version and Introspection: what the server says about itself (a
  // containerd 1.6.20 serving the plugins the fake implements; see
  // introspection.cc).
  absl::Status Version(vpb::VersionResponse* resp);
  absl::Status Plugins(const ipb::PluginsRequest& req,
                       ipb::PluginsResponse* resp);
  absl::Status Server(ipb::ServerResponse* resp);

  // containerd restarts: every event subscription ends with UNAVAILABLE;
  // containers, tasks and shims survive. (In-flight Tasks/Wait calls are not
  // broken yet.)
  void Restart();

  Kernel& kernel() { return kernel_; }
  // Fault points the core draws (kExecStartFails); none when unset. The plan
  // must outlive this object.
  void set_faults(Faults* faults) { faults_ = faults; }
  EventExchange& events() { return events_; }
  RpcLog& rpcs() { return rpcs_; }
  ContainerStore& containers() { return containers_; }
  sim::Executor& executor() const { return ex_; }

 private:
  // The namespace check every namespaced call makes first.
  static absl::Status CheckNamespace(const std::string& ns);
  // Namespace check, then the container record (Tasks.* on a missing
  // container).
  absl::Status CheckContainer(const std::string& ns,
                              const std::string& id) const;
  void Count(const char* prefix, const char* name);
  // Something was written in `ns`: it exists from now on (NamespaceTable).
  void WroteIn(const std::string& ns);
  void FillProcess(const Process& p, containerd::v1::types::Process* out) const;

  sim::Executor& ex_;
  RpcLog rpcs_;
  EventExchange events_;
  ContainerStore containers_;
  Kernel kernel_;
  LeaseTable leases_;
  NamespaceTable namespaces_;
  // Footprints of the two tables (the store and the kernel keep their own).
  const sim::ObjectId namespaces_object_;
  const sim::ObjectId leases_object_;
  Faults* faults_ = nullptr;
};

}  // namespace fake_containerd

#endif  // DSIM_FAKE_CONTAINERD_FAKE_CONTAINERD_H_
