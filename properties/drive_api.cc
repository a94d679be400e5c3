#include "properties/drive_api.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "daemon_core/errdefs.h"
#include "dsim/docker_api.pb.h"
#include "fake_containerd/program.h"
#include "google/protobuf/util/json_util.h"
#include "properties/history_convert.h"

namespace properties {

namespace {

namespace sc = ::dsim::scenario;
namespace dk = ::dsim::docker;
constexpr char kImage[] = "bb";  // scripts/real-dockerd's busybox image

// The program copies stdin until it is closed (`cat`).
template <typename Args>
bool ReadsStdin(const Args& args) {
  absl::StatusOr<fake_containerd::Program> p = fake_containerd::ProgramFromArgs(
      std::vector<std::string>(args.begin(), args.end()));
  return p.ok() && p->kind == fake_containerd::Program::Kind::kReadStdin;
}

template <typename M>
bool FromJson(const std::string& json, M* m) {
  google::protobuf::util::JsonParseOptions o;
  o.ignore_unknown_fields = true;
  return google::protobuf::util::JsonStringToMessage(json, m, o).ok();
}

template <typename M>
std::string ToJson(const M& m) {
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(m, &out);
  return out;
}

model::ContainerStatus StatusOf(const std::string& s) {
  using S = model::ContainerStatus;
  if (s == "running") return S::kRunning;
  if (s == "paused") return S::kPaused;
  if (s == "restarting") return S::kRestarting;
  if (s == "exited") return S::kExited;
  if (s == "removing") return S::kRemoving;
  if (s == "dead") return S::kDead;
  return S::kCreated;
}

// Go's zero time, before 1970, is the model's 0.
int64_t Nanos(const google::protobuf::Timestamp& t) {
  return t.seconds() < 0 ? 0 : t.seconds() * int64_t{1000000000} + t.nanos();
}

model::InspectView ViewOfJson(const dk::ContainerInspect& r) {
  model::InspectView v;
  v.status = StatusOf(r.state().status());
  v.running = r.state().running();
  v.paused = r.state().paused();
  v.restarting = r.state().restarting();
  v.oom_killed = r.state().oom_killed();
  v.dead = r.state().dead();
  v.exit_code = r.state().exit_code();
  v.restart_count = r.restart_count();
  v.has_pid = r.state().pid() > 0;
  v.has_error = !r.state().error().empty();
  if (r.state().has_started_at()) v.started_at = Nanos(r.state().started_at());
  if (r.state().has_finished_at()) {
    v.finished_at = Nanos(r.state().finished_at());
  }
  v.exec_ids.assign(r.exec_ids().begin(), r.exec_ids().end());
  return v;
}

// The reply as the API contract names it, by HTTP status (moby's errdefs
// mapping); no HTTP reply at all leaves the call indeterminate.
void SetHttpReply(long status, const std::string& body,
                  const std::string& error, model::Call& c) {
  using model::ErrorKind;
  dk::ErrorReply e;
  std::string message = FromJson(body, &e) ? e.message() : body;
  if (status >= 200 && status < 300) {
    c.reply = model::Reply::Ok();
  } else if (status == 304) {
    // Start of a running container, stop of a stopped one: a client sees
    // success, and the model resolves it (model/linearizability.cc).
    c.reply = model::Reply::Ok();
  } else if (status == 404) {
    c.reply = model::Reply::Error(ErrorKind::kNotFound, message);
  } else if (status == 409) {
    c.reply = model::Reply::Error(ErrorKind::kConflict, message);
  } else if (status == 400) {
    c.reply = model::Reply::Error(ErrorKind::kInvalidParameter, message);
  } else {
    c.reply =
        model::Reply::Error(ErrorKind::kSystem, status == 0 ? error : message);
    c.indeterminate = status == 0;
  }
}

const char* WaitConditionQuery(sc::WaitCondition c) {
  return c == sc::NEXT_EXIT ? "next-exit"
         : c == sc::REMOVED ? "removed"
                            : "not-running";
}

}  // namespace

absl::Status DriveCapable(const sc::Scenario& s) {
  auto no = [&s](const std::string& what) {
    return absl::InvalidArgumentError(
        absl::StrCat("scenario ", s.name(), ": dsim drive cannot run ", what));
  };
  for (const sc::EnvEvent& e : s.event()) {
    switch (e.kind()) {
      case sc::EnvEvent::DAEMON_RESTART:
      case sc::EnvEvent::DAEMON_SHUTDOWN:
      case sc::EnvEvent::KILL_PROCESS:
      case sc::EnvEvent::OOM:
      case sc::EnvEvent::SHIM_DIES:
      case sc::EnvEvent::CONTAINERD_RESTART:
        break;
      default:
        return no("environment event " + sc::EnvEvent::Kind_Name(e.kind()));
    }
  }
  for (const sc::ForcedFault& f : s.faults().force()) {
    if (f.point() != "rpc-unavailable" && f.point() != "reply-lost" &&
        f.point() != "reply-delayed" && f.point() != "exec-start-fails") {
      return no("the " + f.point() + " fault");
    }
  }
  if (s.shared_pids()) return no("shared_pids");
  for (const sc::Container& c : s.container()) {
    if (c.stale_in_containerd()) return no("stale_in_containerd");
  }
  // A container's cat gets a stdin FIFO (ApiRequestOf: OpenStdin), which
  // dockerd holds open as the model's daemon does; a detached exec has none,
  // and a real cat would end at once where the fake's waits for CloseIO.
  for (const sc::Client& cl : s.client()) {
    for (const sc::Call& c : cl.call()) {
      if (c.op() == sc::EXEC_CREATE && ReadsStdin(c.args())) {
        return no("the cat program in an exec (it would have no stdin)");
      }
    }
  }
  return absl::OkStatus();
}

bool ExpectationsApply(const sc::Scenario& s) {
  // exit CODE DELAY, oom DELAY: the DELAY is the last of 3 or 2 args.
  auto timed = [](const auto& args) {
    if (args.empty()) return false;
    const std::string& p = args[0];
    const std::string base = p.substr(p.rfind('/') + 1);
    return (base == "exit" && args.size() > 2) ||
           (base == "oom" && args.size() > 1);
  };
  // An environment event's after_ms and a call's pending_at_ms are virtual
  // time too.
  if (s.event_size() > 0) return false;
  for (const sc::Container& c : s.container()) {
    if (timed(c.args())) return false;
  }
  for (const sc::Client& cl : s.client()) {
    for (const sc::Call& c : cl.call()) {
      if (c.op() == sc::SLEEP || timed(c.args())) return false;
      if (c.has_expect() && c.expect().has_pending_at_ms()) return false;
    }
  }
  return true;
}

std::optional<ApiRequest> ApiRequestOf(
    const sc::Call& c, const std::map<std::string, std::string>& exec_ids,
    int max_retry) {
  ApiRequest r;
  const std::string id = "/containers/" + DaemonName(c.container());
  r.method = "POST";
  switch (c.op()) {
    case sc::CREATE: {
      dk::CreateRequest m;
      m.set_image(kImage);
      for (const std::string& a : c.args()) m.add_cmd(a);
      m.mutable_host_config()->set_network_mode("none");
      m.mutable_host_config()->set_auto_remove(c.auto_remove());
      m.set_open_stdin(ReadsStdin(c.args()));
      if (c.restart() != sc::RESTART_NO) {
        dk::RestartPolicy* p =
            m.mutable_host_config()->mutable_restart_policy();
        p->set_name(c.restart() == sc::RESTART_ALWAYS ? "always"
                                                      : "on-failure");
        if (c.restart() == sc::RESTART_ON_FAILURE) {
          p->set_maximum_retry_count(max_retry);
        }
      }
      r.path = "/containers/create?name=" + DaemonName(c.container());
      r.body = ToJson(m);
      return r;
    }
    case sc::START:
      r.path = id + "/start";
      return r;
    case sc::KILL:
      r.path = id + "/kill?signal=" +
               std::to_string(c.signal() == 0 ? 9 : c.signal());
      return r;
    case sc::STOP:
    case sc::RESTART:
      r.path = id + (c.op() == sc::STOP ? "/stop" : "/restart") + "?t=" +
               std::to_string(
                   WholeSeconds(c.timeout_ms() == 0 ? 10000 : c.timeout_ms()));
      return r;
    case sc::PAUSE:
      r.path = id + "/pause";
      return r;
    case sc::UNPAUSE:
      r.path = id + "/unpause";
      return r;
    case sc::WAIT:
      r.path = id + "/wait?condition=" + WaitConditionQuery(c.condition());
      return r;
    case sc::INSPECT:
    case sc::WAIT_UNTIL:  // one of its inspects
      r.method = "GET";
      r.path = id + "/json";
      return r;
    case sc::RM:
      r.method = "DELETE";
      r.path = "/containers/" + DaemonName(c.container()) +
               (c.force() ? "?force=1" : "?force=0");
      return r;
    case sc::EXEC_CREATE: {
      dk::ExecCreateRequest m;
      for (const std::string& a : c.args()) m.add_cmd(a);
      r.path = id + "/exec";
      r.body = ToJson(m);
      return r;
    }
    case sc::EXEC_START:
    case sc::EXEC_INSPECT: {
      auto it = exec_ids.find(c.exec());
      if (it == exec_ids.end()) return std::nullopt;
      if (c.op() == sc::EXEC_INSPECT) {
        r.method = "GET";
        r.path = "/exec/" + it->second + "/json";
        return r;
      }
      dk::ExecStartRequest m;
      m.set_detach(c.detach());
      r.path = "/exec/" + it->second + "/start";
      r.body = ToJson(m);
      return r;
    }
    default:
      return std::nullopt;
  }
}

std::string SetApiReply(sc::Op op, long status, const std::string& body,
                        const std::string& error, model::Call& m,
                        int64_t* pid) {
  SetHttpReply(status, body, error, m);
  if (m.reply.kind != model::ErrorKind::kNone) return "";
  switch (op) {
    case sc::CREATE:
    case sc::EXEC_CREATE: {
      dk::IdReply id;
      return FromJson(body, &id) ? id.id() : "";
    }
    case sc::INSPECT:
    case sc::WAIT_UNTIL: {
      dk::ContainerInspect v;
      if (FromJson(body, &v)) {
        m.inspect = ViewOfJson(v);
        if (pid != nullptr) *pid = v.state().pid();
      }
      return "";
    }
    case sc::EXEC_INSPECT: {
      dk::ExecInspect v;
      if (FromJson(body, &v)) {
        m.exec = model::ExecView{v.running(),
                                 v.has_exit_code()
                                     ? std::optional<int>(v.exit_code())
                                     : std::nullopt,
                                 v.pid() > 0};
      }
      return "";
    }
    case sc::WAIT: {
      dk::WaitReply w;
      if (FromJson(body, &w)) m.wait_code = w.status_code();
      return "";
    }
    default:
      return "";
  }
}

ApiResult ApiResultOf(sc::Op op, long status, const std::string& body,
                      const std::string& error) {
  ApiResult r;
  dk::ErrorReply e;
  const std::string message = FromJson(body, &e) ? e.message() : body;
  if (status == 0) {
    r.status = absl::UnavailableError(error);
  } else if (status >= 300 && status != 304) {
    r.status = status == 404   ? daemon_core::NotFound(message)
               : status == 409 ? daemon_core::Conflict(message)
               : status == 400 ? daemon_core::InvalidParameter(message)
                               : daemon_core::System(message);
  }
  if (!r.status.ok()) return r;
  if (op == sc::INSPECT || op == sc::WAIT_UNTIL) {
    dk::ContainerInspect v;
    if (FromJson(body, &v)) {
      daemon_core::ContainerInspectResult& i = r.inspect.emplace();
      i.status = v.state().status();
      i.running = v.state().running();
      i.paused = v.state().paused();
      i.restarting = v.state().restarting();
      i.oom_killed = v.state().oom_killed();
      i.dead = v.state().dead();
      i.pid = static_cast<uint32_t>(v.state().pid());
      i.exit_code = v.state().exit_code();
      i.error = v.state().error();
      i.restart_count = v.restart_count();
      i.exec_ids.assign(v.exec_ids().begin(), v.exec_ids().end());
    }
  } else if (op == sc::EXEC_INSPECT) {
    dk::ExecInspect v;
    if (FromJson(body, &v)) {
      daemon_core::ExecInspectResult& x = r.exec.emplace();
      x.running = v.running();
      if (v.has_exit_code()) x.exit_code = v.exit_code();
      x.pid = static_cast<uint32_t>(v.pid());
    }
  } else if (op == sc::WAIT) {
    dk::WaitReply w;
    if (FromJson(body, &w))
      r.wait = daemon_core::StateStatus{w.status_code(), ""};
  }
  return r;
}

std::optional<std::vector<std::string>> ContainerIdsOf(
    const std::string& body) {
  // A JSON array: read wrapped in an object, as protobuf parses messages.
  dk::ContainerList l;
  if (!FromJson("{\"list\":" + body + "}", &l)) return std::nullopt;
  std::vector<std::string> ids;
  for (const dk::ContainerSummary& c : l.list()) ids.push_back(c.id());
  return ids;
}

namespace {
constexpr char kNamePrefix[] = "dsim-";
}  // namespace

std::string DaemonName(const std::string& name) { return kNamePrefix + name; }

std::optional<std::vector<std::pair<std::string, std::string>>>
ContainerNamesOf(const std::string& body) {
  dk::ContainerList l;
  if (!FromJson("{\"list\":" + body + "}", &l)) return std::nullopt;
  std::vector<std::pair<std::string, std::string>> out;
  for (const dk::ContainerSummary& c : l.list()) {
    std::string name = c.names_size() > 0 ? c.names(0) : c.id();
    if (!name.empty() && name[0] == '/') name.erase(0, 1);
    if (name.rfind(kNamePrefix, 0) == 0) name.erase(0, sizeof kNamePrefix - 1);
    out.emplace_back(c.id(), name);
  }
  return out;
}

std::optional<model::ContainerSnapshot> SnapshotOfJson(
    const std::string& name, const std::string& body) {
  dk::ContainerInspect v;
  if (!FromJson(body, &v)) return std::nullopt;
  model::ContainerSnapshot s;
  s.id = name;
  s.view = ViewOfJson(v);
  std::sort(s.view.exec_ids.begin(), s.view.exec_ids.end());
  const dk::RestartPolicy& p = v.host_config().restart_policy();
  using K = model::RestartPolicy::Kind;
  s.policy.kind = p.name() == "always"       ? K::kAlways
                  : p.name() == "on-failure" ? K::kOnFailure
                                             : K::kNo;
  s.policy.max_retries = p.maximum_retry_count();
  s.restart_count = v.restart_count();
  s.auto_remove = v.host_config().auto_remove();
  return s;
}

}  // namespace properties
