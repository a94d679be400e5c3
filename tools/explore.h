// tools/explore.h: the exploring subcommands of dsim. Each reads its flags
// (tools/cli.h) and returns the process's exit status.
#ifndef DSIM_TOOLS_EXPLORE_H_
#define DSIM_TOOLS_EXPLORE_H_

#include <string>
#include <vector>

namespace dsim {

int Explore();
int Check();
int Replay(const std::string& token);
int Scenarios();
int Mutations();
int Rpcs();
int Serve();
int Proxy();
int Live();
// Combines `explore --shard I/N --json` reports (files) into one.
int Merge(const std::vector<std::string>& reports);

}  // namespace dsim

#endif  // DSIM_TOOLS_EXPLORE_H_
