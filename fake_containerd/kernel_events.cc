#include "fake_containerd/kernel_events.h"

#include "containerd/events/task.pb.h"
#include "fake_containerd/timestamps.h"

namespace fake_containerd {

namespace ev = ::containerd::events;

void PublishKernelEvent(const KernelEvent& e, EventExchange& exchange) {
  switch (e.kind) {
    case KernelEvent::Kind::kTaskCreate: {
      ev::TaskCreate m;
      m.set_container_id(e.container_id);
      m.mutable_io()->set_stdin(e.io.stdin_path);
      m.mutable_io()->set_stdout(e.io.stdout_path);
      m.mutable_io()->set_stderr(e.io.stderr_path);
      m.mutable_io()->set_terminal(e.io.terminal);
      m.set_pid(e.pid);
      exchange.Publish(e.ns, "/tasks/create", m);
      return;
    }
    case KernelEvent::Kind::kStart:
      if (e.exec_id.empty()) {
        ev::TaskStart m;
        m.set_container_id(e.container_id);
        m.set_pid(e.pid);
        exchange.Publish(e.ns, "/tasks/start", m);
      } else {
        ev::TaskExecStarted m;
        m.set_container_id(e.container_id);
        m.set_exec_id(e.exec_id);
        m.set_pid(e.pid);
        exchange.Publish(e.ns, "/tasks/exec-started", m);
      }
      return;
    case KernelEvent::Kind::kExecAdded: {
      ev::TaskExecAdded m;
      m.set_container_id(e.container_id);
      m.set_exec_id(e.exec_id);
      exchange.Publish(e.ns, "/tasks/exec-added", m);
      return;
    }
    case KernelEvent::Kind::kExit: {
      ev::TaskExit m;
      m.set_container_id(e.container_id);
      m.set_id(e.exec_id.empty() ? e.container_id : e.exec_id);
      m.set_pid(e.pid);
      m.set_exit_status(e.exit_status);  // 0 stays absent on the wire (proto3)
      SetVirtualTime(e.exited_at, m.mutable_exited_at());
      exchange.Publish(e.ns, "/tasks/exit", m);
      return;
    }
    case KernelEvent::Kind::kOom: {
      ev::TaskOOM m;
      m.set_container_id(e.container_id);
      exchange.Publish(e.ns, "/tasks/oom", m);
      return;
    }
    case KernelEvent::Kind::kPaused: {
      ev::TaskPaused m;
      m.set_container_id(e.container_id);
      exchange.Publish(e.ns, "/tasks/paused", m);
      return;
    }
    case KernelEvent::Kind::kResumed: {
      ev::TaskResumed m;
      m.set_container_id(e.container_id);
      exchange.Publish(e.ns, "/tasks/resumed", m);
      return;
    }
    case KernelEvent::Kind::kTaskDelete: {
      ev::TaskDelete m;
      m.set_container_id(e.container_id);
      m.set_pid(e.pid);
      m.set_exit_status(e.exit_status);
      SetExitTime(e.exited, e.exited_at, m.mutable_exited_at());
      exchange.Publish(e.ns, "/tasks/delete", m);
      return;
    }
  }
}

}  // namespace fake_containerd
