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
// hashing. Inline: the trace hash calls it for every record.
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
  // A value in [0, n), every one equally likely. Lemire's multiply-shift
  // ("Fast random integer generation in an interval", 2019): the high half
  // of x * n, rejecting the few low halves that would favour some values;
  // it divides only in that rare case (two divisions per draw were a tenth
  // of a scheduling decision).
  uint64_t Uniform(uint64_t n) {
    unsigned __int128 m = static_cast<unsigned __int128>(NextU64()) * n;
    uint64_t low = static_cast<uint64_t>(m);
    if (low < n) {
      const uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<unsigned __int128>(NextU64()) * n;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }
  // True with probability r.num / r.den.
  bool Chance(Ratio r) {
    if (r.num == 0) return false;
    if (r.num >= r.den) return true;
    return Uniform(r.den) < r.num;
  }
  // An independent generator for one purpose, derived from this one's seed and
  // `stream`. Splitting does not advance this generator.
  Prng Split(uint64_t stream) const {
    return Prng(Mix64(state_ ^ Mix64(stream + 0x632be59bd9b4e019ULL)));
  }

 private:
  uint64_t state_;
};

// The run's named streams: an extra fault draw never shifts the schedule.
enum class Stream : uint8_t { kSchedule = 0, kFault = 1, kWorkload = 2 };
inline constexpr int kStreamCount = 3;

}  // namespace sim

#endif  // DSIM_SIM_PRNG_H_
