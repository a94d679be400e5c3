#include "sim/prng.h"

namespace sim {

uint64_t Mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

uint64_t Prng::NextU64() {
  state_ += 0x9e3779b97f4a7c15ULL;
  return Mix64(state_);
}

uint64_t Prng::Uniform(uint64_t n) {
  // Reject the top partial block so every residue is equally likely.
  const uint64_t limit = UINT64_MAX - (UINT64_MAX % n);
  uint64_t x;
  do {
    x = NextU64();
  } while (x >= limit);
  return x % n;
}

bool Prng::Chance(Ratio r) {
  if (r.num == 0) return false;
  if (r.num >= r.den) return true;
  return Uniform(r.den) < r.num;
}

Prng Prng::Split(uint64_t stream) const {
  return Prng(Mix64(state_ ^ Mix64(stream + 0x632be59bd9b4e019ULL)));
}

}  // namespace sim
