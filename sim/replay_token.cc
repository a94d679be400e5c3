// sim/replay_token.cc: a token's body to its text and back.
#include "sim/replay_token.h"

#include "absl/status/status.h"

namespace sim {

namespace {

// "dsim" + the version digit: tokens of another version are refused as such.
constexpr char kMagic[] = "dsim";
constexpr char kVersionDigit = '0' + ReplayToken::kVersion;

uint32_t Checksum(const std::string& bytes) {
  uint32_t h = 2166136261u;  // FNV-1a, 32 bits
  for (unsigned char c : bytes) h = (h ^ c) * 16777619u;
  return h;
}

absl::Status Bad(const std::string& why) {
  return absl::InvalidArgumentError("corrupt replay token: " + why);
}

}  // namespace

std::string ReplayToken::Encode() const {
  std::string bytes = body;
  const uint32_t sum = Checksum(body);
  for (int i = 0; i < 4; ++i) bytes += static_cast<char>(sum >> (8 * i));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text = std::string(kMagic) + kVersionDigit;
  for (unsigned char c : bytes) {
    text += kHex[c >> 4];
    text += kHex[c & 15];
  }
  return text;
}

absl::StatusOr<ReplayToken> ReplayToken::Decode(const std::string& text) {
  std::string compact;
  for (char c : text) {
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') compact += c;
  }
  const size_t magic = sizeof(kMagic) - 1;
  if (compact.rfind(kMagic, 0) != 0 || compact.size() == magic ||
      compact[magic] < '0' || compact[magic] > '9') {
    return Bad(std::string("it does not start with \"") + kMagic +
               kVersionDigit + "\"");
  }
  if (compact[magic] != kVersionDigit) {
    return absl::FailedPreconditionError(
        std::string("wrong version of replay token: version ") +
        compact[magic] + ", this dsim reads version " + kVersionDigit +
        " (replay it with the dsim that printed it)");
  }
  const std::string hex = compact.substr(magic + 1);
  if (hex.size() % 2 != 0 || hex.size() < 8) return Bad("truncated");
  std::string bytes;
  for (size_t i = 0; i < hex.size(); i += 2) {
    auto nibble = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    const int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return Bad("'" + hex.substr(i, 2) + "' is not hex");
    bytes += static_cast<char>(hi << 4 | lo);
  }
  const std::string body = bytes.substr(0, bytes.size() - 4);
  uint32_t sum = 0;
  for (int i = 0; i < 4; ++i) {
    sum |= uint32_t{static_cast<unsigned char>(bytes[bytes.size() - 4 + i])}
           << (8 * i);
  }
  if (sum != Checksum(body))
    return Bad("checksum mismatch (a character changed or is missing)");
  return ReplayToken{body};
}

std::string Wrap(const std::string& text, size_t width) {
  std::string out;
  for (size_t i = 0; i < text.size(); i += width) {
    if (i > 0) out += '\n';
    out += text.substr(i, width);
  }
  return out;
}

}  // namespace sim
