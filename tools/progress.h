// tools/progress.h: the progress line `dsim explore` prints on stderr.
#ifndef DSIM_TOOLS_PROGRESS_H_
#define DSIM_TOOLS_PROGRESS_H_

#include <cstdint>
#include <string>

namespace dsim {

// On a terminal the line is redrawn in place several times a second; anywhere
// else (a CI log, a pipe, `make explore` under CI) it is one line every
// kLogSeconds, so a long exploration shows it is alive. Wall time is read by
// the caller between runs, never inside one.
class Progress {
 public:
  static constexpr double kLogSeconds = 5;

  // `flag`: --progress, auto or on (shown), or off.
  Progress(const std::string& flag, uint64_t max_runs, double max_seconds);
  // `t` seconds in, `runs` done (`i` counted over every shard).
  void Update(double t, uint64_t runs, uint64_t violations, uint64_t i);
  // Erases a redrawn line before the summary.
  void Clear();

 private:
  enum Mode { kOff, kRedraw, kLog } mode_ = kOff;
  uint64_t max_runs_;
  double max_seconds_, last_ = 0;
};

}  // namespace dsim

#endif  // DSIM_TOOLS_PROGRESS_H_
