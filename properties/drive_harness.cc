// properties/drive_harness.cc: the driver's own calls to dockerd, outside
// the strategy's control (drive_run.h): a call waited for, the reset between
// runs, and the snapshot of what restore left after a daemon restart.
#include <algorithm>
#include <set>
#include <utility>

#include "containerd/services/containers/v1/containers.pb.h"
#include "containerd/services/tasks/v1/tasks.pb.h"
#include "properties/containerd_state.h"
#include "properties/drive_api.h"
#include "properties/drive_run.h"

namespace properties {

namespace {

constexpr char kNs[] = "moby";
// The harness's own calls (reset, final inspects) give up after this.
constexpr sim::Nanos kHarnessCallMax = 60 * sim::kSecond;

}  // namespace

sim::Task<Driver::Reply> Driver::CallAndWait(std::string method,
                                             std::string path,
                                             std::string body) {
  const uint64_t id = http_.Start(method, path, std::move(body));
  const sim::Nanos deadline = ex_.now() + kHarnessCallMax;
  for (;;) {
    if (ex_.now() >= deadline) {
      http_.Abort(id);
      co_return Reply{0, "", method + " " + path + ": no reply in 60 s"};
    }
    PollHttp();
    auto it = finished_.find(id);
    if (it != finished_.end()) {
      Reply r = std::move(it->second);
      finished_.erase(it);
      co_return r;
    }
    co_await ex_.Sleep(sim::kMillisecond);
  }
}

void Driver::PollHttp() {
  for (auto& [id, r] : http_.Poll()) {
    finished_[id] = Reply{r.status, std::move(r.body), std::move(r.error)};
  }
}

sim::Task<bool> Driver::Ping() {
  Reply r = co_await CallAndWait("GET", "/_ping", "");
  co_return r.status == 200;
}

sim::Task<absl::Status> Driver::Reset() {
  gate_.set_controlled(false);
  Reply list = co_await CallAndWait("GET", "/containers/json?all=1", "");
  std::optional<std::vector<std::string>> ids =
      list.status == 200 ? ContainerIdsOf(list.body) : std::nullopt;
  if (!ids.has_value()) {
    co_return absl::UnavailableError(
        "cannot list dockerd's containers: " + list.error + list.body);
  }
  for (const std::string& id : *ids) {
    Reply rm =
        co_await CallAndWait("DELETE", "/containers/" + id + "?force=1", "");
    // dockerd's own removal under way (an AutoRemove waiting out its kill's
    // 10 s, drive_run.cc): 409 until it ends; then it is gone or removable.
    for (int i = 0; i < 300 && rm.status == 409; ++i) {
      co_await ex_.Sleep(100 * sim::kMillisecond);
      rm = co_await CallAndWait("DELETE", "/containers/" + id + "?force=1", "");
    }
    if (rm.status != 204 && rm.status != 404) {
      co_return absl::InternalError("cannot remove container " + id + ": " +
                                    rm.body);
    }
  }
  // dockerd deletes containerd's container in the exit handling, which may
  // end after rm's reply: wait for the namespace to empty (bounded).
  // What dockerd leaked (a fault made it lose a task or a container, as
  // moby does; the run's no-leak check said so) is removed from the fake
  // directly after a while, so the next run starts clean.
  for (int i = 0; i < 5000; ++i) {
    ContainerdState st = StateOfFake(fake_, kNs, {});
    if (st.containers.empty() && st.tasks.empty()) co_return absl::OkStatus();
    if (i >= 2000 && i % 100 == 0) {
      namespace tpb = ::containerd::services::tasks::v1;
      for (const auto& [id, status] : st.tasks) {
        if (status == ContainerdState::Status::kStopped ||
            status == ContainerdState::Status::kCreated) {
          tpb::DeleteTaskRequest del;
          del.set_container_id(id);
          tpb::DeleteResponse resp;
          (void)fake_.DeleteTask(kNs, del, &resp);
        } else {
          tpb::KillRequest kill;
          kill.set_container_id(id);
          kill.set_signal(9);
          kill.set_all(true);
          (void)fake_.Kill(kNs, kill);
        }
      }
      for (const std::string& id : st.containers) {
        if (st.tasks.contains(id)) continue;
        ::containerd::services::containers::v1::DeleteContainerRequest del;
        del.set_id(id);
        (void)fake_.DeleteContainer(kNs, del);
      }
    }
    co_await ex_.Sleep(sim::kMillisecond);
  }
  co_return absl::InternalError(
      "containerd's namespace moby is not empty after removing every "
      "container");
}

sim::Task<void> Driver::SnapshotInto(
    std::map<std::string, std::string>& names, model::DaemonRestart& r,
    std::shared_ptr<std::optional<absl::Status>> done) {
  *done = co_await Snapshot(names, r);
}

sim::Task<absl::Status> Driver::Snapshot(
    std::map<std::string, std::string>& names, model::DaemonRestart& r) {
  Reply list = co_await CallAndWait("GET", "/containers/json?all=1", "");
  std::optional<std::vector<std::pair<std::string, std::string>>> listed =
      list.status == 200 ? ContainerNamesOf(list.body) : std::nullopt;
  if (!listed.has_value()) {
    co_return absl::UnavailableError(
        "cannot list the restarted dockerd's containers: " + list.error +
        list.body);
  }
  const ContainerdState left = StateOfFake(fake_, kNs, {});
  std::set<std::string> known;
  for (const auto& [id, name] : *listed) {
    names[id] = name;
    gate_.AddName(id, name);
    known.insert(id);
    Reply got = co_await CallAndWait("GET", "/containers/" + id + "/json", "");
    std::optional<model::ContainerSnapshot> s =
        got.status == 200 ? SnapshotOfJson(name, got.body) : std::nullopt;
    if (!s.has_value()) {
      co_return absl::UnavailableError("cannot inspect restored container " +
                                       name + ": " + got.error + got.body);
    }
    // What the restart left in containerd that restore does not show, as
    // the simulated runner records it (properties/scenario_calls.cc).
    auto task = left.tasks.find(id);
    using St = ContainerdState::Status;
    s->stale_task = !s->view.running && task != left.tasks.end() &&
                    task->second != St::kStopped;
    s->stale_container =
        !s->view.running &&
        std::find(left.containers.begin(), left.containers.end(), id) !=
            left.containers.end();
    s->frozen_task = s->view.running && !s->view.paused &&
                     task != left.tasks.end() && task->second == St::kPaused;
    r.containers.push_back(std::move(*s));
  }
  std::set<std::string> left_ids(left.containers.begin(),
                                 left.containers.end());
  for (const auto& [id, status] : left.tasks) left_ids.insert(id);
  for (const std::string& id : left_ids) {
    if (known.contains(id)) continue;
    auto it = names.find(id);
    r.left_behind.push_back(it == names.end() ? id : it->second);
  }
  co_return absl::OkStatus();
}

}  // namespace properties
