// tools/drive.h: `dsim drive` (tools/drive.cc).
#ifndef DSIM_TOOLS_DRIVE_H_
#define DSIM_TOOLS_DRIVE_H_

#include <string>
#include <vector>

namespace dsim {

// `positionals`: a replay token's pieces (empty: explore --scenario).
int Drive(const std::vector<std::string>& positionals);

}  // namespace dsim

#endif  // DSIM_TOOLS_DRIVE_H_
