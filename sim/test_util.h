// sim/test_util.h: helpers shared by the sim/ tests.
#ifndef DSIM_SIM_TEST_UTIL_H_
#define DSIM_SIM_TEST_UTIL_H_

#include <memory>
#include <utility>

#include "sim/run.h"

namespace sim::testing {

// Makes a Setup from a function that builds state `S` and spawns tasks using
// it.
template <typename S, typename F>
Setup MakeSetup(F spawn) {
  return [spawn](Executor& ex) -> std::shared_ptr<void> {
    auto state = std::make_shared<S>(ex);
    spawn(ex, *state);
    return state;
  };
}

}  // namespace sim::testing

#endif  // DSIM_SIM_TEST_UTIL_H_
