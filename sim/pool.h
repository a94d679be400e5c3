// sim/pool.h: a per-thread free list of fixed-size blocks for what every run
// allocates and frees again: coroutine frames (sim::Task) and the executor's
// per-task state. A run then reuses the blocks of the runs before it instead
// of calling malloc, and a steady stream of runs allocates nothing here.
//
// Blocks are never given back to the system (the cache is bounded by the most
// blocks ever live at once on the thread); a block freed on another thread
// joins that thread's list. Addresses never decide anything in a run, so
// reuse cannot change a schedule. Under AddressSanitizer the pool is off:
// plain new/delete, so use-after-free of a frame is still caught and nothing
// cached looks like a leak when a thread ends.
#ifndef DSIM_SIM_POOL_H_
#define DSIM_SIM_POOL_H_

#include <cstddef>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#define DSIM_POOL_OFF 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DSIM_POOL_OFF 1
#endif
#endif

namespace sim::internal {

inline constexpr std::size_t kPoolGranule = 64;  // bytes per size class step
inline constexpr std::size_t kPoolClasses = 32;  // blocks up to 2 KiB

struct PoolLists {
  struct Block {
    Block* next;
  };
  Block* head[kPoolClasses];
};
// Zero-initialized and trivially destructible: no guard, no destructor order
// at thread exit.
inline thread_local constinit PoolLists pool_lists{};

inline void* PoolAllocate(std::size_t n) {
#ifndef DSIM_POOL_OFF
  const std::size_t c = n == 0 ? 0 : (n - 1) / kPoolGranule;
  if (c < kPoolClasses) {
    PoolLists::Block*& head = pool_lists.head[c];
    if (head != nullptr) {
      PoolLists::Block* b = head;
      head = b->next;
      return b;
    }
    return ::operator new((c + 1) * kPoolGranule);
  }
#endif
  return ::operator new(n);
}

// REQUIRES: `n` is the size `p` was allocated with.
inline void PoolFree(void* p, [[maybe_unused]] std::size_t n) noexcept {
#ifndef DSIM_POOL_OFF
  const std::size_t c = n == 0 ? 0 : (n - 1) / kPoolGranule;
  if (c < kPoolClasses) {
    auto* b = static_cast<PoolLists::Block*>(p);
    b->next = pool_lists.head[c];
    pool_lists.head[c] = b;
    return;
  }
#endif
  ::operator delete(p);
}

// A standard allocator on the pool, for std::allocate_shared of the state a
// program builds every run.
template <typename T>
struct PoolAllocator {
  using value_type = T;
  PoolAllocator() = default;
  template <typename U>
  PoolAllocator(const PoolAllocator<U>&) {}  // NOLINT: rebinding
  T* allocate(std::size_t n) {
    return static_cast<T*>(PoolAllocate(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept { PoolFree(p, n * sizeof(T)); }
  template <typename U>
  bool operator==(const PoolAllocator<U>&) const {
    return true;
  }
};

}  // namespace sim::internal

#endif  // DSIM_SIM_POOL_H_
