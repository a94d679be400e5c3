// tools/live.cc: `dsim live` (in progress).
#include "tools/cli.h"
#include "tools/explore.h"

namespace dsim {

int Live() { return Usage("live: in progress"); }

}  // namespace dsim
