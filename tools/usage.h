// tools/usage.h: how dsim reads its command line (flags, with the ones each
// subcommand takes) and reports a mistake in it or in its input: one line on
// stderr and exit status 2, before any run.
#ifndef DSIM_TOOLS_USAGE_H_
#define DSIM_TOOLS_USAGE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace dsim {

// The subcommand being run (for the --help hint of usage errors), "" before.
void SetCommandForHints(const std::string& command);

// A mistake on the command line: prints "dsim: PROBLEM" and one hint (see
// dsim CMD --help), unless PROBLEM already points somewhere ("(see ...").
// Returns exit status 2.
int Usage(const std::string& problem);
// Bad input (a file, a token, a value out of range), one line on stderr: a
// scenario file's error as is, "FILE:LINE:COL: what" (editors and CI parse
// that form), anything else "dsim: what". Returns exit status 2.
int BadInput(const absl::Status& status);
int BadInput(const std::string& problem);
// `status` marked as located in a file ("FILE:LINE:COL: what"), which
// BadInput prints bare.
absl::Status MarkLocated(absl::Status status);

// Sets the flags from --name=value / --name value / --flag / --noflag /
// --no-flag ("-" and "_" alike in names); a boolean flag never takes the next
// argument as its value. Only the `accepted` flags (names with "_") are taken;
// arguments that are not flags go to `positionals` (an error when null).
// False with a one-line `error` on the first problem.
bool ParseFlags(const std::vector<std::string>& args,
                const std::vector<std::string>& accepted,
                std::vector<std::string>* positionals, std::string* error);
}  // namespace dsim

#endif  // DSIM_TOOLS_USAGE_H_
