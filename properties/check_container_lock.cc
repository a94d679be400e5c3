// The "container-lock-held" property (check_container_lock.h). It is a rule
// about how the daemon sends, not about what a client sees: a kill or pause
// that lets go of the lock around its RPC races a stop, a start or an exit
// handler in ways no single reply may show, and a scenario would need to
// hit the window.
#include "properties/check_container_lock.h"

#include <array>

namespace properties {

namespace {

constexpr std::string_view kTasksService =
    "/containerd.services.tasks.v1.Tasks/";
constexpr std::array<std::string_view, 5> kTaskChanges = {
    "Create", "Start", "Kill", "Pause", "Resume"};

// The request's string field `name`, or "" when it has none.
std::string StringField(const google::protobuf::Message& m, const char* name) {
  const google::protobuf::FieldDescriptor* f =
      m.GetDescriptor()->FindFieldByName(name);
  if (f == nullptr || f->is_repeated() ||
      f->type() != google::protobuf::FieldDescriptor::TYPE_STRING) {
    return "";
  }
  return m.GetReflection()->GetString(m, f);
}

}  // namespace

std::string ContainerLockMissing(std::string_view method,
                                 const google::protobuf::Message& request,
                                 const daemon_core::Daemon& daemon,
                                 const sim::Executor& ex) {
  if (!method.starts_with(kTasksService)) return "";
  const std::string_view rpc = method.substr(kTasksService.size());
  bool judged = false;
  for (std::string_view m : kTaskChanges) judged |= rpc == m;
  if (!judged || !StringField(request, "exec_id").empty()) return "";
  const std::string id = StringField(request, "container_id");
  const auto it = daemon.containers().find(id);
  if (it == daemon.containers().end()) return "";
  const sim::Mutex& mu = it->second->state.mu;
  if (mu.owner() == ex.current()) return "";
  std::string out = "Tasks/" + std::string(rpc) + " of container " + id +
                    "'s init process sent by '" + ex.task_name(ex.current()) +
                    "' without the container lock";
  if (mu.locked()) out += " (held by '" + ex.task_name(mu.owner()) + "')";
  return out;
}

}  // namespace properties
