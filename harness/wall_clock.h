// harness/wall_clock.h: wall-clock time for the harness's budgets (--time) and
// its reports; never read inside a simulated run.
#ifndef DSIM_HARNESS_WALL_CLOCK_H_
#define DSIM_HARNESS_WALL_CLOCK_H_

#include <chrono>
#include <cstdint>

namespace harness {

inline int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Wall-clock seconds since `start_ns` (a NowNs()).
inline double SecondsSince(int64_t start_ns) {
  return (NowNs() - start_ns) / 1e9;
}

}  // namespace harness

#endif  // DSIM_HARNESS_WALL_CLOCK_H_
