// Tests of the online happens-before order: program order, conflicting
// footprints (a read after a write, a write after reads), and steps that
// conflict with every step.
#include "sim/happens_before.h"

#include "gtest/gtest.h"

namespace sim {
namespace {

constexpr ObjectId kA = 1, kB = 2;

Footprint Touching(ObjectId o, Access a) {
  Footprint f;
  f.Add(o, a);
  return f;
}

TEST(HappensBeforeTest, OrdersConflictingStepsOnly) {
  HappensBefore hb;
  const OrderStamp first = hb.Stamp(0, Touching(kA, Access::kWrite));
  hb.EndStep(0, Touching(kA, Access::kWrite));
  // Another object: independent. The same object read: after the write.
  const OrderStamp other = hb.Stamp(1, Touching(kB, Access::kRead));
  const OrderStamp reader = hb.Stamp(2, Touching(kA, Access::kRead));
  EXPECT_FALSE(StampPrecedes(first, other));
  EXPECT_TRUE(StampPrecedes(first, reader));
  EXPECT_EQ(reader.step, 1u);
  EXPECT_EQ(reader.seen[0], 1u);
}

TEST(HappensBeforeTest, ReadsCommuteAndAWriteComesAfterThem) {
  HappensBefore hb;
  hb.EndStep(0, Touching(kA, Access::kRead));
  const OrderStamp second_reader = hb.Stamp(1, Touching(kA, Access::kRead));
  hb.EndStep(1, Touching(kA, Access::kRead));
  const OrderStamp writer = hb.Stamp(2, Touching(kA, Access::kWrite));
  const OrderStamp first_reader{0, 1, {1}};
  EXPECT_FALSE(StampPrecedes(first_reader, second_reader));
  EXPECT_TRUE(StampPrecedes(first_reader, writer));
  EXPECT_TRUE(StampPrecedes(second_reader, writer));
}

TEST(HappensBeforeTest, ProgramOrderAndTransitivity) {
  HappensBefore hb;
  hb.EndStep(0, Touching(kA, Access::kWrite));  // 0: a
  hb.EndStep(1, Touching(kA, Access::kRead));   // 1: after 0's step
  hb.EndStep(1, Touching(kB, Access::kWrite));  // 1: its next step
  const OrderStamp last = hb.Stamp(2, Touching(kB, Access::kRead));
  EXPECT_EQ(last.seen[0], 1u);  // through task 1's two steps
  EXPECT_EQ(last.seen[1], 2u);
  const OrderStamp again = hb.Stamp(0, Footprint{});
  EXPECT_EQ(again.step, 2u);
  EXPECT_EQ(again.seen.size() > 1 ? again.seen[1] : 0u, 0u);
}

TEST(HappensBeforeTest, AStepThatConflictsWithAllOrdersEverything) {
  HappensBefore hb;
  hb.EndStep(0, Touching(kA, Access::kWrite));
  hb.EndStep(1, Touching(kB, Access::kWrite));
  Footprint timer;
  timer.MarkConflictsWithAll();
  const OrderStamp fired = hb.Stamp(2, timer);
  EXPECT_EQ(fired.seen[0], 1u);
  EXPECT_EQ(fired.seen[1], 1u);
  hb.EndStep(2, timer);
  // Every later step comes after it, whatever it touches.
  const OrderStamp later = hb.Stamp(0, Footprint{});
  EXPECT_EQ(later.seen[2], 1u);
  EXPECT_EQ(later.seen[1], 1u);
}

TEST(HappensBeforeTest, AWriteComesAfterEachTasksLatestReadOnly) {
  HappensBefore hb;
  hb.EndStep(0, Touching(kA, Access::kRead));   // 0's first read
  hb.EndStep(0, Touching(kB, Access::kWrite));  // 0 moves on
  hb.EndStep(0, Touching(kA, Access::kRead));   // 0 reads again
  hb.EndStep(1, Touching(kA, Access::kRead));   // 1 reads
  hb.EndStep(1, Touching(kB, Access::kRead));   // after 0's write of B
  const OrderStamp writer = hb.Stamp(2, Touching(kA, Access::kWrite));
  EXPECT_EQ(writer.seen[0], 3u);  // all three of 0's steps, through its read
  EXPECT_EQ(writer.seen[1], 1u);  // 1's read, not its later step
  hb.EndStep(2, Touching(kA, Access::kWrite));
  // After the write, the reads before it are behind the writer: a reader
  // now comes after the write alone.
  const OrderStamp reader = hb.Stamp(3, Touching(kA, Access::kRead));
  EXPECT_EQ(reader.seen[2], 1u);
  EXPECT_EQ(reader.seen[1], 1u);
  hb.Clear();
  const OrderStamp fresh = hb.Stamp(3, Touching(kA, Access::kWrite));
  EXPECT_EQ(fresh.step, 1u);
  EXPECT_EQ(fresh.seen.size(), 4u);  // nothing of the run before Clear
  for (TaskId t = 0; t < 3; ++t) EXPECT_EQ(fresh.seen[t], 0u);
}

TEST(HappensBeforeTest, AStampOutsideAnyStepComesFirst) {
  HappensBefore hb;
  const OrderStamp outside = hb.Stamp(kNoTask, Footprint{});
  const OrderStamp inside = hb.Stamp(3, Footprint{});
  EXPECT_TRUE(StampPrecedes(outside, inside));
}

}  // namespace
}  // namespace sim
