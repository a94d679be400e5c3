// daemon_core/libcontainerd_objects.cc: the retained-handle design (after moby
// PR #43564).
#include "absl/status/status.h"
#include "daemon_core/libcontainerd.h"
#include "daemon_core/libcontainerd_designs.h"

namespace daemon_core::libcontainerd {

namespace {

// The Process methods, forwarded to a retained handle (a ProcessHandle, or a
// TaskHandle, which is one). A forward returns the handle's task for the
// caller to await (no coroutine frame of its own).
template <typename Base, typename Handle>
class Forwarding : public Base {
 public:
  explicit Forwarding(Handle h) : h_(std::move(h)) {}
  const std::string& exec_id() const override { return h_.exec_id(); }
  uint32_t Pid() const override { return h_.pid(); }
  sim::Task<absl::Status> Kill(uint32_t signal) override {
    return h_.Kill(signal);
  }
  sim::Task<absl::Status> Resize(uint32_t w, uint32_t h) override {
    return h_.Resize(w, h);
  }
  sim::Task<absl::Status> CloseStdin() override { return h_.CloseIO(); }
  sim::Task<absl::StatusOr<c8d::ExitStatus>> Delete() override {
    return h_.Delete();
  }

 protected:
  Handle h_;
};

using ObjectsProcess = Forwarding<Process, c8d::ProcessHandle>;

class ObjectsTask : public Forwarding<Task, c8d::TaskHandle> {
 public:
  using Forwarding::Forwarding;
  sim::Task<absl::StatusOr<c8d::ExitStatus>> ForceDelete() override {
    return h_.ForceDelete();
  }
  sim::Task<absl::Status> Pause() override { return h_.Pause(); }
  sim::Task<absl::Status> Resume() override { return h_.Resume(); }
  sim::Task<absl::StatusOr<c8d::ProcessStatus>> Status() override {
    absl::StatusOr<c8d::ProcessState> s = co_await h_.Status();
    if (!s.ok()) co_return s.status();
    co_return s->status;
  }
  sim::Task<absl::StatusOr<std::vector<uint32_t>>> Pids() override {
    return h_.Pids();
  }
  sim::Task<absl::StatusOr<std::unique_ptr<Process>>> Exec(
      std::string exec_id, std::string spec_json, bool with_stdin) override {
    (void)with_stdin;
    c8d::ProcessIO io;
    absl::StatusOr<c8d::ProcessHandle> p =
        co_await h_.Exec(std::move(exec_id), std::move(spec_json), io);
    if (!p.ok()) co_return p.status();
    absl::StatusOr<uint32_t> pid = co_await p->Start();
    if (!pid.ok()) {
      (void)co_await p->Delete();  // moby ignores the cleanup's error
      co_return pid.status();
    }
    co_return std::unique_ptr<Process>(std::make_unique<ObjectsProcess>(*p));
  }
};

class ObjectsContainer : public Container {
 public:
  explicit ObjectsContainer(c8d::ContainerHandle c) : c_(std::move(c)) {}
  const std::string& id() const override { return c_.id(); }
  sim::Task<absl::StatusOr<std::string>> Spec() override {
    co_return c_.cached_info()
        .spec_json;  // Info(WithoutRefreshedMetadata): no RPC
  }
  sim::Task<absl::StatusOr<std::unique_ptr<Task>>> Start(
      bool with_stdin) override {
    (void)with_stdin;
    c8d::ProcessIO io;
    absl::StatusOr<c8d::TaskHandle> t = co_await c_.NewTask(io);
    if (!t.ok()) co_return t.status();
    absl::StatusOr<uint32_t> pid = co_await t->Start();
    if (!pid.ok()) {
      (void)co_await t->Delete();
      co_return pid.status();
    }
    co_return std::unique_ptr<Task>(std::make_unique<ObjectsTask>(*t));
  }
  sim::Task<absl::StatusOr<std::unique_ptr<Task>>> AttachTask() override {
    absl::StatusOr<c8d::TaskHandle> t = co_await c_.Task();
    if (!t.ok()) co_return t.status();
    co_return std::unique_ptr<Task>(std::make_unique<ObjectsTask>(*t));
  }
  sim::Task<absl::StatusOr<Restored>> Restore() override {
    std::function<std::unique_ptr<Task>(c8d::TaskHandle)> wrap =
        [](c8d::TaskHandle t) -> std::unique_ptr<Task> {
      return std::make_unique<ObjectsTask>(std::move(t));
    };
    co_return co_await RestoreTask(c_, std::move(wrap));
  }
  sim::Task<absl::Status> Delete() override { return c_.Delete(); }

 private:
  c8d::ContainerHandle c_;
};

class ObjectsClient : public Client {
 public:
  explicit ObjectsClient(c8d::Client& c) : c_(c) {}
  Design design() const override { return Design::kObjects; }
  sim::Task<absl::StatusOr<std::unique_ptr<Container>>> LoadContainer(
      std::string id) override {
    absl::StatusOr<c8d::ContainerHandle> c =
        co_await c_.LoadContainer(std::move(id));
    if (!c.ok()) co_return c.status();
    co_return std::unique_ptr<Container>(
        std::make_unique<ObjectsContainer>(*c));
  }
  sim::Task<absl::StatusOr<std::unique_ptr<Container>>> NewContainer(
      c8d::ContainerInfo info) override {
    absl::StatusOr<c8d::ContainerHandle> c =
        co_await c_.NewContainer(std::move(info));
    if (absl::IsAlreadyExists(c.status())) {
      co_return absl::AlreadyExistsError(
          "id already in use");  // moby's errdefs.Conflict
    }
    if (!c.ok()) co_return c.status();
    co_return std::unique_ptr<Container>(
        std::make_unique<ObjectsContainer>(*c));
  }

 private:
  c8d::Client& c_;
};

}  // namespace

std::unique_ptr<Client> NewObjectsClient(c8d::Client& containerd) {
  return std::make_unique<ObjectsClient>(containerd);
}

}  // namespace daemon_core::libcontainerd
