// daemon_core/libcontainerd_legacy.cc: the ID-based design (before moby PR
// #43564). Handles hold ids only; each call reloads what it needs by id,
// issuing the "before" RPC sequences of moby-daemon.md §2 (getContainer =
// Containers/Get, getProcess = + Tasks/Get [+ Tasks/Get{e}]).
#include "absl/status/status.h"
#include "daemon_core/libcontainerd.h"
#include "daemon_core/libcontainerd_designs.h"

namespace daemon_core::libcontainerd {

namespace {

// getProcess(ctx, id, ""): LoadContainer + ctr.Task.
sim::Task<absl::StatusOr<c8d::TaskHandle>> LoadTask(c8d::Client& c,
                                                    std::string id) {
  absl::StatusOr<c8d::ContainerHandle> ctr =
      co_await c.LoadContainer(std::move(id));
  if (!ctr.ok()) co_return ctr.status();
  co_return co_await ctr->Task();
}

// getProcess(ctx, id, execID): + t.LoadProcess.
sim::Task<absl::StatusOr<c8d::ProcessHandle>> LoadProcess(c8d::Client& c,
                                                          std::string id,
                                                          std::string exec_id) {
  absl::StatusOr<c8d::TaskHandle> t = co_await LoadTask(c, std::move(id));
  if (!t.ok()) co_return t.status();
  co_return co_await t->LoadProcess(std::move(exec_id));
}

class LegacyProcess : public Process {
 public:
  LegacyProcess(c8d::Client& c, std::string id, std::string exec_id,
                uint32_t pid)
      : c_(c), id_(std::move(id)), exec_id_(std::move(exec_id)), pid_(pid) {}
  const std::string& exec_id() const override { return exec_id_; }
  uint32_t Pid() const override { return pid_; }
  sim::Task<absl::Status> Kill(uint32_t signal) override {
    absl::StatusOr<c8d::ProcessHandle> p =
        co_await LoadProcess(c_, id_, exec_id_);
    if (!p.ok()) co_return p.status();
    co_return co_await p->Kill(signal);
  }
  sim::Task<absl::Status> Resize(uint32_t w, uint32_t h) override {
    absl::StatusOr<c8d::ProcessHandle> p =
        co_await LoadProcess(c_, id_, exec_id_);
    if (!p.ok()) co_return p.status();
    co_return co_await p->Resize(w, h);
  }
  sim::Task<absl::Status> CloseStdin() override {
    absl::StatusOr<c8d::ProcessHandle> p =
        co_await LoadProcess(c_, id_, exec_id_);
    if (!p.ok()) co_return p.status();
    co_return co_await p->CloseIO();
  }
  // The old exit path: load the process, then the container again and its
  // labels (for the bundle dir whose FIFOs it closes), then process.Delete.
  sim::Task<absl::StatusOr<c8d::ExitStatus>> Delete() override {
    absl::StatusOr<c8d::ProcessHandle> p =
        co_await LoadProcess(c_, id_, exec_id_);
    if (!p.ok()) co_return p.status();
    absl::StatusOr<c8d::ContainerHandle> ctr = co_await c_.LoadContainer(id_);
    if (!ctr.ok()) co_return ctr.status();
    (void)co_await ctr->Labels();
    co_return co_await p->Delete();
  }

 private:
  c8d::Client& c_;
  std::string id_, exec_id_;
  uint32_t pid_;
};

class LegacyTask : public Task {
 public:
  LegacyTask(c8d::Client& c, std::string id, uint32_t pid)
      : c_(c), id_(std::move(id)), pid_(pid) {}
  const std::string& exec_id() const override { return no_exec_; }
  uint32_t Pid() const override { return pid_; }
  sim::Task<absl::Status> Kill(uint32_t signal) override {
    absl::StatusOr<c8d::TaskHandle> t = co_await LoadTask(c_, id_);
    if (!t.ok()) co_return t.status();
    co_return co_await t->Kill(signal);
  }
  sim::Task<absl::Status> Resize(uint32_t w, uint32_t h) override {
    absl::StatusOr<c8d::TaskHandle> t = co_await LoadTask(c_, id_);
    if (!t.ok()) co_return t.status();
    co_return co_await t->Resize(w, h);
  }
  sim::Task<absl::Status> CloseStdin() override {
    absl::StatusOr<c8d::TaskHandle> t = co_await LoadTask(c_, id_);
    if (!t.ok()) co_return t.status();
    co_return co_await t->CloseIO();
  }
  sim::Task<absl::StatusOr<c8d::ExitStatus>> Delete() override {
    absl::StatusOr<c8d::TaskHandle> t = co_await LoadTask(c_, id_);
    if (!t.ok()) co_return t.status();
    co_return co_await t->Delete();
  }
  sim::Task<absl::StatusOr<c8d::ExitStatus>> ForceDelete() override {
    absl::StatusOr<c8d::TaskHandle> t = co_await LoadTask(c_, id_);
    if (!t.ok()) co_return t.status();
    co_return co_await t->Delete();
  }
  sim::Task<absl::Status> Pause() override {
    absl::StatusOr<c8d::TaskHandle> t = co_await LoadTask(c_, id_);
    if (!t.ok()) co_return t.status();
    co_return co_await t->Pause();
  }
  sim::Task<absl::Status> Resume() override {
    absl::StatusOr<c8d::TaskHandle> t = co_await LoadTask(c_, id_);
    if (!t.ok()) co_return t.status();
    co_return co_await t->Resume();
  }
  sim::Task<absl::StatusOr<c8d::ProcessStatus>> Status() override {
    absl::StatusOr<c8d::TaskHandle> t = co_await LoadTask(c_, id_);
    if (!t.ok()) co_return t.status();
    absl::StatusOr<c8d::ProcessState> s = co_await t->Status();
    if (!s.ok()) co_return s.status();
    co_return s->status;
  }
  sim::Task<absl::StatusOr<std::vector<uint32_t>>> Pids() override {
    absl::StatusOr<c8d::TaskHandle> t = co_await LoadTask(c_, id_);
    if (!t.ok()) co_return t.status();
    co_return co_await t->Pids();
  }
  // lcd Exec: getContainer, ctr.Task, Labels (for the FIFO dir), Tasks/Exec,
  // Tasks/Start.
  sim::Task<absl::StatusOr<std::unique_ptr<Process>>> Exec(
      std::string exec_id, std::string spec_json, bool with_stdin) override {
    (void)with_stdin;
    absl::StatusOr<c8d::ContainerHandle> ctr = co_await c_.LoadContainer(id_);
    if (!ctr.ok()) co_return ctr.status();
    absl::StatusOr<c8d::TaskHandle> t = co_await ctr->Task();
    if (!t.ok()) co_return t.status();
    (void)co_await ctr->Labels();
    c8d::ProcessIO io;
    absl::StatusOr<c8d::ProcessHandle> p =
        co_await t->Exec(std::move(exec_id), std::move(spec_json), io);
    if (!p.ok()) co_return p.status();
    absl::StatusOr<uint32_t> pid = co_await p->Start();
    if (!pid.ok()) {
      (void)co_await p->Delete();
      co_return pid.status();
    }
    co_return std::unique_ptr<Process>(
        std::make_unique<LegacyProcess>(c_, id_, p->exec_id(), *pid));
  }

 private:
  c8d::Client& c_;
  std::string id_;
  uint32_t pid_;
  const std::string no_exec_;
};

class LegacyContainer : public Container {
 public:
  LegacyContainer(c8d::Client& c, std::string id) : c_(c), id_(std::move(id)) {}
  const std::string& id() const override { return id_; }
  sim::Task<absl::StatusOr<std::string>> Spec() override {
    c8d::ContainerHandle ctr(&c_, c8d::ContainerInfo(id_));
    co_return co_await ctr.Spec();
  }
  // Start: getContainer, Spec, Labels, NewTask, Tasks/Start (moby-daemon.md §2:
  // 4x C/Get).
  sim::Task<absl::StatusOr<std::unique_ptr<Task>>> Start(
      bool with_stdin) override {
    (void)with_stdin;
    absl::StatusOr<c8d::ContainerHandle> ctr = co_await c_.LoadContainer(id_);
    if (!ctr.ok()) co_return ctr.status();
    absl::StatusOr<std::string> spec = co_await ctr->Spec();
    if (!spec.ok()) co_return spec.status();
    (void)co_await ctr->Labels();
    c8d::ProcessIO io;
    absl::StatusOr<c8d::TaskHandle> t = co_await ctr->NewTask(io);
    if (!t.ok()) co_return t.status();
    absl::StatusOr<uint32_t> pid = co_await t->Start();
    if (!pid.ok()) {
      (void)co_await t->Delete();
      co_return pid.status();
    }
    co_return std::unique_ptr<Task>(
        std::make_unique<LegacyTask>(c_, id_, *pid));
  }
  // The container was just loaded by id (LoadContainer): only ctr.Task remains.
  sim::Task<absl::StatusOr<std::unique_ptr<Task>>> AttachTask() override {
    c8d::ContainerHandle ctr(&c_, c8d::ContainerInfo(id_));
    absl::StatusOr<c8d::TaskHandle> t = co_await ctr.Task();
    if (!t.ok()) co_return t.status();
    co_return std::unique_ptr<Task>(
        std::make_unique<LegacyTask>(c_, id_, t->pid()));
  }
  // client.Restore: getContainer (the caller's LoadContainer), ctr.Task,
  // t.Status.
  sim::Task<absl::StatusOr<Restored>> Restore() override {
    c8d::ContainerHandle ctr(&c_, c8d::ContainerInfo(id_));
    c8d::Client& c = c_;
    const std::string id = id_;
    std::function<std::unique_ptr<Task>(c8d::TaskHandle)> wrap =
        [&c, id](c8d::TaskHandle t) -> std::unique_ptr<Task> {
      return std::make_unique<LegacyTask>(c, id, t.pid());
    };
    co_return co_await RestoreTask(ctr, std::move(wrap));
  }
  // client.Delete: getContainer, Labels (bundle dir), ctr.Delete.
  sim::Task<absl::Status> Delete() override {
    absl::StatusOr<c8d::ContainerHandle> ctr = co_await c_.LoadContainer(id_);
    if (!ctr.ok()) co_return ctr.status();
    (void)co_await ctr->Labels();
    co_return co_await ctr->Delete();
  }

 private:
  c8d::Client& c_;
  std::string id_;
};

class LegacyClient : public Client {
 public:
  explicit LegacyClient(c8d::Client& c) : c_(c) {}
  Design design() const override { return Design::kLegacy; }
  sim::Task<absl::StatusOr<std::unique_ptr<Container>>> LoadContainer(
      std::string id) override {
    absl::StatusOr<c8d::ContainerHandle> c = co_await c_.LoadContainer(id);
    if (!c.ok()) co_return c.status();
    co_return std::unique_ptr<Container>(
        std::make_unique<LegacyContainer>(c_, std::move(id)));
  }
  sim::Task<absl::StatusOr<std::unique_ptr<Container>>> NewContainer(
      c8d::ContainerInfo info) override {
    std::string id = info.id;
    absl::StatusOr<c8d::ContainerHandle> c =
        co_await c_.NewContainer(std::move(info));
    if (absl::IsAlreadyExists(c.status()))
      co_return absl::AlreadyExistsError("id already in use");
    if (!c.ok()) co_return c.status();
    co_return std::unique_ptr<Container>(
        std::make_unique<LegacyContainer>(c_, std::move(id)));
  }
  // Before the PR, start cleaned a stale container up by id: DeleteTask (its
  // error ignored), then Delete.
  sim::Task<absl::Status> DeleteStaleContainer(std::string id) override {
    LegacyTask task(c_, id, 0);
    (void)co_await task.Delete();
    co_return co_await DeleteContainer(std::move(id));
  }
  sim::Task<absl::Status> DeleteContainer(std::string id) override {
    LegacyContainer ctr(c_, std::move(id));
    co_return co_await ctr.Delete();
  }

 private:
  c8d::Client& c_;
};

}  // namespace

sim::Task<absl::StatusOr<Container::Restored>> RestoreTask(
    c8d::ContainerHandle ctr,
    std::function<std::unique_ptr<Task>(c8d::TaskHandle)> wrap) {
  Container::Restored r;
  absl::StatusOr<c8d::TaskHandle> t = co_await ctr.Task();
  if (absl::IsNotFound(t.status())) co_return r;
  if (!t.ok()) co_return t.status();
  absl::StatusOr<c8d::ProcessState> st = co_await t->Status();
  r.status = st.ok() ? absl::StatusOr<c8d::ProcessStatus>(st->status)
                     : absl::StatusOr<c8d::ProcessStatus>(st.status());
  r.task = wrap(*t);
  r.loaded = *t;
  co_return r;
}

std::unique_ptr<Client> NewLegacyClient(c8d::Client& containerd) {
  return std::make_unique<LegacyClient>(containerd);
}

std::string_view DesignName(Design d) {
  return d == Design::kLegacy ? "legacy" : "objects";
}

bool ParseDesign(std::string_view name, Design* d) {
  if (name == "legacy") {
    *d = Design::kLegacy;
    return true;
  }
  if (name == "objects") {
    *d = Design::kObjects;
    return true;
  }
  return false;
}

std::unique_ptr<Client> NewClient(Design design, c8d::Client& containerd) {
  return design == Design::kLegacy ? NewLegacyClient(containerd)
                                   : NewObjectsClient(containerd);
}

}  // namespace daemon_core::libcontainerd
