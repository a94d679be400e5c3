#include "sim/prng.h"

namespace sim {

Prng Prng::Split(uint64_t stream) const {
  return Prng(Mix64(state_ ^ Mix64(stream + 0x632be59bd9b4e019ULL)));
}

}  // namespace sim
