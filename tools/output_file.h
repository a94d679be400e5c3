// tools/output_file.h: a file an output flag of dsim names (--trace-out),
// opened before the first run.
#ifndef DSIM_TOOLS_OUTPUT_FILE_H_
#define DSIM_TOOLS_OUTPUT_FILE_H_

#include <string>

#include "absl/status/status.h"

namespace dsim {

// A file an output flag names, opened before the first run so that a bad
// path is exit 2 up front and never costs a violation's report. Written at
// most once (replacing what was there); a file it created and never wrote is
// removed again when it closes.
class OutputFile {
 public:
  OutputFile() = default;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();
  // Opens `path` for writing (nothing to do when it is empty); the error
  // names `flag`, the path and why.
  absl::Status Open(const std::string& flag, const std::string& path);
  bool is_open() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }
  absl::Status Write(const std::string& body);

 private:
  int fd_ = -1;
  bool created_ = false, written_ = false;
  std::string flag_, path_;
};

}  // namespace dsim

#endif  // DSIM_TOOLS_OUTPUT_FILE_H_
