// sim/strategy_tree.h: the data-choice nodes of an exhaustive search tree that
// is re-executed from the root for every execution (dfs, dpor). A Node has
// is_choice, choice_n and chosen.
#ifndef DSIM_SIM_STRATEGY_TREE_H_
#define DSIM_SIM_STRATEGY_TREE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sim::internal {

// A data choice in [0, n) at `depth`: the recorded value while following the
// path of an earlier execution, else a new node that takes 0 first. Empty when
// the recorded node does not match (the caller fails the execution).
template <typename Node>
std::optional<uint64_t> TakeChoice(std::vector<Node>& nodes, size_t& depth,
                                   uint64_t n) {
  if (depth < nodes.size()) {
    const Node& node = nodes[depth];
    if (!node.is_choice || node.choice_n != n) return std::nullopt;
    ++depth;
    return node.chosen;
  }
  Node node;
  node.is_choice = true;
  node.choice_n = n;
  nodes.push_back(std::move(node));
  ++depth;
  return 0;
}

inline std::string ChoiceMismatch(size_t depth) {
  return "a data choice differs from an earlier execution at depth " +
         std::to_string(depth);
}

// Backtracking over a choice node: true when it moved to its next value;
// false when every value was explored (the caller pops it).
template <typename Node>
bool NextChoiceValue(Node& node) {
  if (node.chosen + 1 >= node.choice_n) return false;
  ++node.chosen;
  return true;
}

}  // namespace sim::internal

#endif  // DSIM_SIM_STRATEGY_TREE_H_
