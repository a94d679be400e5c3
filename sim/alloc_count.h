// sim/alloc_count.h: how many times the process called the global operator
// new. Only binaries that link sim/alloc_count.cc (sim_bench) count; the
// benchmarks report heap allocations per simulated run with it.
#ifndef DSIM_SIM_ALLOC_COUNT_H_
#define DSIM_SIM_ALLOC_COUNT_H_

#include <cstdint>

namespace sim {

uint64_t HeapAllocations();

}  // namespace sim

#endif  // DSIM_SIM_ALLOC_COUNT_H_
