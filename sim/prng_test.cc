#include "sim/prng.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace sim {
namespace {

TEST(PrngTest, SequenceIsFixedAcrossMachines) {
  // Golden values: a change here changes every recorded seed's schedule.
  Prng p(0);
  EXPECT_EQ(p.NextU64(), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(p.NextU64(), 0x6e789e6aa1b965f4ULL);
  EXPECT_EQ(p.NextU64(), 0x06c45d188009454fULL);
}

TEST(PrngTest, UniformStaysInRangeAndCoversIt) {
  Prng p(7);
  std::set<uint64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    uint64_t v = p.Uniform(6);
    ASSERT_LT(v, 6u);
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 6u);
}

// A range near 2^64 is where a draw without rejection shows its bias: with
// n = 3 * 2^62, a plain x % n gives [0, 2^62) half of the time, not a third.
TEST(PrngTest, UniformIsUnbiasedOverALargeRange) {
  Prng p(11);
  const uint64_t n = uint64_t{3} << 62;
  int low = 0;
  constexpr int kDraws = 30000;
  for (int i = 0; i < kDraws; ++i) {
    const uint64_t v = p.Uniform(n);
    ASSERT_LT(v, n);
    low += v < (uint64_t{1} << 62);
  }
  EXPECT_GT(low, kDraws * 30 / 100);
  EXPECT_LT(low, kDraws * 37 / 100);
  EXPECT_EQ(p.Uniform(1), 0u);
}

TEST(PrngTest, ChanceHonoursItsRatio) {
  Prng p(3);
  int hits = 0;
  for (int i = 0; i < 10000; ++i) hits += p.Chance(Ratio{1, 4});
  EXPECT_GT(hits, 2200);
  EXPECT_LT(hits, 2800);
  EXPECT_FALSE(p.Chance(Ratio{}));
  EXPECT_TRUE(p.Chance(Ratio{5, 5}));
}

TEST(PrngTest, SplitStreamsAreIndependentAndDoNotAdvanceTheParent) {
  Prng root(42);
  Prng a = root.Split(0), b = root.Split(1);
  EXPECT_NE(a.NextU64(), b.NextU64());
  Prng untouched(42);
  EXPECT_EQ(root.NextU64(), untouched.NextU64());
  // Drawing from the fault stream never shifts the schedule stream.
  Prng s1 = Prng(9).Split(0), s2 = Prng(9).Split(0);
  Prng faults = Prng(9).Split(1);
  for (int i = 0; i < 100; ++i) faults.NextU64();
  EXPECT_EQ(s1.NextU64(), s2.NextU64());
}

TEST(PrngTest, NoFloatingPointInTheGenerator) {
  // Floating point rounding differs across targets; the PRNG must stay
  // integer-only.
  for (const char* file : {"sim/prng.h"}) {  // the whole generator
    std::ifstream in(std::string(DSIM_SOURCE_DIR) + "/" + file);
    ASSERT_TRUE(in.good()) << file;
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_FALSE(
        std::regex_search(ss.str(), std::regex(R"(\b(float|double)\b)")))
        << file;
  }
}

}  // namespace
}  // namespace sim
