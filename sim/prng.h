// sim/prng.h: the only source of randomness inside a simulated run.
//
// Integer-only (no floating point, no <random> distributions, whose output
// differs between standard libraries), so the same seed gives the same draws on
// every machine and build.
#ifndef DSIM_SIM_PRNG_H_
#define DSIM_SIM_PRNG_H_

#include <cstdint>

namespace sim {

// A probability written as a fraction, e.g. Ratio{1, 100}. Zero by default.
struct Ratio {
  uint64_t num = 0;
  uint64_t den = 1;
};

// Mixes a 64-bit value (the SplitMix64 finalizer). Used for seeding and
// hashing. Inline: the trace hash calls it twice per record.
inline uint64_t Mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// SplitMix64: 64 bits of state, fast, and good enough for scheduling decisions.
class Prng {
 public:
  explicit Prng(uint64_t seed) : state_(seed) {}

  uint64_t NextU64() {
    state_ += 0x9e3779b97f4a7c15ULL;
    return Mix64(state_);
  }
  // A value in [0, n). REQUIRES: n > 0. Unbiased (rejection sampling).
  uint64_t Uniform(uint64_t n) {
    // Reject the top partial block so every residue is equally likely.
    const uint64_t limit = UINT64_MAX - (UINT64_MAX % n);
    uint64_t x;
    do {
      x = NextU64();
    } while (x >= limit);
    return x % n;
  }
  // True with probability r.num / r.den.
  bool Chance(Ratio r) {
    if (r.num == 0) return false;
    if (r.num >= r.den) return true;
    return Uniform(r.den) < r.num;
  }
  // An independent generator for one purpose, derived from this one's seed and
  // `stream`. Splitting does not advance this generator.
  Prng Split(uint64_t stream) const;

 private:
  uint64_t state_;
};

// The run's named streams: an extra fault draw never shifts the schedule.
enum class Stream : uint8_t { kSchedule = 0, kFault = 1, kWorkload = 2 };
inline constexpr int kStreamCount = 3;

}  // namespace sim

#endif  // DSIM_SIM_PRNG_H_
