// properties/drive_gate.h: `dsim drive`'s hold on containerd's side of a real
// dockerd. It stands in front of the fake containerd served over gRPC: while
// a run is controlled, each request in the daemon's namespace (`moby`), each
// event on a subscription and each timed process end (the kernel's delay
// gate) waits as a pending step, named by a stable label, until the driver
// releases it. A request is handled when it is released (so containerd's
// state changes in the strategy's order) and its reply leaves at once; events
// keep their order per subscription, as containerd's do. It answers the gRPC
// health check itself (SERVING), as containerd does: dockerd asks it before
// it subscribes to events again after a containerd restart. Single-threaded: it
// lives on the serving executor.
#ifndef DSIM_PROPERTIES_DRIVE_GATE_H_
#define DSIM_PROPERTIES_DRIVE_GATE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "fake_containerd/event_exchange.h"
#include "sim/executor.h"
#include "sim/outside.h"
#include "sim/rpc.h"

namespace properties {

class DriveGate : public sim::RpcConnection {
 public:
  // A deliberately wrong containerd, to show that drive finds it.
  enum class Bug {
    kNone,
    // The /tasks/exit of a container's init is never published.
    kLostExitEvent,
    // Tasks/Start's reply (an init's) leaves only once that init's
    // /tasks/exit was delivered: the exit reaches dockerd first (a real
    // shim holds an early exit until Start has returned).
    kExitBeforeStartReply,
  };
  using EventTap = std::function<void(const fake_containerd::Envelope&)>;

  DriveGate(sim::Executor& ex, sim::RpcConnection& inner)
      : ex_(ex), inner_(inner) {}

  // Off: every step passes at once (dockerd's start-up, the reset between
  // runs); turning it off releases whatever is pending.
  void set_controlled(bool on);
  bool controlled() const { return controlled_; }
  void set_bug(Bug bug) { bug_ = bug; }
  // The exec-start-fails fault (properties/drive_faults.h), applied to the
  // fake just before the exec's Tasks/Start is handled.
  using ExecStartFail = std::function<void(const std::string& container_id,
                                           const std::string& exec_id)>;
  void set_exec_start_fail(ExecStartFail f) { exec_start_fail_ = std::move(f); }
  // Labels name containers and execs by the scenario's names.
  void AddName(const std::string& daemon_id, const std::string& name) {
    names_[daemon_id] = name;
  }
  // Sees each event of the daemon's namespace as it is released to dockerd.
  void set_tap(EventTap tap) { tap_ = std::move(tap); }
  // A new run: label ordinals and the request log start again.
  void BeginRun();

  // The pending steps' labels, sorted.
  std::vector<std::string> Pending() const;
  // REQUIRES: `label` is pending. A request's `fault`
  // (properties/drive_faults.h): rpc-unavailable (not handled; dockerd gets
  // UNAVAILABLE), reply-lost (handled; dockerd gets UNAVAILABLE and cannot
  // tell), reply-delayed (handled; its reply waits as a step of its own,
  // "reply METHOD ..."), exec-start-fails (an exec's Start, handled after
  // the fake was told that its process dies at once).
  void Release(const std::string& label, const std::string& fault = "");
  // Steps that became pending so far (activity, for the quiet window).
  uint64_t arrivals() const { return arrivals_; }
  // containerd restarts (CONTAINERD_RESTART): call just before
  // FakeContainerd::Restart, which ends every subscription. The envelopes
  // already taken from the fake (published before the restart: containerd
  // wrote them to the connection) reach dockerd at once, in their order,
  // with no step of their own, and then each stream ends.
  void EndEventStreams();
  // Events/Subscribe calls for the daemon's namespace answered so far:
  // dockerd subscribes again once containerd serves after a restart.
  uint64_t subscriptions() const { return subscriptions_; }
  // The labels of this run's requests, in the order they arrived.
  const std::vector<std::string>& requests() const { return requests_; }

  // The kernel's delay gate (Kernel::set_delay_gate).
  sim::Task<void> ProcessEnd(std::string ns, std::string container_id,
                             std::string exec_id);

  sim::Task<absl::StatusOr<std::string>> Unary(std::string method,
                                               sim::RpcMetadata metadata,
                                               std::string request) override;
  sim::Task<absl::StatusOr<std::unique_ptr<sim::RpcStream>>> ServerStream(
      std::string method, sim::RpcMetadata metadata,
      std::string request) override;

 private:
  class Stream;
  std::string Name(const std::string& id) const;
  // A pending step: its label and what its holder awaits. Destroyed
  // unreleased (the server cancelled its call: the dockerd that made it is
  // gone, killed or stopped by a restart), it is no longer pending, so a
  // request or an event the dead daemon never got is not a step.
  class Held {
   public:
    Held(DriveGate& gate, std::string label);
    ~Held();
    Held(const Held&) = delete;
    Held& operator=(const Held&) = delete;
    sim::Completion::WaitOp Wait() { return done_->Wait(); }
    const std::string& label() const { return label_; }

   private:
    DriveGate& gate_;
    std::string label_;
    std::shared_ptr<sim::Completion> done_;
  };
  // Registers a pending step under `base` plus its ordinal.
  std::unique_ptr<Held> Hold(const std::string& base);
  // The event's label base, or "" when it is not the daemon's namespace.
  std::string EventBase(const fake_containerd::Envelope& e) const;
  bool Dropped(const fake_containerd::Envelope& e) const;
  std::shared_ptr<sim::Completion> ExitDelivered(const std::string& id);

  sim::Executor& ex_;
  sim::RpcConnection& inner_;
  bool controlled_ = false;
  Bug bug_ = Bug::kNone;
  EventTap tap_;
  ExecStartFail exec_start_fail_;
  std::map<std::string, std::string> names_;
  std::map<std::string, int> ordinals_;
  std::map<std::string, std::shared_ptr<sim::Completion>> pending_;
  std::map<std::string, std::string> faults_;  // released label -> fault
  uint64_t arrivals_ = 0;
  // kExitBeforeStartReply: per container id, set once its init's exit was
  // delivered.
  std::map<std::string, std::shared_ptr<sim::Completion>> exit_delivered_;
  std::vector<std::string> requests_;
  // Each open stream's flag: set, it passes its envelopes without a step.
  std::set<std::shared_ptr<bool>> ending_;
  uint64_t subscriptions_ = 0;
};

}  // namespace properties

#endif  // DSIM_PROPERTIES_DRIVE_GATE_H_
