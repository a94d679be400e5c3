// The "container-lock-held" property (check_container_lock.h). It is a rule
// about how the daemon sends, not about what a client sees: a kill or pause
// that lets go of the lock around its RPC races a stop, a start or an exit
// handler in ways no single reply may show, and a scenario would need to
// hit the window.
#include "properties/check_container_lock.h"

#include <optional>

#include "containerd/services/tasks/v1/tasks.pb.h"
#include "sim/message_cast.h"

namespace properties {

namespace {

namespace tpb = ::containerd::services::tasks::v1;

constexpr std::string_view kTasksService =
    "/containerd.services.tasks.v1.Tasks/";

// What a request changes: its container and (for Kill and Start) its exec.
struct Target {
  std::string_view container, exec;
};

// The target of a request this property judges, by its method (past the
// service) and message type; nullopt for any other.
std::optional<Target> Judged(std::string_view rpc,
                             const google::protobuf::Message& request) {
  if (rpc == "Kill") {
    if (const auto* r = sim::MessageCast<tpb::KillRequest>(&request)) {
      return Target{r->container_id(), r->exec_id()};
    }
  } else if (rpc == "Start") {
    if (const auto* r = sim::MessageCast<tpb::StartRequest>(&request)) {
      return Target{r->container_id(), r->exec_id()};
    }
  } else if (rpc == "Create") {
    if (const auto* r = sim::MessageCast<tpb::CreateTaskRequest>(&request)) {
      return Target{r->container_id(), ""};
    }
  } else if (rpc == "Pause") {
    if (const auto* r = sim::MessageCast<tpb::PauseTaskRequest>(&request)) {
      return Target{r->container_id(), ""};
    }
  } else if (rpc == "Resume") {
    if (const auto* r = sim::MessageCast<tpb::ResumeTaskRequest>(&request)) {
      return Target{r->container_id(), ""};
    }
  }
  return std::nullopt;
}

}  // namespace

std::string ContainerLockMissing(std::string_view method,
                                 const google::protobuf::Message& request,
                                 const daemon_core::Daemon& daemon,
                                 const sim::Executor& ex) {
  if (!method.starts_with(kTasksService)) return "";
  const std::string_view rpc = method.substr(kTasksService.size());
  const std::optional<Target> target = Judged(rpc, request);
  if (!target.has_value() || !target->exec.empty()) return "";
  const auto it = daemon.containers().find(std::string(target->container));
  if (it == daemon.containers().end()) return "";
  const sim::Mutex& mu = it->second->state.mu;
  if (mu.owner() == ex.current()) return "";
  std::string out = "Tasks/" + std::string(rpc) + " of container " + it->first +
                    "'s init process sent by '" + ex.task_name(ex.current()) +
                    "' without the container lock";
  if (mu.locked()) out += " (held by '" + ex.task_name(mu.owner()) + "')";
  return out;
}

}  // namespace properties
