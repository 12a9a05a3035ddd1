// A pool of blocks for large socket reads (the client's Fetch responses). A fresh buffer of
// megabytes is new anonymous memory: the kernel faults in and zeroes each page as the socket
// read first touches it. A consumer reading 1 KiB records took 77-123k page faults per GB and
// spent about half its CPU in the kernel. Blocks are sized in powers of two and mapped with
// transparent huge pages where the kernel offers them. The pool is shared by every thread
// (worker threads, and finalizers wherever they run).
#include "receive_buffers.h"

#include <sys/mman.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include "js_values.h"

namespace sluice {
namespace {

constexpr size_t kSmallestBlockBytes = size_t{256} * 1024;
constexpr size_t kSizeClasses = 13;  // 256 KiB .. 1 GiB
constexpr size_t kMaxIdleBytes = size_t{64} * 1024 * 1024;
constexpr size_t kHugePageBytes = size_t{2} * 1024 * 1024;

struct Block {
  void* data;
  size_t sizeClass;
  bool reused;        // came from the idle list, rather than newly mapped
  size_t length = 0;  // of the Buffer made over it
};

struct PoolCounts {
  double mapped = 0;      // blocks mapped so far
  double reused = 0;      // buffers made over idle blocks so far
  double idleBytes = 0;   // in idle blocks now
  double discounted = 0;  // bytes of live buffers kept off V8's external-memory count
};

size_t BlockBytes(size_t sizeClass) { return kSmallestBlockBytes << sizeClass; }

// The smallest class holding `length`, or kSizeClasses when none does.
size_t SizeClassFor(size_t length) {
  size_t sizeClass = 0;
  while (sizeClass < kSizeClasses && BlockBytes(sizeClass) < length) ++sizeClass;
  return sizeClass;
}

void* MapBlock(size_t bytes) {
  void* data = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (data == MAP_FAILED) return nullptr;
#ifdef MADV_HUGEPAGE
  if (bytes >= kHugePageBytes) madvise(data, bytes, MADV_HUGEPAGE);  // a hint; failure is fine
#endif
  return data;
}

class BlockPool {
 public:
  // A block of the class, idle or newly mapped; data is null when mapping failed.
  Block Take(size_t sizeClass) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      std::vector<void*>& idle = idle_[sizeClass];
      if (!idle.empty()) {
        void* data = idle.back();
        idle.pop_back();
        idleBytes_ -= BlockBytes(sizeClass);
        counts_.reused += 1;
        return {data, sizeClass, true};
      }
    }
    void* data = MapBlock(BlockBytes(sizeClass));
    if (data != nullptr) Count([](PoolCounts& counts) { counts.mapped += 1; });
    return {data, sizeClass, false};
  }

  // Keeps the block for reuse while the idle ones stay under kMaxIdleBytes; unmaps it otherwise.
  void Give(const Block& block) {
    const size_t bytes = BlockBytes(block.sizeClass);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (idleBytes_ + bytes <= kMaxIdleBytes) {
        idle_[block.sizeClass].push_back(block.data);
        idleBytes_ += bytes;
        return;
      }
    }
    munmap(block.data, bytes);
  }

  template <typename Change>
  void Count(Change change) {
    std::lock_guard<std::mutex> lock(mutex_);
    change(counts_);
  }

  PoolCounts Counts() {
    std::lock_guard<std::mutex> lock(mutex_);
    PoolCounts counts = counts_;
    counts.idleBytes = static_cast<double>(idleBytes_);
    return counts;
  }

 private:
  std::mutex mutex_;
  std::array<std::vector<void*>, kSizeClasses> idle_;
  size_t idleBytes_ = 0;
  PoolCounts counts_;
};

// Never destroyed: finalizers may still return blocks while the process exits.
BlockPool& Pool() {
  static BlockPool* pool = new BlockPool();
  return *pool;
}

// V8 counts every new ArrayBuffer as external memory and, after 64 MiB of it, runs a full
// collection: a consumer at 1.5 GB/s got about 20 a second. Reused memory is not new, so a
// buffer over a reused block is taken off the count while it lives (and put back as V8 drops
// it). Newly mapped blocks still count, and still push the collector to free those in use.
void Discount(Napi::Env env, const Block& block, int64_t sign) {
  Napi::MemoryManagement::AdjustExternalMemory(env, -sign * static_cast<int64_t>(block.length));
  const double change = static_cast<double>(sign) * static_cast<double>(block.length);
  Pool().Count([change](PoolCounts& counts) { counts.discounted += change; });
}

void ReturnBlock(Napi::Env env, uint8_t* /*data*/, Block* block) {
  if (block->reused) Discount(env, *block, -1);
  Pool().Give(*block);
  delete block;
}

}  // namespace

Napi::Value AllocateReceiveBuffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) return ThrowTypeError(env, "allocateReceiveBuffer(length)");
  const double requested = info[0].As<Napi::Number>().DoubleValue();
  const size_t length = requested > 0 ? static_cast<size_t>(requested) : 0;
  const size_t sizeClass = SizeClassFor(length);
  Block taken = sizeClass < kSizeClasses ? Pool().Take(sizeClass) : Block{nullptr, 0, false};
  // Too large for a class, or no memory to map: an ordinary buffer, as Buffer.allocUnsafe would give.
  if (taken.data == nullptr) return Napi::Buffer<uint8_t>::New(env, length);
  auto* block = new Block(taken);
  block->length = length;
  Napi::Buffer<uint8_t> buffer =
      Napi::Buffer<uint8_t>::New(env, static_cast<uint8_t*>(block->data), length, ReturnBlock, block);
  if (block->reused) Discount(env, *block, 1);
  return buffer;
}

Napi::Value ReceiveBufferStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const PoolCounts counts = Pool().Counts();
  Napi::Object stats = Napi::Object::New(env);
  stats.Set("blocksMapped", counts.mapped);
  stats.Set("blocksReused", counts.reused);
  stats.Set("idleBytes", counts.idleBytes);
  stats.Set("discountedBytes", counts.discounted);
  return stats;
}

}  // namespace sluice
