// fake_containerd/timestamps.h: virtual time as protobuf Timestamps. Virtual
// time 0 is a fixed instant (2023-01-01T00:00:00Z), so every timestamp is
// deterministic and none is the zero time, which containerd uses for "not
// exited" (0001-01-01T00:00:00Z, still present on the wire).
#ifndef DSIM_FAKE_CONTAINERD_TIMESTAMPS_H_
#define DSIM_FAKE_CONTAINERD_TIMESTAMPS_H_

#include <google/protobuf/timestamp.pb.h>

#include "sim/op.h"

namespace fake_containerd {

inline constexpr int64_t kVirtualEpochSeconds = sim::kVirtualEpochUnixSeconds;
inline constexpr int64_t kGoZeroTimeSeconds =
    -62'135'596'800;  // 0001-01-01T00:00:00Z

inline void SetVirtualTime(sim::Nanos t, google::protobuf::Timestamp* out) {
  out->set_seconds(kVirtualEpochSeconds +
                   static_cast<int64_t>(t / sim::kSecond));
  out->set_nanos(static_cast<int32_t>(t % sim::kSecond));
}
inline void SetZeroTime(google::protobuf::Timestamp* out) {
  out->set_seconds(kGoZeroTimeSeconds);
  out->set_nanos(0);
}
// exited_at: the exit time, or the zero time for a process that has not exited.
inline void SetExitTime(bool exited, sim::Nanos t,
                        google::protobuf::Timestamp* out) {
  if (exited) {
    SetVirtualTime(t, out);
  } else {
    SetZeroTime(out);
  }
}

}  // namespace fake_containerd

#endif  // DSIM_FAKE_CONTAINERD_TIMESTAMPS_H_
