// Turning JavaScript argument values into C++ ones: the bytes behind a Uint8Array (without
// copying), and numbers as int64.
#ifndef SLUICE_NATIVE_JS_VALUES_H_
#define SLUICE_NATIVE_JS_VALUES_H_

#include <napi.h>

#include <cmath>
#include <cstddef>
#include <cstdint>

namespace sluice {

struct ByteView {
  uint8_t* data = nullptr;  // may be null when length is 0
  size_t length = 0;
};

/**
 * The bytes of a Uint8Array view, honouring its byteOffset and byteLength; false when the
 * value is anything else. Node-API already offsets the data pointer to the view's start.
 */
inline bool GetUint8Array(napi_env env, napi_value value, ByteView* view) {
  // napi_get_typedarray_info itself refuses anything but a typed array (napi_invalid_arg).
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (napi_get_typedarray_info(env, value, &type, &length, &data, nullptr, nullptr) != napi_ok ||
      type != napi_uint8_array) {
    return false;
  }
  view->data = static_cast<uint8_t*>(data);
  view->length = length;
  return true;
}

/** The doubles of a Float64Array view; false when the value is anything else. */
inline bool GetFloat64Array(napi_env env, napi_value value, double** data, size_t* length) {
  napi_typedarray_type type;
  void* raw = nullptr;
  if (napi_get_typedarray_info(env, value, &type, length, &raw, nullptr, nullptr) != napi_ok ||
      type != napi_float64_array) {
    return false;
  }
  *data = static_cast<double*>(raw);
  return true;
}

/**
 * A JavaScript number as an int64: rounded down (for integer keys, key <= x exactly when
 * key <= floor(x)) and clamped to the int64 range, since converting an out-of-range double is
 * undefined behaviour in C++. NaN is the caller's to handle.
 */
inline int64_t FloorToInt64(double value) {
  constexpr double kTwoTo63 = 9223372036854775808.0;  // exactly representable
  const double floored = std::floor(value);
  if (floored >= kTwoTo63) return INT64_MAX;
  if (floored < -kTwoTo63) return INT64_MIN;
  return static_cast<int64_t>(floored);
}

/** Throws a TypeError into JavaScript and gives the value a binding returns alongside it. */
inline Napi::Value ThrowTypeError(Napi::Env env, const char* message) {
  Napi::TypeError::New(env, message).ThrowAsJavaScriptException();
  return env.Undefined();
}

}  // namespace sluice

#endif  // SLUICE_NATIVE_JS_VALUES_H_
