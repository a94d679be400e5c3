// harness/replay.h: a token's run, made again: the run follows the recorded
// decisions, checking at each that the model still offers the same candidates
// (a task choice) or range (a data choice); it stops at the first that
// differs, and reports recorded decisions it never reached.
#ifndef DSIM_HARNESS_REPLAY_H_
#define DSIM_HARNESS_REPLAY_H_

#include <cstddef>
#include <string>

#include "harness/run_config.h"
#include "sim/run.h"

namespace harness {

struct ReplayResult {
  sim::RunRecord record;  // with its trace
  // The recorded decisions the run never reached (0 when it diverged before).
  size_t unused = 0;
  // The run did not follow the recording: it diverged, or it ended with
  // decisions unused. `why` then says so, starting "replay diverged".
  bool diverged = false;
  std::string why;
  // The run followed the recording and violated a property.
  bool violated = false;
};

ReplayResult Replay(const TokenRun& t);

}  // namespace harness

#endif  // DSIM_HARNESS_REPLAY_H_
