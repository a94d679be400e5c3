// tools/heap_cache.cc, linked into this test as into dsim: every block fits
// its request whichever delete freed it, freed blocks come back, and blocks
// freed on another thread or around a thread's end stay usable.
#include <gtest/gtest.h>
#include <malloc.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <thread>
#include <vector>

namespace {

bool CacheOn() {
#if defined(__SANITIZE_ADDRESS__)
  return false;
#else
  return true;
#endif
}

TEST(HeapCacheTest, EveryBlockFitsItsRequest) {
  // Free blocks of every size both ways, then ask for every size again: each
  // block handed out holds its request, and writing it all is fine.
  for (int round = 0; round < 3; ++round) {
    std::vector<std::pair<void*, size_t>> blocks;
    for (size_t n = 0; n <= 1100; n += (n < 64 ? 1 : 7)) {
      void* p = ::operator new(n);
      ASSERT_GE(malloc_usable_size(p), n);
      std::memset(p, 0xab, n);
      blocks.emplace_back(p, n);
    }
    for (size_t i = 0; i < blocks.size(); ++i) {
      auto [p, n] = blocks[i];
      if (i % 2 == 0) {
        ::operator delete(p);
      } else {
        ::operator delete(p, n);
      }
    }
  }
}

TEST(HeapCacheTest, FreedBlocksComeBack) {
  if (!CacheOn()) GTEST_SKIP() << "off under AddressSanitizer";
  // Reserved first: no allocation of the test's own between the two rounds.
  std::vector<void*> first, second;
  first.reserve(64);
  second.reserve(64);
  for (int i = 0; i < 64; ++i) first.push_back(::operator new(40));
  // Sized: cached under the request's class, whatever chunk malloc gave.
  for (void* p : first) ::operator delete(p, 40);
  for (int i = 0; i < 64; ++i) second.push_back(::operator new(40));
  std::sort(first.begin(), first.end());
  std::sort(second.begin(), second.end());
  EXPECT_EQ(second, first);
  for (void* p : second) ::operator delete(p);
}

TEST(HeapCacheTest, BlocksCrossThreadsAndOutliveThem) {
  std::vector<char*> made;
  for (int i = 0; i < 1000; ++i) made.push_back(new char[24 + i % 200]);
  // Another thread frees them (into its cache), allocates its own, and ends:
  // its cache goes back to malloc.
  std::vector<char*> kept;
  std::thread t([&made, &kept] {
    for (char* p : made) delete[] p;
    for (int i = 0; i < 1000; ++i) {
      char* p = new char[100];
      std::memset(p, 1, 100);
      kept.push_back(p);
    }
  });
  t.join();
  // Its blocks are still good here.
  for (char* p : kept) {
    EXPECT_EQ(p[99], 1);
    delete[] p;
  }
  std::vector<std::vector<int>> again(500, std::vector<int>(10, 7));
  for (const auto& v : again) EXPECT_EQ(v[9], 7);
}

TEST(HeapCacheTest, NothrowAndArrayFormsPair) {
  int* a = new (std::nothrow) int[50];
  ASSERT_NE(a, nullptr);
  std::fill(a, a + 50, 3);
  delete[] a;
  int* b = new (std::nothrow) int(4);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(*b, 4);
  delete b;
}

}  // namespace
