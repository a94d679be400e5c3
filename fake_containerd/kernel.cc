// fake_containerd/kernel.cc: the simulated kernel under the services. Over 400
// lines because the process state machine (create, start, signals, pause, OOM,
// exit, delete, shim death) and its event ordering must be read together; each
// piece is a short function.
#include "fake_containerd/kernel.h"

#include "fake_containerd/errors.h"
#include "fake_containerd/identifiers.h"

namespace fake_containerd {

std::string_view ProcessStateName(ProcessState s) {
  switch (s) {
    case ProcessState::kCreated:
      return "created";
    case ProcessState::kRunning:
      return "running";
    case ProcessState::kStopped:
      return "stopped";
    case ProcessState::kPaused:
      return "paused";
  }
  return "unknown";
}

struct Kernel::TaskRecord {
  std::string ns, id;
  std::shared_ptr<Process> init;
  std::map<std::string, std::shared_ptr<Process>>
      execs;  // by exec id: a stable order
  bool paused = false;
  bool deleted = false;
  std::shared_ptr<sim::Notify>
      thawed;  // a fresh one per Pause, fired by Resume
  sim::ObjectId object = sim::kNoObject;  // see Kernel::Touch
};

namespace {

// Signals whose default action does not terminate (or that the model does not
// act on).
bool IsFatal(uint32_t sig) {
  switch (sig) {
    case 0:   // existence probe
    case 17:  // SIGCHLD
    case 18:  // SIGCONT (Deliver handles it)
    case 19:  // SIGSTOP (Deliver handles it)
    case 20:  // SIGTSTP (terminal stops are not modelled)
    case 21:  // SIGTTIN
    case 22:  // SIGTTOU
    case 23:  // SIGURG
    case 28:  // SIGWINCH
      return false;
    default:
      return true;
  }
}

// Go's exec.LookPath error as runc reports it: a name with a slash is
// stat'ed, a bare name is searched in $PATH.
std::string LookPathError(const std::string& binary) {
  const std::string why =
      binary.find('/') == std::string::npos
          ? "executable file not found in $PATH"
          : "stat " + binary + ": no such file or directory";
  return "unable to start container process: exec: " + Quote(binary) + ": " +
         why;
}

bool IsLive(const Process& p) {
  return p.state == ProcessState::kRunning || p.state == ProcessState::kPaused;
}

}  // namespace

Kernel::Kernel(sim::Executor& ex, EventSink sink)
    : ex_(ex),
      table_(ex.NewObject("kernel tasks")),
      pids_(ex.NewObject("kernel pids")),
      sink_(std::move(sink)) {}

void Kernel::Touch(const TaskRecord& task, sim::Access access) const {
  ex_.Touch(task.object, access);
}

absl::StatusOr<Kernel::TaskRecord*> Kernel::FindTask(const std::string& ns,
                                                     const std::string& id,
                                                     sim::Access access) const {
  auto it = tasks_.find(TaskKey(ns, id));
  if (it == tasks_.end()) {
    TouchTable(sim::Access::kRead);
    return absl::NotFoundError("task " + id + " not found");
  }
  Touch(*it->second, access);
  return it->second.get();
}

absl::StatusOr<std::shared_ptr<Process>> Kernel::FindProcess(
    const std::string& ns, const std::string& id, const std::string& exec_id,
    sim::Access access) const {
  absl::StatusOr<TaskRecord*> t = FindTask(ns, id, access);
  if (!t.ok()) return t.status();
  if (exec_id.empty()) return (*t)->init;
  auto it = (*t)->execs.find(exec_id);
  if (it == (*t)->execs.end())
    return ErrNotFound("process does not exist " + exec_id);
  return it->second;
}

std::shared_ptr<Process> Kernel::NewProcess(const std::string& ns,
                                            const std::string& id,
                                            const std::string& exec_id,
                                            Program program, ProcessIo io) {
  auto p = std::make_shared<Process>();
  p->ns = ns;
  p->container_id = id;
  p->exec_id = exec_id;
  p->io = std::move(io);
  p->program = std::move(program);
  const std::string name =
      ns + "/" + id + (exec_id.empty() ? "" : "/" + exec_id);
  p->exit_notify = std::make_unique<sim::Notify>(ex_, "exit " + name);
  p->stdin_closed = std::make_unique<sim::Notify>(ex_, "stdin closed " + name);
  return p;
}

ExitResult Kernel::ResultOf(const Process& p) {
  return ExitResult{p.exec_id, p.pid, p.exit_status, p.exited_at, p.exited};
}

absl::StatusOr<uint32_t> Kernel::CreateTask(const std::string& ns,
                                            const std::string& id,
                                            Program program, ProcessIo io) {
  const TaskKey key(ns, id);
  if (auto it = tasks_.find(key); it != tasks_.end()) {
    Touch(*it->second, sim::Access::kRead);
    return ErrAlreadyExists("task " + id);
  }
  TouchTable(sim::Access::kRead);
  if (program.kind == Program::Kind::kMissingBinary) {
    // runc's init looks the binary up before `runc create` returns, so the
    // shim fails Create: no task, no event (observed, containerd 1.6.20).
    return ErrShim(
        "failed to create shim task: OCI runtime create failed: runc create "
        "failed: " +
        LookPathError(program.binary));
  }
  TouchTable(sim::Access::kWrite);
  auto task = std::make_shared<TaskRecord>();
  task->ns = ns;
  task->id = id;
  task->object = ex_.NewObject("task " + ns + "/" + id);
  Touch(*task, sim::Access::kWrite);
  task->init = NewProcess(ns, id, "", std::move(program), std::move(io));
  task->init->task_object = task->object;
  task->init->pid = TakePid();  // runc init's pid, known from Create
  tasks_.emplace(key, task);
  Emit({.kind = KernelEvent::Kind::kTaskCreate,
        .ns = ns,
        .container_id = id,
        .pid = task->init->pid,
        .io = task->init->io});
  return task->init->pid;
}

void Kernel::MakeBinaryMissing(const std::string& ns, const std::string& id,
                               const std::string& exec_id, std::string binary) {
  absl::StatusOr<std::shared_ptr<Process>> p =
      FindProcess(ns, id, exec_id, sim::Access::kWrite);
  if (p.ok()) (*p)->program = Program::MissingBinary(std::move(binary));
}

void Kernel::MakeStartFail(const std::string& ns, const std::string& id,
                           const std::string& exec_id) {
  absl::StatusOr<std::shared_ptr<Process>> p =
      FindProcess(ns, id, exec_id, sim::Access::kWrite);
  if (p.ok()) (*p)->dies_during_start = true;
}

absl::StatusOr<uint32_t> Kernel::Start(const std::string& ns,
                                       const std::string& id,
                                       const std::string& exec_id) {
  absl::StatusOr<std::shared_ptr<Process>> found =
      FindProcess(ns, id, exec_id, sim::Access::kWrite);
  if (!found.ok()) return found.status();
  std::shared_ptr<Process> p = *found;
  std::shared_ptr<TaskRecord> task = tasks_.at(TaskKey(ns, id));
  switch (p->state) {
    case ProcessState::kRunning:
      return ErrShim("cannot start a running process");
    case ProcessState::kPaused:
      return ErrShim("cannot start a paused process");
    case ProcessState::kStopped:
      return ErrShim("cannot start a stopped process");
    case ProcessState::kCreated:
      break;
  }
  if (!p->is_init()) {
    // The 1.6.20 shim closes a failed exec's wait channel once per failed
    // Start; a second Start closes it again and the shim panics (observed).
    if (p->start_failed) {
      (void)KillShim(ns, id);
      return ErrShim("ttrpc: closed");
    }
    // runc exec into a frozen or dead container fails before the binary is
    // looked up.
    std::string runc_error;
    if (task->paused) {
      runc_error =
          "cannot exec in a paused container (use --ignore-paused to "
          "override)";
    } else if (task->init->state == ProcessState::kStopped) {
      runc_error = "cannot exec in a stopped container";
    } else if (p->program.kind == Program::Kind::kMissingBinary) {
      runc_error = LookPathError(p->program.binary);
    }
    if (runc_error.empty() && p->dies_during_start) {
      p->pid = shared_pids_ ? task->init->pid : TakePid();
      p->state = ProcessState::kRunning;
      Terminate(*task, *p, kMissingBinaryExitStatus);
      return ErrShim(
          "OCI runtime exec failed: the process died during start "
          "(injected fault)");
    }
    if (!runc_error.empty()) {
      // There is no process: the shim closes the exec's wait channel but
      // leaves it CREATED, and publishes no exit (observed, 1.6.20).
      p->start_failed = true;
      p->exit_notify->Fire();
      return ErrShim("OCI runtime exec failed: exec failed: " + runc_error);
    }
  }
  if (p->program.kind == Program::Kind::kMissingBinary) {
    // An init's binary that vanished after Create (MakeBinaryMissing only):
    // the exec in the started init fails and the process exits.
    Terminate(*task, *p, kMissingBinaryExitStatus);
    return ErrShim("OCI runtime start failed: " +
                   LookPathError(p->program.binary));
  }
  if (!p->is_init()) p->pid = shared_pids_ ? task->init->pid : TakePid();
  p->state = ProcessState::kRunning;
  Emit({.kind = KernelEvent::Kind::kStart,
        .ns = ns,
        .container_id = id,
        .exec_id = p->exec_id,
        .pid = p->pid});
  SpawnProgram(task, p);
  return p->pid;
}

void Kernel::SpawnProgram(std::shared_ptr<TaskRecord> task,
                          std::shared_ptr<Process> p) {
  std::string name = "process " + p->ns + "/" + p->container_id +
                     (p->is_init() ? "" : "/" + p->exec_id);
  ex_.Spawn(std::move(name), RunProgram(this, std::move(task), std::move(p)),
            sim::SpawnOptions{.background = true});
}

sim::Task<void> Kernel::RunProgram(Kernel* k, std::shared_ptr<TaskRecord> task,
                                   std::shared_ptr<Process> p) {
  switch (p->program.kind) {
    case Program::Kind::kExit:
    case Program::Kind::kEcho:  // its output is stdio's (stdio_fifos.h)
    case Program::Kind::kAllocateUntilOom:
      if (k->delay_gate_) {
        co_await k->delay_gate_(p->ns, p->container_id, p->exec_id);
      } else {
        co_await k->ex_.Sleep(p->program.delay);
      }
      break;
    case Program::Kind::kReadStdin:
      co_await p->stdin_closed->Wait();
      break;
    default:
      co_return;  // acts only when signalled, which Kill handles
  }
  // A frozen or stopped process makes no progress until it is thawed and
  // continued (Exit wakes a stopped one that dies).
  k->Touch(*p, sim::Access::kRead);  // a step of its own after each wait
  while (!p->exited && (task->paused || p->sig_stopped)) {
    if (task->paused) {
      std::shared_ptr<sim::Notify> thawed = task->thawed;
      co_await thawed->Wait();
    } else {
      co_await p->continued->Wait();
    }
    k->Touch(*p, sim::Access::kRead);
  }
  if (p->exited || p->deleted) co_return;
  if (p->program.kind == Program::Kind::kAllocateUntilOom) {
    k->Emit({.kind = KernelEvent::Kind::kOom,
             .ns = p->ns,
             .container_id = p->container_id});
    k->Terminate(*task, *p, kOomExitStatus);
  } else {
    k->Terminate(*task, *p, p->program.exit_code);
  }
}

void Kernel::Exit(Process& p, uint32_t status) {
  Touch(p, sim::Access::kWrite);
  p.state = ProcessState::kStopped;
  p.exit_status = status;
  p.exited_at = ex_.WallTime();
  p.exited = true;
  p.exit_notify->Fire();
  if (p.continued != nullptr) p.continued->Fire();
  Emit({.kind = KernelEvent::Kind::kExit,
        .ns = p.ns,
        .container_id = p.container_id,
        .exec_id = p.exec_id,
        .pid = p.pid,
        .exit_status = status,
        .exited_at = p.exited_at,
        .exited = true});
}

// containerd's own report (`kind`: exit or task delete) of a task it tore
// down: init killed, 137, now.
void Kernel::EmitKilledInit(KernelEvent::Kind kind, const std::string& ns,
                            const std::string& id, const Process& init) {
  Emit({.kind = kind,
        .ns = ns,
        .container_id = id,
        .pid = init.pid,
        .exit_status = 128 + kSigKill,
        .exited_at = ex_.WallTime(),
        .exited = true});
}

void Kernel::Terminate(TaskRecord& task, Process& p, uint32_t status) {
  Touch(task, sim::Access::kWrite);
  if (p.exited) return;
  if (p.is_init()) {
    // Everything in the pid namespace dies with init, and is reaped (reported)
    // first.
    for (auto& [exec_id, e] : task.execs) {
      if (IsLive(*e)) Exit(*e, 128 + kSigKill);
    }
  }
  Exit(p, status);
}

void Kernel::Deliver(TaskRecord& task, Process& p, uint32_t signal) {
  Touch(task, sim::Access::kWrite);
  if (p.exited) return;
  if (p.state == ProcessState::kRunning &&
      (signal == kSigStop || signal == kSigCont)) {
    SetStopped(task, p, signal == kSigStop);
    return;
  }
  if (!IsFatal(signal)) return;
  // Frozen (cgroup v1 freezer), or stopped and not SIGKILLed: the signal takes
  // effect when thawed and continued.
  if (p.state == ProcessState::kPaused ||
      (p.sig_stopped && signal != kSigKill)) {
    if (p.pending_signal == 0 || signal == kSigKill) p.pending_signal = signal;
    return;
  }
  if (signal != kSigKill && p.is_init() && p.state == ProcessState::kRunning &&
      p.program.kind == Program::Kind::kIgnoreSigterm) {
    return;  // PID 1 without handlers ignores default-action signals
  }
  Terminate(task, p, 128 + signal);
}

// SIGSTOP even as PID 1 (sent from outside its pid namespace); SIGCONT
// resumes it and delivers what waited. (Both are not modelled while frozen.)
void Kernel::SetStopped(TaskRecord& task, Process& p, bool stop) {
  Touch(task, sim::Access::kWrite);
  if (stop == p.sig_stopped) return;
  p.sig_stopped = stop;
  if (stop) {
    p.continued = std::make_unique<sim::Notify>(
        ex_, "continued " + p.ns + "/" + p.container_id + "/" + p.exec_id);
    return;
  }
  p.continued->Fire();
  if (uint32_t sig = std::exchange(p.pending_signal, 0); sig != 0) {
    Deliver(task, p, sig);
  }
}

// runc 1.1 thaws a frozen cgroup for SIGKILL to init and after any kill
// --all; containerd publishes no /tasks/resumed (observed).
void Kernel::Thaw(TaskRecord& task) {
  Touch(task, sim::Access::kWrite);
  if (!task.paused) return;
  task.paused = false;
  task.init->state = ProcessState::kRunning;
  for (auto& [eid, e] : task.execs) {
    if (e->state == ProcessState::kPaused) e->state = ProcessState::kRunning;
  }
  task.thawed->Fire();
}

absl::Status Kernel::Kill(const std::string& ns, const std::string& id,
                          const std::string& exec_id, uint32_t signal,
                          bool all) {
  absl::StatusOr<std::shared_ptr<Process>> found =
      FindProcess(ns, id, exec_id, sim::Access::kWrite);
  if (!found.ok()) return found.status();
  std::shared_ptr<Process> p = *found;
  std::shared_ptr<TaskRecord> task = tasks_.at(TaskKey(ns, id));
  // runc kill --all of a stopped container signals nobody and succeeds.
  if (p->exited && !(all && p->is_init())) {
    return ErrNotFound("process already finished");
  }
  if (p->exited) return absl::OkStatus();
  if (!p->is_init() && p->state == ProcessState::kCreated) {
    return ErrFailedPrecondition("process not created");
  }
  // (A kill --all of another signal thaws the cgroup too, while the shim
  // still reports PAUSED; not modelled: the signals wait for Resume.)
  if (sigkill_thaws_frozen_ && p->is_init() && signal == kSigKill) {
    Thaw(*task);
  }
  if (all && p->is_init()) {
    for (auto& [eid, e] : task->execs) {
      if (IsLive(*e)) Deliver(*task, *e, signal);
    }
  }
  Deliver(*task, *p, signal);
  return absl::OkStatus();
}

absl::StatusOr<ExitResult> Kernel::DeleteTask(const std::string& ns,
                                              const std::string& id) {
  absl::StatusOr<TaskRecord*> found = FindTask(ns, id, sim::Access::kWrite);
  if (!found.ok()) return found.status();
  TaskRecord& task = **found;
  Process& init = *task.init;
  if (init.state == ProcessState::kRunning) {
    return ErrShim("failed to delete task: cannot delete a running process");
  }
  if (init.state == ProcessState::kPaused) {
    return ErrShim("failed to delete task: cannot delete a paused process");
  }
  // A created task: runc delete --force kills any exec in it and runc init,
  // and the shim publishes their exits (137), in that order; the reply still
  // describes an init that never ran (status 0, zero time), and Waits on it
  // break (observed, containerd 1.6.20).
  for (auto& [eid, e] : task.execs) {
    if (IsLive(*e)) Exit(*e, 128 + kSigKill);
  }
  for (auto& [eid, e] : task.execs) {
    if (!e->exited) {
      e->deleted = true;
      e->exit_notify->Fire();
    }
  }
  if (!init.exited) {
    init.deleted = true;
    init.exit_notify->Fire();
    EmitKilledInit(KernelEvent::Kind::kExit, ns, id, init);
  }
  task.deleted = true;
  ExitResult r = ResultOf(init);
  r.exec_id.clear();
  Emit({.kind = KernelEvent::Kind::kTaskDelete,
        .ns = ns,
        .container_id = id,
        .pid = init.pid,
        .exit_status = init.exit_status,
        .exited_at = init.exited_at,
        .exited = init.exited});
  TouchTable(sim::Access::kWrite);
  tasks_.erase(TaskKey(ns, id));
  return r;
}

absl::StatusOr<ExitResult> Kernel::DeleteProcess(const std::string& ns,
                                                 const std::string& id,
                                                 const std::string& exec_id) {
  if (exec_id.empty()) return DeleteTask(ns, id);
  absl::StatusOr<std::shared_ptr<Process>> found =
      FindProcess(ns, id, exec_id, sim::Access::kWrite);
  if (!found.ok()) return found.status();
  std::shared_ptr<Process> p = *found;
  if (p->state == ProcessState::kRunning)
    return ErrShim("cannot delete a running process");
  if (p->state == ProcessState::kPaused)
    return ErrShim("cannot delete a paused process");
  if (!p->exited) {
    p->deleted = true;
    p->exit_notify->Fire();
  }
  tasks_.at(TaskKey(ns, id))->execs.erase(exec_id);
  return ResultOf(*p);
}

absl::Status Kernel::Exec(const std::string& ns, const std::string& id,
                          const std::string& exec_id, Program program,
                          ProcessIo io) {
  if (exec_id.empty())
    return absl::InvalidArgumentError("exec id cannot be empty");
  absl::StatusOr<TaskRecord*> found = FindTask(ns, id, sim::Access::kWrite);
  if (!found.ok()) return found.status();
  TaskRecord& task = **found;
  if (absl::Status s = ValidateIdentifier(exec_id); !s.ok()) return s;
  if (task.execs.contains(exec_id)) return ErrAlreadyExists("id " + exec_id);
  if (task.init->state == ProcessState::kStopped) {
    return ErrShim("cannot exec in a stopped state");
  }
  if (task.paused) return ErrShim("cannot exec in a paused state");
  std::shared_ptr<Process> p =
      NewProcess(ns, id, exec_id, std::move(program), std::move(io));
  p->task_object = task.object;
  task.execs.emplace(exec_id, std::move(p));
  Emit({.kind = KernelEvent::Kind::kExecAdded,
        .ns = ns,
        .container_id = id,
        .exec_id = exec_id});
  return absl::OkStatus();
}

absl::Status Kernel::CloseStdin(const std::string& ns, const std::string& id,
                                const std::string& exec_id) {
  absl::StatusOr<std::shared_ptr<Process>> found =
      FindProcess(ns, id, exec_id, sim::Access::kWrite);
  if (!found.ok()) return found.status();
  (*found)->stdin_open = false;
  (*found)->stdin_closed->Fire();
  return absl::OkStatus();
}

absl::Status Kernel::Pause(const std::string& ns, const std::string& id) {
  absl::StatusOr<TaskRecord*> found = FindTask(ns, id, sim::Access::kWrite);
  if (!found.ok()) return found.status();
  TaskRecord& task = **found;
  switch (task.init->state) {
    case ProcessState::kPaused:
      return ErrShim("cannot pause a paused container");
    case ProcessState::kStopped:
      return ErrShim("cannot pause a stopped container");
    case ProcessState::kCreated:
      return ErrShim("cannot pause task in created state");
    case ProcessState::kRunning:
      break;
  }
  task.paused = true;
  task.thawed = std::make_shared<sim::Notify>(ex_, "thawed " + ns + "/" + id);
  task.init->state = ProcessState::kPaused;
  for (auto& [eid, e] : task.execs) {
    if (e->state == ProcessState::kRunning) e->state = ProcessState::kPaused;
  }
  Emit({.kind = KernelEvent::Kind::kPaused, .ns = ns, .container_id = id});
  return absl::OkStatus();
}

absl::Status Kernel::Resume(const std::string& ns, const std::string& id) {
  absl::StatusOr<TaskRecord*> found = FindTask(ns, id, sim::Access::kWrite);
  if (!found.ok()) return found.status();
  TaskRecord& task = **found;
  switch (task.init->state) {
    case ProcessState::kRunning:
      return ErrShim("cannot resume a running process");
    case ProcessState::kStopped:
      return ErrShim("cannot resume a stopped container");
    case ProcessState::kCreated:
      return ErrShim("cannot resume task in created state");
    case ProcessState::kPaused:
      break;
  }
  task.paused = false;
  task.init->state = ProcessState::kRunning;
  for (auto& [eid, e] : task.execs) {
    if (e->state == ProcessState::kPaused) e->state = ProcessState::kRunning;
  }
  task.thawed->Fire();
  Emit({.kind = KernelEvent::Kind::kResumed, .ns = ns, .container_id = id});
  // Signals sent while frozen land now: the execs', then init's.
  for (auto& [eid, e] : task.execs) {
    if (uint32_t sig = std::exchange(e->pending_signal, 0); sig != 0)
      Deliver(task, *e, sig);
  }
  if (uint32_t sig = std::exchange(task.init->pending_signal, 0); sig != 0) {
    Deliver(task, *task.init, sig);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<PidInfo>> Kernel::ListPids(const std::string& ns,
                                                      const std::string& id) {
  absl::StatusOr<TaskRecord*> found = FindTask(ns, id, sim::Access::kRead);
  if (!found.ok()) return found.status();
  TaskRecord& task = **found;
  std::vector<PidInfo> out;
  if (!task.init->exited) out.push_back({task.init->pid, ""});
  for (auto& [eid, e] : task.execs) {
    if (IsLive(*e)) out.push_back({e->pid, eid});
  }
  return out;
}

absl::StatusOr<const Process*> Kernel::Get(const std::string& ns,
                                           const std::string& id,
                                           const std::string& exec_id) const {
  absl::StatusOr<std::shared_ptr<Process>> found =
      FindProcess(ns, id, exec_id, sim::Access::kRead);
  if (!found.ok()) return found.status();
  return found->get();
}

std::vector<const Process*> Kernel::ListTasks(const std::string& ns) const {
  TouchTable(sim::Access::kRead);
  std::vector<const Process*> out;
  for (auto it = tasks_.lower_bound(TaskKey(ns, ""));
       it != tasks_.end() && it->first.first == ns; ++it) {
    Touch(*it->second, sim::Access::kRead);
    out.push_back(it->second->init.get());
  }
  return out;
}

sim::Task<absl::StatusOr<ExitResult>> Kernel::Wait(std::string ns,
                                                   std::string id,
                                                   std::string exec_id) {
  absl::StatusOr<std::shared_ptr<Process>> found =
      FindProcess(ns, id, exec_id, sim::Access::kRead);
  if (!found.ok()) co_return found.status();
  std::shared_ptr<Process> p = *found;
  if (!p->exited && !p->deleted && !p->start_failed) {
    co_await p->exit_notify->Wait();
    Touch(*p, sim::Access::kRead);
  }
  // The shim goes away with a task deleted before it ran, or dies: the call
  // breaks.
  if (p->shim_dead) co_return ErrShim("ttrpc: closed");
  // A failed exec start: exit status 0, not exited (observed).
  if (p->exited || p->start_failed) co_return ResultOf(*p);
  co_return ErrShim("ttrpc: closed");
}

absl::Status Kernel::KillShim(const std::string& ns, const std::string& id) {
  absl::StatusOr<TaskRecord*> found = FindTask(ns, id, sim::Access::kWrite);
  if (!found.ok()) return found.status();
  std::shared_ptr<TaskRecord> task = tasks_.at(TaskKey(ns, id));
  for (auto& [eid, e] : task->execs) {
    e->shim_dead = true;
    if (IsLive(*e)) {
      // Nobody is left to report an exec's exit.
      e->state = ProcessState::kStopped;
      e->exit_status = 128 + kSigKill;
      e->exited_at = ex_.WallTime();
      e->exited = true;
    }
    e->exit_notify->Fire();
    if (e->continued != nullptr) e->continued->Fire();
  }
  // containerd's dead-shim cleanup (`shim delete`) reports init killed (137)
  // whether or not it had exited, then the task's deletion (observed, 1.6.20).
  Process& init = *task->init;
  init.shim_dead = true;
  if (!init.exited) {
    Exit(init, 128 + kSigKill);
  } else {
    init.exit_notify->Fire();
    EmitKilledInit(KernelEvent::Kind::kExit, ns, id, init);
  }
  EmitKilledInit(KernelEvent::Kind::kTaskDelete, ns, id, init);
  task->deleted = true;
  task->paused = false;
  if (task->thawed != nullptr) task->thawed->Fire();
  TouchTable(sim::Access::kWrite);
  tasks_.erase(TaskKey(ns, id));
  return absl::OkStatus();
}

absl::Status Kernel::OomKill(const std::string& ns, const std::string& id,
                             const std::string& exec_id) {
  absl::StatusOr<std::shared_ptr<Process>> found =
      FindProcess(ns, id, exec_id, sim::Access::kWrite);
  if (!found.ok()) return found.status();
  std::shared_ptr<Process> p = *found;
  if (p->state != ProcessState::kRunning) {
    return absl::FailedPreconditionError("OomKill: process is not running");
  }
  std::shared_ptr<TaskRecord> task = tasks_.at(TaskKey(ns, id));
  Emit({.kind = KernelEvent::Kind::kOom, .ns = ns, .container_id = id});
  Terminate(*task, *p, kOomExitStatus);
  return absl::OkStatus();
}

}  // namespace fake_containerd
