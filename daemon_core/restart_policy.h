// daemon_core/restart_policy.h: a container's restart policy (moby
// container.HostConfig.RestartPolicy), fixed at create.
#ifndef DSIM_DAEMON_CORE_RESTART_POLICY_H_
#define DSIM_DAEMON_CORE_RESTART_POLICY_H_

namespace daemon_core {

struct RestartPolicy {
  enum class Name { kNo, kAlways, kOnFailure, kUnlessStopped };
  Name name = Name::kNo;
  int maximum_retry_count = 0;  // on-failure only; 0 = unlimited
};

}  // namespace daemon_core

#endif  // DSIM_DAEMON_CORE_RESTART_POLICY_H_
