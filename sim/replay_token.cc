#include "sim/replay_token.h"

#include "absl/status/status.h"

namespace sim {

namespace {

// "dsim" + the version digit: tokens of another version are refused as such.
constexpr char kMagic[] = "dsim";
constexpr char kVersionDigit = '0' + ReplayToken::kVersion;

void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

void PutString(std::string& out, const std::string& s) {
  PutVarint(out, s.size());
  out += s;
}

uint32_t Checksum(const std::string& bytes) {
  uint32_t h = 2166136261u;  // FNV-1a, 32 bits
  for (unsigned char c : bytes) h = (h ^ c) * 16777619u;
  return h;
}

class Reader {
 public:
  explicit Reader(const std::string& b) : b_(b) {}
  bool Varint(uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= b_.size()) return false;
      const auto c = static_cast<unsigned char>(b_[pos_++]);
      *v |= uint64_t{c & 0x7fu} << shift;
      if ((c & 0x80) == 0) return true;
    }
    return false;
  }
  bool String(std::string* s) {
    uint64_t n;
    if (!Varint(&n) || n > b_.size() - pos_) return false;
    *s = b_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool done() const { return pos_ == b_.size(); }

 private:
  const std::string& b_;
  size_t pos_ = 0;
};

absl::Status Bad(const std::string& why) {
  return absl::InvalidArgumentError("corrupt replay token: " + why);
}

}  // namespace

std::string ReplayToken::Encode() const {
  std::string body;
  PutVarint(body, fields.size());
  for (const auto& [k, v] : fields) {
    PutString(body, k);
    PutString(body, v);
  }
  PutVarint(body, seed);
  PutVarint(body, decisions.size());
  for (const Decision& d : decisions) {
    const bool task = d.kind == Decision::Kind::kTask;
    PutVarint(body, d.value << 1 | (task ? 0 : 1));
    PutVarint(body, task ? (d.fingerprint & kFingerprintMask) : d.fingerprint);
  }
  const uint32_t sum = Checksum(body);
  for (int i = 0; i < 4; ++i) body += static_cast<char>(sum >> (8 * i));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text = std::string(kMagic) + kVersionDigit;
  for (unsigned char c : body) {
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
  ReplayToken t;
  Reader r(body);
  uint64_t n;
  if (!r.Varint(&n)) return Bad("truncated fields");
  for (uint64_t i = 0; i < n; ++i) {
    std::string k, v;
    if (!r.String(&k) || !r.String(&v)) return Bad("truncated fields");
    t.fields[k] = v;
  }
  if (!r.Varint(&t.seed) || !r.Varint(&n)) return Bad("truncated header");
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t a, b;
    if (!r.Varint(&a) || !r.Varint(&b)) return Bad("truncated decisions");
    const bool choice = a & 1;
    t.decisions.push_back(Decision{
        choice ? Decision::Kind::kChoice : Decision::Kind::kTask, a >> 1, b});
  }
  if (!r.done()) return Bad("trailing bytes");
  return t;
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
