// tools/progress.cc: Progress.
#include "tools/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace dsim {

Progress::Progress(const std::string& flag, uint64_t max_runs,
                   double max_seconds)
    : max_runs_(max_runs), max_seconds_(max_seconds) {
  const bool terminal = isatty(2) != 0;
  if (flag == "on" || flag == "auto") mode_ = terminal ? kRedraw : kLog;
}

void Progress::Update(double t, uint64_t runs, uint64_t violations,
                      uint64_t i) {
  const double every = mode_ == kRedraw ? 0.2 : kLogSeconds;
  if (mode_ == kOff || t - last_ < every) return;
  last_ = t;
  const double rate = t > 0 ? runs / t : 0;
  const double eta =
      rate > 0 ? std::min(max_seconds_ - t, (max_runs_ - i) / rate) : 0;
  std::fprintf(stderr, "%s%llu runs  %.0f runs/s  %llu violations  ETA %.0fs%s",
               mode_ == kRedraw ? "\r" : "progress: ",
               static_cast<unsigned long long>(runs), rate,
               static_cast<unsigned long long>(violations), std::max(eta, 0.0),
               mode_ == kRedraw ? "   " : "\n");
}

void Progress::Clear() {
  if (mode_ == kRedraw && last_ > 0) std::fprintf(stderr, "\r%*s\r", 60, "");
}

}  // namespace dsim
