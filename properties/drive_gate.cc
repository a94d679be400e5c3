#include "properties/drive_gate.h"

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "containerd/events/task.pb.h"
#include "containerd/services/events/v1/events.pb.h"
#include "fake_containerd/rpc_log.h"
#include "sim/chan.h"
#include "wire/request_ids.h"

namespace properties {

namespace {

namespace ev = ::containerd::events;
constexpr char kNs[] = "moby";  // dockerd's containerd namespace

std::string NamespaceOf(const sim::RpcMetadata& md) {
  for (const auto& [k, v] : md) {
    if (k == "containerd-namespace") return v;
  }
  return "";
}

// Whether a SubscribeRequest's filters name namespace `ns` (dockerd's:
// "namespace==moby,topic~=|^/tasks/|").
bool SubscribesTo(const std::string& request, const std::string& ns) {
  containerd::services::events::v1::SubscribeRequest r;
  if (!r.ParseFromString(request)) return false;
  const std::string want = "namespace==" + ns;
  for (const std::string& f : r.filters()) {
    for (absl::string_view part : absl::StrSplit(f, ',')) {
      if (part == want) return true;
    }
  }
  return false;
}

constexpr char kHealthCheck[] = "/grpc.health.v1.Health/Check";

}  // namespace

// Takes the subscription's envelopes as soon as they are published (so a
// Tasks/Create waiting for its event to be taken is not held up) and hands
// them to the server one at a time, each released as a step.
class DriveGate::Stream : public sim::RpcStream {
 public:
  using Item = absl::StatusOr<std::optional<std::string>>;
  Stream(DriveGate& gate, std::unique_ptr<sim::RpcStream> inner)
      : gate_(gate),
        inner_(std::shared_ptr<sim::RpcStream>(std::move(inner))),
        queue_(std::make_shared<sim::Chan<Item>>(gate.ex_, "drive events",
                                                 size_t{1} << 20)),
        closed_(std::make_shared<bool>(false)),
        ending_(std::make_shared<bool>(false)) {
    gate_.ending_.insert(ending_);
    gate_.ex_.Spawn("drive event pump", Pump(inner_, queue_, closed_),
                    sim::SpawnOptions{.background = true});
  }
  // The subscriber is gone (its dockerd was killed or stopped): the pump
  // ends at the next envelope, which drops containerd's subscription.
  ~Stream() override {
    *closed_ = true;
    gate_.ending_.erase(ending_);
  }

  sim::Task<Item> Next() override {
    for (;;) {
      std::optional<Item> got = co_await queue_->Recv();
      if (!got.has_value()) co_return std::optional<std::string>();
      Item item = std::move(*got);
      if (!item.ok() || !item->has_value()) co_return item;
      fake_containerd::Envelope e;
      if (!e.ParseFromString(**item)) co_return item;
      const std::string base = gate_.EventBase(e);
      if (base.empty() || !gate_.controlled_) co_return item;
      if (gate_.Dropped(e)) continue;
      if (!*ending_) {
        std::unique_ptr<Held> held = gate_.Hold(base);
        co_await held->Wait();
      }
      if (gate_.tap_) gate_.tap_(e);
      if (e.topic() == "/tasks/exit") {
        ev::TaskExit x;
        if (x.ParseFromString(e.event().value()) &&
            x.id() == x.container_id()) {
          gate_.ExitDelivered(x.container_id())->Set();
        }
      }
      co_return item;
    }
  }

 private:
  // Coroutine parameters by value: the pump may outlive this stream (the
  // server's call ends while the pump waits for the next envelope).
  static sim::Task<void> Pump(std::shared_ptr<sim::RpcStream> inner,
                              std::shared_ptr<sim::Chan<Item>> queue,
                              std::shared_ptr<bool> closed) {
    for (;;) {
      Item m = co_await inner->Next();
      if (*closed) break;
      const bool end = !m.ok() || !m->has_value();
      co_await queue->Send(std::move(m));
      if (end) break;
    }
    queue->Close();
  }

  DriveGate& gate_;
  std::shared_ptr<sim::RpcStream> inner_;
  std::shared_ptr<sim::Chan<Item>> queue_;
  std::shared_ptr<bool> closed_;
  std::shared_ptr<bool> ending_;  // containerd restarts (EndEventStreams)
};

void DriveGate::set_controlled(bool on) {
  controlled_ = on;
  if (on) return;
  for (auto& [label, c] : pending_) c->Set();
  pending_.clear();
  for (auto& [id, c] : exit_delivered_) c->Set();
  exit_delivered_.clear();
}

void DriveGate::BeginRun() {
  ordinals_.clear();
  requests_.clear();
}

std::vector<std::string> DriveGate::Pending() const {
  std::vector<std::string> labels;
  for (const auto& [label, c] : pending_) labels.push_back(label);
  return labels;
}

void DriveGate::Release(const std::string& label, const std::string& fault) {
  auto it = pending_.find(label);
  if (it == pending_.end()) return;
  if (!fault.empty()) faults_[label] = fault;
  it->second->Set();
  pending_.erase(it);
}

void DriveGate::EndEventStreams() {
  for (const std::shared_ptr<bool>& e : ending_) *e = true;
  // The envelope each stream holds as a step goes at once; the ones queued
  // behind it follow without a step (Stream::Next).
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (absl::StartsWith(it->first, "event ")) {
      it->second->Set();
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
}

std::string DriveGate::Name(const std::string& id) const {
  auto it = names_.find(id);
  if (it != names_.end()) return it->second;
  return id.size() > 12 ? id.substr(0, 12) : id;
}

DriveGate::Held::Held(DriveGate& gate, std::string label)
    : gate_(gate),
      label_(std::move(label)),
      done_(std::make_shared<sim::Completion>(gate.ex_, label_)) {
  gate_.pending_[label_] = done_;
  ++gate_.arrivals_;
}

DriveGate::Held::~Held() {
  auto it = gate_.pending_.find(label_);
  if (it != gate_.pending_.end() && it->second == done_) {
    gate_.pending_.erase(it);
  }
}

std::unique_ptr<DriveGate::Held> DriveGate::Hold(const std::string& base) {
  return std::make_unique<Held>(
      *this, base + " #" + std::to_string(++ordinals_[base]));
}

std::string DriveGate::EventBase(const fake_containerd::Envelope& e) const {
  if (e.namespace_() != kNs) return "";
  const std::string& topic = e.topic();
  const std::string& value = e.event().value();
  std::string id, exec;
  if (topic == "/tasks/exit") {
    ev::TaskExit m;
    m.ParseFromString(value);
    id = m.container_id();
    if (m.id() != m.container_id()) exec = m.id();
  } else if (topic == "/tasks/exec-added") {
    ev::TaskExecAdded m;
    m.ParseFromString(value);
    id = m.container_id();
    exec = m.exec_id();
  } else if (topic == "/tasks/exec-started") {
    ev::TaskExecStarted m;
    m.ParseFromString(value);
    id = m.container_id();
    exec = m.exec_id();
  } else {
    // Every task event names its container in field 1.
    ev::TaskOOM m;
    m.ParseFromString(value);
    id = m.container_id();
  }
  return "event " + topic + " " + Name(id) +
         (exec.empty() ? "" : "/" + Name(exec));
}

bool DriveGate::Dropped(const fake_containerd::Envelope& e) const {
  if (bug_ != Bug::kLostExitEvent || e.topic() != "/tasks/exit") return false;
  ev::TaskExit m;
  return m.ParseFromString(e.event().value()) && m.id() == m.container_id();
}

sim::Task<void> DriveGate::ProcessEnd(std::string ns, std::string container_id,
                                      std::string exec_id) {
  if (!controlled_ || ns != kNs) co_return;
  std::unique_ptr<Held> held =
      Hold("exit " + Name(container_id) +
           (exec_id.empty() ? "" : "/" + Name(exec_id)));
  co_await held->Wait();
}

sim::Task<absl::StatusOr<std::string>> DriveGate::Unary(
    std::string method, sim::RpcMetadata metadata, std::string request) {
  if (method == kHealthCheck) {
    // grpc.health.v1.HealthCheckResponse{status: SERVING}: field 1 (varint)
    // = 1. containerd's client asks it in IsServing, which dockerd's
    // waitServe polls before it subscribes again after a containerd restart.
    co_return std::string("\x08\x01", 2);
  }
  if (controlled_ && NamespaceOf(metadata) == kNs) {
    const wire::RequestIds ids = wire::RequestIdsOf(method, request);
    std::string base = "rpc " + fake_containerd::ShortMethod(method);
    if (!ids.container_id.empty()) base += " " + Name(ids.container_id);
    if (!ids.exec_id.empty()) base += "/" + Name(ids.exec_id);
    std::unique_ptr<Held> held = Hold(base);
    requests_.push_back(base);
    co_await held->Wait();
    std::string fault;
    if (auto f = faults_.find(held->label()); f != faults_.end()) {
      fault = std::move(f->second);
      faults_.erase(f);
    }
    if (fault == "exec-start-fails") {
      if (exec_start_fail_ && !ids.exec_id.empty()) {
        exec_start_fail_(ids.container_id, ids.exec_id);
      }
      fault.clear();  // then handled and answered as any request
    }
    if (fault == "rpc-unavailable") {
      co_return absl::UnavailableError(
          "dsim drive: fault rpc-unavailable: containerd is unavailable");
    }
    if (!fault.empty()) {
      absl::StatusOr<std::string> reply = co_await inner_.Unary(
          std::move(method), std::move(metadata), std::move(request));
      if (fault == "reply-lost") {
        co_return absl::UnavailableError(
            "dsim drive: fault reply-lost: the connection to containerd broke "
            "before its reply");
      }
      std::unique_ptr<Held> delayed = Hold("reply" + base.substr(3));
      co_await delayed->Wait();
      co_return reply;
    }
  }
  const bool held_reply = controlled_ && bug_ == Bug::kExitBeforeStartReply &&
                          NamespaceOf(metadata) == kNs &&
                          fake_containerd::ShortMethod(method) == "Tasks/Start";
  const wire::RequestIds ids = wire::RequestIdsOf(method, request);
  absl::StatusOr<std::string> reply = co_await inner_.Unary(
      std::move(method), std::move(metadata), std::move(request));
  if (held_reply && reply.ok() && ids.exec_id.empty()) {
    std::shared_ptr<sim::Completion> exited = ExitDelivered(ids.container_id);
    co_await exited->Wait();
  }
  co_return reply;
}

std::shared_ptr<sim::Completion> DriveGate::ExitDelivered(
    const std::string& id) {
  std::shared_ptr<sim::Completion>& c = exit_delivered_[id];
  if (c == nullptr) c = std::make_shared<sim::Completion>(ex_, "exit of " + id);
  return c;
}

sim::Task<absl::StatusOr<std::unique_ptr<sim::RpcStream>>>
DriveGate::ServerStream(std::string method, sim::RpcMetadata metadata,
                        std::string request) {
  const bool mine =
      fake_containerd::ShortMethod(method) == "Events/Subscribe" &&
      SubscribesTo(request, kNs);
  absl::StatusOr<std::unique_ptr<sim::RpcStream>> s =
      co_await inner_.ServerStream(std::move(method), std::move(metadata),
                                   std::move(request));
  if (!s.ok()) co_return s.status();
  if (mine) ++subscriptions_;
  co_return std::unique_ptr<sim::RpcStream>(
      std::make_unique<Stream>(*this, std::move(*s)));
}

}  // namespace properties
