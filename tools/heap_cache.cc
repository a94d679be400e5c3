// tools/heap_cache.cc: the dsim binary's operator new and delete, a per-thread
// cache of freed blocks by size class in front of malloc.
//
// A simulated run allocates some 800 small blocks and frees them again
// (protobuf strings and messages, std::function, vectors of the model and the
// harness). glibc's own per-thread cache keeps 7 blocks of a size, so most of
// those frees took its slow path: malloc and free were a fifth of `dsim
// explore` (docs/BENCHMARKS.md, session 23). Here a thread keeps up to
// kBudgetBytes of freed blocks, and the next runs take them back.
//
// The blocks stay malloc's: a block is cached under its malloc chunk size
// (malloc_usable_size when delete is not told the size), taken for any request
// that fits that chunk, and given to free() beyond the budget and when the
// thread ends. Addresses never decide anything in a run, so reuse cannot change
// a schedule. Off under AddressSanitizer (its malloc sees every new and
// delete, so use-after-free is still caught) and with DSIM_HEAP_CACHE=off in
// the environment (for valgrind).
#if defined(__SANITIZE_ADDRESS__)
#define DSIM_HEAP_CACHE_OFF 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DSIM_HEAP_CACHE_OFF 1
#endif
#endif

#ifndef DSIM_HEAP_CACHE_OFF

#include <malloc.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>

namespace {

// glibc's chunk of a request: request + 8, rounded up to 16, at least 32. A
// class is a chunk size / 16; classes up to 1 KiB chunks are cached.
constexpr std::size_t kClasses = 65;
constexpr std::size_t kBudgetBytes = std::size_t{16} << 20;

inline std::size_t ClassOfRequest(std::size_t n) {
  const std::size_t chunk = (n + 8 + 15) & ~std::size_t{15};
  return (chunk < 32 ? 32 : chunk) >> 4;
}
// The class of an allocated block's chunk, from its usable size.
inline std::size_t ClassOfUsable(std::size_t usable) {
  return (usable + 8) >> 4;
}

struct Cache {
  struct Block {
    Block* next;
  };
  Block* head[kClasses];
  std::size_t bytes;
  // The thread's Flush is set to run at thread exit, and the cache is neither
  // disabled nor flushed: one flag for Release's fast path to read.
  bool on;
  bool off;  // never (DSIM_HEAP_CACHE=off) or no longer (thread ended)
};
// Zero-initialized and trivially destructible, so reading it needs no guard;
// Flush empties it at thread exit.
thread_local constinit Cache cache{};

void FreeAll() {
  cache.off = true;
  cache.on = false;
  for (Cache::Block*& head : cache.head) {
    while (head != nullptr) {
      Cache::Block* b = head;
      head = b->next;
      std::free(b);
    }
  }
  cache.bytes = 0;
}

struct Flush {
  ~Flush() { FreeAll(); }
};

bool DisabledByEnvironment() {
  const char* v = std::getenv("DSIM_HEAP_CACHE");
  return v != nullptr && std::strcmp(v, "off") == 0;
}

void* Allocate(std::size_t n) {
  const std::size_t c = ClassOfRequest(n);
  if (c < kClasses) {
    if (Cache::Block* b = cache.head[c]; b != nullptr) {
      cache.head[c] = b->next;
      cache.bytes -= c << 4;
      return b;
    }
  }
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}

void Push(void* p, std::size_t c) {
  auto* b = static_cast<Cache::Block*>(p);
  b->next = cache.head[c];
  cache.head[c] = b;
  cache.bytes += c << 4;
}

// The first release on a thread (which sets up its Flush), and every block
// the cache does not keep. Out of line: the fast path below is a few
// instructions in each operator delete.
[[gnu::noinline]] void ReleaseSlow(void* p, std::size_t c) noexcept {
  // Read at the first release, which may come before this file's own
  // static initialisers have run.
  static const bool disabled = DisabledByEnvironment();
  if (c < kClasses && !cache.off && !disabled &&
      cache.bytes + (c << 4) <= kBudgetBytes) {
    // Not yet on, yet not off: this is the thread's first release.
    if (!cache.on) {
      thread_local Flush flush;  // constructed here, destroyed at thread exit
      (void)flush;
      cache.on = true;
    }
    Push(p, c);
    return;
  }
  std::free(p);
}

inline void Release(void* p, std::size_t c) noexcept {
  if (c < kClasses && cache.on && cache.bytes + (c << 4) <= kBudgetBytes) {
    Push(p, c);
    return;
  }
  ReleaseSlow(p, c);
}

void Release(void* p) noexcept {
  if (p != nullptr) Release(p, ClassOfUsable(malloc_usable_size(p)));
}

// A sized delete names the request, whose class the block's chunk is at least.
void ReleaseSized(void* p, std::size_t n) noexcept {
  if (p != nullptr) Release(p, ClassOfRequest(n));
}

}  // namespace

void* operator new(std::size_t n) { return Allocate(n); }
void* operator new[](std::size_t n) { return Allocate(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return Allocate(n);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return Allocate(n);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void operator delete(void* p) noexcept { Release(p); }
void operator delete[](void* p) noexcept { Release(p); }
void operator delete(void* p, std::size_t n) noexcept { ReleaseSized(p, n); }
void operator delete[](void* p, std::size_t n) noexcept { ReleaseSized(p, n); }
void operator delete(void* p, const std::nothrow_t&) noexcept { Release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { Release(p); }

#endif  // DSIM_HEAP_CACHE_OFF
