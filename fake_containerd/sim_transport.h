// fake_containerd/sim_transport.h: the in-process transport between a client
// (the daemon model) and the fake containerd's services, under the simulated
// scheduler.
//
// A unary call is: the request bytes leave the caller (an RPC scheduling point,
// so the executor's "no lock across an RPC" check applies), the fault model may
// drop it, the handler runs on containerd's side, the fault model may lose or
// delay the reply, and the reply reaches the caller (a second scheduling
// point). Interleavings can therefore fall between send and handling and
// between handling and reply, as over a real socket.
#ifndef DSIM_FAKE_CONTAINERD_SIM_TRANSPORT_H_
#define DSIM_FAKE_CONTAINERD_SIM_TRANSPORT_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "fake_containerd/faults.h"
#include "sim/executor.h"
#include "sim/rpc.h"

namespace fake_containerd {

class SimTransport : public sim::RpcConnection {
 public:
  using UnaryHandler = std::function<sim::Task<absl::StatusOr<std::string>>(
      sim::RpcMetadata metadata, std::string request)>;
  using StreamHandler =
      std::function<absl::StatusOr<std::unique_ptr<sim::RpcStream>>(
          sim::RpcMetadata metadata, std::string request)>;
  using Observer = std::function<void(const std::string& method)>;

  // Serves the methods not registered one by one (RegisterUnary wins): an
  // object per transport over handlers built once per process, since binding
  // every method on every run was a tenth of a simulated run's cost.
  class Services {
   public:
    virtual ~Services() = default;
    // The call, or nullopt when `method` is not served.
    virtual std::optional<sim::Task<absl::StatusOr<std::string>>> Unary(
        const std::string& method, sim::RpcMetadata metadata,
        std::string request) = 0;
    // The call in messages (the sim::RpcConnection::UnaryMessage contract:
    // `response`, possibly nullptr, arrives cleared), or nullopt.
    virtual std::optional<sim::Task<absl::Status>> UnaryMessage(
        const std::string& method, sim::RpcMetadata metadata,
        const google::protobuf::Message& request,
        google::protobuf::Message* response) = 0;
    virtual std::optional<absl::StatusOr<std::unique_ptr<sim::RpcStream>>>
    ServerStream(const std::string& method, sim::RpcMetadata metadata,
                 std::string request) = 0;
  };

  SimTransport(sim::Executor& ex, Faults& faults);

  void RegisterUnary(std::string method, UnaryHandler handler);
  void RegisterStream(std::string method, StreamHandler handler);
  void Serve(std::unique_ptr<Services> services) {
    services_ = std::move(services);
  }
  // Called once for every request that reaches containerd (RPC accounting hooks
  // in here).
  void SetObserver(Observer observer) { observer_ = std::move(observer); }
  Faults& faults() const { return faults_; }

  sim::Task<absl::StatusOr<std::string>> Unary(std::string method,
                                               sim::RpcMetadata metadata,
                                               std::string request) override;
  sim::Task<absl::Status> UnaryMessage(
      std::string method, sim::RpcMetadata metadata,
      const google::protobuf::Message& request,
      google::protobuf::Message* response) override;
  sim::Task<absl::StatusOr<std::unique_ptr<sim::RpcStream>>> ServerStream(
      std::string method, sim::RpcMetadata metadata,
      std::string request) override;

 private:
  class Stream;
  using StartCall = absl::FunctionRef<std::optional<sim::Task<absl::Status>>()>;
  sim::ObjectId MethodObject(const std::string& method);
  // The transport's part of a unary call, bytes or messages alike: the
  // scheduling points, the fault draws and the trace records around `serve`,
  // which starts the handler (nullopt: no such method); the reply stays with
  // the caller. `request`, when the call is in messages, names the container
  // of a fault that fails the call (Faults::fired_rpcs).
  sim::Task<absl::Status> Exchange(const std::string& method,
                                   size_t request_size, StartCall serve,
                                   const google::protobuf::Message* request);

  sim::Executor& ex_;
  Faults& faults_;
  std::map<std::string, UnaryHandler> unary_;
  std::map<std::string, StreamHandler> streams_;
  // Hashed: every method name shares its long "/containerd.services."
  // prefix, which each comparison of an ordered map would scan. Never
  // iterated.
  absl::flat_hash_map<std::string, sim::ObjectId> method_objects_;
  Observer observer_;
  std::unique_ptr<Services> services_;
};

}  // namespace fake_containerd

#endif  // DSIM_FAKE_CONTAINERD_SIM_TRANSPORT_H_
