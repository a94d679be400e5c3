// tools/runtime_demo.h: the program `dsim explore` runs until the daemon model
// exists (issue #4): workers increment a shared counter under a mutex. The
// planted bug "lost-update" drops the lock, which the race detector and the
// final-count check both catch.
#ifndef DSIM_TOOLS_RUNTIME_DEMO_H_
#define DSIM_TOOLS_RUNTIME_DEMO_H_

#include <string>

#include "sim/run.h"

namespace dsim {

struct DemoOptions {
  int workers = 3;
  bool lost_update = false;  // the planted bug
};

// Builds the program. After the run, `*violation` holds the failed end-of-run
// check, if any.
sim::Setup RuntimeDemo(DemoOptions options, std::string* violation);

}  // namespace dsim

#endif  // DSIM_TOOLS_RUNTIME_DEMO_H_
