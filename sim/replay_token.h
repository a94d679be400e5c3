// sim/replay_token.h: the replay token's text form. A token carries one run's
// configuration and every decision of it (harness/run_config.h serializes them
// as the proto message dsim.run.RunConfig into `body`); this file only frames
// those bytes: "dsim" + a version digit + lowercase hex of the body + a
// checksum. Whitespace and line breaks are ignored when parsing, so a token
// wrapped at 76 columns pastes back as is.
#ifndef DSIM_SIM_REPLAY_TOKEN_H_
#define DSIM_SIM_REPLAY_TOKEN_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace sim {

struct ReplayToken {
  // The format's version, the digit after "dsim". Bump it when what a token
  // means changes (its encoding, or what its readers expect).
  // 2: a scenario file's content travels in the token (dsim replay reads no
  // file).
  // 3: the body is the proto message dsim.run.RunConfig (no string keys).
  static constexpr int kVersion = 3;
  // Decision fingerprints are kept to this many low bits: enough to catch a
  // drifting model.
  static constexpr uint64_t kFingerprintMask = 0xffff;

  std::string body;  // the serialized run configuration

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
