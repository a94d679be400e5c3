// sim/replay_token.h: the self-contained replay token. It carries the run's
// configuration (as key/value fields: scenario, client, mutation, strategy...),
// its seed, and every decision the strategy made, data choices included, so
// `dsim replay TOKEN` rebuilds the run from it alone. Text form: "dsim" + a
// version digit + lowercase hex, with a checksum; whitespace and line breaks
// are ignored when parsing, so a token wrapped at 76 columns pastes back as is.
#ifndef DSIM_SIM_REPLAY_TOKEN_H_
#define DSIM_SIM_REPLAY_TOKEN_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/executor.h"

namespace sim {

struct ReplayToken {
  // The format's version, the digit after "dsim". Bump it when what a token
  // means changes (its encoding, or the fields its readers expect).
  // 2: a scenario file's content travels in the token (dsim replay reads no
  // file).
  static constexpr int kVersion = 2;
  // Decision fingerprints are kept to this many low bits: enough to catch a
  // drifting model.
  static constexpr uint64_t kFingerprintMask = 0xffff;

  std::map<std::string, std::string>
      fields;  // ordered: the encoding is canonical
  uint64_t seed = 0;
  std::vector<Decision> decisions;  // task fingerprints already masked

  std::string Encode() const;
  // Fails with InvalidArgument "corrupt replay token: ..." naming the problem
  // (bad prefix, bad hex, truncated, checksum), or FailedPrecondition "wrong
  // version of replay token: ..." for a token of another version.
  static absl::StatusOr<ReplayToken> Decode(const std::string& text);
  bool operator==(const ReplayToken&) const = default;
};

// `text` split into lines of at most `width` characters.
std::string Wrap(const std::string& text, size_t width = 76);

}  // namespace sim

#endif  // DSIM_SIM_REPLAY_TOKEN_H_
