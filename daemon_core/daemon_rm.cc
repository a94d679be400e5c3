// daemon_core/daemon_rm.cc: docker rm (moby daemon/delete.go ContainerRm and
// cleanupContainer): kill if forced, mark Dead and checkpoint, remove the root
// dir under the container lock (18e322bc), unregister, SetRemoved.
#include "daemon_core/daemon.h"
#include "daemon_core/errdefs.h"

namespace daemon_core {

namespace {

constexpr uint32_t kSigKill = 9;
// cleanupContainer's containerStop timeout ("Why 3 seconds?" in moby).
constexpr sim::Nanos kRmStopTimeout = 3 * sim::kSecond;
// daemon.Kill's wait for the exit after SIGKILL (killProcessDirectly).
constexpr sim::Nanos kKillWait = 10 * sim::kSecond;

}  // namespace

sim::Task<absl::Status> Daemon::ContainerRm(std::string id, bool force) {
  std::shared_ptr<Container> c = Lookup(id);
  if (c == nullptr) co_return NotFound("No such container: " + id);
  State& st = c->state;
  co_await st.mu.Lock();
  if (st.removal_in_progress) {
    st.mu.Unlock();
    co_return Conflict("removal of container " + id +
                       " is already in progress");
  }
  st.removal_in_progress = true;
  const bool running = st.running, paused = st.paused;
  st.mu.Unlock();

  absl::Status s;
  if (Lookup(id) != c) {
    // Removed by another rm since the lookup.
  } else if (running && !force) {
    s = Conflict(paused ? "cannot remove container \"" + id +
                              "\": container is paused and must be unpaused "
                              "first"
                        : "cannot remove container \"" + id +
                              "\": container is running: stop the container "
                              "before removing or force remove");
  } else {
    if (running) {
      absl::Status killed = co_await ContainerKill(id, kSigKill);
      if (!killed.ok() && !IsConflict(killed)) {
        s = System("cannot remove container \"" + id +
                   "\": could not kill: " + std::string(killed.message()));
      } else if (killed.ok()) {
        // daemon.Kill waits for the exit (killProcessDirectly: 10 s) before
        // cleanupContainer's containerStop, which then has nothing to stop:
        // dockerd 20.10's rm -f is one Tasks/Kill. Departure: when no exit
        // comes, moby kills the pid itself (no RPC); dsim goes on to the
        // containerStop, whose signals go through containerd.
        (void)co_await st.WaitFor(WaitCondition::kNotRunning, kKillWait);
      }
    }
    if (s.ok()) s = co_await StopContainer(c, kRmStopTimeout);
    if (s.ok()) {
      // Dead, and saved: a daemon restart must not bring it back.
      co_await st.mu.Lock();
      st.dead = true;
      co_await CheckpointTo(*c);
      st.mu.Unlock();

      const bool lock =
          options_.mutation != Mutation::kRootDirRemovedWithoutLock;
      if (lock) co_await st.mu.Lock();
      absl::Status removed = co_await disk_.RemoveAll(id);
      if (lock) st.mu.Unlock();
      if (!removed.ok()) {
        s = System("unable to remove filesystem for " + id + ": " +
                   std::string(removed.message()));
        // SetRemovalError: the container stays, Dead, and the waiters wake.
        co_await st.mu.Lock();
        st.SetError(std::string(s.message()));
        st.SetRemoved();
        st.mu.Unlock();
      } else {
        containers_.erase(id);
        co_await UnregisterExecs(*c);
        co_await st.mu.Lock();
        st.SetRemoved();
        st.mu.Unlock();
      }
    }
  }
  // The deferred ResetRemovalInProgress.
  co_await st.mu.Lock();
  st.removal_in_progress = false;
  st.mu.Unlock();
  co_return s;
}

}  // namespace daemon_core
