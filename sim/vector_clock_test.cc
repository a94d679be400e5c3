// Tests for sim::VectorClock: the inline components and the spill past
// kInlineTasks behave as one growable vector of zeros.
#include "sim/vector_clock.h"

#include <gtest/gtest.h>

namespace sim {
namespace {

TEST(VectorClockTest, UnsetComponentsAreZeroAndTickRaisesOne) {
  VectorClock c;
  EXPECT_EQ(c.size(), 0u);
  EXPECT_EQ(c.Get(3), 0u);
  c.Tick(3);
  c.Tick(3);
  EXPECT_EQ(c.size(), 4u);
  EXPECT_EQ(c.Get(3), 2u);
  EXPECT_EQ(c.Get(0), 0u);
  EXPECT_TRUE(c.Covers(Epoch{3, 2}));
  EXPECT_FALSE(c.Covers(Epoch{3, 3}));
  EXPECT_FALSE(c.Covers(Epoch{}));  // no task
}

TEST(VectorClockTest, JoinTakesTheMaximumOfEachComponent) {
  VectorClock a, b;
  a.Raise(0, 5);
  a.Raise(1, 1);
  b.Raise(1, 4);
  b.Raise(2, 7);
  a.Join(b);
  EXPECT_EQ(a.size(), 3u);
  EXPECT_EQ(a.Get(0), 5u);
  EXPECT_EQ(a.Get(1), 4u);
  EXPECT_EQ(a.Get(2), 7u);
  EXPECT_EQ(b.Get(0), 0u);  // the argument is unchanged
}

// A run with more tasks than the inline components spills to the heap; the
// values carry over, and joins across the two forms agree.
TEST(VectorClockTest, SpillsPastTheInlineTasksKeepingEveryComponent) {
  const TaskId far = VectorClock::kInlineTasks + 3;
  VectorClock big, small;
  for (TaskId t = 0; t < VectorClock::kInlineTasks; ++t) big.Raise(t, t + 1);
  big.Tick(far);
  EXPECT_EQ(big.size(), size_t{far} + 1);
  for (TaskId t = 0; t < VectorClock::kInlineTasks; ++t)
    EXPECT_EQ(big.Get(t), t + 1) << t;
  EXPECT_EQ(big.Get(far - 1), 0u);
  EXPECT_EQ(big.Get(far), 1u);

  small.Raise(2, 100);
  small.Join(big);  // an inline clock joining a spilled one spills
  EXPECT_EQ(small.Get(2), 100u);
  EXPECT_EQ(small.Get(far), 1u);
  big.Join(small);
  EXPECT_EQ(big.Get(2), 100u);

  VectorClock copy = big;
  EXPECT_EQ(copy.Get(far), 1u);
  copy.Tick(far);
  EXPECT_EQ(big.Get(far), 1u);  // copies are independent
}

// Clear empties a clock in either form; what was set before never shows
// through a later grow (the inline components past the size stay zero).
TEST(VectorClockTest, ClearForgetsEveryComponentInBothForms) {
  VectorClock c;
  c.Raise(5, 9);
  c.Clear();
  EXPECT_EQ(c.size(), 0u);
  c.Tick(7);
  EXPECT_EQ(c.Get(5), 0u);
  EXPECT_EQ(c.Get(7), 1u);

  c.Raise(VectorClock::kInlineTasks + 1, 2);
  c.Clear();
  EXPECT_EQ(c.size(), 0u);
  c.Tick(1);
  EXPECT_EQ(c.size(), 2u);
  EXPECT_EQ(c.Get(0), 0u);
  EXPECT_EQ(c.Get(7), 0u);
  EXPECT_EQ(c.Get(VectorClock::kInlineTasks + 1), 0u);

  VectorClock assigned;
  assigned.Raise(3, 3);
  assigned = c;  // assignment clears what was there
  EXPECT_EQ(assigned.Get(3), 0u);
  EXPECT_EQ(assigned.Get(1), 1u);
}

}  // namespace
}  // namespace sim
