// appendFile: a gathered positional write, and optionally a data sync, on the libuv thread
// pool. The Promise settles back on the main thread.
#include "segment_io.h"

#include <sys/uio.h>
#include <unistd.h>
#include <uv.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <string>
#include <utility>
#include <vector>

#include "js_values.h"

namespace sluice {
namespace {

// What a failed system call left behind, for the rejection.
struct SyscallFailure {
  int error = 0;  // errno; 0 when nothing failed
  const char* syscall = nullptr;
};

// Writes every byte of the chunks at position, resuming after short writes and interrupts.
// Never passes more than IOV_MAX chunks to one call, as the kernel refuses more.
SyscallFailure WriteAll(int fd, off_t position, std::vector<iovec>& chunks) {
  size_t next = 0;  // first chunk not fully written
  while (next < chunks.size()) {
    const int count = static_cast<int>(std::min<size_t>(chunks.size() - next, IOV_MAX));
    const ssize_t written = pwritev(fd, &chunks[next], count, position);
    if (written < 0) {
      if (errno == EINTR) continue;
      return {errno, "pwritev"};
    }
    // A regular file only writes nothing when asked for nothing; never spin on it.
    if (written == 0) return {EIO, "pwritev"};
    position += written;
    for (size_t left = static_cast<size_t>(written); left > 0;) {
      iovec& chunk = chunks[next];
      if (left < chunk.iov_len) {
        chunk.iov_base = static_cast<char*>(chunk.iov_base) + left;
        chunk.iov_len -= left;
        left = 0;
      } else {
        left -= chunk.iov_len;
        ++next;
      }
    }
  }
  return {};
}

SyscallFailure SyncData(int fd) {
#if defined(__APPLE__)
  // macOS has no fdatasync; fsync is its nearest equivalent.
  while (fsync(fd) != 0) {
    if (errno != EINTR) return {errno, "fsync"};
  }
#else
  while (fdatasync(fd) != 0) {
    if (errno != EINTR) return {errno, "fdatasync"};
  }
#endif
  return {};
}

// An Error shaped like node:fs's: "EBADF: bad file descriptor, pwritev", with errno (libuv's
// negative code, as fs sets it), code and syscall.
Napi::Error MakeSyscallError(Napi::Env env, const SyscallFailure& failure) {
  const int code = uv_translate_sys_error(failure.error);
  const std::string name = uv_err_name(code);
  Napi::Error error =
      Napi::Error::New(env, name + ": " + uv_strerror(code) + ", " + failure.syscall);
  Napi::Object object = error.Value();
  object.Set("errno", Napi::Number::New(env, code));
  object.Set("code", Napi::String::New(env, name));
  object.Set("syscall", Napi::String::New(env, failure.syscall));
  return error;
}

class AppendWorker final : public Napi::AsyncWorker {
 public:
  AppendWorker(Napi::Env env, int fd, off_t position, std::vector<iovec> chunks, bool sync,
               Napi::Array buffers)
      : Napi::AsyncWorker(env, "sluice:appendFile"),
        deferred_(Napi::Promise::Deferred::New(env)),
        buffers_(Napi::Persistent(Napi::Object(buffers))),
        fd_(fd),
        position_(position),
        chunks_(std::move(chunks)),
        sync_(sync) {}

  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  // Thread pool: no JavaScript values may be touched here.
  void Execute() override {
    failure_ = WriteAll(fd_, position_, chunks_);
    if (failure_.error == 0 && sync_) failure_ = SyncData(fd_);
  }

  // Main thread, inside a handle scope opened by AsyncWorker.
  void OnOK() override {
    if (failure_.error != 0) {
      deferred_.Reject(MakeSyscallError(Env(), failure_).Value());
    } else {
      deferred_.Resolve(Env().Undefined());
    }
  }

 private:
  Napi::Promise::Deferred deferred_;
  // Holds the Uint8Arrays, and so the memory chunks_ points into, until the worker is deleted.
  Napi::ObjectReference buffers_;
  const int fd_;
  const off_t position_;
  std::vector<iovec> chunks_;
  const bool sync_;
  SyscallFailure failure_;
};

}  // namespace

Napi::Value AppendFile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber() || !info[1].IsNumber() || !info[2].IsArray()) {
    return ThrowTypeError(env, "appendFile(fd, position, buffers, sync)");
  }
  const int fd = info[0].As<Napi::Number>().Int32Value();
  const off_t position = static_cast<off_t>(info[1].As<Napi::Number>().Int64Value());
  const bool sync = info[3].ToBoolean().Value();
  Napi::Array given = info[2].As<Napi::Array>();
  const uint32_t count = given.Length();

  // A private copy of the list: the caller may reuse its array as soon as we return.
  Napi::Array kept = Napi::Array::New(env, count);
  std::vector<iovec> chunks;
  chunks.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    Napi::Value buffer = given.Get(i);
    ByteView view;
    if (!GetUint8Array(env, buffer, &view)) return ThrowTypeError(env, "buffers must be Uint8Arrays");
    kept.Set(i, buffer);
    if (view.length > 0) chunks.push_back({view.data, view.length});
  }

  auto* worker = new AppendWorker(env, fd, position, std::move(chunks), sync, kept);
  Napi::Promise promise = worker->Promise();
  worker->Queue();  // the worker deletes itself once it has settled the promise
  return promise;
}

}  // namespace sluice
